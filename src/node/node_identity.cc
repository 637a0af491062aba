#include "node/node_identity.h"

#include "core/files.h"
#include "core/ids.h"

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

}  // namespace paasmaker::node
