// `paasmaker deploy PATH|URL`: sends a source to the pacemaker, waits for
// the prepare tree (a new application, or a new version of the application
// the manifest names), and optionally starts the version and makes it current.
//
//   directory ──pack──▶ .tar.gz ─┐
//   archive file ────────────────┴─upload─▶ scm tarball/zip ─┐
//   git URL ─────────────────────────────────▶ scm git ───────┴─▶ prepare ─▶ [start] ─▶ [current]
#include "cli/deploy_command.h"

#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <memory>

#include "cli/command_context.h"
#include "cli/deploy_source.h"
#include "cli/job_wait.h"
#include "cli/output.h"
#include "cli/resolve.h"
#include "cli/upload.h"
#include "core/archive.h"

namespace paasmaker::cli {

namespace {

using nlohmann::json;

struct DeployArgs {
  std::string source;
  std::string workspace;
  std::string manifest = "manifest.yml";
  std::string branch;
  std::string revision;
  bool start = false;
  bool current = false;
  bool follow = false;
  bool verbose = false;  // implies follow
  // Deploy always waits for each tree; --follow shows it live.
  WaitMode mode() const {
    return verbose ? WaitMode::kFollowLogs : follow ? WaitMode::kFollow : WaitMode::kWait;
  }
};

// A private temp directory removed with everything in it when done.
class TempDir {
 public:
  static Result<std::unique_ptr<TempDir>> Create() {
    std::string pattern = (std::filesystem::temp_directory_path() / "paasmaker-deploy-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) return ErrnoStatus("mkdtemp " + pattern, errno);
    return std::unique_ptr<TempDir>(new TempDir(pattern));
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }

 private:
  explicit TempDir(std::string path) : path_(std::move(path)) {}
  std::string path_;
};

// The scm part of the create-application request; uploads first when the
// source is local.
Result<json> ScmFor(ApiClient& api, const DeploySource& source, const DeployArgs& args,
                    std::ostream& progress) {
  if (source.kind == SourceKind::kGit) {
    json parameters = {{"location", source.location}};
    if (!args.branch.empty()) parameters["branch"] = args.branch;
    if (!args.revision.empty()) parameters["revision"] = args.revision;
    return json{{"plugin", source.scm_plugin}, {"parameters", parameters}};
  }
  if (!args.branch.empty() || !args.revision.empty()) {
    return InvalidArgument("--branch and --revision only apply to a git URL");
  }
  std::unique_ptr<TempDir> temp;
  std::string file = source.location;
  if (source.kind == SourceKind::kDirectory) {
    PM_ASSIGN_OR_RETURN(temp, TempDir::Create());
    std::string name = std::filesystem::absolute(source.location).lexically_normal().filename().string();
    if (name.empty()) name = std::filesystem::absolute(source.location).parent_path().filename().string();
    file = temp->path() + "/" + (name.empty() ? "source" : name) + ".tar.gz";
    PM_ASSIGN_OR_RETURN(archives::PackResult packed, archives::PackDirectory(source.location, file));
    progress << "Packed " << source.location << " (" << packed.size << " bytes)\n";
    for (const auto& skipped : packed.skipped) progress << "  skipped " << skipped << " (not a file)\n";
  }
  PM_ASSIGN_OR_RETURN(std::string upload_id, UploadFile(api, file));
  progress << "Uploaded " << std::filesystem::path(file).filename().string() << ": upload " << upload_id << "\n";
  return json{{"plugin", source.scm_plugin}, {"parameters", {{"upload_id", upload_id}}}};
}

// When the prepare tree does not name its version: the newest version of
// any application in the workspace.
Result<PreparedIds> NewestVersion(ApiClient& api, const std::string& workspace_id) {
  PM_ASSIGN_OR_RETURN(json apps, api.Get("/api/v1/workspaces/" + http::UrlEncode(workspace_id) + "/applications"));
  PreparedIds best;
  double best_created = -1;
  for (const json& app : Child(apps, "applications")) {
    std::string app_id = IdOf(app, "application");
    PM_ASSIGN_OR_RETURN(json versions, api.Get("/api/v1/applications/" + http::UrlEncode(app_id) + "/versions"));
    for (const json& v : Child(versions, "versions")) {
      double created = Number(v, "created");
      if (created > best_created) {
        best_created = created;
        best = {app_id, IdOf(v, "version")};
      }
    }
  }
  if (best.version_id.empty()) return NotFound("the prepare job succeeded but no version can be found");
  return best;
}

// Runs one lifecycle tree to its end; Ok only on SUCCESS.
Status RunTree(ApiClient& api, const std::string& job_id, const std::string& what, WaitMode mode,
               std::ostream& progress, TerminalSize terminal) {
  progress << what << ": job " << job_id << "\n";
  PM_ASSIGN_OR_RETURN(std::string state,
                      WaitForJob(api, job_id, mode, progress, std::chrono::milliseconds(200), nullptr, terminal));
  Status outcome = OutcomeOf(api, job_id, state, what);
  if (outcome.ok() && mode == WaitMode::kWait) progress << what << ": done\n";
  return outcome;
}

Status Deploy(CommandContext& context, const DeployArgs& args) {
  PM_ASSIGN_OR_RETURN(DeploySource source, ClassifySource(args.source));
  PM_ASSIGN_OR_RETURN(ApiClient api, context.Api());
  std::ostream& progress = context.json() ? context.err() : context.out();

  PM_ASSIGN_OR_RETURN(json workspace, ResolveWorkspace(api, args.workspace));
  std::string workspace_id = IdOf(workspace, "workspace");
  PM_ASSIGN_OR_RETURN(json scm, ScmFor(api, source, args, progress));

  json jobs = json::object();
  json summary = json::object();
  // Printed however the deploy ends, so a failed start still names its version.
  auto finish = [&](Status status) {
    if (context.json()) {
      summary["jobs"] = jobs;
      PrintJson(context.out(), summary);
    } else if (summary.contains("version_id")) {
      context.out() << "application_id: " << summary.value("application_id", "") << "\n"
                    << "version_id: " << summary.value("version_id", "") << "\n";
    }
    return status;
  };

  PM_ASSIGN_OR_RETURN(json created,
                      api.Post("/api/v1/workspaces/" + http::UrlEncode(workspace_id) + "/applications",
                               {{"scm", scm}, {"manifest_path", args.manifest}}));
  std::string prepare_job = JobIdOf(created);
  if (prepare_job.empty()) return Internal("the server started no prepare job: " + created.dump());
  jobs["prepare"] = prepare_job;
  Status prepared = RunTree(api, prepare_job, "Preparing in workspace " + Text(workspace, "name", workspace_id),
                            args.mode(), progress, context.progress_terminal());
  if (!prepared.ok()) return finish(prepared);

  PM_ASSIGN_OR_RETURN(json answer, api.Get("/api/v1/jobs/" + http::UrlEncode(prepare_job)));
  PreparedIds ids = IdsFromPrepareJob(answer);
  if (ids.version_id.empty()) {
    context.err() << "warning: the prepare job does not name its version; taking the workspace's newest\n";
    PM_ASSIGN_OR_RETURN(ids, NewestVersion(api, workspace_id));
  }
  summary["application_id"] = ids.application_id;
  summary["version_id"] = ids.version_id;

  std::string version_path = "/api/v1/versions/" + http::UrlEncode(ids.version_id);
  auto action = [&](const std::string& name, const std::string& what) -> Status {
    PM_ASSIGN_OR_RETURN(json started, api.Post(version_path + "/" + name, json::object()));
    std::string job_id = JobIdOf(started);
    if (job_id.empty()) return Status::Ok();  // nothing to do
    jobs[name] = job_id;
    return RunTree(api, job_id, what, args.mode(), progress, context.progress_terminal());
  };
  if (args.start) {
    Status started = action("start", "Starting the version");
    if (!started.ok()) return finish(started);
  }
  if (args.current) {
    Status current = action("current", "Making the version current");
    if (!current.ok()) return finish(current);
  }
  return finish(Status::Ok());
}

}  // namespace

PreparedIds IdsFromPrepareJob(const json& job_answer) {
  PreparedIds ids;
  const json& context = Child(job_answer, "context");
  ids.application_id = Text(context, "application_id");
  ids.version_id = Text(context, "version_id");
  return ids;
}

void RegisterDeployCommand(CLI::App& app, CommandContext& context) {
  auto args = std::make_shared<DeployArgs>();
  CLI::App* deploy = AddCommand(
      app, "deploy",
      {.summary = "Deploy a directory, archive or git repository as a new version",
       .details =
           "PATH|URL is a directory (packed as .tar.gz and uploaded), an archive file (.tar.gz, .tgz, "
           ".tar.bz2, .tar.xz or .zip, uploaded as is; uploads resume after a dropped connection) or a git "
           "URL (ending in .git, or starting git://, git@ or git+https://), which the pacemaker clones.\n"
           "The manifest names the application: a new name creates it, a known one gets a new version. "
           "Deploy waits for the prepare job tree, then with --start starts the version and with "
           "--current makes it the one its hostnames route to, each waited for in turn. Exits 0 only if "
           "every tree succeeded, and prints the application and version ids; when a tree fails, stderr "
           "holds the failed jobs' own messages (the manifest's problems, an instance's last output).\n"
           "--workspace takes a workspace id, stub or name; by default the only workspace, else the one "
           "named Default. With --json, stdout holds only "
           "{\"application_id\", \"version_id\", \"jobs\": {\"prepare\", \"start\", \"current\"}} and "
           "progress goes to stderr.",
       .example = "paasmaker deploy examples/python-hello --start --current --follow"});
  deploy->add_option("SOURCE", args->source, "a directory, an archive file or a git URL")
      ->required()
      ->type_name("PATH|URL");
  deploy->add_option("--workspace", args->workspace, "workspace id, stub or name")->type_name("W");
  deploy->add_option("--manifest", args->manifest, "manifest path inside the source (default manifest.yml)")
      ->type_name("FILE");
  deploy->add_option("--branch", args->branch, "git branch to deploy (git URLs only)")->type_name("BRANCH");
  deploy->add_option("--revision", args->revision, "git revision to deploy (git URLs only)")->type_name("REV");
  deploy->add_flag("--start", args->start, "start the new version once prepared");
  deploy->add_flag("--current", args->current, "make the new version current (route its hostnames to it)");
  deploy->add_flag("--follow,-f", args->follow, "show each job tree live, one line per job (redrawn in place on a terminal)");
  deploy->add_flag("--verbose,-v", args->verbose, "like --follow, and stream every job's log lines too");
  OnRun(deploy, context, [args](CommandContext& c) { return Deploy(c, *args); });
}

}  // namespace paasmaker::cli
