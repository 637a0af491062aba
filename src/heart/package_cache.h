// PackageCache: application packages fetched from the pacemaker, one file per
// version in `<data_dir>/heart/packages/<version_id>.tar.gz` (SPEC §5.3).
//
// Fetch downloads `<master_url><package.url>` with the node token, streams it
// to a temp file, checks its SHA-256 against package.checksum and renames it
// into the cache; a cached file whose checksum matches is reused without a
// download. A mismatch is never cached.
//
// Thread safety: Fetch may run concurrently for different versions; two
// fetches of the same version both download and the last rename wins (both
// files are identical and checked).
#pragma once

#include <functional>
#include <string>

#include "core/result.h"
#include "model/instance_spec.h"

namespace paasmaker::heart {

class PackageCache {
 public:
  PackageCache(std::string dir, std::string master_url, std::string node_token)
      : dir_(std::move(dir)), master_url_(std::move(master_url)), node_token_(std::move(node_token)) {}

  // The path of the verified package of `spec`'s version. `note` receives
  // progress lines for the job log.
  Result<std::string> Fetch(const model::InstanceSpec& spec,
                            const std::function<void(const std::string&)>& note) const;

 private:
  std::string dir_;
  std::string master_url_;
  std::string node_token_;
};

}  // namespace paasmaker::heart
