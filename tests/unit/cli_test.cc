// Tests of the command-line client against a real HTTP server on loopback
// that answers with canned API envelopes.
#include <chrono>
#include "temp_dir.h"
#include <map>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "cli/cli.h"
#include "cli/sse_parser.h"
#include "core/http.h"
#include "core/net.h"

namespace paasmaker::cli {
namespace {

using nlohmann::json;

constexpr char kNodesData[] = R"({"nodes":[
  {"uuid":"11111111-aaaa","name":"alpha-node","route":"10.0.0.1","api_port":42500,
   "roles":["pacemaker","heart","router"],"state":"ACTIVE","last_heard":1700000000.5,
   "score":0.25,"tags":{},"stats":{}},
  {"uuid":"22222222-bbbb","name":"beta-node","route":"10.0.0.2","api_port":42500,
   "roles":["heart"],"state":"DOWN","last_heard":1600000000.0,"score":0.0,"tags":{},"stats":{}}]})";

std::string Envelope(const std::string& data_json) {
  return R"({"data":)" + data_json + R"(,"errors":[]})";
}

std::string ErrorEnvelope(const std::string& message) {
  return json{{"data", nullptr}, {"errors", {message}}}.dump();
}

// SSE events for a job tree whose root ends `root_state`, cut into chunks
// that split lines and events, as a network would.
std::vector<std::string> FollowChunks(const std::string& root_state) {
  std::string all =
      "data: {\"type\":\"status\",\"job_id\":\"rootjob-0001\",\"state\":\"WAITING\",\"title\":\"Deploy\"}\n\n"
      ": keep-alive\n\n"
      "data: {\"type\":\"status\",\"job_id\":\"childjob-002\",\"state\":\"RUNNING\"}\r\n\r\n"
      "data: {\"type\":\"log\",\"job_id\":\"childjob-002\",\"text\":\"unpacking source\\nbuil\"}\n\n"
      "data: {\"type\":\"log\",\"job_id\":\"childjob-002\",\"text\":\"d done\\n\"}\n\n"
      "data: {\"type\":\"status\",\"job_id\":\"childjob-002\",\"state\":\"" +
      std::string(root_state == "SUCCESS" ? "SUCCESS" : "FAILED") +
      "\"}\n\n"
      "data: {\"type\":\"status\",\"job_id\":\"rootjob-0001\",\"state\":\"" + root_state +
      "\"}\n\n"
      "data: {\"type\":\"end\",\"root_state\":\"" + root_state + "\"}\n\n";
  std::vector<std::string> chunks;
  for (size_t i = 0; i < all.size(); i += 37) chunks.push_back(all.substr(i, 37));
  return chunks;
}

class CliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_.Route("GET", "/api/v1/nodes", [this](const http::Request& req, http::Response& res) {
      Record(req);
      res.body = Envelope(kNodesData);
    });
    server_.Route("GET", "/api/v1/nodes/([^/]+)", [this](const http::Request& req, http::Response& res) {
      Record(req);
      res.status = 404;
      res.body = ErrorEnvelope("no node with uuid " + req.params[0]);
    });
    server_.Route("GET", "/api/v1/workspaces", [this](const http::Request& req, http::Response& res) {
      Record(req);
      res.status = 401;
      res.body = ErrorEnvelope("unknown API key");
    });
    server_.Route("POST", "/api/v1/workspaces", [this](const http::Request& req, http::Response& res) {
      Record(req);
      res.status = 201;
      json body = json::parse(req.body);
      res.body = Envelope(json{{"workspace", {{"id", 7}, {"name", body["name"]}, {"stub", body["stub"]},
                                              {"tags", body["tags"]}}}}.dump());
    });
    server_.Route("POST", "/api/v1/roles", [this](const http::Request& req, http::Response& res) {
      Record(req);
      res.status = 400;
      res.body = ErrorEnvelope("unknown permission " + json::parse(req.body)["permissions"][0].get<std::string>());
    });
    server_.Route("GET", "/api/v1/jobs/([^/]+)/log", [this](const http::Request& req, http::Response& res) {
      Record(req);
      res.content_type = "text/plain";
      res.body = "log from offset " + req.Query("offset") + "\n";
    });
    server_.Route("GET", "/api/v1/jobs/([^/]+)/stream", [this](const http::Request& req, http::Response& res) {
      Record(req);
      std::string state = req.params[0] == "job-ok" ? "SUCCESS" : req.params[0] == "job-aborted" ? "ABORTED"
                                                                                                  : "FAILED";
      res.content_type = "text/event-stream";
      res.stream = [state](http::StreamWriter& writer) {
        for (const auto& chunk : FollowChunks(state)) {
          if (!writer.Write(chunk)) return;
        }
      };
    });
    ASSERT_TRUE(server_.Start("127.0.0.1", 0).ok());
    remote_ = "http://127.0.0.1:" + std::to_string(server_.port());
    // Wait until the server answers: stopping it before its accept loop has
    // started would hang the destructor.
    http::Client probe(remote_, std::chrono::milliseconds(500));
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (!probe.Get("/ready").ok() && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  }

  void Record(const http::Request& req) {
    std::lock_guard<std::mutex> lock(mu_);
    ++requests_;
    last_authorization_ = req.Header("Authorization");
    last_body_ = req.body;
  }

  // Runs the CLI with only `env_` as its environment.
  int Run(const std::vector<std::string>& args) {
    out_.str("");
    err_.str("");
    auto env = env_;
    return RunCli(args, CliIo{out_, err_, [env](const std::string& name) -> std::optional<std::string> {
                                auto it = env.find(name);
                                if (it == env.end()) return std::nullopt;
                                return it->second;
                              }});
  }

  int requests() {
    std::lock_guard<std::mutex> lock(mu_);
    return requests_;
  }

  http::Server server_{4};
  std::string remote_;
  std::map<std::string, std::string> env_;
  std::ostringstream out_;
  std::ostringstream err_;
  std::mutex mu_;
  int requests_ = 0;
  std::string last_authorization_;
  std::string last_body_;
};

TEST_F(CliTest, SendsTheKeyAsBearerHeader) {
  EXPECT_EQ(Run({"node", "list", "--remote", remote_, "--key", "s3cret"}), 0) << err_.str();
  std::lock_guard<std::mutex> lock(mu_);
  EXPECT_EQ(last_authorization_, "Bearer s3cret");
}

TEST_F(CliTest, ReadsRemoteAndKeyFromTheEnvironment) {
  env_ = {{"PAASMAKER_REMOTE", remote_}, {"PAASMAKER_KEY", "from-env"}};
  EXPECT_EQ(Run({"node", "list"}), 0) << err_.str();
  std::lock_guard<std::mutex> lock(mu_);
  EXPECT_EQ(last_authorization_, "Bearer from-env");
}

TEST_F(CliTest, FlagsBeatTheEnvironment) {
  env_ = {{"PAASMAKER_REMOTE", "http://127.0.0.1:1"}, {"PAASMAKER_KEY", "from-env"}};
  EXPECT_EQ(Run({"--key", "from-flag", "node", "list", "--remote", remote_}), 0) << err_.str();
  std::lock_guard<std::mutex> lock(mu_);
  EXPECT_EQ(last_authorization_, "Bearer from-flag");
}

TEST_F(CliTest, UnauthenticatedExitsThreeWithTheServerMessage) {
  EXPECT_EQ(Run({"workspace", "list", "--remote", remote_, "--key", "wrong"}), 3);
  EXPECT_NE(err_.str().find("error: the server refused the API key"), std::string::npos) << err_.str();
  EXPECT_NE(err_.str().find("unknown API key"), std::string::npos) << err_.str();
  EXPECT_EQ(out_.str(), "");
}

TEST_F(CliTest, NotFoundExitsFour) {
  EXPECT_EQ(Run({"node", "show", "nope", "--remote", remote_, "--key", "k"}), 4);
  EXPECT_EQ(err_.str().rfind("error: ", 0), 0u) << err_.str();
}

TEST_F(CliTest, BadRequestExitsTwoWithTheServerMessage) {
  EXPECT_EQ(Run({"role", "create", "Deployer", "--permission", "NOPE", "--remote", remote_, "--key", "k"}), 2);
  EXPECT_EQ(err_.str(), "error: unknown permission NOPE\n");
}

TEST_F(CliTest, ConnectionRefusedExitsFiveNamingTheRemote) {
  auto port = paasmaker::testing::FreeTestPort();
  ASSERT_TRUE(port.ok()) << port.status().ToString();
  std::string dead = "http://127.0.0.1:" + std::to_string(*port);
  EXPECT_EQ(Run({"node", "list", "--remote", dead, "--key", "k"}), 5);
  EXPECT_NE(err_.str().find("error: cannot reach the pacemaker at " + dead), std::string::npos) << err_.str();
}

TEST_F(CliTest, JsonPrintsTheDataObject) {
  EXPECT_EQ(Run({"node", "list", "--json", "--remote", remote_, "--key", "k"}), 0) << err_.str();
  json printed = json::parse(out_.str(), nullptr, false);
  EXPECT_EQ(printed, json::parse(kNodesData));
}

TEST_F(CliTest, TableListsTheNodes) {
  EXPECT_EQ(Run({"node", "list", "--remote", remote_, "--key", "k"}), 0) << err_.str();
  std::string out = out_.str();
  EXPECT_EQ(out.rfind("NAME", 0), 0u) << out;
  for (const char* expected : {"UUID", "STATE", "ROLES", "LAST HEARD", "alpha-node", "beta-node",
                               "11111111-aaaa", "pacemaker,heart,router", "DOWN"}) {
    EXPECT_NE(out.find(expected), std::string::npos) << expected << " missing from\n" << out;
  }
  // Columns line up: UUIDs start at the same offset on every line.
  std::istringstream lines(out);
  std::string header, first, second;
  std::getline(lines, header);
  std::getline(lines, first);
  std::getline(lines, second);
  EXPECT_EQ(header.find("UUID"), first.find("11111111"));
  EXPECT_EQ(header.find("UUID"), second.find("22222222"));
}

TEST_F(CliTest, MissingKeyIsRefusedBeforeAnyRequest) {
  EXPECT_EQ(Run({"node", "list", "--remote", remote_}), 3);
  EXPECT_NE(err_.str().find("PAASMAKER_KEY"), std::string::npos) << err_.str();
  EXPECT_NE(err_.str().find("--key"), std::string::npos) << err_.str();
  EXPECT_EQ(requests(), 0);
}

TEST_F(CliTest, WorkspaceCreateSendsNameStubAndTags) {
  EXPECT_EQ(Run({"workspace", "create", "--tag", "owner=ops", "Team Apps!", "--tag", "tier=web",
                 "--remote", remote_, "--key", "k"}),
            0)
      << err_.str();
  std::lock_guard<std::mutex> lock(mu_);
  json sent = json::parse(last_body_);
  EXPECT_EQ(sent["name"], "Team Apps!");
  EXPECT_EQ(sent["stub"], "team-apps");
  EXPECT_EQ(sent["tags"], (json{{"owner", "ops"}, {"tier", "web"}}));
  EXPECT_NE(out_.str().find("Created workspace Team Apps! (id 7"), std::string::npos) << out_.str();
}

TEST_F(CliTest, BadTagIsAUsageErrorWithoutRequest) {
  EXPECT_EQ(Run({"workspace", "create", "x", "--tag", "novalue", "--remote", remote_, "--key", "k"}), 2);
  EXPECT_NE(err_.str().find("key=value"), std::string::npos) << err_.str();
  EXPECT_EQ(requests(), 0);
}

TEST_F(CliTest, JobLogPassesTheOffset) {
  EXPECT_EQ(Run({"job", "log", "abc", "--offset", "42", "--remote", remote_, "--key", "k"}), 0) << err_.str();
  EXPECT_EQ(out_.str(), "log from offset 42\n");
}

TEST_F(CliTest, FollowExitsZeroWhenTheRootSucceeds) {
  EXPECT_EQ(Run({"job", "follow", "job-ok", "--remote", remote_, "--key", "k"}), 0) << err_.str();
  std::string out = out_.str();
  EXPECT_NE(out.find("[rootjob-] WAITING  Deploy"), std::string::npos) << out;
  EXPECT_NE(out.find("[childjob] RUNNING"), std::string::npos) << out;
  // A log line split across two events prints whole.
  EXPECT_NE(out.find("[childjob] unpacking source\n[childjob] build done\n"), std::string::npos) << out;
  EXPECT_NE(out.find("[rootjob-] SUCCESS"), std::string::npos) << out;
  EXPECT_EQ(err_.str(), "");
}

TEST_F(CliTest, FollowFailsWhenTheRootFails) {
  EXPECT_EQ(Run({"job", "follow", "job-bad", "--remote", remote_, "--key", "k"}), 1);
  EXPECT_NE(out_.str().find("[rootjob-] FAILED"), std::string::npos) << out_.str();
  EXPECT_NE(err_.str().find("error: job job-bad ended FAILED"), std::string::npos) << err_.str();
}

TEST_F(CliTest, FollowFailsWhenTheRootIsAborted) {
  EXPECT_NE(Run({"job", "follow", "job-aborted", "--remote", remote_, "--key", "k"}), 0);
  EXPECT_NE(err_.str().find("ended ABORTED"), std::string::npos) << err_.str();
}

TEST_F(CliTest, FollowJsonPrintsOneEventPerLine) {
  EXPECT_EQ(Run({"job", "follow", "job-ok", "--json", "--remote", remote_, "--key", "k"}), 0) << err_.str();
  std::istringstream lines(out_.str());
  std::string line, last;
  int count = 0;
  while (std::getline(lines, line)) {
    EXPECT_TRUE(json::parse(line, nullptr, false).is_object()) << line;
    last = line;
    ++count;
  }
  EXPECT_EQ(count, 7);
  EXPECT_EQ(json::parse(last)["type"], "end");
}

TEST_F(CliTest, UsageErrorsExitTwo) {
  EXPECT_EQ(Run({"node", "show"}), 2);
  EXPECT_NE(err_.str().find("error: "), std::string::npos) << err_.str();
  EXPECT_NE(err_.str().find("paasmaker node show --help"), std::string::npos) << err_.str();
  EXPECT_EQ(Run({"no-such-command"}), 2);
  EXPECT_EQ(Run({}), 2);
  EXPECT_EQ(requests(), 0);
}

TEST_F(CliTest, HelpExitsZeroAndNamesTheEnvironment) {
  EXPECT_EQ(Run({"node", "list", "--help"}), 0);
  EXPECT_NE(out_.str().find("PAASMAKER_REMOTE"), std::string::npos) << out_.str();
  EXPECT_NE(out_.str().find("PAASMAKER_KEY"), std::string::npos) << out_.str();
  EXPECT_NE(out_.str().find("Example:"), std::string::npos) << out_.str();
}

TEST_F(CliTest, ExtraCommandsSetTheExitCode) {
  int code = RunCli({"server"}, CliIo{out_, err_}, [](CLI::App& app) {
    app.add_subcommand("server", "run a node")->callback([] { throw CLI::RuntimeError(7); });
  });
  EXPECT_EQ(code, 7);
  EXPECT_EQ(requests(), 0);
}

TEST(CliExitCodeTest, MapsStatusCodes) {
  EXPECT_EQ(ExitCodeFor(Status::Ok()), 0);
  EXPECT_EQ(ExitCodeFor(Internal("x")), 1);
  EXPECT_EQ(ExitCodeFor(Aborted("x")), 1);
  EXPECT_EQ(ExitCodeFor(InvalidArgument("x")), 2);
  EXPECT_EQ(ExitCodeFor(Unauthenticated("x")), 3);
  EXPECT_EQ(ExitCodeFor(PermissionDenied("x")), 3);
  EXPECT_EQ(ExitCodeFor(NotFound("x")), 4);
  EXPECT_EQ(ExitCodeFor(Unavailable("x")), 5);
}

TEST(CliSseParserTest, JoinsChunksAndDataLines) {
  SseParser parser;
  EXPECT_TRUE(parser.Feed("da").empty());
  EXPECT_TRUE(parser.Feed("ta: one\r\ndata:two\n").empty());
  EXPECT_EQ(parser.Feed("\n: comment\n\nevent: x\ndata: three\n\n"),
            (std::vector<std::string>{"one\ntwo", "three"}));
  EXPECT_TRUE(parser.Feed("data: four\n").empty());
  EXPECT_EQ(parser.Feed("\n"), std::vector<std::string>{"four"});
}

}  // namespace
}  // namespace paasmaker::cli
