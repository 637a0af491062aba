// core/log: the JSON line format (time, level, node, component, message,
// ids), the component a source path gives, thread-attached fields; and the
// config key log_format.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <fstream>
#include <thread>
#include <vector>

#include "config/node_config.h"
#include "core/log.h"
#include "jobs/job.h"
#include "temp_dir.h"

namespace paasmaker::log {
namespace {

using std::chrono::milliseconds;
using std::chrono::system_clock;

Fields MakeFields(std::string job, std::string application, std::string version, std::string instance) {
  Fields f;
  f.job_id = std::move(job);
  f.application_id = std::move(application);
  f.version_id = std::move(version);
  f.instance_id = std::move(instance);
  return f;
}

TEST(LogTest, Rfc3339IsUtcWithMilliseconds) {
  system_clock::time_point t{milliseconds(1764793006123)};  // 2025-12-03T20:16:46.123Z
  EXPECT_EQ(Rfc3339Millis(t), "2025-12-03T20:16:46.123Z");
  EXPECT_EQ(Rfc3339Millis(system_clock::time_point{milliseconds(5)}), "1970-01-01T00:00:00.005Z");
}

TEST(LogTest, JsonLineHasEveryFieldAndLeavesOutEmptyIds) {
  Record r;
  r.time = system_clock::time_point{milliseconds(1764793006123)};
  r.level = "warning";
  r.node = "web-1";
  r.component = "heart";
  r.message = "instance \"x\" exited\nwith 1";
  r.fields = MakeFields("j1", "", "", "i1");
  std::string line = FormatJsonLine(r);
  EXPECT_EQ(line.find('\n'), std::string::npos) << "one object per line";
  auto j = nlohmann::json::parse(line);
  EXPECT_EQ(j["time"], "2025-12-03T20:16:46.123Z");
  EXPECT_EQ(j["level"], "warning");
  EXPECT_EQ(j["node"], "web-1");
  EXPECT_EQ(j["component"], "heart");
  EXPECT_EQ(j["message"], "instance \"x\" exited\nwith 1");
  EXPECT_EQ(j["job_id"], "j1");
  EXPECT_EQ(j["instance_id"], "i1");
  EXPECT_FALSE(j.contains("version_id"));
  EXPECT_FALSE(j.contains("application_id"));
  EXPECT_FALSE(j.contains("node_uuid")) << "unknown until the node registered";
  r.node_uuid = "u-1";
  EXPECT_EQ(nlohmann::json::parse(FormatJsonLine(r))["node_uuid"], "u-1");
}

TEST(LogTest, InvalidUtf8InAMessageIsReplacedNotThrown) {
  Record r;
  r.level = "info";
  r.message = std::string("bad \xff byte");
  std::string line;
  ASSERT_NO_THROW(line = FormatJsonLine(r));
  EXPECT_TRUE(nlohmann::json::accept(line)) << line;
}

TEST(LogTest, ComponentIsTheSourceFolder) {
  EXPECT_EQ(ComponentOf("/work/main/src/heart/supervision.cc"), "heart");
  EXPECT_EQ(ComponentOf("/work/main/src/router/stats/stats_worker.cc"), "router.stats");
  EXPECT_EQ(ComponentOf("src/pacemaker/health/health_manager.cc"), "pacemaker.health");
  EXPECT_EQ(ComponentOf("/x/src/pacemaker/a/b/c.cc"), "pacemaker.a");
  EXPECT_EQ(ComponentOf("/tmp/other.cc"), "paasmaker");
  EXPECT_EQ(ComponentOf(nullptr), "paasmaker");
}

TEST(LogTest, ScopesNestAndAreRestoredAndStayOnTheirThread) {
  EXPECT_TRUE(CurrentFields().job_id.empty());
  {
    Scope outer(MakeFields("j1", "a1", "", ""));
    {
      Scope inner(MakeFields("j2", "", "", "i2"));
      EXPECT_EQ(CurrentFields().job_id, "j2");
      EXPECT_EQ(CurrentFields().application_id, "a1") << "inherited from the outer scope";
      EXPECT_EQ(CurrentFields().instance_id, "i2");
      std::string other_thread = "unset";
      std::thread([&] { other_thread = CurrentFields().job_id; }).join();
      EXPECT_EQ(other_thread, "");
    }
    EXPECT_EQ(CurrentFields().job_id, "j1");
    EXPECT_TRUE(CurrentFields().instance_id.empty());
  }
  EXPECT_TRUE(CurrentFields().job_id.empty());
}

TEST(LogTest, JsonFormatWritesOneObjectPerLineWithTheIdsOfTheScope) {
  testing::TempDir dir;
  std::string file = dir.path() + "/log.jsonl";
  ASSERT_TRUE(Configure({"debug", file, "json", "unit-node"}).ok());
  SetNodeUuid("uuid-1");
  {
    Scope scope(MakeFields("job-7", "", "v-3", ""));
    PM_LOG_INFO("hello {}", 42);
  }
  PM_LOG_WARN("second");
  ASSERT_TRUE(Configure("info").ok());  // back to text on stderr only
  SetNodeUuid("");
  std::ifstream in(file);
  std::string line;
  std::vector<nlohmann::json> lines;
  while (std::getline(in, line)) lines.push_back(nlohmann::json::parse(line));
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0]["message"], "hello 42");
  EXPECT_EQ(lines[0]["level"], "info");
  EXPECT_EQ(lines[0]["node"], "unit-node");
  EXPECT_EQ(lines[0]["node_uuid"], "uuid-1");
  EXPECT_EQ(lines[0]["component"], "paasmaker") << "this file is not below a src/ folder";
  EXPECT_EQ(lines[0]["job_id"], "job-7");
  EXPECT_EQ(lines[0]["version_id"], "v-3");
  EXPECT_EQ(lines[1]["level"], "warning");
  EXPECT_FALSE(lines[1].contains("job_id")) << "the scope ended";
}

TEST(LogTest, UnknownFormatIsRefused) {
  Status s = Configure({"info", "", "xml", ""});
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("xml"), std::string::npos);
}

TEST(LogTest, JobFieldsComeFromItsParameters) {
  jobs::Job job;
  job.id = "j";
  job.parameters = {{"instance_id", "i"}, {"version_id", "v"}};
  auto f = jobs::LogFieldsOf(job);
  EXPECT_EQ(f.job_id, "j");
  EXPECT_EQ(f.instance_id, "i");
  EXPECT_EQ(f.version_id, "v");
  job.parameters = {
      {"instance", {{"instance_id", "i2"}, {"version_id", "v2"}, {"application", {{"application_id", "a2"}}}}}};
  f = jobs::LogFieldsOf(job);
  EXPECT_EQ(f.instance_id, "i2");
  EXPECT_EQ(f.version_id, "v2");
  EXPECT_EQ(f.application_id, "a2");
  job.parameters = {{"instance_id", 5}};  // not a string: left out, never thrown
  EXPECT_TRUE(jobs::LogFieldsOf(job).instance_id.empty());
}

TEST(LogConfigTest, LogFormatDefaultsToTextAndRefusesOthersNamingTheKey) {
  auto defaults = config::ParseNodeConfig("", "t.yml");
  ASSERT_TRUE(defaults.ok());
  EXPECT_EQ(defaults->log_format, "text");
  auto json = config::ParseNodeConfig("log_format: json\n", "t.yml");
  ASSERT_TRUE(json.ok());
  EXPECT_EQ(json->log_format, "json");
  auto bad = config::ParseNodeConfig("log_format: xml\n", "t.yml");
  ASSERT_FALSE(bad.ok());
  const std::string& m = bad.status().message();
  EXPECT_NE(m.find("log_format"), std::string::npos) << m;
  EXPECT_NE(m.find("text, json"), std::string::npos) << m;
  EXPECT_NE(m.find("xml"), std::string::npos) << m;
}

}  // namespace
}  // namespace paasmaker::log
