// Web crons (SPEC §8.5, issue 17): an app's cron every 2 s (the seconds
// field) fires within 5 s of each slot with the app's cron secret, its job
// log holds the app's answer,
// and across a pacemaker kill -9 and restart no slot runs twice and the
// missed slots run once, not once each.
#include <gtest/gtest.h>

#include <set>

#include "app_helpers.h"
#include "core/files.h"
#include "harness.h"
#include "temp_dir.h"

namespace paasmaker::testing {
namespace {

using nlohmann::json;

// Records every cron call (slot header, arrival time); GET / lists them.
constexpr char kTickerApp[] = R"(import json, os, sys, time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
calls = []
class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def do_GET(self):
        if self.path == "/tick":
            secret = os.environ.get("PM_CRON_SECRET", "")
            calls.append({"slot": int(self.headers.get("X-Paasmaker-Cron-Slot", "0")), "at": time.time(),
                          "cron": self.headers.get("X-Paasmaker-Cron", ""),
                          "secret_ok": secret != "" and self.headers.get("X-Paasmaker-Cron-Secret") == secret})
            body = ("tick %d answered by the app\n" % len(calls)).encode()
        else:
            body = json.dumps(calls).encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *args):
        pass
ThreadingHTTPServer((os.environ.get("PM_LISTEN_ADDRESS", "0.0.0.0"), int(sys.argv[1])), Handler).serve_forever()
)";

constexpr char kTickerManifest[] = R"(manifest:
  format: 1
application:
  name: ticker
instances:
  - name: web
    quantity: 1
    runtime:
      plugin: paasmaker.runtime.shell
      version: "1"
      parameters: {launch_command: "python3 app.py %(port)d"}
    hostnames: [ticker.example.com]
    crons:
      - {runspec: "*/2 * * * * *", uri: /tick, timezone: Asia/Tokyo}
)";

constexpr char kHost[] = "ticker.example.com";

double Now() { return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count(); }

class CronsTest : public ClusterTest {
 protected:
  void SetUp() override { StartCluster(1, 1); }

  // The app's record of cron calls.
  json Calls() {
    auto answer = RouterGet(router(), kHost, "/");
    if (answer.status != 200) return json::array();
    json calls = json::parse(answer.body, nullptr, false);
    return calls.is_array() ? calls : json::array();
  }
  bool WaitForCalls(size_t count, std::chrono::milliseconds timeout = std::chrono::seconds(30)) {
    return WaitFor([&] { return Calls().size() >= count; }, timeout, std::chrono::milliseconds(200));
  }

  // The ticker app deployed, started and current; its application id.
  std::string DeployTicker() {
    const std::string dir = work_.path() + "/ticker";
    EXPECT_TRUE(files::MakeDirectories(dir).ok());
    EXPECT_TRUE(files::WriteFileAtomically(dir + "/app.py", kTickerApp).ok());
    EXPECT_TRUE(files::WriteFileAtomically(dir + "/manifest.yml", kTickerManifest).ok());
    DeployResult deployed = DeployServed(dir, kHost, "[");
    EXPECT_EQ(deployed.command.exit_code, 0) << deployed.command.output;
    return deployed.application_id();
  }

  TempDir work_{"pm-crons"};
};

TEST_F(CronsTest, ACronFiresOnItsSlotsOnceEachAcrossAPacemakerKill) {
  const std::string app_id = DeployTicker();
  ASSERT_FALSE(app_id.empty());

  ASSERT_TRUE(WaitForCalls(3)) << Calls().dump() << "\n" << Tail(cluster_.pacemaker().Output());
  json before = Calls();
  for (const auto& call : before) {
    const int64_t slot = call["slot"];
    EXPECT_EQ(slot % 2, 0) << call.dump();
    EXPECT_GE(call["at"].get<double>(), static_cast<double>(slot) - 0.05) << call.dump();  // not early
    EXPECT_LE(call["at"].get<double>(), static_cast<double>(slot) + 5) << call.dump();     // within 5 s
    EXPECT_EQ(call["cron"], app_id + "/web/0") << call.dump();
    EXPECT_EQ(call["secret_ok"], true) << "the app's PM_CRON_SECRET is not the request's: " << call.dump();
  }

  // The runs are job trees tagged cron; their logs hold the app's answer.
  json listing = cluster_.GetData("/api/v1/jobs?tag=cron&limit=50");
  ASSERT_TRUE(listing.contains("jobs") && !listing["jobs"].empty()) << listing.dump();
  std::string root = listing["jobs"][0].value("job_id", "");
  ASSERT_FALSE(root.empty()) << listing.dump();
  ASSERT_EQ(WaitForTree(cluster_, root), "SUCCESS");
  std::string logs = TreeLogs(cluster_, root);
  EXPECT_NE(logs.find("answered by the app"), std::string::npos) << logs;
  EXPECT_NE(logs.find("answered 200"), std::string::npos) << logs;

  // kill -9, a few slots missed, then back.
  cluster_.pacemaker().Kill();
  const double killed_at = Now();
  const size_t calls_at_kill = Calls().size();
  ASSERT_TRUE(WaitFor([&] { return Now() > killed_at + 5; }, std::chrono::seconds(10)));  // the outage's length
  const double restarting_at = Now();
  ASSERT_TRUE(cluster_.StartNode(cluster_.pacemaker()));
  ASSERT_TRUE(WaitForCalls(calls_at_kill + 3)) << Calls().dump() << "\n" << Tail(cluster_.pacemaker().Output());

  json after = Calls();
  std::set<int64_t> slots;
  int in_outage = 0;
  for (const auto& call : after) {
    const int64_t slot = call["slot"];
    EXPECT_TRUE(slots.insert(slot).second) << "slot " << slot << " ran twice: " << after.dump();
    if (slot > killed_at + 1 && slot < restarting_at) ++in_outage;
  }
  // Missed slots run once, for the latest (at or after the restart), not one by one.
  EXPECT_EQ(in_outage, 0) << after.dump();
  // And the first run after the restart is the catch-up or the next slot: within 5 s of it.
  const json& first_back = after[calls_at_kill];
  EXPECT_LE(first_back["at"].get<double>(), first_back["slot"].get<double>() + 5) << after.dump();
}

TEST_F(CronsTest, TheCliListsRunsSuspendsAndResumesACron) {
  ASSERT_FALSE(DeployTicker().empty());
  ASSERT_TRUE(WaitForCalls(1)) << Tail(cluster_.pacemaker().Output());

  auto list = RunClient(cluster_, {"cron", "list", "ticker"});
  ASSERT_EQ(list.exit_code, 0) << list.output;
  EXPECT_NE(list.output.find("web/0"), std::string::npos) << list.output;
  EXPECT_NE(list.output.find("*/2 * * * * *"), std::string::npos) << list.output;
  EXPECT_NE(list.output.find("Asia/Tokyo"), std::string::npos) << list.output;  // the manifest's zone, kept
  EXPECT_NE(list.output.find("/tick"), std::string::npos) << list.output;
  EXPECT_NE(list.output.find("started"), std::string::npos) << list.output;

  // Suspended: slots pass without a call (3 slots' worth), then it runs again.
  auto suspend = RunClient(cluster_, {"cron", "suspend", "ticker", "web/0"});
  ASSERT_EQ(suspend.exit_code, 0) << suspend.output;
  // A run claimed in the second before the suspension may still arrive.
  const double suspended_at = Now();
  ASSERT_TRUE(WaitFor([&] { return Now() > suspended_at + 1.5; }, std::chrono::seconds(5)));
  const size_t calls_suspended = Calls().size();
  ASSERT_TRUE(WaitFor([&] { return Now() > suspended_at + 7.5; }, std::chrono::seconds(10)));
  EXPECT_EQ(Calls().size(), calls_suspended) << Calls().dump();
  EXPECT_NE(RunClient(cluster_, {"cron", "list", "ticker"}).output.find("suspended"), std::string::npos);

  // Run now (a suspended cron too), waited for: the job ends SUCCESS and the
  // app saw exactly one more call.
  auto run = RunClient(cluster_, {"cron", "run", "ticker", "web/0", "--wait"});
  EXPECT_EQ(run.exit_code, 0) << run.output;
  EXPECT_EQ(Calls().size(), calls_suspended + 1) << Calls().dump();

  auto resume = RunClient(cluster_, {"cron", "resume", "ticker", "web/0"});
  ASSERT_EQ(resume.exit_code, 0) << resume.output;
  EXPECT_TRUE(WaitForCalls(calls_suspended + 2)) << Calls().dump();

  auto runs = RunClient(cluster_, {"cron", "runs", "ticker", "web/0"});
  ASSERT_EQ(runs.exit_code, 0) << runs.output;
  EXPECT_NE(runs.output.find("started"), std::string::npos) << runs.output;

  // Names that do not fit say what would.
  auto bad = RunClient(cluster_, {"cron", "runs", "ticker", "web"});
  EXPECT_EQ(bad.exit_code, 2) << bad.output;
  EXPECT_NE(bad.output.find("a cron is named TYPE/INDEX, like web/0"), std::string::npos) << bad.output;
  auto unknown = RunClient(cluster_, {"cron", "run", "ticker", "worker/3"});
  EXPECT_EQ(unknown.exit_code, 4) << unknown.output;
  EXPECT_NE(unknown.output.find("the current version has no cron worker/3; it has web/0"), std::string::npos)
      << unknown.output;
}

}  // namespace
}  // namespace paasmaker::testing
