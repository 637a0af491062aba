// The interpreters on this heart (SPEC §5.4): which versions of the language
// runtimes it offers, and the tools dir that gives every instance a `python`.
//
// Versions are found once, when the heart starts, by running each
// interpreter as an instance would find it (the system PATH of
// core/clean_environment.h, nothing of the heart's own environment):
//
//   paasmaker.runtime.python   python3 --version   "Python 3.11.2"  -> 3.11.2
//   paasmaker.runtime.node     node --version      "v18.19.0"       -> 18.19.0
//   paasmaker.runtime.php      php -v              "PHP 8.2.7 (cli)"-> 8.2.7
//   paasmaker.runtime.ruby     ruby -v             "ruby 3.1.2p20"  -> 3.1.2
//
// An interpreter that is missing, fails or prints no version leaves its
// runtime unoffered (logged with the reason); placement then names what each
// heart has. Thread safe; DetectInterpreterVersion blocks up to 10 s.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "core/result.h"

namespace paasmaker::heart {

using RuntimeVersions = std::map<std::string, std::vector<std::string>>;

// The shell command that prints `plugin`'s interpreter version ("" for a
// runtime that is not a language runtime).
std::string VersionCommand(const std::string& plugin);

// The version of `plugin`'s interpreter here. NotFound when it is not
// installed, FailedPrecondition when it fails or prints no version (the
// output is quoted).
Result<std::string> DetectInterpreterVersion(const std::string& plugin);

using VersionDetector = std::function<Result<std::string>(const std::string& plugin)>;

// What the heart offers, from heart.runtimes: a language runtime configured
// without versions gets the detected one, or is dropped when detection
// fails (`why_not` receives "plugin: reason" for the log); every other entry
// is kept as configured.
RuntimeVersions ResolveRuntimeVersions(const RuntimeVersions& configured, const VersionDetector& detect,
                                       std::vector<std::string>* why_not);

// Makes `dir` (0755) hold `python`, a link to the system's python3, for
// manifests that launch `python app.py` (Debian 12 has no `python` command).
// Instances get `dir` at the end of their PATH, so a system `python` (the
// python-is-python3 package) still comes first. Without a python3 the dir is
// made empty.
Status PrepareToolsDir(const std::string& dir);

}  // namespace paasmaker::heart
