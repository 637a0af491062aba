#include "cli/upload.h"

#include <filesystem>
#include <fstream>
#include <thread>

#include "cli/output.h"

namespace paasmaker::cli {

namespace {

using nlohmann::json;

// Failures worth a retry: the server may have part of the chunk, or was
// briefly away. Refusals (auth, bad request, unknown upload) are final.
bool Retryable(const Status& status) {
  switch (status.code()) {
    case StatusCode::kAlreadyExists:  // 409: offset is not what the server has
    case StatusCode::kUnavailable:
    case StatusCode::kResourceExhausted:  // 429: too many uploads at once
    case StatusCode::kIoError:
    case StatusCode::kTimeout:
    case StatusCode::kInternal:
      return true;
    default:
      return false;
  }
}

Result<uint64_t> Received(const json& data) {
  const json& upload = data.is_object() && data.contains("upload") ? data["upload"] : data;
  double received = Number(upload, "received", -1);
  if (received < 0) return Internal("the server's upload answer has no `received`: " + data.dump());
  return static_cast<uint64_t>(received);
}

}  // namespace

Result<std::string> UploadFile(ApiClient& api, const std::string& path, const UploadOptions& options) {
  namespace fs = std::filesystem;
  std::error_code ec;
  uint64_t size = fs::file_size(path, ec);
  if (ec) return NotFound("cannot read " + path + ": " + ec.message());
  std::ifstream in(path, std::ios::binary);
  if (!in) return IoError("cannot open " + path);
  if (options.chunk_bytes == 0) return InvalidArgument("upload chunk size must be positive");

  std::string filename = options.filename.empty() ? fs::path(path).filename().string() : options.filename;
  PM_ASSIGN_OR_RETURN(json created, api.Post("/api/v1/uploads", {{"filename", filename}, {"size", size}}));
  const json& upload = Child(created, "upload");
  std::string id = Text(upload, "upload_id");
  if (id.empty()) return Internal("the server's upload answer has no upload_id: " + created.dump());
  std::string upload_path = "/api/v1/uploads/" + http::UrlEncode(id);
  uint64_t offset = static_cast<uint64_t>(Number(upload, "received", 0));

  std::string chunk;
  int failures = 0;
  Status last_failure = Status::Ok();
  while (offset < size) {
    uint64_t length = std::min<uint64_t>(options.chunk_bytes, size - offset);
    chunk.resize(length);
    in.clear();
    in.seekg(static_cast<std::streamoff>(offset));
    if (!in.read(chunk.data(), static_cast<std::streamsize>(length))) {
      return IoError("cannot read " + path + " at byte " + std::to_string(offset) + " (did it change?)");
    }
    auto put = api.PutBytes(upload_path + "?offset=" + std::to_string(offset), chunk);
    Result<uint64_t> now = put.ok() ? Received(*put) : Result<uint64_t>(put.status());
    if (now.ok() && *now > offset) {
      offset = *now;
      failures = 0;
      if (options.on_progress) options.on_progress(offset, size);
      continue;
    }
    last_failure = now.ok() ? Internal("the server accepted a chunk at byte " + std::to_string(offset) +
                                       " but still has " + std::to_string(*now) + " bytes")
                            : now.status();
    if (!Retryable(last_failure)) return last_failure.WithContext("uploading " + path);
    if (++failures > options.max_retries) break;
    std::this_thread::sleep_for(options.retry_delay * failures);
    // Ask where to resume; if even that fails, try the same offset again.
    auto state = api.Get(upload_path);
    if (state.ok()) {
      PM_ASSIGN_OR_RETURN(uint64_t received, Received(*state));
      if (received > size) {
        return Internal("the server has " + std::to_string(received) + " bytes of a " + std::to_string(size) +
                        "-byte upload");
      }
      offset = received;
    }
  }
  if (offset < size) {
    return Unavailable("upload of " + path + " stopped at byte " + std::to_string(offset) + " of " +
                       std::to_string(size) + " after " + std::to_string(options.max_retries) +
                       " retries: " + last_failure.message());
  }
  return id;
}

}  // namespace paasmaker::cli
