// Runtime versions: how a requested version (a manifest's `runtime.version`)
// matches the versions a heart offers, and how an interpreter's version line
// becomes one. Pure functions; thread safe.
//
// Matching: a request matches an offered version when it is equal, or a
// dotted prefix of it ("3" and "3.11" match "3.11.2"; "3.1" does not); an
// empty request matches any offered version. So a heart offers the full
// version alone ("3.11.2") and a manifest picks as precisely as it likes.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace paasmaker::model {

bool VersionMatches(const std::string& requested, const std::string& offered);

// True if any of `offered` matches `requested`.
bool AnyVersionMatches(const std::string& requested, const std::vector<std::string>& offered);

// The first dotted number (at least two parts, an optional leading "v") in
// an interpreter's version output:
//   "Python 3.11.2"                               -> "3.11.2"
//   "v20.20.2"                                    -> "20.20.2"
//   "PHP 8.2.36 (cli) (built: ...)"               -> "8.2.36"
//   "ruby 3.1.2p20 (2022-04-12 revision ...) ..." -> "3.1.2"
// nullopt when there is none (an error message, empty output).
std::optional<std::string> ParseInterpreterVersion(std::string_view output);

}  // namespace paasmaker::model
