#include "heart/package_cache.h"

#include <unistd.h>

#include <cstdio>

#include "core/archive.h"
#include "core/files.h"
#include "core/http.h"
#include "core/ids.h"

namespace paasmaker::heart {

Result<std::string> PackageCache::Fetch(const model::InstanceSpec& spec,
                                        const std::function<void(const std::string&)>& note) const {
  const std::string& version_id = spec.version_id;
  const std::string& url = spec.package.url;
  const std::string& checksum = spec.package.checksum;
  // ParseInstanceSpec requires all three; a spec built in code may lack them.
  if (version_id.empty() || url.empty() || checksum.empty()) {
    return InvalidArgument("the instance spec names no package (version_id, package.url, package.checksum)");
  }
  PM_RETURN_IF_ERROR(files::MakeDirectories(dir_, 0700));
  std::string path = dir_ + "/" + version_id + ".tar.gz";
  if (files::Exists(path)) {
    auto have = archives::Sha256File(path);
    if (have.ok() && *have == checksum) {
      note("Using the cached package of version " + version_id + ".");
      return path;
    }
    note("The cached package of version " + version_id + " does not match its checksum; fetching it again.");
  }

  std::string temp = path + ".part-" + ids::RandomToken(6);
  std::FILE* out = std::fopen(temp.c_str(), "wb");
  if (out == nullptr) return ErrnoStatus("creating " + temp, errno);
  note("Fetching the package from " + master_url_ + url + ".");
  http::Client client(master_url_, std::chrono::seconds(30));
  bool write_failed = false;
  uint64_t received = 0;
  auto status = client.Stream(url, {{"Authorization", "Bearer " + node_token_}}, [&](const std::string& data) {
    if (std::fwrite(data.data(), 1, data.size(), out) != data.size()) {
      write_failed = true;
      return false;
    }
    received += data.size();
    return true;
  });
  bool close_failed = std::fclose(out) != 0;
  auto fail = [&](Status s) -> Result<std::string> {
    ::unlink(temp.c_str());
    return s;
  };
  if (!status.ok()) return fail(status.status().WithContext("fetching the package"));
  if (*status != 200) {
    return fail(Unavailable("fetching the package: the pacemaker answered HTTP " + std::to_string(*status)));
  }
  if (write_failed || close_failed) return fail(IoError("writing the package to " + temp + " failed (disk full?)"));
  auto have = archives::Sha256File(temp);
  if (!have.ok()) return fail(have.status());
  if (*have != checksum) {
    return fail(InvalidArgument("the fetched package's checksum " + *have + " does not match the expected " +
                                checksum + " (" + std::to_string(received) + " bytes received)"));
  }
  if (::rename(temp.c_str(), path.c_str()) != 0) return fail(ErrnoStatus("renaming " + temp, errno));
  note("Fetched " + std::to_string(received) + " bytes; checksum verified.");
  return path;
}

}  // namespace paasmaker::heart
