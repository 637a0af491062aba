// UploadFile: sends a local file to the pacemaker's resumable upload API
// (docs/lifecycle.md, "API"):
//   POST /api/v1/uploads {"filename", "size"}      → {"upload": {"upload_id", "received", ...}}
//   PUT  /api/v1/uploads/<id>?offset=N  raw bytes   (N must equal `received`, else 409)
//   GET  /api/v1/uploads/<id>                       → where to resume
// The file goes in chunks. When a chunk fails in a way that may pass (409,
// a dropped connection, a 5xx) the uploader asks the server how much it has
// and resumes from there, up to `max_retries` failures in a row.
//
// Blocking; runs on the caller's thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

#include "cli/api_client.h"
#include "core/result.h"

namespace paasmaker::cli {

struct UploadOptions {
  size_t chunk_bytes = 1 << 20;
  int max_retries = 5;
  std::chrono::milliseconds retry_delay{300};  // grows with each failure in a row
  std::string filename;                         // default: the file's base name
  // Called after each accepted chunk with (received, size).
  std::function<void(uint64_t, uint64_t)> on_progress;
};

// Returns the upload id once the server has every byte.
Result<std::string> UploadFile(ApiClient& api, const std::string& path, const UploadOptions& options = {});

}  // namespace paasmaker::cli
