#include "pacemaker/prepare/uploads.h"

#include <fcntl.h>
#include <unistd.h>

#include <map>
#include <memory>
#include <mutex>

#include "core/api_response.h"
#include "core/files.h"
#include "core/ids.h"
#include "core/log.h"

namespace paasmaker::pacemaker::prepare {

namespace {

using nlohmann::json;

// One lock per upload, so two PUTs at the same offset cannot both append.
std::shared_ptr<std::mutex> UploadLock(const std::string& id) {
  static std::mutex mutex;
  static std::map<std::string, std::weak_ptr<std::mutex>> locks;
  std::lock_guard<std::mutex> lock(mutex);
  auto& weak = locks[id];
  auto strong = weak.lock();
  if (!strong) {
    strong = std::make_shared<std::mutex>();
    weak = strong;
  }
  // Forget locks nobody holds any more.
  for (auto it = locks.begin(); it != locks.end();) it = it->second.expired() ? locks.erase(it) : std::next(it);
  return strong;
}

std::string MiB(int64_t bytes) { return std::to_string(bytes / (1024 * 1024)) + " MiB"; }

// The upload `id` if `who` may use it.
Result<Upload> FindOwnUpload(UploadsContext& ctx, const std::string& id, const Principal& who) {
  PM_ASSIGN_OR_RETURN(auto found, ctx.apps.FindUpload(id));
  if (!found) return NotFound("no upload " + id);
  if (found->user_id != UploadOwner(who)) return PermissionDenied("upload " + id + " belongs to another user");
  return *found;
}

Status WriteAt(const std::string& path, int64_t offset, const std::string& data) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) return ErrnoStatus("opening " + path, errno);
  // Drop anything past `offset` a failed earlier write may have left.
  if (::ftruncate(fd, offset) != 0) {
    int err = errno;
    ::close(fd);
    return ErrnoStatus("truncating " + path, err);
  }
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::pwrite(fd, data.data() + done, data.size() - done, offset + static_cast<off_t>(done));
    if (n < 0) {
      if (errno == EINTR) continue;
      int err = errno;
      ::close(fd);
      return ErrnoStatus("writing " + path, err);
    }
    done += static_cast<size_t>(n);
  }
  // The row will say these bytes are there: make it true after a crash too.
  if (::fsync(fd) != 0) {
    int err = errno;
    ::close(fd);
    return ErrnoStatus("syncing " + path, err);
  }
  ::close(fd);
  return Status::Ok();
}

}  // namespace

std::string UploadOwner(const Principal& who) { return PrincipalId(who); }

PM_ENDPOINT(UploadsContext, api::Reply, CreateUpload) {
  PM_ASSIGN_OR_RETURN(json body, api::ParseJsonBody(req));
  PM_ASSIGN_OR_RETURN(std::string filename, api::RequiredString(body, "filename"));
  if (!body.contains("size") || !body["size"].is_number_integer()) {
    return InvalidArgument("size: required, an integer number of bytes");
  }
  int64_t size = body["size"].get<int64_t>();
  if (size <= 0) return InvalidArgument("size: must be more than 0");
  int64_t max = ctx.config.pacemaker.max_upload_size;
  if (size > max) {
    return TooLarge("size: " + std::to_string(size) + " bytes is more than the " + MiB(max) + " (" +
                    std::to_string(max) + " bytes) uploads may have (pacemaker.max_upload_size)");
  }
  std::string dir = ctx.config.DataDir() + "/uploads";
  PM_RETURN_IF_ERROR(files::MakeDirectories(dir, 0700));
  std::string path = dir + "/" + ids::NewUuid();
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return ErrnoStatus("creating " + path, errno);
  ::close(fd);
  auto upload = ctx.apps.CreateUpload(UploadOwner(who), filename, size, path);
  if (!upload.ok()) {
    ::unlink(path.c_str());
    return upload.status();
  }
  PM_LOG_INFO("upload {} created: {} ({} bytes)", upload->id, filename, size);
  return api::Reply::Created({{"upload", upload->ToJson()}});
}

PM_ENDPOINT(UploadsContext, json, PutUploadChunk) {
  const std::string& id = req.params[0];
  std::string offset_text = req.Query("offset");
  int64_t offset = -1;
  try {
    size_t used = 0;
    offset = std::stoll(offset_text, &used);
    if (used != offset_text.size()) offset = -1;
  } catch (...) {
    offset = -1;
  }
  if (offset < 0) return InvalidArgument("offset: required, a byte offset (query ?offset=N)");

  PM_ASSIGN_OR_RETURN(auto slot, ctx.chunks.Acquire(UploadOwner(who)));
  auto lock = UploadLock(id);
  std::lock_guard<std::mutex> serial(*lock);
  PM_ASSIGN_OR_RETURN(Upload upload, FindOwnUpload(ctx, id, who));
  // A refused chunk answers with the upload as it is, so a client resumes from there.
  json current = {{"upload", upload.ToJson()}};
  if (offset != upload.received) {
    return FailedPrecondition("offset " + std::to_string(offset) + " does not match the " +
                              std::to_string(upload.received) + " bytes received so far; resume from there")
        .WithDetail(current);
  }
  int64_t chunk = static_cast<int64_t>(req.body.size());
  if (upload.received + chunk > upload.size) {
    std::string message = "this chunk of " + std::to_string(chunk) + " bytes at offset " + std::to_string(offset) +
                          " goes past the announced size of " + std::to_string(upload.size) + " bytes";
    bool over_limit = upload.received + chunk > ctx.config.pacemaker.max_upload_size;
    return (over_limit ? TooLarge(message) : InvalidArgument(message)).WithDetail(current);
  }
  if (chunk > 0) {
    PM_RETURN_IF_ERROR(WriteAt(upload.path, offset, req.body));
    PM_RETURN_IF_ERROR(ctx.apps.SetUploadReceived(id, offset + chunk));
    upload.received = offset + chunk;
  }
  return json{{"upload", upload.ToJson()}};
}

PM_ENDPOINT(UploadsContext, json, ShowUpload) {
  PM_ASSIGN_OR_RETURN(Upload upload, FindOwnUpload(ctx, req.params[0], who));
  return json{{"upload", upload.ToJson()}};
}

void CreateUpload(UploadsContext& ctx, const http::Request& req, http::Response& res, const Principal& who) {
  api::Respond(res, CreateUpload(ctx, req, who));
}

void PutUploadChunk(UploadsContext& ctx, const http::Request& req, http::Response& res, const Principal& who) {
  api::Respond(res, PutUploadChunk(ctx, req, who));
}

void ShowUpload(UploadsContext& ctx, const http::Request& req, http::Response& res, const Principal& who) {
  api::Respond(res, ShowUpload(ctx, req, who));
}

}  // namespace paasmaker::pacemaker::prepare
