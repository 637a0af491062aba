// Tests of the lifecycle commands of the CLI (deploy, app, version, logs,
// router table, instance-type) and their helpers: the rules that turn what
// users type into ids, source classification, and the resumable upload
// against a small HTTP server on loopback that implements our own upload
// contract (docs/lifecycle.md) with injectable failures.
#include <algorithm>
#include <chrono>
#include <fstream>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "cli/api_client.h"
#include "cli/cli.h"
#include "cli/deploy_command.h"
#include "cli/deploy_source.h"
#include "cli/job_wait.h"
#include "cli/resolve.h"
#include "cli/upload.h"
#include "core/archive.h"
#include "core/files.h"
#include "core/http.h"
#include "temp_dir.h"

namespace paasmaker::cli {
namespace {

using files::MakeDirectories;
using files::ReadFile;
using files::WriteFileAtomically;
using nlohmann::json;

constexpr char kAppId[] = "aaaaaaaa-0000-4000-8000-000000000001";
constexpr char kVersionId[] = "bbbbbbbb-0000-4000-8000-000000000002";
constexpr char kInstanceA[] = "cccccccc-0000-4000-8000-00000000000a";
constexpr char kInstanceB[] = "dddddddd-0000-4000-8000-00000000000b";

std::string Envelope(const json& data) { return json{{"data", data}, {"errors", json::array()}}.dump(); }

void Error(http::Response& res, int status, const std::string& message) {
  res.status = status;
  res.body = json{{"data", nullptr}, {"errors", {message}}}.dump();
}

// ---------------------------------------------------------------- pure rules

TEST(CliLifecycleRulesTest, GitUrls) {
  for (const char* url : {"git://example.com/app", "git@github.com:me/app.git", "git+https://example.com/app",
                          "https://example.com/me/app.git", "ssh://host/srv/app.git/", "../app.GIT"}) {
    EXPECT_TRUE(IsGitUrl(url)) << url;
  }
  for (const char* not_git : {"examples/python-hello", "app.tar.gz", "https://example.com/app.tar.gz",
                              "gitlab-export.zip", "./git"}) {
    EXPECT_FALSE(IsGitUrl(not_git)) << not_git;
  }
}

TEST(CliLifecycleRulesTest, ClassifiesSources) {
  testing::TempDir dir;
  ASSERT_TRUE(MakeDirectories(dir / "app").ok());
  ASSERT_TRUE(MakeDirectories(dir / "local.git").ok());
  for (const char* name : {"a.tar.gz", "b.TGZ", "c.tar.bz2", "d.tar.xz", "e.zip", "f.txt"}) {
    ASSERT_TRUE(WriteFileAtomically(dir / name, "x").ok());
  }
  auto kind = [&](const std::string& text) { return ClassifySource(text); };
  EXPECT_EQ(kind(dir / "app")->kind, SourceKind::kDirectory);
  EXPECT_EQ(kind(dir / "app")->scm_plugin, "paasmaker.scm.tarball");
  // A local directory that happens to end in .git is packed, not cloned.
  EXPECT_EQ(kind(dir / "local.git")->kind, SourceKind::kDirectory);
  for (const char* name : {"a.tar.gz", "b.TGZ", "c.tar.bz2", "d.tar.xz"}) {
    EXPECT_EQ(kind(dir / name)->scm_plugin, "paasmaker.scm.tarball") << name;
    EXPECT_EQ(kind(dir / name)->kind, SourceKind::kArchive) << name;
  }
  EXPECT_EQ(kind(dir / "e.zip")->scm_plugin, "paasmaker.scm.zip");
  EXPECT_EQ(kind(dir / "f.txt").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(kind(dir / "missing").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(kind("https://example.com/app").status().code(), StatusCode::kInvalidArgument);
  auto git = kind("git+https://example.com/app");
  ASSERT_TRUE(git.ok());
  EXPECT_EQ(git->kind, SourceKind::kGit);
  EXPECT_EQ(git->location, "https://example.com/app");
  EXPECT_EQ(git->scm_plugin, "paasmaker.scm.git");
  EXPECT_EQ(kind("git@github.com:me/app.git")->location, "git@github.com:me/app.git");
}

TEST(CliLifecycleRulesTest, PicksWorkspaces) {
  json one = json::parse(R"([{"id":"5","name":"Only","stub":"only"}])");
  EXPECT_EQ(PickWorkspace(one, "")->at("id"), "5");

  json several = json::parse(R"([{"id":"1","name":"Team","stub":"team"},
                                 {"id":"2","name":"Default","stub":"main"},
                                 {"id":"3","name":"1","stub":"odd"}])");
  EXPECT_EQ(PickWorkspace(several, "")->at("id"), "2");  // the one named Default
  EXPECT_EQ(PickWorkspace(several, "team")->at("id"), "1");
  EXPECT_EQ(PickWorkspace(several, "TEAM")->at("id"), "1");  // name, ignoring case
  EXPECT_EQ(PickWorkspace(several, "main")->at("id"), "2");
  EXPECT_EQ(PickWorkspace(several, "1")->at("id"), "1");  // an id beats a name
  auto missing = PickWorkspace(several, "nope");
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  EXPECT_NE(missing.status().message().find("Team (team, id 1)"), std::string::npos) << missing.status().message();

  json no_default = json::parse(R"([{"id":"8","name":"B","stub":"b"},{"id":"9","name":"C","stub":"c"}])");
  EXPECT_EQ(PickWorkspace(no_default, "")->at("id"), "8");  // the first
  EXPECT_EQ(PickWorkspace(json::array(), "").status().code(), StatusCode::kNotFound);
}

TEST(CliLifecycleRulesTest, ParsesVersionRefs) {
  auto id = ParseVersionRef(kVersionId);
  ASSERT_TRUE(id.ok());
  EXPECT_EQ(id->version_id, kVersionId);
  auto by_number = ParseVersionRef("hello:12");
  ASSERT_TRUE(by_number.ok());
  EXPECT_EQ(by_number->application, "hello");
  EXPECT_EQ(by_number->number, 12);
  for (const char* bad : {"hello:", ":3", "hello:x", "hello:0", "hello:-1", ""}) {
    EXPECT_EQ(ParseVersionRef(bad).status().code(), StatusCode::kInvalidArgument) << bad;
  }
  EXPECT_TRUE(LooksLikeUuid(kAppId));
  EXPECT_FALSE(LooksLikeUuid("hello"));
  EXPECT_FALSE(LooksLikeUuid("zzzzzzzz-0000-4000-8000-000000000001"));
}

// The ids are fields of the job answer's context; tags are not read.
TEST(CliLifecycleRulesTest, ReadsPreparedIdsFromTheJobAnswersContext) {
  json tagged = {{"job", {{"job_id", "j"}, {"tags", {"workspace:1", "application:A", "application_version:V"}}}}};
  EXPECT_EQ(IdsFromPrepareJob(tagged).version_id, "");
  json with_context = tagged;
  with_context["context"] = {{"application_id", "A2"}, {"version_id", "V2"}};
  PreparedIds ids = IdsFromPrepareJob(with_context);
  EXPECT_EQ(ids.application_id, "A2");
  EXPECT_EQ(ids.version_id, "V2");
  EXPECT_EQ(IdsFromPrepareJob(json{{"job", {{"job_id", "j"}}}}).version_id, "");
}

TEST(CliLifecycleRulesTest, FailureReasonsNameTheDeepestFailedJobs) {
  json tree = {{"job",
                {{"state", "FAILED"},
                 {"title", "Start version 2"},
                 {"children",
                  {{{"state", "SUCCESS"}, {"title", "Register"}},
                   {{"state", "FAILED"},
                    {"title", "Startup"},
                    {"summary", "migration failed: table users missing"},
                    {"children", json::array()}}}}}}};
  EXPECT_EQ(FailureReasons(tree), "Startup: migration failed: table users missing");
}

// A start tree ends ABORTED at the root: the instance's start FAILED below
// a job that was only ABORTED, and that failure is still the reason.
TEST(CliLifecycleRulesTest, FailureReasonsLookBelowAbortedJobs) {
  json tree = {{"job",
                {{"state", "ABORTED"},
                 {"title", "Start version 1"},
                 {"children",
                  {{{"state", "ABORTED"},
                    {"title", "Route instance a"},
                    {"children",
                     {{{"state", "FAILED"}, {"title", "Start instance a"}, {"summary", "exited with code 3"}}}}},
                   {{"state", "ABORTED"}, {"title", "Route instance b"}}}}}}};
  EXPECT_EQ(FailureReasons(tree), "Start instance a: exited with code 3");
  // Nothing failed anywhere (an abort by a user): no reasons to give.
  EXPECT_EQ(FailureReasons(json{{"job", {{"state", "ABORTED"}, {"title", "Start version 1"}}}}), "");
}

// -------------------------------------------------------- the API test double

// The parts of the pacemaker API the lifecycle commands use, over real HTTP.
class FakePacemaker {
 public:
  FakePacemaker() {
    server_.Route("GET", "/api/v1/workspaces", [this](const http::Request& req, http::Response& res) {
      Record(req);
      res.body = Envelope({{"workspaces", json::parse(R"([{"id":"1","name":"Default","stub":"default"},
                                                            {"id":"2","name":"Team","stub":"team"}])")}});
    });
    server_.Route("POST", "/api/v1/uploads", [this](const http::Request& req, http::Response& res) {
      Record(req);
      std::lock_guard<std::mutex> lock(mu_);
      json body = json::parse(req.body);
      upload_size_ = body["size"].get<uint64_t>();
      upload_filename_ = body["filename"];
      uploaded_.clear();
      res.status = 201;
      res.body = Envelope({{"upload", UploadJson()}});
    });
    server_.Route("PUT", "/api/v1/uploads/([^/]+)", [this](const http::Request& req, http::Response& res) {
      Record(req);
      std::lock_guard<std::mutex> lock(mu_);
      ++puts_;
      content_types_.insert(req.Header("Content-Type"));
      uint64_t offset = std::stoull(req.Query("offset", "0"));
      if (offset != uploaded_.size()) {
        ++conflicts_;
        res.status = 409;
        res.body = json{{"data", {{"upload", UploadJson()}}}, {"errors", {"offset is not what was received"}}}.dump();
        return;
      }
      auto fault = put_faults_.find(puts_);
      if (fault != put_faults_.end()) {
        // Keep part of the body, then fail as a dropped or broken exchange would.
        uploaded_ += req.body.substr(0, std::min<size_t>(fault->second.keep_bytes, req.body.size()));
        if (fault->second.fail_next_get) fail_gets_ = 1;
        return Error(res, fault->second.status, "injected failure");
      }
      uploaded_ += req.body;
      res.body = Envelope({{"upload", UploadJson()}});
    });
    server_.Route("GET", "/api/v1/uploads/([^/]+)", [this](const http::Request& req, http::Response& res) {
      Record(req);
      std::lock_guard<std::mutex> lock(mu_);
      if (fail_gets_ > 0) {
        --fail_gets_;
        return Error(res, 503, "injected failure");
      }
      res.body = Envelope({{"upload", UploadJson()}});
    });
    server_.Route("POST", "/api/v1/workspaces/([^/]+)/applications",
                  [this](const http::Request& req, http::Response& res) {
                    Record(req);
                    std::lock_guard<std::mutex> lock(mu_);
                    create_workspace_ = req.params[0];
                    create_body_ = json::parse(req.body);
                    res.body = Envelope({{"job_id", "prepare-job"}});
                  });
    server_.Route("GET", "/api/v1/workspaces/([^/]+)/applications",
                  [this](const http::Request& req, http::Response& res) {
                    Record(req);
                    json apps = req.params[0] == "1" ? json::parse(std::string(R"([{"application_id":")") + kAppId +
                                                                   R"(","name":"hello"}])")
                                                     : json::array();
                    res.body = Envelope({{"applications", apps}});
                  });
    server_.Route("GET", "/api/v1/applications/([^/]+)/versions", [this](const http::Request& req, http::Response& res) {
      Record(req);
      if (req.params[0] != kAppId) return Error(res, 404, "no application");
      res.body = Envelope({{"versions", {{{"version_id", "older"}, {"number", 1}, {"state", "PREPARED"}},
                                         {{"version_id", kVersionId}, {"number", 2}, {"state", "PREPARED"}}}}});
    });
    server_.Route("GET", "/api/v1/jobs/([^/]+)", [this](const http::Request& req, http::Response& res) {
      Record(req);
      std::string id = req.params[0];
      json job = {{"job_id", id}, {"state", "SUCCESS"}, {"title", id}, {"children", json::array()}};
      json context = json::object();
      if (id == "prepare-job") context = {{"application_id", kAppId}, {"version_id", kVersionId}};
      std::lock_guard<std::mutex> lock(mu_);
      if (failing_jobs_.count(id)) {
        job["state"] = "FAILED";
        job["children"] = {{{"job_id", "startup"}, {"state", "FAILED"}, {"title", "Run startup commands"},
                            {"summary", "migration failed: table users missing"}}};
      }
      res.body = Envelope({{"job", job}, {"root_id", id}, {"context", context}});
    });
    server_.Route("GET", "/api/v1/jobs/([^/]+)/stream", [this](const http::Request& req, http::Response& res) {
      Record(req);
      std::string id = req.params[0];
      std::lock_guard<std::mutex> lock(mu_);
      std::string state = failing_jobs_.count(id) ? "FAILED" : "SUCCESS";
      res.content_type = "text/event-stream";
      res.stream = [id, state](http::StreamWriter& writer) {
        writer.Write("data: " + json{{"type", "status"}, {"job_id", id}, {"state", "RUNNING"}, {"title", id}}.dump() +
                     "\n\ndata: " + json{{"type", "log"}, {"job_id", id}, {"text", "working on " + id + "\n"}}.dump() +
                     "\n\ndata: " + json{{"type", "status"}, {"job_id", id}, {"state", state}}.dump() +
                     "\n\ndata: " + json{{"type", "end"}, {"root_state", state}}.dump() + "\n\n");
      };
    });
    server_.Route("POST", "/api/v1/versions/([^/]+)/([a-z]+)", [this](const http::Request& req, http::Response& res) {
      Record(req);
      if (req.params[0] != kVersionId) return Error(res, 404, "no version");
      std::lock_guard<std::mutex> lock(mu_);
      if (req.params[1] == "stop") return Error(res, 409, "version 2 is PREPARED, not RUNNING");
      res.body = Envelope({{"job_id", req.params[1] + "-job"}});
    });
    server_.Route("GET", "/api/v1/instances/([^/]+)/log", [this](const http::Request& req, http::Response& res) {
      Record(req);
      res.content_type = "text/plain";
      std::string log = req.params[0] == kInstanceA ? "a one\na two\n" : "b one\n";
      size_t offset = std::stoull(req.Query("offset", "0"));
      res.body = offset < log.size() ? log.substr(offset, 4) : "";  // small pieces, as a capped server would
    });
    server_.Route("GET", "/api/v1/instances/([^/]+)", [this](const http::Request& req, http::Response& res) {
      Record(req);
      Error(res, 404, "no instance");
    });
    server_.Route("GET", "/api/v1/versions/([^/]+)/instances", [this](const http::Request& req, http::Response& res) {
      Record(req);
      if (req.params[0] != kVersionId) return Error(res, 404, "no version");
      res.body = Envelope({{"instances", {{{"instance_id", kInstanceA}, {"state", "RUNNING"}},
                                          {{"instance_id", kInstanceB}, {"state", "RUNNING"}},
                                          {{"instance_id", "gone"}, {"state", "DEREGISTERED"}}}}});
    });
    server_.Route("GET", "/api/v1/router/table", [this](const http::Request& req, http::Response& res) {
      Record(req);
      res.body = Envelope({{"serial", 7},
                           {"routes", {{"hello.example.com", {std::string("127.0.0.1:42601#vt1#node1#") + kInstanceA}}}}});
    });
    server_.Route("POST", "/api/v1/instance-types/([^/]+)/quantity", [this](const http::Request& req, http::Response& res) {
      Record(req);
      res.body = Envelope({{"job_id", nullptr}});
    });
    Status started = server_.Start("127.0.0.1", 0);
    EXPECT_TRUE(started.ok()) << started.ToString();
    remote_ = "http://127.0.0.1:" + std::to_string(server_.port());
    http::Client probe(remote_, std::chrono::milliseconds(500));
    testing::WaitFor([&] { return probe.Get("/ready").ok(); }, std::chrono::seconds(10), std::chrono::milliseconds(5));
  }

  struct PutFault {
    size_t keep_bytes = 0;
    int status = 500;
    bool fail_next_get = false;
  };

  json UploadJson() const {
    return {{"upload_id", "upload-1"}, {"size", upload_size_}, {"received", uploaded_.size()},
            {"complete", uploaded_.size() == upload_size_}};
  }

  void Record(const http::Request& req) {
    std::lock_guard<std::mutex> lock(mu_);
    requests_.push_back(req.method + " " + req.path);
  }

  std::vector<std::string> requests() {
    std::lock_guard<std::mutex> lock(mu_);
    return requests_;
  }

  http::Server server_{4};
  std::string remote_;
  std::mutex mu_;
  std::vector<std::string> requests_;
  uint64_t upload_size_ = 0;
  std::string upload_filename_;
  std::string uploaded_;
  int puts_ = 0;
  int conflicts_ = 0;
  int fail_gets_ = 0;
  std::set<std::string> content_types_;
  std::map<int, PutFault> put_faults_;  // by PUT number, 1-based
  std::string create_workspace_;
  json create_body_;
  std::set<std::string> failing_jobs_;
};

// Small chunks so a few KiB make many requests; retries without delay.
UploadOptions SmallChunks(int max_retries = 5) {
  UploadOptions options;
  options.chunk_bytes = 1000;
  options.max_retries = max_retries;
  options.retry_delay = std::chrono::milliseconds(1);
  return options;
}

std::string RandomBytes(size_t n) {
  std::mt19937 random(42);
  std::string bytes(n, '\0');
  for (auto& c : bytes) c = static_cast<char>(random() & 0xff);
  return bytes;
}

class CliLifecycleTest : public ::testing::Test {
 protected:
  int Run(std::vector<std::string> args) {
    out_.str("");
    err_.str("");
    args.insert(args.end(), {"--remote", fake_.remote_, "--key", "k"});
    return RunCli(args, CliIo{out_, err_, [](const std::string&) { return std::optional<std::string>(); }});
  }

  ApiClient Api() { return ApiClient(ApiSettings{fake_.remote_, "k"}); }

  FakePacemaker fake_;
  testing::TempDir dir_;
  std::ostringstream out_;
  std::ostringstream err_;
};

// ------------------------------------------------------------------ uploads

TEST_F(CliLifecycleTest, UploadSendsChunksInOrder) {
  std::string content = RandomBytes(10'500);
  ASSERT_TRUE(WriteFileAtomically(dir_ / "app.tar.gz", content).ok());
  ApiClient api = Api();
  auto id = UploadFile(api, dir_ / "app.tar.gz", SmallChunks());
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  EXPECT_EQ(*id, "upload-1");
  std::lock_guard<std::mutex> lock(fake_.mu_);
  EXPECT_EQ(fake_.uploaded_, content);
  EXPECT_EQ(fake_.upload_filename_, "app.tar.gz");
  EXPECT_EQ(fake_.puts_, 11);
  EXPECT_EQ(fake_.content_types_, std::set<std::string>{"application/octet-stream"});
}

TEST_F(CliLifecycleTest, UploadResumesFromWhatTheServerReceived) {
  std::string content = RandomBytes(5'000);
  ASSERT_TRUE(WriteFileAtomically(dir_ / "app.zip", content).ok());
  // PUT 2 keeps 300 bytes and fails; PUT 4 keeps the whole chunk but its
  // answer is lost and so is the next GET, so the client sends a stale
  // offset and must recover from the 409.
  fake_.put_faults_[2] = {.keep_bytes = 300, .status = 500};
  fake_.put_faults_[4] = {.keep_bytes = 1000, .status = 503, .fail_next_get = true};
  ApiClient api = Api();
  auto id = UploadFile(api, dir_ / "app.zip", SmallChunks());
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  std::lock_guard<std::mutex> lock(fake_.mu_);
  EXPECT_EQ(fake_.uploaded_, content);
  EXPECT_EQ(fake_.conflicts_, 1);
}

TEST_F(CliLifecycleTest, UploadGivesUpAfterTheRetries) {
  ASSERT_TRUE(WriteFileAtomically(dir_ / "app.tgz", RandomBytes(3'000)).ok());
  for (int i = 2; i < 20; ++i) fake_.put_faults_[i] = {.keep_bytes = 0, .status = 500};
  ApiClient api = Api();
  auto id = UploadFile(api, dir_ / "app.tgz",
                       SmallChunks(3));
  ASSERT_FALSE(id.ok());
  EXPECT_NE(id.status().message().find("stopped at byte 1000 of 3000"), std::string::npos) << id.status().message();
  std::lock_guard<std::mutex> lock(fake_.mu_);
  EXPECT_EQ(fake_.puts_, 5);  // one good chunk, then the first try and 3 retries
}

TEST_F(CliLifecycleTest, UploadStopsAtOnceWhenRefused) {
  ASSERT_TRUE(WriteFileAtomically(dir_ / "app.tgz", RandomBytes(3'000)).ok());
  fake_.put_faults_[1] = {.keep_bytes = 0, .status = 403};
  ApiClient api = Api();
  auto id = UploadFile(api, dir_ / "app.tgz", SmallChunks());
  EXPECT_EQ(id.status().code(), StatusCode::kPermissionDenied);
  std::lock_guard<std::mutex> lock(fake_.mu_);
  EXPECT_EQ(fake_.puts_, 1);
}

// ------------------------------------------------------------------ deploy

TEST_F(CliLifecycleTest, DeployPacksUploadsPreparesStartsAndMakesCurrent) {
  ASSERT_TRUE(MakeDirectories(dir_ / "src").ok());
  ASSERT_TRUE(WriteFileAtomically(dir_ / "src/manifest.yml", "manifest: {format: 1}\n").ok());
  ASSERT_TRUE(WriteFileAtomically(dir_ / "src/app.py", "print('hi')\n").ok());
  ASSERT_EQ(Run({"deploy", dir_ / "src", "--workspace", "team", "--start", "--current", "--json"}), 0) << err_.str();

  json printed = json::parse(out_.str(), nullptr, false);
  EXPECT_EQ(printed, (json{{"application_id", kAppId},
                           {"version_id", kVersionId},
                           {"jobs", {{"prepare", "prepare-job"}, {"start", "start-job"}, {"current", "current-job"}}}}))
      << out_.str();
  std::lock_guard<std::mutex> lock(fake_.mu_);
  EXPECT_EQ(fake_.create_workspace_, "2");
  EXPECT_EQ(fake_.create_body_, (json{{"scm", {{"plugin", "paasmaker.scm.tarball"},
                                               {"parameters", {{"upload_id", "upload-1"}}}}},
                                      {"manifest_path", "manifest.yml"}}));
  EXPECT_EQ(fake_.upload_filename_, "src.tar.gz");
  // What arrived is a tar.gz of the directory.
  ASSERT_TRUE(WriteFileAtomically(dir_ / "got.tar.gz", fake_.uploaded_).ok());
  ASSERT_TRUE(archives::Unpack(dir_ / "got.tar.gz", dir_ / "unpacked").ok());
  EXPECT_EQ(*ReadFile(dir_ / "unpacked/app.py"), "print('hi')\n");
}

TEST_F(CliLifecycleTest, DeployOfAGitUrlUploadsNothing) {
  ASSERT_EQ(Run({"deploy", "git+https://example.com/hello", "--branch", "main", "--manifest", "deploy/m.yml"}), 0)
      << err_.str();
  EXPECT_NE(out_.str().find(std::string("version_id: ") + kVersionId), std::string::npos) << out_.str();
  EXPECT_NE(out_.str().find(std::string("application_id: ") + kAppId), std::string::npos) << out_.str();
  std::lock_guard<std::mutex> lock(fake_.mu_);
  EXPECT_EQ(fake_.create_workspace_, "1");  // Default
  EXPECT_EQ(fake_.create_body_["scm"], (json{{"plugin", "paasmaker.scm.git"},
                                             {"parameters", {{"location", "https://example.com/hello"},
                                                             {"branch", "main"}}}}));
  EXPECT_EQ(fake_.create_body_["manifest_path"], "deploy/m.yml");
  EXPECT_EQ(fake_.puts_, 0);
}

TEST_F(CliLifecycleTest, DeployFailsWhenAStartTreeFails) {
  {
    std::lock_guard<std::mutex> lock(fake_.mu_);
    fake_.failing_jobs_.insert("start-job");
  }
  ASSERT_TRUE(WriteFileAtomically(dir_ / "app.tar.gz", RandomBytes(100)).ok());
  EXPECT_EQ(Run({"deploy", dir_ / "app.tar.gz", "--start", "--current"}), 1);
  EXPECT_NE(err_.str().find("migration failed: table users missing"), std::string::npos) << err_.str();
  // The version is still named, and nothing was made current.
  EXPECT_NE(out_.str().find(kVersionId), std::string::npos) << out_.str();
  for (const auto& request : fake_.requests()) EXPECT_EQ(request.find("/current"), std::string::npos) << request;
}

TEST_F(CliLifecycleTest, DeployFollowStreamsEveryTreeAndKeepsJsonOnStdout) {
  ASSERT_TRUE(WriteFileAtomically(dir_ / "app.tar.gz", RandomBytes(100)).ok());
  ASSERT_EQ(Run({"deploy", dir_ / "app.tar.gz", "--start", "--verbose", "--json"}), 0) << err_.str();
  json printed = json::parse(out_.str(), nullptr, false);
  EXPECT_EQ(printed["jobs"], (json{{"prepare", "prepare-job"}, {"start", "start-job"}})) << out_.str();
  EXPECT_NE(err_.str().find("working on prepare-job"), std::string::npos) << err_.str();
  EXPECT_NE(err_.str().find("working on start-job"), std::string::npos) << err_.str();

  // --follow alone is the compact view: each job's states, no log lines.
  ASSERT_EQ(Run({"deploy", dir_ / "app.tar.gz", "--start", "--follow"}), 0) << err_.str();
  EXPECT_NE(out_.str().find("[prepare-] SUCCESS"), std::string::npos) << out_.str();
  EXPECT_NE(out_.str().find("[start-jo] SUCCESS"), std::string::npos) << out_.str();
  EXPECT_EQ(out_.str().find("working on"), std::string::npos) << out_.str();

  {
    std::lock_guard<std::mutex> lock(fake_.mu_);
    fake_.failing_jobs_.insert("start-job");
  }
  EXPECT_EQ(Run({"deploy", dir_ / "app.tar.gz", "--start", "--follow"}), 1);
  EXPECT_NE(out_.str().find("[start-jo] FAILED"), std::string::npos) << out_.str();
  EXPECT_NE(err_.str().find("ended FAILED: Run startup commands"), std::string::npos) << err_.str();
}

TEST_F(CliLifecycleTest, DeployRefusesBadSourcesWithoutRequests) {
  EXPECT_EQ(Run({"deploy", dir_ / "nothing-here"}), 4);
  ASSERT_TRUE(WriteFileAtomically(dir_ / "notes.txt", "x").ok());
  EXPECT_EQ(Run({"deploy", dir_ / "notes.txt"}), 2);
  EXPECT_NE(err_.str().find(".zip"), std::string::npos) << err_.str();
  EXPECT_TRUE(fake_.requests().empty());
}

// ------------------------------------------------------- version, app, logs

TEST_F(CliLifecycleTest, VersionActionFindsAppColonNumberAndWaits) {
  ASSERT_EQ(Run({"version", "start", "hello:2", "--wait"}), 0) << err_.str();
  EXPECT_NE(out_.str().find("job start-job"), std::string::npos) << out_.str();
  EXPECT_NE(out_.str().find("ended SUCCESS"), std::string::npos) << out_.str();
  auto requests = fake_.requests();
  EXPECT_NE(std::find(requests.begin(), requests.end(), std::string("POST /api/v1/versions/") + kVersionId + "/start"),
            requests.end());
}

TEST_F(CliLifecycleTest, VersionActionRefusedByStateExitsOne) {
  EXPECT_EQ(Run({"version", "stop", kVersionId}), 1);
  EXPECT_NE(err_.str().find("is PREPARED, not RUNNING"), std::string::npos) << err_.str();
}

TEST_F(CliLifecycleTest, UnknownVersionNumberIsNotFound) {
  EXPECT_EQ(Run({"version", "show", "hello:9"}), 4);
  EXPECT_NE(err_.str().find("has no version 9"), std::string::npos) << err_.str();
  EXPECT_EQ(Run({"version", "show", "nope:1"}), 4);
}

TEST_F(CliLifecycleTest, AppListNamesWorkspaces) {
  ASSERT_EQ(Run({"app", "list"}), 0) << err_.str();
  EXPECT_NE(out_.str().find("hello"), std::string::npos) << out_.str();
  EXPECT_NE(out_.str().find("Default"), std::string::npos) << out_.str();
}

TEST_F(CliLifecycleTest, LogsOfAVersionPrefixEachInstance) {
  ASSERT_EQ(Run({"logs", kVersionId}), 0) << err_.str();
  EXPECT_EQ(out_.str(), "[cccccccc] a one\n[cccccccc] a two\n[dddddddd] b one\n");
  for (const auto& request : fake_.requests()) EXPECT_EQ(request.find("gone"), std::string::npos) << request;
}

TEST_F(CliLifecycleTest, LogsOfAnUnknownIdIsNotFound) {
  EXPECT_EQ(Run({"logs", "eeeeeeee-0000-4000-8000-00000000000e"}), 4);
  EXPECT_NE(err_.str().find("no instance, version or application"), std::string::npos) << err_.str();
}

TEST_F(CliLifecycleTest, LogsJsonHoldsEachInstancesWholeLog) {
  ASSERT_EQ(Run({"logs", "hello:2", "--json"}), 0) << err_.str();
  json printed = json::parse(out_.str(), nullptr, false);
  EXPECT_EQ(printed["logs"][kInstanceA], "a one\na two\n");
  EXPECT_EQ(printed["logs"][kInstanceB], "b one\n");
}

TEST_F(CliLifecycleTest, RouterTableListsHostnames) {
  ASSERT_EQ(Run({"router", "table"}), 0) << err_.str();
  EXPECT_NE(out_.str().find("serial 7"), std::string::npos) << out_.str();
  EXPECT_NE(out_.str().find("hello.example.com\n  127.0.0.1:42601  instance " + std::string(kInstanceA)),
            std::string::npos)
      << out_.str();
}

TEST_F(CliLifecycleTest, QuantityWithNothingToDo) {
  ASSERT_EQ(Run({"instance-type", "quantity", "type-1", "2", "--follow"}), 0) << err_.str();
  EXPECT_NE(out_.str().find("Nothing to do"), std::string::npos) << out_.str();
  EXPECT_EQ(Run({"instance-type", "quantity", "type-1", "-1"}), 2);
}

TEST_F(CliLifecycleTest, EveryCommandHasHelp) {
  for (std::vector<std::string> command :
       {std::vector<std::string>{"deploy"}, {"app", "list"}, {"app", "show"}, {"app", "delete"}, {"version", "list"},
        {"version", "show"}, {"version", "register"}, {"version", "start"}, {"version", "stop"},
        {"version", "deregister"}, {"version", "current"}, {"version", "delete"}, {"version", "instances"},
        {"instance-type", "quantity"}, {"logs"}, {"router", "table"}}) {
    command.push_back("--help");
    EXPECT_EQ(Run(command), 0) << command[0];
    EXPECT_NE(out_.str().find("Example:"), std::string::npos) << command[0] << "\n" << out_.str();
  }
  EXPECT_TRUE(fake_.requests().empty());
}

}  // namespace
}  // namespace paasmaker::cli
