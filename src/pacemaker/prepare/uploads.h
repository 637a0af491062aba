// Uploads: resumable, size-limited file uploads (SPEC §8.2), consumed by the
// tarball and zip SCM plugins by upload_id.
//
//   POST /api/v1/uploads            {"filename", "size"} -> {"upload": {...}}
//   PUT  /api/v1/uploads/<id>?offset=N   raw bytes appended at N
//   GET  /api/v1/uploads/<id>       -> {"upload": {...}} (resume from "received")
//
// A chunk is accepted only at offset == received (else FailedPrecondition,
// 409, with the current upload in the data, so a client resumes from there)
// and only up to the announced size, which is itself at most
// pacemaker.max_upload_size (TooLarge, 413).
// Only the user who created an upload may use it (403). The bytes live in
// <data>/uploads/<file id>; the row in ApplicationStore records the path.
//
// The route table checks FILE_UPLOAD; handlers are thread safe (chunks of one
// upload are serialised).
#pragma once

#include "config/node_config.h"
#include "core/concurrency_limit.h"
#include "core/http.h"
#include "pacemaker/auth.h"
#include "pacemaker/endpoints/endpoint.h"
#include "pacemaker/store/application_store.h"

namespace paasmaker::pacemaker::prepare {

struct UploadsContext {
  const config::NodeConfig& config;  // pacemaker.max_upload_size; the data dir the bytes go to
  ApplicationStore& apps;            // the uploads' rows
  ConcurrencyLimit& chunks;          // chunks being received at once (pacemaker.max_uploads*)
};

// Each also comes written into a Response, as the route table writes it, for
// callers that hold one rather than a server (the prepare unit tests).
PM_ENDPOINT(UploadsContext, api::Reply, CreateUpload);
void CreateUpload(UploadsContext& ctx, const http::Request& req, http::Response& res, const Principal& who);
// req.params[0] = upload id; query offset.
PM_ENDPOINT(UploadsContext, nlohmann::json, PutUploadChunk);
void PutUploadChunk(UploadsContext& ctx, const http::Request& req, http::Response& res, const Principal& who);
// req.params[0] = upload id.
PM_ENDPOINT(UploadsContext, nlohmann::json, ShowUpload);
void ShowUpload(UploadsContext& ctx, const http::Request& req, http::Response& res, const Principal& who);

// Who owns uploads made with these credentials ("super" for the super token).
std::string UploadOwner(const Principal& who);

}  // namespace paasmaker::pacemaker::prepare
