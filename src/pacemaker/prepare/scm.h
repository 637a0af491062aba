// SCM plugins (SPEC §8.2): where a version's source comes from.
//
//   paasmaker.scm.tarball    {"upload_id"} or {"path"}: a .tar.gz/.tgz/.tar.bz2/.tar.xz
//                            (format detected from the content)
//   paasmaker.scm.zip        {"upload_id"} or {"path"}: a .zip
//   paasmaker.scm.git        {"location", "branch"?, "revision"?}: cloned; the
//                            revision checked out is recorded
//   paasmaker.scm.directory  {"path"}: an absolute directory on the pacemaker,
//                            copied (for development)
//
// Archives are unpacked with archives::Unpack, which refuses anything that
// would escape the work dir (see core/archive.h). An archive whose content is
// one top-level directory holding manifest.yml (a GitHub tarball) is unpacked
// from inside that directory. Local paths (tarball/zip/directory) may not lie
// in the pacemaker's data dir, which holds its secrets.
//
// Fetch creates `work_dir` (which must not exist yet) and fills it; on
// failure it removes what it made. Plugins are stateless and shared;
// Fetch runs on a job worker thread.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/result.h"
#include "jobs/job_logs.h"
#include "pacemaker/store/application_store.h"

namespace paasmaker::pacemaker::prepare {

struct ScmResult {
  std::string revision;  // git: the commit checked out; empty otherwise
};

struct ScmContext {
  ApplicationStore* apps = nullptr;  // uploads by id
  std::string data_dir;              // refused as a local source
  jobs::JobLog* log = nullptr;       // required
  std::function<bool()> aborted;     // optional
};

class ScmPlugin {
 public:
  virtual ~ScmPlugin() = default;
  virtual std::string name() const = 0;
  // InvalidArgument naming the field ("scm.parameters.location: required").
  virtual Status Validate(const nlohmann::json& parameters) const = 0;
  virtual Result<ScmResult> Fetch(const nlohmann::json& parameters, const std::string& work_dir,
                                  ScmContext& context) const = 0;
};

// The built-in plugin called `name`, or null.
const ScmPlugin* FindScmPlugin(const std::string& name);
std::vector<std::string> ScmPluginNames();

// Checks an {"plugin", "parameters"} spec: known plugin, valid parameters.
Status ValidateScmSpec(const nlohmann::json& scm);

// The spec as stored with a version: secrets (passwords, tokens, the password
// of a URL's user info) removed.
nlohmann::json ScmSpecWithoutSecrets(const nlohmann::json& scm);

}  // namespace paasmaker::pacemaker::prepare
