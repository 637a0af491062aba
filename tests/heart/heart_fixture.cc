#include "heart_fixture.h"

#include <sys/stat.h>
#include <unistd.h>

#include <fstream>

#include "core/archive.h"
#include "core/files.h"
#include "core/ids.h"
#include "heart/runtime.h"

namespace paasmaker::heart {

void HeartFixture::SetUp() {
  // Instance uids (as root) must traverse the temp dir to reach their own.
  ASSERT_EQ(::chmod(tmp_.path().c_str(), 0711), 0);
  config_.data_dir = tmp_ / "data";
  config_.heart.working_dir = tmp_ / "work";
  auto base = testing::FreeTestPortRange(31);  // misc_ports below
  ASSERT_TRUE(base.ok());
  config_.misc_ports_minimum = *base;
  config_.misc_ports_maximum = *base + 30;
  config_.heart.restart_policy = {1, 0.05, 0.1};
  config_.heart.stop_grace = 1.0;
  config_.heart.instance_log_max_bytes = 1 << 20;
  package_server_.Route("GET", "/api/v1/node/packages/([0-9a-zA-Z-]+)",
                        [this](const http::Request& req, http::Response& res) {
    if (req.Header("Authorization") != std::string("Bearer ") + kToken) {
      res.status = 401;
      res.body = "{}";
      return;
    }
    auto it = packages_.find(req.params[0]);
    if (it == packages_.end()) {
      res.status = 404;
      return;
    }
    auto data = files::ReadFile(it->second);
    res.body = data.ok() ? *data : "";
    res.content_type = "application/gzip";
  });
  ASSERT_TRUE(package_server_.Start("127.0.0.1", 0).ok());
  config_.master_host = "127.0.0.1";
  config_.master_port = package_server_.port();
  job_logs_ = std::make_unique<jobs::JobLogs>(tmp_ / "joblogs");
  heart_ = NewHeart();
}

void HeartFixture::TearDown() {
  if (heart_) {
    // Instances outlive a Heart by design: stop them so no test leaks one.
    nlohmann::json report = heart_->ReportExtra();
    for (const auto& i : report["instances"]) {
      Status s = heart_->StopInstance(i["instance_id"], Log("teardown"));
      s.IgnoreError();
    }
    heart_.reset();
  }
  package_server_.Stop();
}

std::unique_ptr<Heart> HeartFixture::NewHeart(const std::string& token) {
  auto heart = std::make_unique<Heart>(config_, token);
  Status started = heart->Start();
  EXPECT_TRUE(started.ok()) << started.ToString();
  return heart;
}

std::string HeartFixture::AddPackage(const std::string& version_id, const std::map<std::string, std::string>& files) {
  std::string src = tmp_ / ("src-" + version_id);
  EXPECT_TRUE(files::MakeDirectories(src).ok());
  for (const auto& [name, content] : files) {
    std::ofstream(src + "/" + name) << content;
  }
  std::string archive = tmp_ / (version_id + ".tar.gz");
  auto packed = archives::PackDirectory(src, archive);
  EXPECT_TRUE(packed.ok()) << packed.status().ToString();
  packages_[version_id] = archive;
  checksums_[version_id] = packed.ok() ? packed->sha256 : "";
  return checksums_[version_id];
}

nlohmann::json HeartFixture::Spec(const std::string& instance_id, const std::string& version_id,
                                  nlohmann::json runtime, bool standalone, std::vector<std::string> startup) {
  if (checksums_.count(version_id) == 0) AddPackage(version_id, {{"hello.txt", "hello\n"}});
  nlohmann::json spec = {
      {"instance_id", instance_id},
      {"instance_type_id", "type-1"},
      {"version_id", version_id},
      {"application", {{"application_id", "app-1"}, {"name", "hello"}, {"version", 1}, {"version_id", version_id},
                       {"workspace", "Default"}, {"workspace_stub", "default"}}},
      {"workspace_tags", {{"team", "a"}}},
      {"node_tags", {{"zone", "z1"}}},
      {"instance_type", "web"},
      {"runtime", runtime},
      {"startup", nlohmann::json::array()},
      {"standalone", standalone},
      {"exclusive", false},
      {"package", {{"url", "/api/v1/node/packages/" + version_id}, {"checksum", checksums_[version_id]}}},
      {"services", {{"settings", {{"greeting", "hi"}, {"provider", "paasmaker.service.parameters"}}}}},
  };
  if (!startup.empty()) {
    spec["startup"].push_back({{"plugin", "paasmaker.startup.shell"}, {"parameters", {{"commands", startup}}}});
  }
  return spec;
}

nlohmann::json HeartFixture::Shell(const std::string& command, double start_timeout, double standalone_wait) {
  return {{"plugin", "paasmaker.runtime.shell"},
          {"version", "1"},
          {"parameters",
           {{"launch_command", command}, {"start_timeout", start_timeout}, {"standalone_wait", standalone_wait}}}};
}

jobs::JobLog& HeartFixture::Log(const std::string& name) {
  auto& log = open_logs_[name];
  if (!log) {
    auto opened = job_logs_->Open("job-" + name);
    EXPECT_TRUE(opened.ok());
    log = *opened;
  }
  return *log;
}

model::InstanceSpec HeartFixture::Typed(const nlohmann::json& spec) {
  auto parsed = ParseRunnableSpec(spec);
  EXPECT_TRUE(parsed.ok()) << parsed.status().ToString();
  return parsed.ok() ? *parsed : model::InstanceSpec{};
}

int HeartFixture::MustRegister(const nlohmann::json& spec) {
  auto port = heart_->Register(Typed(spec), Log("register-" + spec["instance_id"].get<std::string>()));
  EXPECT_TRUE(port.ok()) << port.status().ToString();
  return port.ok() ? *port : -1;
}

bool HeartFixture::IsRoot() { return ::geteuid() == 0; }

}  // namespace paasmaker::heart
