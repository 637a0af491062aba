// The services API (SPEC §8.4): an application's services, their
// credentials, their data out and in, and a new password. A service is
// named by its application and its manifest name, as `paasmaker service`
// names it.
//
//   GET  /api/v1/applications/<id>/services                    SERVICE_VIEW
//   GET  /api/v1/applications/<id>/services/<name>             SERVICE_VIEW
//        ?credentials=true adds credentials and parameters     + SERVICE_CREDENTIAL_VIEW
//   GET  /api/v1/applications/<id>/services/<name>/export      SERVICE_EXPORT
//        the dump itself (application/octet-stream, attachment)
//   POST /api/v1/applications/<id>/services/<name>/import      SERVICE_IMPORT
//        {"upload_id"}: a complete upload of the caller's (uploads.h)
//
// Permissions are on the application's workspace. Credentials are secrets:
// without SERVICE_CREDENTIAL_VIEW (or unasked) neither credentials nor
// parameters are shown (a parameters service's parameters are its
// credentials). A plugin that cannot move data says so (409, naming it);
// an import that fails leaves the service's data as it was (the plugin's
// contract, service_plugin.h) and says why; the upload stays, for another
// try (uploads are retired like a deploy's).
//
// An export is written to <data>/services/dumps (0700), opened, and
// unlinked before it is streamed: nothing is left behind by a client that
// goes away. Export and import run in the calling worker (dumps of an app's
// database take seconds, not minutes). Thread safe.
#pragma once

#include "config/node_config.h"
#include "pacemaker/endpoints/endpoint.h"
#include "pacemaker/services/service_plugin.h"
#include "pacemaker/store/application_store.h"

namespace paasmaker::pacemaker::services {

struct ServiceEndpointsContext {
  const config::NodeConfig& config;  // the data dir the dumps go to
  ApplicationStore& apps;            // applications, services, uploads
  ServiceContext services;           // what the plugins run with
};

PM_ENDPOINT(ServiceEndpointsContext, nlohmann::json, ListServices);
PM_ENDPOINT(ServiceEndpointsContext, nlohmann::json, ShowService);
PM_ENDPOINT(ServiceEndpointsContext, api::Reply, ExportService);
PM_ENDPOINT(ServiceEndpointsContext, nlohmann::json, ImportService);

}  // namespace paasmaker::pacemaker::services
