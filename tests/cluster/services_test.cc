// The services API and `paasmaker service` on a real cluster (SPEC §8.4,
// issue 17), with a managed redis (examples/redis-notes): list and show
// keep credentials back unless asked for by a user who may see them; a note
// written through the router travels by `service export` and
// `service import` into a fresh application; a file that is not a dump is
// refused naming the problem and leaves the data as it was; each call
// needs its permission (SERVICE_VIEW, SERVICE_CREDENTIAL_VIEW,
// SERVICE_EXPORT, SERVICE_IMPORT) on the application's workspace.
#include <gtest/gtest.h>

#include "app_helpers.h"
#include "core/files.h"
#include "harness.h"
#include "temp_dir.h"

namespace paasmaker::testing {
namespace {

using nlohmann::json;

constexpr const char* kNotes = "redis-notes.example.com";
constexpr const char* kCopy = "redis-copy.example.com";

class ServicesTest : public ClusterTest {
 protected:
  void SetUp() override {
    StartCluster(1, 1);
    notes_ = DeployServed(ExamplesDir() + "/redis-notes", kNotes, "redis round trip ok");
    ASSERT_FALSE(notes_.application_id().empty()) << notes_.command.output;
  }

  // redis-notes under another name and hostname: an application of its own.
  DeployResult DeployCopy() {
    std::string dir = CopyExample("redis-notes", work_.path());
    std::string text = files::ReadFile(dir + "/manifest.yml").value();
    text.replace(text.find("name: redis-notes"), 17, "name: redis-copy");
    text.replace(text.find(kNotes), std::string(kNotes).size(), kCopy);
    EXPECT_TRUE(files::WriteFileAtomically(dir + "/manifest.yml", text).ok());
    return DeployServed(dir, kCopy, "redis round trip ok");
  }

  // A user holding `permissions` on the default workspace; its API key.
  std::string UserWith(const std::string& login, const std::vector<std::string>& permissions) {
    auto user = cluster_.Post("/api/v1/users", {{"login", login}, {"password", login + "-password"}});
    EXPECT_TRUE(user.ok() && user->status == 201) << (user.ok() ? user->body : "");
    if (!user.ok() || user->status != 201) return "";
    json created = json::parse(user->body)["data"]["user"];
    auto role = cluster_.Post("/api/v1/roles", {{"name", login + " role"}, {"permissions", permissions}});
    EXPECT_TRUE(role.ok() && role->status == 201) << (role.ok() ? role->body : "");
    json listed = cluster_.GetData("/api/v1/workspaces");
    std::string default_id;
    for (const auto& w : listed["workspaces"]) {
      if (w.value("stub", "") == "default") default_id = w.value("id", "");
    }
    auto allocated = cluster_.Post("/api/v1/roles/allocations",
                                   {{"user_id", created.value("id", "")},
                                    {"role_id", json::parse(role->body)["data"]["role"].value("id", "")},
                                    {"workspace_id", default_id}});
    EXPECT_TRUE(allocated.ok() && allocated->status < 300) << (allocated.ok() ? allocated->body : "");
    return created.value("api_key", "");
  }

  std::string ServicePath(const std::string& suffix = "") {
    return "/api/v1/applications/" + notes_.application_id() + "/services" + suffix;
  }

  TempDir work_{"pm-services"};
  DeployResult notes_;
};

TEST_F(ServicesTest, ListAndShowKeepCredentialsBackUnlessAsked) {
  CommandResult list = RunClient(cluster_, {"service", "list", "redis-notes"});
  ASSERT_EQ(list.exit_code, 0) << list.output;
  for (const char* needle : {"NAME", "notes", "paasmaker.service.managedredis", "rdb"}) {
    EXPECT_NE(list.output.find(needle), std::string::npos) << needle << "\n" << list.output;
  }
  json shown = cluster_.GetData(ServicePath("/notes?credentials=true"));
  const std::string password = shown["service"]["credentials"].value("password", "");
  ASSERT_GE(password.size(), 16u) << shown.dump();
  EXPECT_EQ(list.output.find(password), std::string::npos);

  CommandResult hidden = RunClient(cluster_, {"service", "show", "redis-notes", "notes"});
  ASSERT_EQ(hidden.exit_code, 0) << hidden.output;
  EXPECT_NE(hidden.output.find("hidden (--show-credentials shows them)"), std::string::npos) << hidden.output;
  EXPECT_EQ(hidden.output.find(password), std::string::npos);
  // Nor does the application's own page show them.
  auto app = cluster_.Get("/api/v1/applications/" + notes_.application_id());
  ASSERT_TRUE(app.ok());
  EXPECT_EQ(app->body.find(password), std::string::npos);

  CommandResult full = RunClient(cluster_, {"service", "show", "redis-notes", "notes", "--show-credentials"});
  ASSERT_EQ(full.exit_code, 0) << full.output;
  EXPECT_NE(full.output.find("password: " + password), std::string::npos) << full.output;

  CommandResult missing = RunClient(cluster_, {"service", "show", "redis-notes", "nope"});
  EXPECT_NE(missing.exit_code, 0);
  EXPECT_NE(missing.output.find("application redis-notes has no service nope"), std::string::npos) << missing.output;
}

TEST_F(ServicesTest, ExportThenImportIntoAFreshApplicationCarriesTheData) {
  const std::string note = "note-" + std::to_string(::getpid());
  auto stored = RouterGet(router(), kNotes, "/set?value=" + note);
  ASSERT_EQ(stored.status, 200) << stored.error << stored.body;

  const std::string dump = work_.path() + "/notes.rdb";
  CommandResult exported = RunClient(cluster_, {"service", "export", "redis-notes", "notes", "-o", dump});
  ASSERT_EQ(exported.exit_code, 0) << exported.output;
  auto bytes = files::ReadFile(dump);
  ASSERT_TRUE(bytes.ok());
  EXPECT_EQ(bytes->rfind("REDIS", 0), 0u) << "an RDB file begins with REDIS: " << bytes->substr(0, 40);
  // Without -o the dump is the whole of stdout.
  SplitCommandResult to_stdout = RunClientSplit(cluster_, {"service", "export", "redis-notes", "notes"});
  ASSERT_EQ(to_stdout.exit_code, 0) << to_stdout.error_output;
  EXPECT_EQ(to_stdout.output.rfind("REDIS", 0), 0u);

  DeployResult copy = DeployCopy();
  ASSERT_FALSE(copy.application_id().empty()) << copy.command.output;
  auto empty = RouterGet(router(), kCopy, "/get");
  ASSERT_EQ(empty.status, 200) << empty.error << empty.body;
  EXPECT_EQ(empty.body.find(note), std::string::npos) << "a fresh application starts empty: " << empty.body;

  CommandResult imported = RunClient(cluster_, {"service", "import", "redis-copy", "notes", "-i", dump});
  ASSERT_EQ(imported.exit_code, 0) << imported.output;
  EXPECT_NE(imported.output.find("into service notes of redis-copy"), std::string::npos) << imported.output;
  auto read = RouterGet(router(), kCopy, "/get");
  EXPECT_EQ(read.status, 200) << read.error << read.body;
  EXPECT_NE(read.body.find("note: " + note), std::string::npos) << read.body;

  // Not a dump: refused, naming why; the copy keeps its note.
  const std::string junk = work_.path() + "/junk.rdb";
  ASSERT_TRUE(files::WriteFileAtomically(junk, "this is not a redis dump\n").ok());
  CommandResult refused = RunClient(cluster_, {"service", "import", "redis-copy", "notes", "-i", junk});
  EXPECT_NE(refused.exit_code, 0) << refused.output;
  EXPECT_NE(refused.output.find("not an RDB file"), std::string::npos) << refused.output;
  EXPECT_NE(refused.output.find("its data is unchanged"), std::string::npos) << refused.output;
  auto kept = RouterGet(router(), kCopy, "/get");
  EXPECT_NE(kept.body.find("note: " + note), std::string::npos) << kept.body;
}

TEST_F(ServicesTest, EachCallNeedsItsPermission) {
  const std::string viewer = UserWith("viewer", {"WORKSPACE_VIEW", "SERVICE_VIEW"});
  const std::string outsider = UserWith("outsider", {"WORKSPACE_VIEW"});
  ASSERT_FALSE(viewer.empty() || outsider.empty());
  struct Call {
    std::string method, path, key;
    int status;
    std::string names;  // the permission a refusal names
  };
  const std::vector<Call> calls = {
      {"GET", ServicePath(), viewer, 200, ""},
      {"GET", ServicePath("/notes"), viewer, 200, ""},
      {"GET", ServicePath(), outsider, 403, "SERVICE_VIEW"},
      {"GET", ServicePath("/notes?credentials=true"), viewer, 403, "SERVICE_CREDENTIAL_VIEW"},
      {"GET", ServicePath("/notes/export"), viewer, 403, "SERVICE_EXPORT"},
      {"POST", ServicePath("/notes/import"), viewer, 403, "SERVICE_IMPORT"},
  };
  for (const auto& call : calls) {
    auto answer = call.method == "GET" ? cluster_.Get(call.path, call.key) : cluster_.Post(call.path, {}, call.key);
    ASSERT_TRUE(answer.ok()) << call.path;
    EXPECT_EQ(answer->status, call.status) << call.method << " " << call.path << ": " << answer->body;
    EXPECT_NE(answer->body.find(call.names), std::string::npos) << call.path << ": " << answer->body;
    EXPECT_EQ(answer->body.find("password"), std::string::npos) << call.path << ": " << answer->body;
  }
}

}  // namespace
}  // namespace paasmaker::testing
