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
#include "pacemaker/prepare/responses.h"

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

// The upload `id` if `who` may use it; otherwise the error has been sent.
std::optional<Upload> FindOwnUpload(PacemakerContext& ctx, const std::string& id, const Principal& who,
                                    http::Response& res) {
  auto found = ctx.apps.FindUpload(id);
  if (!found.ok()) {
    api::RespondError(res, found.status());
    return std::nullopt;
  }
  if (!found->has_value()) {
    api::RespondError(res, NotFound("no upload " + id));
    return std::nullopt;
  }
  if ((*found)->user_id != UploadOwner(who)) {
    api::RespondError(res, PermissionDenied("upload " + id + " belongs to another user"));
    return std::nullopt;
  }
  return **found;
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

std::string UploadOwner(const Principal& who) {
  if (who.kind == Principal::Kind::kSuper) return "super";
  return who.user.id;
}

void CreateUpload(PacemakerContext& ctx, const http::Request& req, http::Response& res, const Principal& who) {
  auto body = api::ParseJsonBody(req);
  if (!body.ok()) return api::RespondError(res, body.status());
  auto filename = api::RequiredString(*body, "filename");
  if (!filename.ok()) return api::RespondError(res, filename.status());
  if (!body->contains("size") || !(*body)["size"].is_number_integer()) {
    return api::RespondError(res, InvalidArgument("size: required, an integer number of bytes"));
  }
  int64_t size = (*body)["size"].get<int64_t>();
  if (size <= 0) return api::RespondError(res, InvalidArgument("size: must be more than 0"));
  int64_t max = ctx.config.pacemaker.max_upload_size;
  if (size > max) {
    return RespondErrorWith(res, 413, "size: " + std::to_string(size) + " bytes is more than the " + MiB(max) +
                                          " (" + std::to_string(max) + " bytes) uploads may have (pacemaker.max_upload_size)");
  }
  std::string dir = ctx.config.DataDir() + "/uploads";
  Status made = files::MakeDirectories(dir, 0700);
  if (!made.ok()) return api::RespondError(res, made);
  std::string path = dir + "/" + ids::NewUuid();
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return api::RespondError(res, ErrnoStatus("creating " + path, errno));
  ::close(fd);
  auto upload = ctx.apps.CreateUpload(UploadOwner(who), *filename, size, path);
  if (!upload.ok()) {
    ::unlink(path.c_str());
    return api::RespondError(res, upload.status());
  }
  PM_LOG_INFO("upload {} created: {} ({} bytes)", upload->id, *filename, size);
  api::RespondData(res, {{"upload", upload->ToJson()}}, 201);
}

void PutUploadChunk(PacemakerContext& ctx, const http::Request& req, http::Response& res, const Principal& who) {
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
  if (offset < 0) return api::RespondError(res, InvalidArgument("offset: required, a byte offset (query ?offset=N)"));

  auto lock = UploadLock(id);
  std::lock_guard<std::mutex> serial(*lock);
  auto upload = FindOwnUpload(ctx, id, who, res);
  if (!upload) return;
  if (offset != upload->received) {
    return RespondErrorWith(res, 409,
                            "offset " + std::to_string(offset) + " does not match the " +
                                std::to_string(upload->received) + " bytes received so far; resume from there",
                            {{"upload", upload->ToJson()}});
  }
  int64_t chunk = static_cast<int64_t>(req.body.size());
  if (upload->received + chunk > upload->size) {
    int64_t max = ctx.config.pacemaker.max_upload_size;
    int status = upload->received + chunk > max ? 413 : 400;
    return RespondErrorWith(res, status,
                            "this chunk of " + std::to_string(chunk) + " bytes at offset " + std::to_string(offset) +
                                " goes past the announced size of " + std::to_string(upload->size) + " bytes",
                            {{"upload", upload->ToJson()}});
  }
  if (chunk > 0) {
    Status written = WriteAt(upload->path, offset, req.body);
    if (!written.ok()) return api::RespondError(res, written);
    Status recorded = ctx.apps.SetUploadReceived(id, offset + chunk);
    if (!recorded.ok()) return api::RespondError(res, recorded);
    upload->received = offset + chunk;
  }
  api::RespondData(res, {{"upload", upload->ToJson()}});
}

void ShowUpload(PacemakerContext& ctx, const http::Request& req, http::Response& res, const Principal& who) {
  auto upload = FindOwnUpload(ctx, req.params[0], who, res);
  if (!upload) return;
  api::RespondData(res, {{"upload", upload->ToJson()}});
}

}  // namespace paasmaker::pacemaker::prepare
