#include "pacemaker/prepare/prepare_jobs.h"

#include <filesystem>
#include <memory>
#include <thread>

#include "core/archive.h"
#include "core/clean_environment.h"
#include "core/files.h"
#include "core/ids.h"
#include "jobs/job_context.h"
#include "jobs/job_parameters.h"
#include "jobs/role_job.h"
#include "model/job_types.h"
#include "model/service_variables.h"
#include "pacemaker/prepare/command_runner.h"
#include "pacemaker/prepare/dependencies.h"
#include "pacemaker/prepare/prepare_user.h"
#include "pacemaker/prepare/scm.h"
#include "pacemaker/services/application_services.h"

namespace paasmaker::pacemaker::prepare {

namespace {

namespace fs = std::filesystem;
using jobs::JobContext;
using nlohmann::json;

namespace t = model::job_types;
using jobs::ParameterCheck;
using jobs::StringParameter;
using Context = PrepareJobsContext;
constexpr const char* kShellPrepare = "paasmaker.prepare.shell";

// A work dir is always <something>/prepare/<uuid>: never let a bad parameter
// turn the clean-up into removing some other directory.
Status CheckWorkDir(const json& p) {
  PM_RETURN_IF_ERROR(ParameterCheck(p).String("work_dir"));
  fs::path dir(StringParameter(p, "work_dir"));
  if (!dir.is_absolute() || dir.lexically_normal() != dir || dir.parent_path().filename() != "prepare") {
    return InvalidArgument("'work_dir' must be an absolute <data>/prepare/<id> path");
  }
  return Status::Ok();
}

// A relative path inside the source, without "..".
Status CheckManifestPath(const std::string& path) {
  fs::path p(path);
  if (path.empty() || p.is_absolute()) return InvalidArgument("manifest_path: must be a relative path in the source");
  for (const auto& part : p) {
    if (part == "..") return InvalidArgument("manifest_path: may not contain '..'");
  }
  return Status::Ok();
}

// Every prepare job is a pacemaker job (jobs/role_job.h) whose failure, and
// whose cancellation because another failed, removes the tree's work dir.
class PrepareJob : public jobs::RoleJob<Context> {
 public:
  PrepareJob(std::string name, std::optional<Context> ctx) : RoleJob(std::move(name), std::move(ctx), "pacemaker") {}

 protected:
  void CleanUp(const Context&, JobContext& c) const override { RemoveWorkDir(c); }

  static void RemoveWorkDir(JobContext& c) {
    std::string dir = StringParameter(c.parameters(), "work_dir");
    if (dir.empty() || !CheckWorkDir(c.parameters()).ok()) return;
    std::error_code ec;
    fs::remove_all(dir, ec);
    fs::remove_all(dir + ".unpack", ec);
  }
};

// The version this tree prepares, with its parsed manifest.
struct Prepared {
  Application application;
  Version version;
  model::Manifest manifest;
};

Result<Prepared> LoadPrepared(JobContext& c, const Context& ctx) {
  PM_ASSIGN_OR_RETURN(json version_id, c.Get("version_id"));
  if (!version_id.is_string()) return Internal("version_id in the tree context is not a string");
  PM_ASSIGN_OR_RETURN(auto version, ctx.apps.FindVersion(version_id.get<std::string>()));
  if (!version.has_value()) return NotFound("version " + version_id.get<std::string>() + " no longer exists");
  PM_ASSIGN_OR_RETURN(auto application, ctx.apps.FindApplication(version->application_id));
  if (!application.has_value()) return NotFound("application " + version->application_id + " no longer exists");
  PM_ASSIGN_OR_RETURN(model::Manifest manifest, model::ParseManifest(version->manifest, version->manifest_path));
  return Prepared{*application, *version, std::move(manifest)};
}

// --- scm ------------------------------------------------------------------------

class ScmJob : public PrepareJob {
 public:
  using PrepareJob::PrepareJob;
  Status ValidateParameters(const json& p) const override {
    PM_RETURN_IF_ERROR(CheckWorkDir(p));
    return ParameterCheck(p).String("workspace_id").Present("scm").Also([](const json& checked) {
      return ValidateScmSpec(checked["scm"]);
    });
  }
  Result<std::string> Run(const Context& ctx, JobContext& c) const override {
    const json& scm = c.parameters()["scm"];
    const ScmPlugin* plugin = FindScmPlugin(StringParameter(scm, "plugin"));
    // Before anything is written there: as root, the work dir's parents are
    // shared /var/tmp directories that must be root's alone (prepare_user.h).
    Status parents = EnsureWorkDirParents(StringParameter(c.parameters(), "work_dir"));
    PM_RETURN_IF_ERROR(parents.WithContext("Cannot use the work dir"));
    ScmContext context{&ctx.apps, ctx.config.DataDir(), &c.log(), [&c] { return c.abort_requested(); }};
    c.log().Info("Fetching the source with " + plugin->name() + ".");
    auto fetched = plugin->Fetch(scm.value("parameters", json::object()), StringParameter(c.parameters(), "work_dir"), context);
    PM_RETURN_IF_ERROR(fetched.status().WithContext("Could not fetch the source"));
    if (!fetched->revision.empty()) c.Set("scm_revision", fetched->revision);
    return "Fetched the source with " + plugin->name() +
           (fetched->revision.empty() ? "" : " (revision " + fetched->revision + ")") + ".";
  }
};

// --- manifest -------------------------------------------------------------------

class ManifestJob : public PrepareJob {
 public:
  using PrepareJob::PrepareJob;
  Status ValidateParameters(const json& p) const override {
    PM_RETURN_IF_ERROR(CheckWorkDir(p));
    PM_RETURN_IF_ERROR(ParameterCheck(p).String("workspace_id").String("manifest_path"));
    return CheckManifestPath(StringParameter(p, "manifest_path"));
  }
  Result<std::string> Run(const Context& ctx, JobContext& c) const override {
    const json& p = c.parameters();
    std::string manifest_path = StringParameter(p, "manifest_path");
    std::string file = StringParameter(p, "work_dir") + "/" + manifest_path;
    if (!files::Exists(file)) return InvalidArgument("no manifest.yml in the source (looked for " + manifest_path + ")");
    auto text = files::ReadFile(file);
    PM_RETURN_IF_ERROR(text.status().WithContext("Could not read " + manifest_path));

    model::PluginCatalog catalog;
    catalog.services.clear();
    for (const auto& name : services::ServicePluginNames()) catalog.services.insert(name);
    auto manifest = model::ParseManifest(*text, manifest_path, catalog);
    PM_RETURN_IF_ERROR(manifest.status());
    // Service parameters are the plugins' to check: report them all too.
    std::string problems;
    int count = 0;
    for (size_t i = 0; i < manifest->services.size(); ++i) {
      const auto& service = manifest->services[i];
      const auto* plugin = services::FindServicePlugin(service.plugin);
      Status valid = plugin == nullptr ? InvalidArgument("no such service plugin") : plugin->Validate(service.parameters);
      if (!valid.ok()) {
        problems += "\n  " + manifest_path + ": services[" + std::to_string(i) + "]: " + valid.message();
        ++count;
      }
    }
    if (count > 0) return InvalidArgument("invalid manifest (" + std::to_string(count) + " problems):" + problems);

    const std::string workspace_id = StringParameter(p, "workspace_id");
    // Absent (a tree from before the flag): no creating, the safe side.
    if (!p.value("may_create_application", false)) {
      PM_ASSIGN_OR_RETURN(auto existing, ctx.apps.FindApplicationByName(workspace_id, manifest->application.name));
      if (!existing) {
        return PermissionDenied("permission APPLICATION_CREATE is required to create the application '" +
                                manifest->application.name + "' (its first deploy) in this workspace");
      }
    }
    auto application = ctx.apps.FindOrCreateApplication(workspace_id, manifest->application.name);
    PM_RETURN_IF_ERROR(application.status().WithContext("Could not create the application"));
    json source = ScmSpecWithoutSecrets(p.value("source", json::object()));
    auto version = ctx.apps.CreateVersion(application->id, *manifest, *text, manifest_path, source);
    PM_RETURN_IF_ERROR(version.status().WithContext("Could not create the version"));
    auto revision = c.Get("scm_revision");
    if (revision.ok() && revision->is_string()) {
      PM_RETURN_IF_ERROR(ctx.apps.SetVersionRevision(version->id, revision->get<std::string>())
                             .WithContext("Could not record the revision"));
    }
    for (const std::string& tag : {"application:" + application->id, "application_version:" + version->id}) {
      Status tagged = ctx.job_store.AddTag(c.job().id, tag);
      if (!tagged.ok()) c.log().Warning("Could not tag the tree " + tag + ": " + tagged.message());
    }
    c.Set("application_id", application->id);
    c.Set("application_name", application->name);
    c.Set("version_id", version->id);
    c.Set("version_number", version->number);
    std::string summary = "Version " + std::to_string(version->number) + " of " + application->name + " created (" +
                          std::to_string(manifest->instances.size()) + " instance type(s), " +
                          std::to_string(manifest->services.size()) + " service(s)).";
    c.log().Info(summary);
    return summary;
  }
};

// --- services -------------------------------------------------------------------

class ServicesJob : public PrepareJob {
 public:
  using PrepareJob::PrepareJob;
  Status ValidateParameters(const json& p) const override { return CheckWorkDir(p); }
  Result<std::string> Run(const Context& ctx, JobContext& c) const override {
    PM_ASSIGN_OR_RETURN(Prepared prepared, LoadPrepared(c, ctx));
    const auto& wanted = prepared.manifest.services;
    if (wanted.empty()) return std::string("No services.");
    std::vector<Status> results(wanted.size());
    // char, not bool: threads write neighbouring elements, and vector<bool> packs them into shared words.
    std::vector<char> created(wanted.size(), 0);
    std::vector<std::thread> threads;
    // In parallel: a managed server's start-up should not wait for another's.
    for (size_t i = 0; i < wanted.size(); ++i) {
      threads.emplace_back([&, i] {
        bool made = false;
        auto saved = services::CreateOrUpdateService(ctx.apps, ctx.services, prepared.application.id, wanted[i], &made);
        results[i] = saved.ok() ? Status::Ok() : saved.status();
        created[i] = made;
      });
    }
    for (auto& t : threads) t.join();
    std::string failures;
    for (size_t i = 0; i < wanted.size(); ++i) {
      // Names and plugins only: credentials never go into the log.
      std::string label = "service " + wanted[i].name + " (" + wanted[i].plugin + ")";
      if (results[i].ok()) {
        c.log().Info(label + ": " + (created[i] ? "created" : "updated"));
      } else {
        c.log().Error(label + ": " + results[i].message());
        failures += (failures.empty() ? "" : "; ") + label + ": " + results[i].message();
      }
    }
    if (!failures.empty()) return FailedPrecondition(failures);
    return std::to_string(wanted.size()) + " service(s) ready.";
  }
};

// --- commands -------------------------------------------------------------------

class CommandsJob : public PrepareJob {
 public:
  using PrepareJob::PrepareJob;
  Status ValidateParameters(const json& p) const override { return CheckWorkDir(p); }
  Result<std::string> Run(const Context& ctx, JobContext& c) const override {
    PM_ASSIGN_OR_RETURN(Prepared prepared, LoadPrepared(c, ctx));
    const auto& steps = prepared.manifest.application.prepare.commands;
    std::string work_dir = StringParameter(c.parameters(), "work_dir");
    PM_ASSIGN_OR_RETURN(auto installs, DependencyInstalls(prepared.manifest, work_dir));
    if (steps.empty() && installs.empty()) return std::string("No prepare commands.");
    PM_ASSIGN_OR_RETURN(auto environment, Environment(ctx, prepared, work_dir));
    auto aborted = [&c] { return c.abort_requested(); };
    // Application code never runs as root (prepare_user.h).
    std::unique_ptr<PrepareUser> user;
    if (PrepareAsOtherUser()) {
      PM_RETURN_IF_ERROR(CheckPrepareUid(ctx.config));
      auto acquired = PrepareUser::Acquire(static_cast<uid_t>(ctx.config.pacemaker.prepare_uid), work_dir, c.log(),
                                           aborted);
      PM_RETURN_IF_ERROR(acquired.status().WithContext("Cannot run the prepare commands unprivileged"));
      user = std::move(*acquired);
      c.log().Info("Prepare commands run as uid " + std::to_string(user->uid()) + ".");
    }
    int run = 0;
    // Dependencies first: prepare commands (a build step) may need them.
    Status status = InstallDependencies(c, installs, work_dir, environment, user.get());
    if (status.ok()) status = RunSteps(c, steps, work_dir, environment, user.get(), &run);
    // Released before the outcome: a failure removes the work dir, which
    // nothing of the uid may still be writing to.
    Status released = user ? user->Release() : Status::Ok();
    PM_RETURN_IF_ERROR(status);
    PM_RETURN_IF_ERROR(released.WithContext("After the prepare commands"));
    RemoveDependencyCaches(work_dir);
    std::string installed;
    for (const auto& install : installs) installed += (installed.empty() ? "" : ", ") + install.description;
    return (installs.empty() ? "" : "Installed dependencies (" + installed + "). ") + "Ran " + std::to_string(run) +
           " prepare command(s).";
  }

 private:
  static Status CheckPrepareUid(const config::NodeConfig& config) {
    int uid = config.pacemaker.prepare_uid;
    // Every process of the prepare uid is killed after each prepare: sharing
    // it with instances would kill them.
    if (config.heart.enabled && uid >= config.heart.instance_uid_minimum && uid <= config.heart.instance_uid_maximum) {
      return FailedPrecondition("pacemaker.prepare_uid " + std::to_string(uid) +
                                " lies in heart.instance_uid_minimum..instance_uid_maximum; choose one outside");
    }
    return Status::Ok();
  }

  static CommandRun AsPrepareUser(CommandRun cmd, const PrepareUser* user) {
    if (user != nullptr) {
      cmd.run_as_uid = user->uid();
      cmd.run_as_gid = static_cast<gid_t>(user->uid());
    }
    return cmd;
  }

  // Each install in order (dependencies.h); the first failure ends it, with
  // how to install offline.
  static Status InstallDependencies(JobContext& c, const std::vector<DependencyInstall>& installs,
                                    const std::string& work_dir, const std::map<std::string, std::string>& environment,
                                    const PrepareUser* user) {
    for (const auto& install : installs) {
      c.log().Info("Installing dependencies: " + install.description);
      CommandRun cmd;
      cmd.argv = {"/bin/sh", "-c", install.command};
      cmd.working_dir = work_dir;
      cmd.env = environment;
      for (const auto& [key, value] : install.env) cmd.env[key] = value;
      cmd.inherit_env = false;
      cmd.display = "`" + install.description + "`";
      Status status = RunIntoLog(AsPrepareUser(std::move(cmd), user), c.log(), [&c] { return c.abort_requested(); });
      if (status.code() == StatusCode::kAborted) return status;
      if (!status.ok()) {
        c.log().Error(install.offline_hint);
        return Status(status.code(), "Installing dependencies failed: " + status.message() + "\n" + install.offline_hint);
      }
    }
    return Status::Ok();
  }

  // Runs every command of every step, in order; the first failure ends it.
  static Status RunSteps(JobContext& c, const std::vector<model::ManifestPlugin>& steps, const std::string& work_dir,
                         const std::map<std::string, std::string>& environment, const PrepareUser* user, int* run) {
    for (size_t i = 0; i < steps.size(); ++i) {
      const auto& step = steps[i];
      std::string which = "prepare command " + std::to_string(i);
      if (step.plugin != kShellPrepare) return FailedPrecondition(which + ": unsupported plugin " + step.plugin);
      const json& commands = step.parameters.contains("commands") ? step.parameters["commands"] : json::array();
      if (!commands.is_array()) return FailedPrecondition(which + ": commands must be a list");
      if (!step.label.empty()) c.log().Info("Step: " + step.label);
      for (const auto& command : commands) {
        if (!command.is_string()) return FailedPrecondition(which + ": commands must be strings");
        CommandRun cmd;
        cmd.argv = {"/bin/sh", "-c", command.get<std::string>()};
        cmd.working_dir = work_dir;
        cmd.env = environment;
        cmd.inherit_env = false;
        if (user != nullptr) {
          cmd.run_as_uid = user->uid();
          cmd.run_as_gid = static_cast<gid_t>(user->uid());
        }
        cmd.display = "`" + command.get<std::string>() + "`";
        Status status = RunIntoLog(cmd, c.log(), [&c] { return c.abort_requested(); });
        if (!status.ok()) return Status(status.code(), "Prepare command " + status.message());
        ++*run;
      }
    }
    return Status::Ok();
  }

  // Nothing of this process's environment (core/clean_environment.h): HOME =
  // the work dir, LANG, the system PATH, PM_SERVICES (with the services'
  // url variables, model/service_variables.h) and PM_METADATA.
  // Manifests declare no variables of their own.
  static Result<std::map<std::string, std::string>> Environment(const Context& ctx, const Prepared& prepared,
                                                                const std::string& work_dir) {
    std::map<std::string, std::string> env = process::CleanEnvironment(work_dir);
    PM_ASSIGN_OR_RETURN(json services_env, services::ServicesEnvironment(ctx.apps, prepared.application.id));
    PM_ASSIGN_OR_RETURN(auto workspace, ctx.workspaces.Find(prepared.application.workspace_id));
    json app = {{"application_id", prepared.application.id},
                {"name", prepared.application.name},
                {"version", prepared.version.number},
                {"version_id", prepared.version.id},
                {"workspace", workspace ? workspace->name : ""},
                {"workspace_stub", workspace ? workspace->stub : ""}};
    json node_tags = json::object();
    for (const auto& [k, v] : ctx.config.tags) node_tags[k] = v;
    json metadata = {{"application", app},
                     {"workspace", workspace ? workspace->tags : json::object()},
                     {"node", node_tags}};
    env["PM_SERVICES"] = jobs::DumpJson(services_env);
    for (auto& [key, value] : model::ServiceVariables(services_env)) env[key] = std::move(value);
    env["PM_METADATA"] = jobs::DumpJson(metadata);
    return env;
  }
};

// --- pack -----------------------------------------------------------------------

class PackJob : public PrepareJob {
 public:
  using PrepareJob::PrepareJob;
  Status ValidateParameters(const json& p) const override { return CheckWorkDir(p); }
  Result<std::string> Run(const Context& ctx, JobContext& c) const override {
    std::string work_dir = StringParameter(c.parameters(), "work_dir");
    auto version_id = c.Get("version_id");
    if (!version_id.ok() || !version_id->is_string()) return Internal("no version_id in the tree context");
    std::string id = version_id->get<std::string>();
    std::error_code ec;
    // Hearts never need the repository's history.
    fs::remove_all(work_dir + "/.git", ec);
    std::string dir = ctx.config.DataDir() + "/packages";
    PM_RETURN_IF_ERROR(files::MakeDirectories(dir, 0700));
    std::string package = dir + "/" + id + ".tar.gz";
    // PackDirectory writes a temp file and renames it: never half a package.
    auto packed = archives::PackDirectory(work_dir, package);
    PM_RETURN_IF_ERROR(packed.status().WithContext("Could not pack the source"));
    for (const auto& skipped : packed->skipped) c.log().Warning("Not packed (not a file, directory or link): " + skipped);
    auto drop = [&] { fs::remove(package, ec); };
    if (c.abort_requested()) {
      drop();
      return Aborted("aborted while packing");
    }
    Status stored = ctx.apps.SetVersionPackage(id, package, packed->sha256, static_cast<int64_t>(packed->size));
    if (!stored.ok()) {
      drop();
      return stored.WithContext("Could not record the package");
    }
    Status state = ctx.apps.SetVersionState(id, kVersionPrepared);
    if (!state.ok()) {
      drop();
      return state.WithContext("Could not mark the version PREPARED");
    }
    RemoveWorkDir(c);
    std::string summary = "Packed " + std::to_string(packed->size) + " bytes, sha256 " + packed->sha256 + ".";
    c.log().Info(summary);
    return summary;
  }
};

// --- root -----------------------------------------------------------------------

class RootJob : public PrepareJob {
 public:
  using PrepareJob::PrepareJob;
  Status ValidateParameters(const json& p) const override { return ParameterCheck(p); }
  Result<std::string> Run(const Context&, JobContext& c) const override {
    auto number = c.Get("version_number");
    auto name = c.Get("application_name");
    if (!number.ok() || !name.ok()) return Internal("the tree context lacks the version prepared");
    return "Prepared version " + std::to_string(number->get<int64_t>()) + " of " + name->get<std::string>();
  }
};

}  // namespace

Status RegisterPrepareJobs(jobs::JobRegistry& registry, const std::optional<PrepareJobsContext>& ctx) {
  PM_RETURN_IF_ERROR(registry.Register(std::make_shared<ScmJob>(t::kPrepareScm, ctx)));
  PM_RETURN_IF_ERROR(registry.Register(std::make_shared<ManifestJob>(t::kPrepareManifest, ctx)));
  PM_RETURN_IF_ERROR(registry.Register(std::make_shared<ServicesJob>(t::kPrepareServices, ctx)));
  PM_RETURN_IF_ERROR(registry.Register(std::make_shared<CommandsJob>(t::kPrepareCommands, ctx)));
  PM_RETURN_IF_ERROR(registry.Register(std::make_shared<PackJob>(t::kPreparePack, ctx)));
  PM_RETURN_IF_ERROR(registry.Register(std::make_shared<RootJob>(t::kPrepareRoot, ctx)));
  return Status::Ok();
}

Result<std::vector<jobs::JobSpec>> BuildPrepareTree(const config::NodeConfig& config, const NodeUuid& node_uuid,
                                                    const std::string& workspace_id, const json& scm,
                                                    const std::string& manifest_path, bool may_create_application) {
  const std::string node = node_uuid.Get();
  if (node.empty()) return Unavailable("pacemaker not registered yet");
  PM_RETURN_IF_ERROR(ValidateScmSpec(scm));
  PM_RETURN_IF_ERROR(CheckManifestPath(manifest_path));
  std::string work_dir = WorkDirRoot(config, node) + "/" + ids::NewUuid();
  std::string plugin = StringParameter(scm, "plugin");
  jobs::TreeSpec tree;
  std::string root = tree.Add({.id = ids::NewUuid(), .type = t::kPrepareRoot, .node = node,
                               .title = "Prepare a new version", .tags = {"workspace:" + workspace_id}});
  std::string pack = tree.Add({.id = ids::NewUuid(), .type = t::kPreparePack, .parameters = {{"work_dir", work_dir}},
                               .node = node, .title = "Pack and store"},
                              root);
  std::string commands = tree.Add({.id = ids::NewUuid(), .type = t::kPrepareCommands, .parameters = {{"work_dir", work_dir}},
                                   .node = node, .title = "Run prepare commands"},
                                  pack);
  std::string services = tree.Add({.id = ids::NewUuid(), .type = t::kPrepareServices, .parameters = {{"work_dir", work_dir}},
                                   .node = node, .title = "Create or update services"},
                                  commands);
  std::string manifest = tree.Add({.id = ids::NewUuid(), .type = t::kPrepareManifest,
                                   .parameters = {{"workspace_id", workspace_id}, {"work_dir", work_dir},
                                                  {"manifest_path", manifest_path},
                                                  {"may_create_application", may_create_application},
                                                  {"source", ScmSpecWithoutSecrets(scm)}},
                                   .node = node, .title = "Read the manifest"},
                                  services);
  tree.Add({.id = ids::NewUuid(), .type = t::kPrepareScm,
            .parameters = {{"workspace_id", workspace_id}, {"scm", scm}, {"work_dir", work_dir}},
            .node = node, .title = "Fetch the source (" + plugin + ")"},
           manifest);
  return tree.jobs();
}

}  // namespace paasmaker::pacemaker::prepare
