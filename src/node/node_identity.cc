#include "node/node_identity.h"

#include "core/files.h"
#include "core/ids.h"
#include "core/log.h"

namespace paasmaker::node {

namespace {
std::string Trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ' || s.back() == '\r')) s.pop_back();
  return s;
}
}  // namespace

std::string NodeIdentity::LoadUuid() const {
  auto text = files::ReadFile(data_dir_ + "/node_uuid");
  return text.ok() ? Trim(*text) : "";
}

Status NodeIdentity::SaveUuid(const std::string& uuid) const {
  return files::WriteFileAtomically(data_dir_ + "/node_uuid", uuid + "\n", 0600);
}

Result<std::string> NodeIdentity::NodeToken(const std::string& configured) const {
  if (!configured.empty()) return configured;
  std::string path = data_dir_ + "/node_token";
  auto text = files::ReadFile(path);
  if (text.ok() && !Trim(*text).empty()) return Trim(*text);
  std::string token = ids::RandomToken(24);
  PM_RETURN_IF_ERROR(files::WriteFileAtomically(path, token + "\n", 0600));
  return token;
}

std::optional<model::RedisAccess> NodeIdentity::LoadRedisAccess() const {
  std::string path = data_dir_ + "/redis_access.json";
  if (!files::Exists(path)) return std::nullopt;
  auto text = files::ReadFile(path);
  if (!text.ok()) return std::nullopt;
  auto access = model::RedisAccess::FromJson(nlohmann::json::parse(*text, nullptr, false));
  if (!access.ok()) {
    PM_LOG_WARN("{}: {}; asking the pacemaker again", path, access.status().message());
    return std::nullopt;
  }
  return *access;
}

Status NodeIdentity::SaveRedisAccess(const model::RedisAccess& access) const {
  return files::WriteFileAtomically(data_dir_ + "/redis_access.json", access.ToJson().dump(2) + "\n", 0600);
}

}  // namespace paasmaker::node
