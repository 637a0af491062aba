#include "pacemaker/prepare/dependencies.h"

#include <unistd.h>

#include <filesystem>
#include <set>
#include <sstream>

#include "core/clean_environment.h"
#include "core/files.h"
#include "model/package_layout.h"
#include "model/runtime_names.h"

namespace paasmaker::pacemaker::prepare {

namespace {

constexpr const char* kCacheDir = ".paasmaker/cache";

// `name` on the system PATH that prepare commands get (clean_environment.h).
bool OnSystemPath(const std::string& name) {
  std::stringstream path(process::kSystemPath);
  std::string dir;
  while (std::getline(path, dir, ':')) {
    if (::access((dir + "/" + name).c_str(), X_OK) == 0) return true;
  }
  return false;
}

Status NeedTool(const std::string& tool, const std::string& debian_package, const std::string& file) {
  if (OnSystemPath(tool)) return Status::Ok();
  return FailedPrecondition(file + " is in the source, but " + tool + " is not installed on the pacemaker (Debian package " +
                            debian_package + "; scripts/install-deps installs it), so its dependencies cannot be installed");
}

DependencyInstall Python() {
  DependencyInstall install;
  install.runtime = model::kPythonRuntime;
  install.description = "python: pip install -r requirements.txt into " + std::string(model::kPythonPackagesDir);
  // --no-build-isolation: a source package (a local path included) builds
  // with the pacemaker's setuptools and wheel rather than ones downloaded
  // for the build, so a requirements.txt of local paths and vendored wheels
  // needs no network. --retries 0 / --timeout: an unreachable index fails in
  // seconds, not minutes. --target is not refused by Debian's
  // externally-managed Python (it installs into no environment).
  install.command =
      "python3 -m pip --version >/dev/null 2>&1 || { echo 'pip is not installed for python3 on the pacemaker "
      "(Debian package python3-pip)' >&2; exit 1; }; "
      "exec python3 -m pip install --target " + std::string(model::kPythonPackagesDir) +
      " -r requirements.txt --no-input --disable-pip-version-check --no-cache-dir --no-build-isolation"
      " --no-warn-script-location --retries 0 --timeout 15";
  install.env = {{"PIP_NO_INPUT", "1"}};
  install.offline_hint =
      "pip could not install requirements.txt. If the cause is the network: the pacemaker may not reach PyPI (or "
      "the index requirements.txt names). Install offline by vendoring the packages in the source: run "
      "`pip download -r requirements.txt -d wheels` where PyPI is reachable, commit wheels/, and start "
      "requirements.txt with `--no-index` and `--find-links wheels`; or list local paths (./libs/mypackage). "
      "Source packages build with the pacemaker's setuptools (no isolated build), so one that needs another "
      "build backend must be vendored as a wheel.";
  return install;
}

DependencyInstall Node(const std::string& work_dir) {
  bool locked = files::Exists(work_dir + "/package-lock.json") || files::Exists(work_dir + "/npm-shrinkwrap.json");
  DependencyInstall install;
  install.runtime = model::kNodeRuntime;
  // npm ci installs exactly the lockfile, or fails when package.json and it
  // disagree; without a lockfile there is only npm install.
  std::string verb = locked ? "ci" : "install";
  install.description = "node: npm " + verb + " (package.json" + (locked ? ", lockfile" : ", no lockfile") + ")";
  install.command = "exec npm " + verb + " --no-audit --no-fund --no-update-notifier";
  install.env = {{"npm_config_cache", work_dir + "/" + kCacheDir + "/npm"}};
  install.offline_hint =
      "npm could not install package.json's dependencies. If the cause is the network: the pacemaker may not reach "
      "the npm registry. Install offline with dependencies that are local `file:` paths (or vendored .tgz files) "
      "pinned by a committed package-lock.json, or commit node_modules/ and leave package.json out.";
  return install;
}

DependencyInstall Php(const std::string& work_dir) {
  DependencyInstall install;
  install.runtime = model::kPhpRuntime;
  install.description = "php: composer install (composer.json)";
  install.command = "exec composer install --no-dev --no-interaction --no-progress --prefer-dist";
  install.env = {{"COMPOSER_HOME", work_dir + "/" + kCacheDir + "/composer"},
                 {"COMPOSER_CACHE_DIR", work_dir + "/" + kCacheDir + "/composer-cache"}};
  install.offline_hint =
      "composer could not install composer.json's dependencies. If the cause is the network: the pacemaker may not "
      "reach Packagist. Install offline with `path` repositories in composer.json, or commit vendor/.";
  return install;
}

DependencyInstall Ruby(const std::string& work_dir) {
  DependencyInstall install;
  install.runtime = model::kRubyRuntime;
  install.description = "ruby: bundle install (Gemfile) into vendor/bundle";
  // A relative path in the app's .bundle/config: bundle exec finds the gems
  // below the instance dir wherever the heart unpacks it.
  install.command = "bundle config set --local path vendor/bundle && exec bundle install --jobs 2";
  install.env = {{"BUNDLE_USER_HOME", work_dir + "/" + kCacheDir + "/bundle"}};
  install.offline_hint =
      "bundler could not install the Gemfile's gems. If the cause is the network: the pacemaker may not reach "
      "rubygems.org. Install offline by committing vendor/cache (`bundle cache` where it is reachable), or with "
      "`path:` gems.";
  return install;
}

}  // namespace

Result<std::vector<DependencyInstall>> DependencyInstalls(const model::Manifest& manifest, const std::string& work_dir) {
  std::set<std::string> used;
  for (const auto& instance : manifest.instances) used.insert(instance.runtime.plugin);
  used.insert(manifest.application.prepare.runtime.plugin);
  std::vector<DependencyInstall> installs;
  auto has = [&](const char* file) { return files::Exists(work_dir + "/" + file); };
  if (used.count(model::kPythonRuntime) && has("requirements.txt")) {
    PM_RETURN_IF_ERROR(NeedTool("python3", "python3-pip", "requirements.txt"));
    installs.push_back(Python());
  }
  if (used.count(model::kNodeRuntime) && has("package.json")) {
    PM_RETURN_IF_ERROR(NeedTool("npm", "npm", "package.json"));
    installs.push_back(Node(work_dir));
  }
  if (used.count(model::kPhpRuntime) && has("composer.json")) {
    PM_RETURN_IF_ERROR(NeedTool("composer", "composer", "composer.json"));
    installs.push_back(Php(work_dir));
  }
  if (used.count(model::kRubyRuntime) && has("Gemfile")) {
    PM_RETURN_IF_ERROR(NeedTool("bundle", "ruby-bundler", "Gemfile"));
    installs.push_back(Ruby(work_dir));
  }
  return installs;
}

void RemoveDependencyCaches(const std::string& work_dir) {
  std::error_code ec;
  std::filesystem::remove_all(work_dir + "/" + kCacheDir, ec);
  std::filesystem::remove(work_dir + "/.paasmaker", ec);  // only when empty
}

}  // namespace paasmaker::pacemaker::prepare
