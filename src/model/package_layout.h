// Where a prepared package keeps what the prepare step installed for its
// language runtime, relative to the package root (= the instance dir on a
// heart). Written by the pacemaker's prepare (pacemaker/prepare/
// dependencies.h), read by the heart's runtimes (heart/language_runtimes.h):
// the one place both sides take the paths from.
#pragma once

namespace paasmaker::model {

// Python: requirements.txt installed with `pip install --target` here; the
// python runtime puts it on PYTHONPATH and its bin/ on PATH.
inline constexpr const char* kPythonPackagesDir = ".paasmaker/python-packages";

}  // namespace paasmaker::model
