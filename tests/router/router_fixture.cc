#include "router_fixture.h"
#include "temp_dir.h"

#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <climits>
#include <filesystem>
#include <fstream>

#include "core/net.h"

namespace paasmaker::testing {

Backend::Backend(std::string name) : name_(std::move(name)) {
  auto echo = [this](const http::Request& request, http::Response& response) {
    nlohmann::json body = {{"name", name_},
                           {"host", request.Header("host")},
                           {"x_forwarded_for", request.Header("x-forwarded-for")},
                           {"x_forwarded_proto", request.Header("x-forwarded-proto")},
                           {"x_forwarded_port", request.Header("x-forwarded-port")},
                           {"upgrade", request.Header("upgrade")},
                           {"connection", request.Header("connection")},
                           {"body", request.body}};
    response.body = body.dump();
  };
  server_.Route("GET", ".*", echo);
  server_.Route("POST", ".*", echo);
  Status started = server_.Start("127.0.0.1", 0);
  EXPECT_TRUE(started.ok()) << started.ToString();
}

RawResponse SendRaw(int port, const std::string& request) {
  RawResponse out;
  auto connected = net::Connect("127.0.0.1", port, std::chrono::seconds(5));
  if (!connected.ok()) return out;
  int fd = *connected;
  if (::send(fd, request.data(), request.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(request.size())) {
    ::close(fd);
    return out;
  }
  std::string text;
  char buffer[4096];
  ssize_t n;
  while ((n = ::recv(fd, buffer, sizeof(buffer), 0)) > 0) text.append(buffer, static_cast<size_t>(n));
  ::close(fd);
  auto end = text.find("\r\n\r\n");
  if (text.rfind("HTTP/1.", 0) != 0 || end == std::string::npos) return out;
  out.status = std::atoi(text.c_str() + 9);
  out.headers = text.substr(0, end);
  out.body = text.substr(end + 4);
  return out;
}

std::vector<pid_t> NginxProcessesOf(const std::string& prefix) {
  std::vector<pid_t> out;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator("/proc", ec)) {
    const std::string name = entry.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream in(entry.path() / "cmdline", std::ios::binary);
    std::string cmdline((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (cmdline.rfind("nginx", 0) != 0) continue;
    std::string cwd = std::filesystem::read_symlink(entry.path() / "cwd", ec).string();
    if (cmdline.find(prefix) != std::string::npos || cwd == prefix) out.push_back(std::stoi(name));
  }
  return out;
}

void RouterFixture::SetUp() {
  redis_ = std::make_unique<TestRedisServer>();
  ASSERT_TRUE(redis_->started());
  dir_ = std::make_unique<TempDir>("pm-router");
  table_ = std::make_unique<redis::Client>(redis_->endpoint());
  config_.data_dir = dir_->path() + "/data";
  config_.router.listen_address = "127.0.0.1";
  // A free port can be taken by another test process between the pick and
  // nginx's bind: pick new ones then (three tries), as the cluster harness does.
  Status started;
  for (int attempt = 0; attempt < 3; ++attempt) {
    for (int* port : {&config_.router.port_direct, &config_.router.port_80, &config_.router.port_443}) {
      auto free = paasmaker::testing::FreeTestPort();
      ASSERT_TRUE(free.ok()) << free.status().ToString();
      *port = *free;
    }
    router_ = std::make_unique<router::Router>(config_, redis_->endpoint());
    started = router_->Start();
    if (started.ok() || started.message().find("Address already in use") == std::string::npos) break;
    router_->Stop();
  }
  ASSERT_TRUE(started.ok()) << started.ToString();
}

void RouterFixture::TearDown() {
  if (router_) router_->Stop();
  router_.reset();
  backends_.clear();
}

Backend& RouterFixture::MakeBackend(const std::string& name) {
  backends_.push_back(std::make_unique<Backend>(name));
  return *backends_.back();
}

void RouterFixture::AddMember(const std::string& host, const std::string& member) {
  ASSERT_TRUE(table_->Command({"SADD", "instances:" + host, member}).ok());
  IncrSerial();
}

void RouterFixture::AddRoute(const std::string& host, const Backend& backend, const std::string& version_type,
                             const std::string& node, const std::string& instance) {
  AddMember(host, "127.0.0.1:" + std::to_string(backend.port()) + "#" + version_type + "#" + node + "#" + instance);
}

void RouterFixture::RemoveRoute(const std::string& host, const Backend& backend, const std::string& version_type,
                                const std::string& node, const std::string& instance) {
  std::string member =
      "127.0.0.1:" + std::to_string(backend.port()) + "#" + version_type + "#" + node + "#" + instance;
  ASSERT_TRUE(table_->Command({"SREM", "instances:" + host, member}).ok());
  IncrSerial();
}

void RouterFixture::IncrSerial() { ASSERT_TRUE(table_->Command({"INCR", "serial"}).ok()); }

http::ClientResponse RouterFixture::Get(const std::string& host, int port,
                                        const std::map<std::string, std::string>& headers) {
  if (port == 0) port = config_.router.port_direct;
  http::Client client("http://127.0.0.1:" + std::to_string(port), std::chrono::seconds(5));
  auto all = headers;
  all["Host"] = host;
  auto response = client.Get("/", all);
  if (!response.ok()) return {};
  return *response;
}

bool RouterFixture::ServedBy(const std::string& host, const std::string& name) {
  return WaitFor(
      [&] {
        auto response = Get(host);
        auto body = nlohmann::json::parse(response.body, nullptr, false);
        return response.status == 200 && body.is_object() && body.value("name", "") == name;
      },
      std::chrono::seconds(3), std::chrono::milliseconds(10));
}

bool RouterFixture::Answers(const std::string& host, int status) {
  return WaitFor([&] { return Get(host).status == status; }, std::chrono::seconds(3),
                 std::chrono::milliseconds(10));
}

nlohmann::json RouterFixture::GetJson(const std::string& host, int port) {
  auto response = Get(host, port);
  EXPECT_EQ(response.status, 200) << host << ": " << response.body;
  auto parsed = nlohmann::json::parse(response.body, nullptr, false);
  if (parsed.is_discarded()) return nlohmann::json::object();
  return parsed;
}

}  // namespace paasmaker::testing
