// Names of the built-in runtime plugins: what a manifest's `runtime.plugin`
// says, what a node advertises in its runtimes and what the heart launches.
// The one place these names are spelled.
#pragma once

#include <string>

namespace paasmaker::model {

inline constexpr const char* kShellRuntime = "paasmaker.runtime.shell";
inline constexpr const char* kStaticRuntime = "paasmaker.runtime.static";

// Language runtimes (SPEC §5.4): an interpreter from the heart's Debian
// packages. Their versions are the interpreters' own, found by each heart at
// its start (heart/interpreter_versions.h), so no version list is fixed here.
inline constexpr const char* kPythonRuntime = "paasmaker.runtime.python";
inline constexpr const char* kNodeRuntime = "paasmaker.runtime.node";
inline constexpr const char* kPhpRuntime = "paasmaker.runtime.php";
inline constexpr const char* kRubyRuntime = "paasmaker.runtime.ruby";

inline constexpr const char* kLanguageRuntimes[] = {kPythonRuntime, kNodeRuntime, kPhpRuntime, kRubyRuntime};

inline bool IsLanguageRuntime(const std::string& plugin) {
  for (const char* name : kLanguageRuntimes) {
    if (plugin == name) return true;
  }
  return false;
}

}  // namespace paasmaker::model
