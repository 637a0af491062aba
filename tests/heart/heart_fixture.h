// HeartFixture: a Heart over a temp data dir, a local "pacemaker" that serves
// packages with the node-token check, and helpers to build packages and specs.
#pragma once

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "config/node_config.h"
#include "core/http.h"
#include "heart/heart.h"
#include "jobs/job_logs.h"
#include "temp_dir.h"

namespace paasmaker::heart {

inline constexpr const char* kToken = "test-node-token";

class HeartFixture : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;

  // A heart over config_ (Start()ed).
  std::unique_ptr<Heart> NewHeart(const std::string& token = kToken);
  // Packs `files` (name → content) as version `version_id`; returns the checksum.
  std::string AddPackage(const std::string& version_id, const std::map<std::string, std::string>& files);
  // An InstanceSpec for a package added with AddPackage.
  nlohmann::json Spec(const std::string& instance_id, const std::string& version_id, nlohmann::json runtime,
                      bool standalone = false, std::vector<std::string> startup = {});
  nlohmann::json Shell(const std::string& command, double start_timeout = 10, double standalone_wait = 0.2);
  jobs::JobLog& Log(const std::string& name);
  // Registers (fails the test if it cannot) and returns the port.
  int MustRegister(const nlohmann::json& spec);
  // `spec` parsed as the register job does (fails the test if it cannot).
  static model::InstanceSpec Typed(const nlohmann::json& spec);
  static bool IsRoot();

  testing::TempDir tmp_{"pm-heart"};
  config::NodeConfig config_;
  http::Server package_server_{4};
  std::map<std::string, std::string> packages_;  // version_id → archive path
  std::map<std::string, std::string> checksums_;
  std::unique_ptr<jobs::JobLogs> job_logs_;
  std::map<std::string, std::shared_ptr<jobs::JobLog>> open_logs_;
  std::unique_ptr<Heart> heart_;
};

}  // namespace paasmaker::heart
