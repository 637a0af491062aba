// Names of the built-in runtime plugins: what a manifest's `runtime.plugin`
// says, what a node advertises in its runtimes and what the heart launches.
// The one place these names are spelled.
#pragma once

namespace paasmaker::model {

inline constexpr const char* kShellRuntime = "paasmaker.runtime.shell";
inline constexpr const char* kStaticRuntime = "paasmaker.runtime.static";

}  // namespace paasmaker::model
