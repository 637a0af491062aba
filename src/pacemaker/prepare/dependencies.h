// The prepare step's dependency installs (SPEC §5.4): for each language
// runtime the manifest uses (an instance type's runtime or
// application.prepare.runtime), the app's dependencies are installed into
// the package, before the manifest's prepare commands (which may need them),
// as the prepare commands run (prepare_user.h: never as root):
//
//   python  requirements.txt  pip install --target .paasmaker/python-packages
//   node    package.json      npm ci (package-lock.json or npm-shrinkwrap.json),
//                             else npm install -> node_modules/
//   php     composer.json     composer install -> vendor/ (composer must be
//                             installed; FailedPrecondition naming it if not)
//   ruby    Gemfile           bundle install into vendor/bundle (.bundle/config)
//
// Everything installed lives inside the package with relative paths, because
// the heart unpacks it elsewhere (<working_dir>/instance/<id>): the paths a
// venv writes (its bin/python links to /usr/bin, which the packer refuses,
// and scripts naming the prepare dir) would not survive, while pip --target
// leaves plain files that PYTHONPATH finds wherever they land
// (heart/language_runtimes.h). Package managers' caches go to
// .paasmaker/cache (RemoveDependencyCaches drops it before packing).
//
// A failed install says what failed and, because this machine may not reach
// the package registries, how to install offline (vendored wheels with
// --find-links, local `file:` dependencies, bundle cache).
//
// Pure except for the files checked in the work dir; thread safe.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "core/result.h"
#include "model/manifest.h"

namespace paasmaker::pacemaker::prepare {

struct DependencyInstall {
  std::string runtime;                     // the runtime plugin it is for
  std::string description;                 // "python: pip install -r requirements.txt" (for the log)
  std::string command;                     // for /bin/sh -c, in the work dir
  std::map<std::string, std::string> env;  // over the prepare environment
  std::string offline_hint;                // appended to the error when it fails
};

// What to install for `manifest` in `work_dir`, in runtime order (python,
// node, php, ruby); empty when nothing applies. FailedPrecondition when a
// dependency file needs a tool that is not installed here (composer, bundle,
// npm, python3), naming it and its Debian package.
Result<std::vector<DependencyInstall>> DependencyInstalls(const model::Manifest& manifest, const std::string& work_dir);

// Removes <work_dir>/.paasmaker/cache (and .paasmaker when then empty).
void RemoveDependencyCaches(const std::string& work_dir);

}  // namespace paasmaker::pacemaker::prepare
