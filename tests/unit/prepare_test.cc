// The prepare side of the pacemaker: uploads, SCM plugins, the prepare tree
// run by a real JobManager against a test redis, package serving.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "core/archive.h"
#include "core/files.h"
#include "core/ids.h"
#include "pacemaker/prepare/uploads.h"
#include "prepare_fixture.h"

namespace paasmaker::pacemaker::prepare {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

const char kManifest[] = R"(manifest:
  format: 1
application:
  name: hello
  prepare:
    commands:
      - plugin: paasmaker.prepare.shell
        parameters:
          commands:
            - echo "$PM_SERVICES" > services.json
            - echo "$PM_METADATA" > metadata.json
            - echo prepared > prepared.txt
instances:
  - name: web
    runtime:
      plugin: paasmaker.runtime.shell
      version: "1"
      parameters: {launch_command: "python3 -m http.server %(port)d"}
services:
  - name: settings
    plugin: paasmaker.service.parameters
    parameters: {greeting: hello}
)";

// Five mistakes, each on its own line.
const char kBadManifest[] = R"(manifest:
  format: 1
application:
  name: "bad name!"
instances:
  - name: web
    quantity: -1
    runtime:
      plugin: paasmaker.runtime.nope
      version: "1"
    crons:
      - {runspec: "61 * * * *", uri: /x}
services:
  - name: s
    plugin: paasmaker.service.nope
)";

class FakeWriter : public http::StreamWriter {
 public:
  bool Write(const std::string& data) override {
    out += data;
    return true;
  }
  bool client_connected() const override { return true; }
  std::string out;
};

// --- Uploads --------------------------------------------------------------------

TEST_F(PrepareTest, UploadInChunksWithWrongOffsetAndResume) {
  auto res = Call(CreateUpload, alice_, {}, json{{"filename", "app.tar.gz"}, {"size", 10}}.dump());
  ASSERT_EQ(res.status, 201) << res.body;
  json upload = json::parse(res.body)["data"]["upload"];
  std::string id = upload["upload_id"];
  EXPECT_EQ(upload["received"], 0);
  EXPECT_EQ(upload["complete"], false);

  res = Call(PutUploadChunk, alice_, {id}, "01234", {{"offset", "0"}});
  ASSERT_EQ(res.status, 200) << res.body;
  EXPECT_EQ(json::parse(res.body)["data"]["upload"]["received"], 5);

  // A retry of the same chunk (the reply was lost) is refused with where to resume.
  res = Call(PutUploadChunk, alice_, {id}, "01234", {{"offset", "0"}});
  ASSERT_EQ(res.status, 409) << res.body;
  EXPECT_EQ(json::parse(res.body)["data"]["upload"]["received"], 5);
  EXPECT_NE(res.body.find("resume"), std::string::npos);

  // Another user may neither see nor extend it.
  EXPECT_EQ(Call(ShowUpload, bob_, {id}).status, 403);
  EXPECT_EQ(Call(PutUploadChunk, bob_, {id}, "56789", {{"offset", "5"}}).status, 403);

  res = Call(ShowUpload, alice_, {id});
  ASSERT_EQ(res.status, 200);
  int64_t resume = json::parse(res.body)["data"]["upload"]["received"];
  res = Call(PutUploadChunk, alice_, {id}, "56789", {{"offset", std::to_string(resume)}});
  ASSERT_EQ(res.status, 200) << res.body;
  EXPECT_EQ(json::parse(res.body)["data"]["upload"]["complete"], true);

  auto stored = ctx_->apps.FindUpload(id);
  ASSERT_TRUE(stored.ok() && stored->has_value());
  EXPECT_EQ(*files::ReadFile((*stored)->path), "0123456789");
  EXPECT_EQ(Call(ShowUpload, alice_, {"no-such-upload"}).status, 404);
  EXPECT_EQ(Call(PutUploadChunk, alice_, {id}, "x", {}).status, 400);
}

TEST_F(PrepareTest, UploadSizeLimits) {
  auto res = Call(CreateUpload, alice_, {}, json{{"filename", "big.tar.gz"}, {"size", 1001}}.dump());
  EXPECT_EQ(res.status, 413) << res.body;
  EXPECT_NE(res.body.find("max_upload_size"), std::string::npos);
  EXPECT_EQ(Call(CreateUpload, alice_, {}, json{{"filename", "x"}, {"size", -1}}.dump()).status, 400);
  EXPECT_EQ(Call(CreateUpload, alice_, {}, json{{"filename", "x"}}.dump()).status, 400);

  res = Call(CreateUpload, alice_, {}, json{{"filename", "app.tar.gz"}, {"size", 4}}.dump());
  ASSERT_EQ(res.status, 201);
  std::string id = json::parse(res.body)["data"]["upload"]["upload_id"];
  res = Call(PutUploadChunk, alice_, {id}, "too long", {{"offset", "0"}});
  EXPECT_EQ(res.status, 400) << res.body;
  EXPECT_NE(res.body.find("announced size"), std::string::npos);
  res = Call(PutUploadChunk, alice_, {id}, std::string(2000, 'x'), {{"offset", "0"}});
  EXPECT_EQ(res.status, 413) << res.body;
}

// --- SCM plugins ----------------------------------------------------------------

TEST_F(PrepareTest, TarballFromUploadDescendsIntoItsSingleDirectory) {
  Write(dir_ / "src/hello-1.0/manifest.yml", kManifest);
  Write(dir_ / "src/hello-1.0/app.py", "print('hi')\n");
  auto packed = archives::PackDirectory(dir_ / "src", dir_ / "hello.tar.gz");
  ASSERT_TRUE(packed.ok()) << packed.status().ToString();
  auto upload = ctx_->apps.CreateUpload("alice", "hello.tar.gz", static_cast<int64_t>(packed->size), dir_ / "hello.tar.gz");
  ASSERT_TRUE(upload.ok());
  ASSERT_TRUE(ctx_->apps.SetUploadReceived(upload->id, upload->size).ok());

  auto scm = Scm();
  std::string work = config_.DataDir() + "/prepare/w1";
  auto fetched = FindScmPlugin("paasmaker.scm.tarball")->Fetch({{"upload_id", upload->id}}, work, scm);
  ASSERT_TRUE(fetched.ok()) << fetched.status().ToString();
  EXPECT_TRUE(files::Exists(work + "/manifest.yml"));
  EXPECT_TRUE(files::Exists(work + "/app.py"));
  EXPECT_FALSE(files::Exists(work + ".unpack"));
}

TEST_F(PrepareTest, ZipFromPath) {
  Write(dir_ / "zsrc/manifest.yml", kManifest);
  Write(dir_ / "zsrc/sub/file.txt", "x");
  ASSERT_EQ(Sh("cd " + (dir_ / "zsrc") + " && zip -qr " + (dir_ / "app.zip") + " .").exit.exit_code, 0);
  auto scm = Scm();
  const ScmPlugin* zip = FindScmPlugin("paasmaker.scm.zip");
  EXPECT_FALSE(zip->Validate({{"path", dir_ / "app.tar.gz"}}).ok());
  EXPECT_FALSE(zip->Validate({{"path", "relative.zip"}}).ok());
  EXPECT_FALSE(zip->Validate(json::object()).ok());
  std::string work = config_.DataDir() + "/prepare/w2";
  auto fetched = zip->Fetch({{"path", dir_ / "app.zip"}}, work, scm);
  ASSERT_TRUE(fetched.ok()) << fetched.status().ToString();
  EXPECT_TRUE(files::Exists(work + "/manifest.yml"));
  EXPECT_TRUE(files::Exists(work + "/sub/file.txt"));
}

TEST_F(PrepareTest, HostileArchivesAreRefusedWithTheReason) {
  // python3's tarfile writes exactly the entries we ask for.
  std::string script = R"(
import io, sys, tarfile
def make(name, add):
    with tarfile.open(name, 'w:gz') as t:
        add(t)
def file(t, path, data=b'x'):
    i = tarfile.TarInfo(path); i.size = len(data); t.addfile(i, io.BytesIO(data))
def link(t, path, target):
    i = tarfile.TarInfo(path); i.type = tarfile.SYMTYPE; i.linkname = target; t.addfile(i)
d = sys.argv[1]
make(d + '/dotdot.tar.gz', lambda t: file(t, '../evil.txt'))
make(d + '/absolute.tar.gz', lambda t: file(t, '/tmp/pm-evil-absolute.txt'))
make(d + '/symlink.tar.gz', lambda t: (link(t, 'etc', '/etc'), file(t, 'manifest.yml')))
)";
  Write(dir_ / "make.py", script);
  ASSERT_EQ(Sh("python3 " + (dir_ / "make.py") + " " + dir_.path()).exit.exit_code, 0);
  const ScmPlugin* tarball = FindScmPlugin("paasmaker.scm.tarball");
  int n = 0;
  for (const char* name : {"dotdot", "absolute", "symlink"}) {
    auto scm = Scm();
    std::string work = config_.DataDir() + "/prepare/evil" + std::to_string(n++);
    auto fetched = tarball->Fetch({{"path", dir_ / (std::string(name) + ".tar.gz")}}, work, scm);
    ASSERT_FALSE(fetched.ok()) << name;
    EXPECT_EQ(fetched.status().code(), StatusCode::kInvalidArgument) << fetched.status().ToString();
    EXPECT_NE(fetched.status().message().find("unpacking the archive"), std::string::npos);
    EXPECT_FALSE(files::Exists(work)) << name;
    EXPECT_FALSE(files::Exists(work + ".unpack")) << name;
    std::cout << name << ": " << fetched.status().message() << "\n";
  }
  EXPECT_FALSE(files::Exists(dir_ / "evil.txt"));
  EXPECT_FALSE(files::Exists("/tmp/pm-evil-absolute.txt"));
}

TEST_F(PrepareTest, DirectoryCopiesAndRefusesLinksOut) {
  Write(dir_ / "dsrc/manifest.yml", kManifest);
  Write(dir_ / "dsrc/lib/a.txt", "a");
  fs::create_symlink("lib/a.txt", dir_ / "dsrc/inside");
  const ScmPlugin* directory = FindScmPlugin("paasmaker.scm.directory");
  auto scm = Scm();
  std::string work = config_.DataDir() + "/prepare/d1";
  auto fetched = directory->Fetch({{"path", dir_ / "dsrc"}}, work, scm);
  ASSERT_TRUE(fetched.ok()) << fetched.status().ToString();
  EXPECT_EQ(*files::ReadFile(work + "/inside"), "a");
  EXPECT_TRUE(fs::is_symlink(work + "/inside"));

  fs::create_symlink("/etc/passwd", dir_ / "dsrc/outside");
  auto refused = directory->Fetch({{"path", dir_ / "dsrc"}}, config_.DataDir() + "/prepare/d2", scm);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find("points outside"), std::string::npos) << refused.status().ToString();
  EXPECT_FALSE(files::Exists(config_.DataDir() + "/prepare/d2"));
  fs::remove(dir_ / "dsrc/outside");
  fs::create_symlink(".", dir_ / "dsrc/self");
  fs::create_symlink("self/..", dir_ / "dsrc/sneaky");
  refused = directory->Fetch({{"path", dir_ / "dsrc"}}, config_.DataDir() + "/prepare/d3", scm);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find("sneaky"), std::string::npos) << refused.status().ToString();

  // The pacemaker's own data dir is no source.
  auto secret = directory->Fetch({{"path", config_.DataDir()}}, dir_ / "prepare/d4", scm);
  EXPECT_EQ(secret.status().code(), StatusCode::kPermissionDenied);
}

TEST_F(PrepareTest, GitClonesBranchAndRevisionAndRecordsIt) {
  std::string repo = dir_ / "repo";
  Write(repo + "/manifest.yml", kManifest);
  std::string git = "git -C " + repo + " -c user.email=t@example.com -c user.name=T ";
  ASSERT_EQ(Sh("git init -q -b main " + repo + " && " + git + "add . && " + git + "commit -qm one").exit.exit_code, 0);
  std::string first = Sh("git -C " + repo + " rev-parse HEAD").output.substr(0, 40);
  Write(repo + "/second.txt", "2");
  ASSERT_EQ(Sh(git + "add . && " + git + "commit -qm two").exit.exit_code, 0);
  std::string second = Sh("git -C " + repo + " rev-parse HEAD").output.substr(0, 40);

  const ScmPlugin* plugin = FindScmPlugin("paasmaker.scm.git");
  EXPECT_FALSE(plugin->Validate(json::object()).ok());
  EXPECT_FALSE(plugin->Validate({{"location", "--upload-pack=touch /tmp/x"}}).ok());
  auto scm = Scm();
  auto head = plugin->Fetch({{"location", "file://" + repo}, {"branch", "main"}}, config_.DataDir() + "/prepare/g1", scm);
  ASSERT_TRUE(head.ok()) << head.status().ToString();
  EXPECT_EQ(head->revision, second);
  EXPECT_TRUE(files::Exists(config_.DataDir() + "/prepare/g1/second.txt"));

  auto old = plugin->Fetch({{"location", repo}, {"revision", first}}, config_.DataDir() + "/prepare/g2", scm);
  ASSERT_TRUE(old.ok()) << old.status().ToString();
  EXPECT_EQ(old->revision, first);
  EXPECT_FALSE(files::Exists(config_.DataDir() + "/prepare/g2/second.txt"));

  auto missing = plugin->Fetch({{"location", dir_ / "nothing"}}, config_.DataDir() + "/prepare/g3", scm);
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("git clone"), std::string::npos) << missing.status().ToString();
  EXPECT_FALSE(files::Exists(config_.DataDir() + "/prepare/g3"));
}

TEST_F(PrepareTest, SecretsAreNotKeptInTheSource) {
  json clean = ScmSpecWithoutSecrets(
      {{"plugin", "paasmaker.scm.git"},
       {"parameters", {{"location", "https://bob:hunter2@example.com/r.git"}, {"password", "x"}, {"branch", "main"}}}});
  EXPECT_EQ(clean["parameters"]["location"], "https://bob@example.com/r.git");
  EXPECT_FALSE(clean["parameters"].contains("password"));
  EXPECT_EQ(clean["parameters"]["branch"], "main");
}

// --- The prepare tree -----------------------------------------------------------

TEST_F(PrepareTest, DeployPreparesAVersionAndServesItsPackage) {
  StartJobs();
  std::string repo = dir_ / "app";
  Write(repo + "/manifest.yml", kManifest);
  std::string git = "git -C " + repo + " -c user.email=t@example.com -c user.name=T ";
  ASSERT_EQ(Sh("git init -q " + repo + " && " + git + "add . && " + git + "commit -qm one").exit.exit_code, 0);
  std::string revision = Sh("git -C " + repo + " rev-parse HEAD").output.substr(0, 40);

  jobs::Job root = Deploy({{"plugin", "paasmaker.scm.git"}, {"parameters", {{"location", repo}}}});
  ASSERT_EQ(root.state, jobs::JobState::kSuccess) << root.summary;
  EXPECT_EQ(root.summary, "Prepared version 1 of hello");
  EXPECT_NE(std::find(root.tags.begin(), root.tags.end(), "workspace:" + workspace_id_), root.tags.end());
  auto version_id = ctx_->job_store.GetContextValue(root.id, "version_id");
  ASSERT_TRUE(version_id.ok() && version_id->has_value());
  auto version = ctx_->apps.FindVersion((*version_id)->get<std::string>());
  ASSERT_TRUE(version.ok() && version->has_value());
  EXPECT_EQ((*version)->state, kVersionPrepared);
  EXPECT_EQ((*version)->scm_revision, revision);
  EXPECT_EQ((*version)->number, 1);
  EXPECT_TRUE(PrepareDirEmpty());
  auto tags = ctx_->job_store.ReadTree(root.id);
  ASSERT_TRUE(tags.ok());
  EXPECT_NE(std::find(tags->tags.begin(), tags->tags.end(), "application_version:" + (*version)->id), tags->tags.end());
  // Credentials never in a job log.
  std::string services_log = *files::ReadFile(*manager_->logs().PathFor(JobOfType(root.id, "paasmaker.job.prepare.services").id));
  EXPECT_NE(services_log.find("service settings (paasmaker.service.parameters): created"), std::string::npos);
  EXPECT_EQ(services_log.find("hello\""), std::string::npos);

  // The package, served in a stream, holds what the prepare commands made.
  auto res = Call(ServePackage, super_, {(*version)->id});
  ASSERT_EQ(res.status, 200) << res.body;
  ASSERT_TRUE(res.steps);
  EXPECT_EQ(res.headers["X-Paasmaker-Checksum"], (*version)->package_checksum);
  FakeWriter writer;
  for (int step = 0; !res.steps(writer).done; ++step) ASSERT_LT(step, 100000) << "the stream never ends";
  EXPECT_EQ(static_cast<int64_t>(writer.out.size()), (*version)->package_size);
  EXPECT_EQ(ids::Sha256Hex(writer.out), (*version)->package_checksum);
  std::string unpacked = dir_ / "unpacked";
  ASSERT_TRUE(archives::Unpack((*version)->package_path, unpacked).ok());
  EXPECT_FALSE(files::Exists(unpacked + "/.git"));
  EXPECT_EQ(*files::ReadFile(unpacked + "/prepared.txt"), "prepared\n");
  json services = json::parse(*files::ReadFile(unpacked + "/services.json"));
  EXPECT_EQ(services["settings"]["greeting"], "hello");
  EXPECT_EQ(services["settings"]["provider"], "paasmaker.service.parameters");
  json metadata = json::parse(*files::ReadFile(unpacked + "/metadata.json"));
  EXPECT_EQ(metadata["application"]["name"], "hello");
  EXPECT_EQ(metadata["application"]["version"], 1);
  EXPECT_EQ(metadata["workspace"]["tier"], "dev");

  EXPECT_EQ(Call(ServePackage, super_, {"no-such-version"}).status, 404);

  // A second deploy is version 2 of the same application.
  jobs::Job again = Deploy({{"plugin", "paasmaker.scm.git"}, {"parameters", {{"location", repo}}}});
  ASSERT_EQ(again.state, jobs::JobState::kSuccess) << again.summary;
  EXPECT_EQ(again.summary, "Prepared version 2 of hello");
}

TEST_F(PrepareTest, ManifestJobReportsEveryMistake) {
  StartJobs();
  Write(dir_ / "bad/manifest.yml", kBadManifest);
  jobs::Job root = Deploy({{"plugin", "paasmaker.scm.directory"}, {"parameters", {{"path", dir_ / "bad"}}}});
  // The failing job is FAILED; the root, which never ran, is ABORTED.
  ASSERT_EQ(root.state, jobs::JobState::kAborted);
  jobs::Job manifest = JobOfType(root.id, "paasmaker.job.prepare.manifest");
  EXPECT_EQ(manifest.state, jobs::JobState::kFailed);
  for (const char* problem : {"application.name", "instances[0].quantity", "instances[0].runtime.plugin",
                              "instances[0].crons[0].runspec", "services[0].plugin"}) {
    EXPECT_NE(manifest.summary.find(problem), std::string::npos) << problem << " not in: " << manifest.summary;
  }
  EXPECT_NE(manifest.summary.find("5 problems"), std::string::npos) << manifest.summary;
  EXPECT_TRUE(testing::WaitFor([&] { return PrepareDirEmpty(); }, std::chrono::seconds(10)));
}

TEST_F(PrepareTest, MissingManifestAndFailingCommandLeaveNothingBehind) {
  StartJobs();
  Write(dir_ / "empty/readme.txt", "no manifest here");
  jobs::Job root = Deploy({{"plugin", "paasmaker.scm.directory"}, {"parameters", {{"path", dir_ / "empty"}}}});
  // The failing job is FAILED; the root, which never ran, is ABORTED.
  ASSERT_EQ(root.state, jobs::JobState::kAborted);
  EXPECT_NE(JobOfType(root.id, "paasmaker.job.prepare.manifest").summary.find("no manifest.yml in the source"),
            std::string::npos);
  EXPECT_TRUE(testing::WaitFor([&] { return PrepareDirEmpty(); }, std::chrono::seconds(10)));

  std::string failing = kManifest;
  failing.replace(failing.find("echo prepared > prepared.txt"), std::string("echo prepared > prepared.txt").size(),
                  "echo it went wrong; exit 3");
  Write(dir_ / "failing/manifest.yml", failing);
  root = Deploy({{"plugin", "paasmaker.scm.directory"}, {"parameters", {{"path", dir_ / "failing"}}}});
  // The failing job is FAILED; the root, which never ran, is ABORTED.
  ASSERT_EQ(root.state, jobs::JobState::kAborted);
  jobs::Job commands = JobOfType(root.id, "paasmaker.job.prepare.commands");
  EXPECT_EQ(commands.state, jobs::JobState::kFailed);
  EXPECT_NE(commands.summary.find("exited with code 3"), std::string::npos) << commands.summary;
  EXPECT_NE(commands.summary.find("it went wrong"), std::string::npos) << commands.summary;
  auto version_id = ctx_->job_store.GetContextValue(root.id, "version_id");
  ASSERT_TRUE(version_id.ok() && version_id->has_value());
  auto version = ctx_->apps.FindVersion((*version_id)->get<std::string>());
  ASSERT_TRUE(version.ok() && version->has_value());
  EXPECT_EQ((*version)->state, kVersionNew);
  EXPECT_TRUE((*version)->package_path.empty());
  EXPECT_TRUE(testing::WaitFor([&] { return PrepareDirEmpty(); }, std::chrono::seconds(10)));
  EXPECT_FALSE(fs::exists(config_.DataDir() + "/packages/" + (*version)->id + ".tar.gz"));
}

TEST_F(PrepareTest, DeployValidatesItsRequest) {
  auto deploy = [&](const Principal& who, const std::string& ws, const json& body) {
    return Call(DeployApplication, who, {ws}, body.dump());
  };
  json good = {{"scm", {{"plugin", "paasmaker.scm.directory"}, {"parameters", {{"path", "/srv/app"}}}}}};
  EXPECT_EQ(deploy(super_, "no-such-workspace", good).status, 404);
  EXPECT_EQ(deploy(alice_, workspace_id_, good).status, 403);
  auto res = deploy(super_, workspace_id_, {{"scm", {{"plugin", "paasmaker.scm.svn"}}}});
  EXPECT_EQ(res.status, 400);
  EXPECT_NE(res.body.find("scm.plugin"), std::string::npos);
  res = deploy(super_, workspace_id_, {{"scm", {{"plugin", "paasmaker.scm.git"}, {"parameters", json::object()}}}});
  EXPECT_EQ(res.status, 400);
  EXPECT_NE(res.body.find("scm.parameters.location"), std::string::npos);
  json escape = good;
  escape["manifest_path"] = "../manifest.yml";
  EXPECT_EQ(deploy(super_, workspace_id_, escape).status, 400);
  // Someone else's upload.
  auto upload = ctx_->apps.CreateUpload("bob", "a.tar.gz", 1, dir_ / "a");
  ASSERT_TRUE(upload.ok());
  res = deploy(super_, workspace_id_, {{"scm", {{"plugin", "paasmaker.scm.tarball"}, {"parameters", {{"upload_id", upload->id}}}}}});
  EXPECT_EQ(res.status, 403) << res.body;
  ctx_->node_uuid.Set("");
  EXPECT_EQ(deploy(super_, workspace_id_, good).status, 503);
}

TEST_F(PrepareTest, NotThePacemaker) {
  jobs::JobRegistry registry;
  ASSERT_TRUE(RegisterPrepareJobs(registry, std::nullopt).ok());
  EXPECT_TRUE(registry.Validate({.id = "a", .type = "paasmaker.job.prepare.root", .node = "n"}).ok());
  EXPECT_FALSE(registry.Validate({.id = "a", .type = "paasmaker.job.prepare.pack",
                                  .parameters = {{"work_dir", "/etc"}}, .node = "n"}).ok());
  jobs::Job job;
  job.id = job.root_id = "job-1";
  job.type = "paasmaker.job.prepare.root";
  jobs::JobContext context(job, &ctx_->job_store, &registry, log_);
  registry.Find("paasmaker.job.prepare.root")->Start(context);
  EXPECT_EQ(context.outcome().state, jobs::JobState::kFailed);
  EXPECT_EQ(context.outcome().summary, "this node has no pacemaker role; paasmaker.job.prepare.root runs only there");
}

}  // namespace
}  // namespace paasmaker::pacemaker::prepare
