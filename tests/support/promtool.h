// PromtoolCheck: runs Prometheus' own linter, `promtool check metrics`
// (Debian's prometheus package, scripts/install-deps), on an exposition.
// Ok when promtool accepts it with nothing to say; otherwise the error
// carries promtool's output. A missing promtool is an error too (a test that
// needs it must fail, not skip silently). Thread safe.
#pragma once

#include <map>
#include <string>

#include "core/status.h"

namespace paasmaker::testing {

inline constexpr const char* kPromtool = "/usr/bin/promtool";

Status PromtoolCheck(const std::string& exposition);

// The sum of every sample of `name` in an exposition whose labels include
// all of `want`; 0 when there is none.
double MetricSum(const std::string& exposition, const std::string& name,
                 const std::map<std::string, std::string>& want = {});

}  // namespace paasmaker::testing
