// The one job-plugin shape (jobs/role_job.h) and the one parameter check
// (jobs/job_parameters.h) that every role's job family uses.
#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "jobs/job_context.h"
#include "jobs/job_logs.h"
#include "jobs/job_parameters.h"
#include "jobs/role_job.h"
#include "temp_dir.h"

namespace paasmaker::jobs {
namespace {

using nlohmann::json;

// --- ParameterCheck ---------------------------------------------------------------

std::string Problem(const Status& status) { return status.ok() ? "ok" : status.message(); }

TEST(ParameterCheckTest, AcceptsWhatItIsToldToExpect) {
  json p = {{"id", "abc"}, {"mode", "start"}, {"ids", {"a", "b"}}, {"timeout", 3}, {"force", true}, {"any", nullptr}};
  Status status = ParameterCheck(p).String("id").OneOf("mode", {"register", "start"}).StringList("ids")
                      .OptionalNumber("timeout", 0).OptionalNumber("absent").OptionalBool("force").Present("any");
  EXPECT_TRUE(status.ok()) << status.ToString();
}

TEST(ParameterCheckTest, NamesTheFirstBadParameter) {
  EXPECT_EQ(Problem(ParameterCheck(json::array())), "parameters: must be an object");
  EXPECT_EQ(Problem(ParameterCheck(json::object()).String("version_id")),
            "parameters: 'version_id' is required (a non-empty string)");
  EXPECT_EQ(Problem(ParameterCheck(json{{"version_id", ""}}).String("version_id")),
            "parameters: 'version_id' is required (a non-empty string)");
  EXPECT_EQ(Problem(ParameterCheck(json{{"mode", "stop"}}).OneOf("mode", {"register", "start"})),
            "parameters: 'mode' must be one of register, start (not 'stop')");
  EXPECT_EQ(Problem(ParameterCheck(json{{"ids", "a"}}).StringList("ids")),
            "parameters: 'ids' is required (a list of strings)");
  EXPECT_EQ(Problem(ParameterCheck(json{{"ids", {"a", 1}}}).StringList("ids")), "parameters: 'ids' must hold only strings");
  EXPECT_EQ(Problem(ParameterCheck(json{{"grace", "5"}}).OptionalNumber("grace")), "parameters: 'grace' must be a number");
  EXPECT_EQ(Problem(ParameterCheck(json{{"grace", -1}}).OptionalNumber("grace", 0)),
            "parameters: 'grace' must be at least 0");
  EXPECT_EQ(Problem(ParameterCheck(json{{"force", 1}}).OptionalBool("force")), "parameters: 'force' must be true or false");
  EXPECT_EQ(Problem(ParameterCheck(json::object()).Present("stages")), "parameters: 'stages' is required");
  // The first problem wins; later checks and rules do not run.
  bool rule_ran = false;
  Status first = ParameterCheck(json::object()).String("a").String("b").Also([&](const json&) {
    rule_ran = true;
    return Status::Ok();
  });
  EXPECT_EQ(Problem(first), "parameters: 'a' is required (a non-empty string)");
  EXPECT_FALSE(rule_ran);
  EXPECT_EQ(Problem(ParameterCheck(json{{"a", "x"}}).Also([](const json& p) {
              return InvalidArgument("parameters: 'a' is " + p["a"].get<std::string>());
            })),
            "parameters: 'a' is x");
}

TEST(ParameterCheckTest, StringParameterFallsBack) {
  json p = {{"s", "v"}, {"n", 1}};
  EXPECT_EQ(StringParameter(p, "s"), "v");
  EXPECT_EQ(StringParameter(p, "n", "d"), "d");
  EXPECT_EQ(StringParameter(p, "missing"), "");
  EXPECT_EQ(StringParameter(json::array(), "s", "d"), "d");
}

// --- RoleJob ----------------------------------------------------------------------

struct Role {
  std::string name;
  int* cleanups;
};

// Succeeds, fails or is "aborted" as its parameters say; counts clean-ups.
class ProbeJob : public RoleJob<Role> {
 public:
  using RoleJob::RoleJob;
  Status ValidateParameters(const json& p) const override { return ParameterCheck(p); }

 protected:
  Result<std::string> Run(const Role& role, JobContext& c) const override {
    if (c.parameters().value("fail", false)) return FailedPrecondition("no luck on " + role.name);
    return "done on " + role.name;
  }
  void CleanUp(const Role& role, JobContext&) const override { ++*role.cleanups; }
};

class RoleJobTest : public ::testing::Test {
 protected:
  std::unique_ptr<JobContext> Context(json parameters) {
    Job job;
    job.id = "job-1";
    job.type = "probe";
    job.parameters = std::move(parameters);
    auto log = logs_.Open(job.id);
    EXPECT_TRUE(log.ok()) << log.status().ToString();
    return std::make_unique<JobContext>(job, nullptr, nullptr, *log);
  }
  std::string Log() {
    auto text = logs_.Read("job-1", 0);
    return text.ok() ? text->data : "";
  }

  testing::TempDir dir_;
  JobLogs logs_{dir_.path() + "/logs"};
  int cleanups_ = 0;
  ProbeJob job_{"probe", Role{"node-a", &cleanups_}, "pacemaker"};
};

TEST_F(RoleJobTest, ASummaryIsSuccess) {
  auto c = Context(json::object());
  job_.Start(*c);
  EXPECT_EQ(c->outcome().state, JobState::kSuccess);
  EXPECT_EQ(c->outcome().summary, "done on node-a");
  EXPECT_EQ(cleanups_, 0);
}

TEST_F(RoleJobTest, AnErrorIsLoggedWithItsCodeCleanedUpAndFailed) {
  auto c = Context(json{{"fail", true}});
  job_.Start(*c);
  EXPECT_EQ(c->outcome().state, JobState::kFailed);
  EXPECT_EQ(c->outcome().summary, "no luck on node-a");
  EXPECT_EQ(cleanups_, 1);
  EXPECT_NE(Log().find("FAILED_PRECONDITION: no luck on node-a"), std::string::npos) << Log();
}

TEST_F(RoleJobTest, AnErrorAfterAnAbortRequestIsAborted) {
  auto c = Context(json{{"fail", true}});
  c->RequestAbort();
  job_.Start(*c);
  EXPECT_EQ(c->outcome().state, JobState::kAborted);
  EXPECT_EQ(c->outcome().summary, "Aborted: no luck on node-a");
  EXPECT_EQ(cleanups_, 1);
}

TEST_F(RoleJobTest, ACancelledJobIsCleanedUp) {
  auto c = Context(json::object());
  job_.Cancelled(*c);
  EXPECT_EQ(cleanups_, 1);
}

TEST_F(RoleJobTest, WithoutTheRoleItRefusesToRunAndCleansNothing) {
  ProbeJob elsewhere{"probe", std::nullopt, "pacemaker"};
  auto c = Context(json::object());
  elsewhere.Start(*c);
  EXPECT_EQ(c->outcome().state, JobState::kFailed);
  EXPECT_EQ(c->outcome().summary, "this node has no pacemaker role; probe runs only there");
  elsewhere.Cancelled(*c);
  EXPECT_EQ(cleanups_, 0);
}

}  // namespace
}  // namespace paasmaker::jobs
