// Runtimes, the instance environment, the log pump's rotation.
#include <gtest/gtest.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "core/files.h"
#include "heart/log_pump.h"
#include "heart/runtime.h"
#include "temp_dir.h"

namespace paasmaker::heart {
namespace {

nlohmann::json MinimalSpec() {
  return {{"instance_id", "i-1"},
          {"version_id", "v-1"},
          {"application", {{"name", "hello"}}},
          {"workspace_tags", {{"team", "a"}}},
          {"node_tags", {{"zone", "z"}}},
          {"runtime", {{"plugin", "paasmaker.runtime.shell"}, {"parameters", {{"launch_command", "x %(port)d"}}}}},
          {"package", {{"url", "/p"}, {"checksum", "c"}}},
          {"services", {{"db", {{"provider", "p"}}}}}};
}

// As the register job parses it.
model::InstanceSpec Typed(const nlohmann::json& spec) {
  auto parsed = ParseRunnableSpec(spec);
  EXPECT_TRUE(parsed.ok()) << parsed.status().ToString();
  return parsed.ok() ? *parsed : model::InstanceSpec{};
}

TEST(RuntimeTest, PortIsSubstitutedEverywhere) {
  EXPECT_EQ(SubstitutePort("app --port %(port)d --other %(port)d", 4242), "app --port 4242 --other 4242");
  EXPECT_EQ(SubstitutePort("no port", 1), "no port");
  auto command = BuildRuntimeCommand(Typed(MinimalSpec()), 4100, "/i", "/self", "198.18.0.7");
  ASSERT_TRUE(command.ok());
  EXPECT_EQ(command->argv, (std::vector<std::string>{"/bin/sh", "-c", "x 4100"}));
  EXPECT_EQ(command->start_timeout, std::chrono::seconds(20));
  EXPECT_EQ(command->standalone_wait, std::chrono::seconds(5));
}

TEST(RuntimeTest, StaticRuntimeRunsThisProgram) {
  auto spec = MinimalSpec();
  spec["runtime"] = {{"plugin", "paasmaker.runtime.static"}, {"parameters", {{"document_root", "public"}}}};
  ASSERT_TRUE(ValidateInstanceSpec(spec).ok());
  // It binds the heart's route address, where the routers connect.
  auto command = BuildRuntimeCommand(Typed(spec), 4100, "/i", "/self", "198.18.0.7");
  ASSERT_TRUE(command.ok());
  EXPECT_EQ(command->argv, (std::vector<std::string>{"/self", "static-serve", "--root", "/i/public", "--port",
                                                      "4100", "--bind", "198.18.0.7"}));
  spec["runtime"]["parameters"]["document_root"] = "../../etc";
  EXPECT_FALSE(ValidateInstanceSpec(spec).ok());
}

TEST(RuntimeTest, ValidationNamesTheProblem) {
  EXPECT_TRUE(ValidateInstanceSpec(MinimalSpec()).ok());
  auto spec = MinimalSpec();
  spec["instance_id"] = "../etc";
  EXPECT_NE(ValidateInstanceSpec(spec).message().find("instance_id"), std::string::npos);
  spec = MinimalSpec();
  spec["runtime"]["plugin"] = "paasmaker.runtime.perl";
  EXPECT_NE(ValidateInstanceSpec(spec).message().find("unknown runtime"), std::string::npos);
  spec = MinimalSpec();
  spec["runtime"]["parameters"].erase("launch_command");
  EXPECT_NE(ValidateInstanceSpec(spec).message().find("launch_command"), std::string::npos);
  spec = MinimalSpec();
  spec["startup"] = {{{"plugin", "paasmaker.startup.shell"}, {"parameters", {{"commands", {1}}}}}};
  EXPECT_FALSE(ValidateInstanceSpec(spec).ok());
}

TEST(RuntimeTest, EnvironmentIsCleanAndCarriesAddressPortAndMetadata) {
  // What the node process has is never the application's business.
  ::setenv("PAASMAKER_NODE_TOKEN", "secret", 1);
  ::setenv("HEART_TEST_CLOUD_CREDENTIALS", "must-not-leak", 1);
  auto env = InstanceEnvironment(Typed(MinimalSpec()), 4100, "/inst/i-1", "198.18.0.7", "");
  ::unsetenv("PAASMAKER_NODE_TOKEN");
  ::unsetenv("HEART_TEST_CLOUD_CREDENTIALS");
  std::vector<std::string> keys;
  for (const auto& [key, value] : env) keys.push_back(key);
  EXPECT_EQ(keys, (std::vector<std::string>{"HOME", "LANG", "PATH", "PM_INSTANCE_ID", "PM_LISTEN_ADDRESS",
                                            "PM_METADATA", "PM_PORT", "PM_SERVICES"}));
  EXPECT_EQ(env["PATH"], "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
  EXPECT_EQ(env["LANG"], "C.UTF-8");
  EXPECT_EQ(env["HOME"], "/inst/i-1");
  EXPECT_EQ(env["PM_LISTEN_ADDRESS"], "198.18.0.7");
  EXPECT_EQ(env["PM_PORT"], "4100");
  EXPECT_EQ(env["PM_INSTANCE_ID"], "i-1");
  EXPECT_EQ(nlohmann::json::parse(env["PM_SERVICES"]), MinimalSpec()["services"]);
  auto metadata = nlohmann::json::parse(env["PM_METADATA"]);
  EXPECT_EQ(metadata["application"]["name"], "hello");
  EXPECT_EQ(metadata["workspace"]["team"], "a");
  EXPECT_EQ(metadata["node"]["zone"], "z");

  // A service with a url: its own variable, and DATABASE_URL for a database.
  auto with_db = MinimalSpec();
  with_db["services"]["db"] = {{"provider", "paasmaker.service.managedpostgres"}, {"url", "postgresql://u:p@h:5/d"}};
  auto db_env = InstanceEnvironment(Typed(with_db), 4100, "/inst/i-1", "198.18.0.7", "");
  EXPECT_EQ(db_env["PM_SERVICE_DB_URL"], "postgresql://u:p@h:5/d");
  EXPECT_EQ(db_env["DATABASE_URL"], "postgresql://u:p@h:5/d");

  auto standalone = MinimalSpec();
  standalone["standalone"] = true;
  auto worker = InstanceEnvironment(Typed(standalone), 0, "/i", "198.18.0.7", "");
  EXPECT_EQ(worker.count("PM_PORT"), 0u);
  EXPECT_EQ(worker.count("PM_LISTEN_ADDRESS"), 0u);  // it listens nowhere
  EXPECT_EQ(worker["HOME"], "/i");
}

TEST(LogPumpTest, CopiesFifoOutputAndRotates) {
  testing::TempDir tmp;
  LogPump pump(1000);
  pump.Start();
  ASSERT_TRUE(pump.Attach("i", tmp / "i.fifo", tmp / "i.log").ok());
  int fd = ::open((tmp / "i.fifo").c_str(), O_WRONLY);
  ASSERT_GE(fd, 0);
  std::string line(99, 'x');
  line += '\n';
  // Past the limit first, then more: the next write rotates. The 11 lines go
  // in one write (atomic below PIPE_BUF, so one read gets them all): written
  // one by one, a pump that woke after exactly 10 would see the log at the
  // limit and rotate before the 11th.
  std::string eleven;
  for (int i = 0; i < 11; ++i) eleven += line;
  ASSERT_EQ(::write(fd, eleven.data(), eleven.size()), 1100);
  EXPECT_TRUE(testing::WaitFor([&] {
    auto current = files::ReadFile(tmp / "i.log");
    return current.ok() && current->size() == 1100;
  }, std::chrono::seconds(5)));
  ASSERT_EQ(::write(fd, line.data(), line.size()), 100);
  ::close(fd);
  EXPECT_TRUE(testing::WaitFor([&] {
    auto rotated = files::ReadFile(tmp / "i.log.1");
    auto current = files::ReadFile(tmp / "i.log");
    return rotated.ok() && current.ok() && rotated->size() == 1100 && current->size() == 100;
  }, std::chrono::seconds(5)));
  EXPECT_EQ(TailLines(tmp / "i.log.1", 2), line.substr(0, 99) + "\n" + line.substr(0, 99));
  pump.Stop();
}

}  // namespace
}  // namespace paasmaker::heart
