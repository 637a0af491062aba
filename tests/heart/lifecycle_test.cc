// Register → startup → start → stop → deregister against real processes,
// the static runtime, failures, the job plugins, and (as root) isolation.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>

#include "core/files.h"
#include "core/net.h"
#include "core/process.h"
#include "heart/heart_jobs.h"
#include "heart_fixture.h"
#include "jobs/job_context.h"

namespace paasmaker::heart {
namespace {

using std::chrono::seconds;

const char* kPythonServer = "exec /usr/bin/python3 -m http.server %(port)d --bind \"$PM_LISTEN_ADDRESS\"";

bool GroupGone(pid_t pid) { return ::kill(-pid, 0) != 0 && errno == ESRCH; }

TEST_F(HeartFixture, FullLifecycleWithRealProcess) {
  ::setenv("PAASMAKER_HEART_TEST_SECRET", "must-not-leak", 1);
  ::setenv("HEART_TEST_NODE_ONLY", "must-not-leak-either", 1);
  auto spec = Spec("inst-1", "v1", Shell(kPythonServer), false, {"env > env.txt", "echo startup-ran"});
  int port = MustRegister(spec);
  EXPECT_GE(port, config_.misc_ports_minimum);
  EXPECT_LE(port, config_.misc_ports_maximum);
  EXPECT_EQ(heart_->Find("inst-1")->state, "REGISTERED");
  EXPECT_TRUE(files::Exists(heart_->InstanceDir("inst-1") + "/hello.txt"));
  EXPECT_EQ(MustRegister(spec), port);  // idempotent

  ASSERT_TRUE(heart_->RunStartup("inst-1", Log("startup"), nullptr).ok());
  EXPECT_NE(files::ReadFile(Log("startup").path())->find("startup-ran"), std::string::npos);

  Status started = heart_->StartInstance("inst-1", Log("start"));
  ASSERT_TRUE(started.ok()) << started.ToString();
  auto status = heart_->Find("inst-1");
  EXPECT_EQ(status->state, "RUNNING");
  EXPECT_TRUE(net::PortAcceptsConnections("127.0.0.1", port));
  pid_t pid = status->pid;
  EXPECT_TRUE(process::PidAlive(pid));

  http::Client app("http://127.0.0.1:" + std::to_string(port));
  auto env = app.Get("/env.txt");
  ASSERT_TRUE(env.ok());
  EXPECT_NE(env->body.find("PM_INSTANCE_ID=inst-1"), std::string::npos);
  EXPECT_NE(env->body.find("PM_PORT=" + std::to_string(port)), std::string::npos);
  EXPECT_NE(env->body.find("PM_SERVICES="), std::string::npos);
  EXPECT_NE(env->body.find("HOME=" + heart_->InstanceDir("inst-1")), std::string::npos);
  EXPECT_NE(env->body.find("PM_LISTEN_ADDRESS=127.0.0.1\n"), std::string::npos);
  // The system PATH, then the heart's tools dir (its `python`, for manifests written for the original).
  EXPECT_NE(env->body.find("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:" +
                           config_.heart.working_dir + "/runtime-bin\n"),
            std::string::npos);
  EXPECT_NE(env->body.find("LANG=C.UTF-8\n"), std::string::npos);
  EXPECT_EQ(env->body.find("must-not-leak"), std::string::npos);

  // The instance log, through the node endpoint.
  http::Server node(2);
  heart_->InstallRoutes(node, kToken);
  ASSERT_TRUE(node.Start("127.0.0.1", 0).ok());
  http::Client client("http://127.0.0.1:" + std::to_string(node.port()));
  EXPECT_TRUE(testing::WaitFor([&] {
    auto log = client.Get("/api/v1/node/instances/inst-1/log?offset=0", {{"Authorization", std::string("Bearer ") + kToken}});
    return log.ok() && log->status == 200 && log->body.find("GET /env.txt") != std::string::npos &&
           log->headers.count("X-Log-Next-Offset") == 1;
  }, seconds(5)));
  EXPECT_EQ(client.Get("/api/v1/node/instances/inst-1/log", {{"X-Paasmaker-Key", kToken}})->status, 200);
  EXPECT_EQ(client.Get("/api/v1/node/instances/inst-1/log")->status, 401);
  EXPECT_EQ(client.Get("/api/v1/node/instances/inst-1/log", {{"Authorization", "Bearer wrong"}})->status, 401);
  EXPECT_EQ(client.Get("/api/v1/node/instances/nope/log", {{"X-Paasmaker-Key", kToken}})->status, 404);

  auto report = heart_->ReportExtra()["instances"];
  ASSERT_EQ(report.size(), 1u);
  EXPECT_EQ(report[0]["instance_id"], "inst-1");
  EXPECT_EQ(report[0]["state"], "RUNNING");
  EXPECT_EQ(report[0]["port"], port);
  EXPECT_EQ(report[0]["pid"], pid);

  Status refused = heart_->Deregister("inst-1", Log("dereg"));
  EXPECT_EQ(refused.code(), StatusCode::kFailedPrecondition);
  EXPECT_TRUE(heart_->StartInstance("inst-1", Log("start2")).ok());  // already running
  EXPECT_EQ(heart_->Find("inst-1")->pid, pid);

  ASSERT_TRUE(heart_->StopInstance("inst-1", Log("stop")).ok());
  EXPECT_EQ(heart_->Find("inst-1")->state, "STOPPED");
  EXPECT_FALSE(process::PidAlive(pid));
  EXPECT_TRUE(GroupGone(pid));
  EXPECT_TRUE(heart_->StopInstance("inst-1", Log("stop")).ok());  // nothing to stop

  ASSERT_TRUE(heart_->Deregister("inst-1", Log("dereg")).ok());
  EXPECT_FALSE(heart_->Find("inst-1").has_value());
  EXPECT_FALSE(files::Exists(heart_->InstanceDir("inst-1")));
  report = heart_->ReportExtra()["instances"];
  ASSERT_EQ(report.size(), 1u);
  EXPECT_EQ(report[0]["state"], "DEREGISTERED");
  EXPECT_TRUE(heart_->ReportExtra()["instances"].empty());  // reported once
  EXPECT_TRUE(heart_->Deregister("inst-1", Log("dereg")).ok());  // unknown: nothing to do
}

TEST_F(HeartFixture, PackageFetchNeedsTheTokenAndTheRightChecksum) {
  auto bad_token = NewHeart("wrong-token");
  auto failed = bad_token->Register(Typed(Spec("i-tok", "v1", Shell("true"))), Log("tok"));
  ASSERT_FALSE(failed.ok());
  EXPECT_NE(failed.status().message().find("401"), std::string::npos) << failed.status().ToString();
  EXPECT_FALSE(bad_token->Find("i-tok").has_value());
  bad_token.reset();

  auto spec = Spec("i-sum", "v1", Shell("true"));
  spec["package"]["checksum"] = std::string(64, '0');
  auto mismatch = heart_->Register(Typed(spec), Log("sum"));
  ASSERT_FALSE(mismatch.ok());
  EXPECT_NE(mismatch.status().message().find("checksum"), std::string::npos);
  EXPECT_FALSE(files::Exists(heart_->InstanceDir("i-sum")));
}

TEST_F(HeartFixture, CachedPackageIsReused) {
  MustRegister(Spec("i-a", "v1", Shell("true")));
  packages_.clear();  // the "pacemaker" no longer has it
  MustRegister(Spec("i-b", "v1", Shell("true")));
  EXPECT_TRUE(files::Exists(heart_->InstanceDir("i-b") + "/hello.txt"));
  EXPECT_NE(heart_->Find("i-a")->port, heart_->Find("i-b")->port);
}

TEST_F(HeartFixture, StaticRuntimeServesTheDocumentRoot) {
  AddPackage("v-static", {{"index.html", "<h1>static works</h1>"}});
  nlohmann::json runtime = {{"plugin", "paasmaker.runtime.static"}, {"version", "1"}, {"parameters", nlohmann::json::object()}};
  int port = MustRegister(Spec("i-static", "v-static", runtime));
  Status started = heart_->StartInstance("i-static", Log("static"));
  ASSERT_TRUE(started.ok()) << started.ToString();
  auto page = http::Client("http://127.0.0.1:" + std::to_string(port)).Get("/");
  ASSERT_TRUE(page.ok());
  EXPECT_NE(page->body.find("static works"), std::string::npos);
}

TEST_F(HeartFixture, StartupFailureIsErrorWithOutput) {
  MustRegister(Spec("i-su", "v1", Shell("true"), false, {"echo first-ok", "echo boom-output; exit 3", "echo never"}));
  Status failed = heart_->RunStartup("i-su", Log("su"), nullptr);
  ASSERT_FALSE(failed.ok());
  EXPECT_NE(failed.message().find("boom-output"), std::string::npos) << failed.message();
  EXPECT_NE(failed.message().find("exited with code 3"), std::string::npos);
  EXPECT_EQ(files::ReadFile(Log("su").path())->find("never"), std::string::npos);
  EXPECT_EQ(heart_->Find("i-su")->state, "ERROR");
}

TEST_F(HeartFixture, ExitDuringStartIsErrorWithTheLogTail) {
  MustRegister(Spec("i-bad", "v1", Shell("echo bad-start; exit 1")));
  Status failed = heart_->StartInstance("i-bad", Log("bad"));
  ASSERT_FALSE(failed.ok());
  EXPECT_NE(failed.message().find("bad-start"), std::string::npos) << failed.message();
  EXPECT_NE(files::ReadFile(Log("bad").path())->find("bad-start"), std::string::npos);
  auto status = heart_->Find("i-bad");
  EXPECT_EQ(status->state, "ERROR");
  EXPECT_EQ(status->restarts, 0);  // a failed start is not restarted
}

TEST_F(HeartFixture, StartTimeoutStopsTheProcess) {
  MustRegister(Spec("i-slow", "v1", Shell("exec sleep 1000", /*start_timeout=*/0.5)));
  Status failed = heart_->StartInstance("i-slow", Log("slow"));
  ASSERT_FALSE(failed.ok());
  EXPECT_NE(failed.message().find("not ready"), std::string::npos) << failed.message();
  auto status = heart_->Find("i-slow");
  EXPECT_EQ(status->state, "ERROR");
  EXPECT_EQ(status->pid, 0);
}

TEST_F(HeartFixture, StandaloneInstanceHasNoPort) {
  EXPECT_EQ(MustRegister(Spec("i-alone", "v1", Shell("test -z \"$PM_PORT\" && exec sleep 1000"), true)), 0);
  ASSERT_TRUE(heart_->StartInstance("i-alone", Log("alone")).ok());
  auto status = heart_->Find("i-alone");
  EXPECT_EQ(status->state, "RUNNING");
  EXPECT_EQ(status->port, 0);
  EXPECT_TRUE(process::PidAlive(status->pid));
}

TEST_F(HeartFixture, JobPluginsWriteTheTreeContext) {
  jobs::JobRegistry registry;
  ASSERT_TRUE(RegisterHeartJobs(registry, heart_.get()).ok());
  int runs = 0;
  auto run = [&](const std::string& type, nlohmann::json parameters) {
    jobs::Job job;
    job.id = "job-run-" + std::to_string(++runs);
    job.root_id = job.id;
    job.type = type;
    job.parameters = std::move(parameters);
    EXPECT_TRUE(registry.Find(type)->ValidateParameters(job.parameters).ok());
    auto log = job_logs_->Open(job.id);
    auto context = std::make_unique<jobs::JobContext>(job, nullptr, &registry, *log);
    registry.Find(type)->Start(*context);
    return context;
  };
  auto spec = Spec("i-job", "v1", Shell("exec sleep 1000", 10, 0.1), true);
  auto registered = run("paasmaker.job.heart.register", {{"instance", spec}});
  EXPECT_EQ(registered->outcome().state, jobs::JobState::kSuccess) << registered->outcome().summary;
  EXPECT_EQ(registered->context_writes()["port-i-job"], 0);
  auto started = run("paasmaker.job.heart.start", {{"instance_id", "i-job"}});
  EXPECT_EQ(started->outcome().state, jobs::JobState::kSuccess) << started->outcome().summary;
  EXPECT_EQ(started->context_writes()["state-i-job"], "RUNNING");
  auto refused = run("paasmaker.job.heart.deregister", {{"instance_id", "i-job"}});
  EXPECT_EQ(refused->outcome().state, jobs::JobState::kFailed);
  EXPECT_NE(refused->outcome().summary.find("RUNNING"), std::string::npos);
  EXPECT_EQ(run("paasmaker.job.heart.stop", {{"instance_id", "i-job"}})->outcome().state, jobs::JobState::kSuccess);
  EXPECT_EQ(run("paasmaker.job.heart.deregister", {{"instance_id", "i-job"}})->outcome().state,
            jobs::JobState::kSuccess);

  EXPECT_FALSE(registry.Find("paasmaker.job.heart.start")->ValidateParameters({{"instance_id", "../x"}}).ok());
  EXPECT_FALSE(registry.Find("paasmaker.job.heart.register")->ValidateParameters({{"instance", {}}}).ok());

  jobs::JobRegistry no_heart;
  ASSERT_TRUE(RegisterHeartJobs(no_heart, nullptr).ok());
  jobs::Job job;
  job.id = job.root_id = "job-noheart";
  job.type = "paasmaker.job.heart.start";
  job.parameters = {{"instance_id", "x"}};
  jobs::JobContext context(job, nullptr, &no_heart, *job_logs_->Open(job.id));
  no_heart.Find(job.type)->Start(context);
  EXPECT_EQ(context.outcome().state, jobs::JobState::kFailed);
  EXPECT_EQ(context.outcome().summary, "this node has no heart role; paasmaker.job.heart.start runs only there");
}

TEST_F(HeartFixture, AsRootInstancesRunUnderTheirOwnUid) {
  if (!IsRoot()) GTEST_SKIP() << "needs root";
  MustRegister(Spec("i-b", "v1", Shell("exec sleep 1000"), true));
  std::string catalog = config_.DataDir() + "/heart/catalog.json";
  std::string other = heart_->InstanceDir("i-b");
  // Run as i-a: it can read neither i-b's files nor the heart's data.
  MustRegister(Spec("i-a", "v1", Shell("exec sleep 1000", 10, 0.1), true,
                    {"test \"$(id -u)\" != 0", "! cat " + catalog, "! ls " + other,
                     "! ls " + config_.DataDir() + "/heart/logs", "cat hello.txt"}));
  auto a = heart_->Find("i-a");
  auto b = heart_->Find("i-b");
  EXPECT_GE(a->uid, config_.heart.instance_uid_minimum);
  EXPECT_LE(a->uid, config_.heart.instance_uid_maximum);
  EXPECT_NE(a->uid, b->uid);
  Status isolated = heart_->RunStartup("i-a", Log("iso"), nullptr);
  EXPECT_TRUE(isolated.ok()) << isolated.ToString() << "\n" << *files::ReadFile(Log("iso").path());

  struct stat st;
  ASSERT_EQ(::stat(heart_->InstanceDir("i-a").c_str(), &st), 0);
  EXPECT_EQ(st.st_uid, static_cast<uid_t>(a->uid));
  EXPECT_EQ(st.st_mode & 0777, 0700u);
  ASSERT_EQ(::stat((config_.DataDir() + "/heart").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);

  ASSERT_TRUE(heart_->StartInstance("i-a", Log("a")).ok());
  pid_t pid = heart_->Find("i-a")->pid;
  std::ifstream proc("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  std::string uid_line;
  while (std::getline(proc, line)) {
    if (line.rfind("Uid:", 0) == 0) uid_line = line;
  }
  EXPECT_NE(uid_line.find(std::to_string(a->uid)), std::string::npos) << uid_line;
  EXPECT_EQ(uid_line.find("\t0\t"), std::string::npos) << uid_line;
}

}  // namespace
}  // namespace paasmaker::heart
