#include "pacemaker/prepare/scm.h"

#include <sys/stat.h>

#include <filesystem>
#include <memory>

#include "core/archive.h"
#include "core/files.h"
#include "core/process.h"
#include "pacemaker/prepare/command_runner.h"

namespace paasmaker::pacemaker::prepare {

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr const char* kManifest = "manifest.yml";

Status NeedObject(const json& parameters) {
  return parameters.is_object() ? Status::Ok() : InvalidArgument("scm.parameters: must be an object");
}

Status OptionalString(const json& p, const std::string& key) {
  if (p.contains(key) && !p[key].is_string()) return InvalidArgument("scm.parameters." + key + ": must be a string");
  return Status::Ok();
}

std::string Str(const json& p, const std::string& key) {
  return p.contains(key) && p[key].is_string() ? p[key].get<std::string>() : "";
}

bool EndsWith(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

void RemoveQuietly(const std::string& path) {
  std::error_code ec;
  fs::remove_all(path, ec);
}

bool IsInside(const fs::path& path, const fs::path& dir) {
  auto p = path.lexically_normal();
  auto d = dir.lexically_normal();
  auto [end, ignored] = std::mismatch(d.begin(), d.end(), p.begin(), p.end());
  // A trailing empty element (dir ending in '/') still counts as the end.
  return end == d.end() || (std::next(end) == d.end() && end->empty());
}

// A local source path: absolute, existing, outside the data dir.
Result<fs::path> LocalSource(const std::string& path, const std::string& data_dir, const std::string& field) {
  if (path.empty() || path[0] != '/') return InvalidArgument(field + ": must be an absolute path");
  std::error_code ec;
  fs::path canonical = fs::canonical(path, ec);
  if (ec) return NotFound(field + ": " + path + ": " + ec.message());
  if (!data_dir.empty()) {
    fs::path data = fs::weakly_canonical(data_dir, ec);
    if (!ec && (IsInside(canonical, data) || IsInside(data, canonical))) {
      return PermissionDenied(field + ": " + path + " overlaps the pacemaker's data directory");
    }
  }
  return canonical;
}

Status PrepareWorkDir(const std::string& work_dir) {
  if (files::Exists(work_dir)) return FailedPrecondition("work dir " + work_dir + " already exists");
  fs::path parent = fs::path(work_dir).parent_path();
  return files::MakeDirectories(parent.string(), 0755);
}

// Unpacks into a staging dir beside work_dir, then moves the source into
// place: the archive's single top-level directory when it holds the
// manifest, else the whole content.
Status UnpackSource(const std::string& archive, const std::string& work_dir, jobs::JobLog& log) {
  PM_RETURN_IF_ERROR(PrepareWorkDir(work_dir));
  std::string staging = work_dir + ".unpack";
  RemoveQuietly(staging);
  auto stats = archives::Unpack(archive, staging);
  if (!stats.ok()) {
    RemoveQuietly(staging);
    return stats.status().WithContext("unpacking the archive");
  }
  log.Info("Unpacked " + std::to_string(stats->entries) + " entries (" + std::to_string(stats->bytes) + " bytes).");
  std::error_code ec;
  std::vector<fs::path> top;
  for (const auto& entry : fs::directory_iterator(staging, ec)) top.push_back(entry.path());
  fs::path source = staging;
  if (top.size() == 1 && fs::is_directory(fs::symlink_status(top[0], ec)) && files::Exists((top[0] / kManifest).string())) {
    log.Info("The archive holds one directory, " + top[0].filename().string() + "; using its content.");
    source = top[0];
  }
  fs::rename(source, work_dir, ec);
  if (ec) {
    RemoveQuietly(staging);
    return IoError("moving the unpacked source into " + work_dir + ": " + ec.message());
  }
  RemoveQuietly(staging);
  return Status::Ok();
}

// --- tarball and zip ----------------------------------------------------------

class ArchiveScm : public ScmPlugin {
 public:
  ArchiveScm(std::string name, std::vector<std::string> extensions)
      : name_(std::move(name)), extensions_(std::move(extensions)) {}
  std::string name() const override { return name_; }

  Status Validate(const json& p) const override {
    PM_RETURN_IF_ERROR(NeedObject(p));
    PM_RETURN_IF_ERROR(OptionalString(p, "upload_id"));
    PM_RETURN_IF_ERROR(OptionalString(p, "path"));
    bool upload = !Str(p, "upload_id").empty();
    bool path = !Str(p, "path").empty();
    if (upload == path) return InvalidArgument("scm.parameters: give exactly one of upload_id and path");
    if (path) {
      std::string file = Str(p, "path");
      if (file[0] != '/') return InvalidArgument("scm.parameters.path: must be an absolute path");
      bool known = false;
      for (const auto& ext : extensions_) known = known || EndsWith(file, ext);
      if (!known) {
        std::string list;
        for (const auto& ext : extensions_) list += (list.empty() ? "" : ", ") + ext;
        return InvalidArgument("scm.parameters.path: " + file + " is not one of " + list);
      }
    }
    return Status::Ok();
  }

  Result<ScmResult> Fetch(const json& p, const std::string& work_dir, ScmContext& context) const override {
    PM_RETURN_IF_ERROR(Validate(p));
    std::string archive;
    if (!Str(p, "upload_id").empty()) {
      if (context.apps == nullptr) return FailedPrecondition("uploads are only available on the pacemaker");
      PM_ASSIGN_OR_RETURN(auto upload, context.apps->FindUpload(Str(p, "upload_id")));
      if (!upload.has_value()) return NotFound("no upload " + Str(p, "upload_id"));
      if (!upload->complete()) {
        return FailedPrecondition("upload " + upload->id + " is incomplete (" + std::to_string(upload->received) +
                                  " of " + std::to_string(upload->size) + " bytes)");
      }
      archive = upload->path;
      context.log->Info("Unpacking upload " + upload->id + " (" + upload->filename + ", " +
                        std::to_string(upload->size) + " bytes).");
    } else {
      PM_ASSIGN_OR_RETURN(fs::path local, LocalSource(Str(p, "path"), context.data_dir, "scm.parameters.path"));
      archive = local.string();
      context.log->Info("Unpacking " + archive + ".");
    }
    PM_RETURN_IF_ERROR(UnpackSource(archive, work_dir, *context.log));
    return ScmResult{};
  }

 private:
  std::string name_;
  std::vector<std::string> extensions_;
};

// --- directory ----------------------------------------------------------------

class DirectoryScm : public ScmPlugin {
 public:
  std::string name() const override { return "paasmaker.scm.directory"; }
  Status Validate(const json& p) const override {
    PM_RETURN_IF_ERROR(NeedObject(p));
    PM_RETURN_IF_ERROR(OptionalString(p, "path"));
    std::string path = Str(p, "path");
    if (path.empty()) return InvalidArgument("scm.parameters.path: required");
    if (path[0] != '/') return InvalidArgument("scm.parameters.path: must be an absolute path");
    return Status::Ok();
  }

  Result<ScmResult> Fetch(const json& p, const std::string& work_dir, ScmContext& context) const override {
    PM_RETURN_IF_ERROR(Validate(p));
    PM_ASSIGN_OR_RETURN(fs::path root, LocalSource(Str(p, "path"), context.data_dir, "scm.parameters.path"));
    std::error_code ec;
    if (!fs::is_directory(root, ec)) return InvalidArgument("scm.parameters.path: " + root.string() + " is not a directory");
    PM_RETURN_IF_ERROR(PrepareWorkDir(work_dir));
    context.log->Info("Copying " + root.string() + ".");
    Status copied = Copy(root, work_dir, context);
    if (!copied.ok()) RemoveQuietly(work_dir);
    return copied.ok() ? Result<ScmResult>(ScmResult{}) : Result<ScmResult>(copied);
  }

 private:
  // Copies regular files, directories and symlinks that stay inside root;
  // refuses symlinks out; skips devices, FIFOs and sockets.
  static Status Copy(const fs::path& root, const fs::path& dest, ScmContext& context) {
    std::error_code ec;
    fs::create_directory(dest, ec);
    if (ec) return IoError("creating " + dest.string() + ": " + ec.message());
    uint64_t count = 0;
    auto it = fs::recursive_directory_iterator(root, fs::directory_options::none, ec);
    if (ec) return IoError("reading " + root.string() + ": " + ec.message());
    for (; it != fs::recursive_directory_iterator(); it.increment(ec)) {
      if (ec) return IoError("reading " + root.string() + ": " + ec.message());
      if (context.aborted && context.aborted()) return Aborted("aborted while copying");
      const fs::path& from = it->path();
      fs::path rel = from.lexically_relative(root);
      fs::path to = dest / rel;
      auto st = it->symlink_status(ec);
      if (ec) return IoError("reading " + from.string() + ": " + ec.message());
      if (fs::is_symlink(st)) {
        fs::path target = fs::read_symlink(from, ec);
        if (ec) return IoError("reading link " + from.string() + ": " + ec.message());
        fs::path resolved = target.is_absolute() ? target : from.parent_path() / target;
        // Lexically and through the links it may pass ("s/.." with s -> "." escapes).
        fs::path real = fs::weakly_canonical(resolved, ec);
        if (ec) real = resolved;
        ec.clear();
        if (!IsInside(resolved.lexically_normal(), root) || !IsInside(real, root)) {
          return InvalidArgument("the source's symlink " + rel.string() + " points outside it (to " +
                                 target.string() + ")");
        }
        // Relative links keep working in the copy; absolute ones into root are rebased.
        fs::path link = target.is_absolute() ? fs::path(resolved.lexically_normal()).lexically_relative(from.parent_path())
                                             : target;
        fs::create_symlink(link, to, ec);
      } else if (fs::is_directory(st)) {
        fs::create_directory(to, ec);
        fs::permissions(to, st.permissions(), ec);
      } else if (fs::is_regular_file(st)) {
        fs::copy_file(from, to, fs::copy_options::none, ec);
      } else {
        context.log->Warning("Skipped " + rel.string() + ": not a regular file, directory or symlink.");
        continue;
      }
      if (ec) return IoError("copying " + rel.string() + ": " + ec.message());
      ++count;
    }
    context.log->Info("Copied " + std::to_string(count) + " entries.");
    return Status::Ok();
  }
};

// --- git ----------------------------------------------------------------------

class GitScm : public ScmPlugin {
 public:
  std::string name() const override { return "paasmaker.scm.git"; }
  Status Validate(const json& p) const override {
    PM_RETURN_IF_ERROR(NeedObject(p));
    for (const char* key : {"location", "branch", "revision"}) PM_RETURN_IF_ERROR(OptionalString(p, key));
    if (Str(p, "location").empty()) return InvalidArgument("scm.parameters.location: required");
    // Nothing may look like an option to git.
    for (const char* key : {"location", "branch", "revision"}) {
      std::string v = Str(p, key);
      if (!v.empty() && v[0] == '-') return InvalidArgument(std::string("scm.parameters.") + key + ": may not start with '-'");
    }
    return Status::Ok();
  }

  Result<ScmResult> Fetch(const json& p, const std::string& work_dir, ScmContext& context) const override {
    PM_RETURN_IF_ERROR(Validate(p));
    PM_RETURN_IF_ERROR(PrepareWorkDir(work_dir));
    Result<ScmResult> result = FetchInto(p, work_dir, context);
    if (!result.ok()) RemoveQuietly(work_dir);
    return result;
  }

 private:
  static CommandRun Git(std::vector<std::string> args, const std::string& cwd, std::chrono::minutes timeout) {
    CommandRun run;
    run.argv = {"git"};
    run.argv.insert(run.argv.end(), args.begin(), args.end());
    run.working_dir = cwd;
    // Never wait for a password on a terminal nobody watches.
    run.env = {{"GIT_TERMINAL_PROMPT", "0"}, {"GIT_ASKPASS", "/bin/false"}, {"SSH_ASKPASS", "/bin/false"},
               {"GIT_SSH_COMMAND", "ssh -o BatchMode=yes"}};
    run.timeout = timeout;
    return run;
  }

  Result<ScmResult> FetchInto(const json& p, const std::string& work_dir, ScmContext& context) const {
    std::string location = Str(p, "location");
    std::string branch = Str(p, "branch");
    std::string revision = Str(p, "revision");
    std::vector<std::string> clone = {"clone", "--quiet"};
    if (!branch.empty()) clone.insert(clone.end(), {"--branch", branch});
    clone.insert(clone.end(), {"--", location, work_dir});
    CommandRun run = Git(clone, "", std::chrono::minutes(10));
    run.display = "git clone " + ScmSpecWithoutSecrets({{"parameters", {{"location", location}}}})["parameters"]["location"].get<std::string>();
    PM_RETURN_IF_ERROR(RunIntoLog(run, *context.log, context.aborted));
    if (!revision.empty()) {
      PM_RETURN_IF_ERROR(RunIntoLog(Git({"-c", "advice.detachedHead=false", "checkout", "--quiet", "--detach", revision, "--"},
                                        work_dir, std::chrono::minutes(2)),
                                    *context.log, context.aborted));
    }
    process::LaunchOptions rev;
    rev.argv = {"git", "rev-parse", "HEAD"};
    rev.working_dir = work_dir;
    PM_ASSIGN_OR_RETURN(auto out, process::Run(rev, std::chrono::seconds(30)));
    if (!out.exit.exited || out.exit.exit_code != 0) {
      return FailedPrecondition("git rev-parse HEAD " + out.exit.Describe() + ": " + LastLines(out.output, 5));
    }
    std::string head = out.output;
    while (!head.empty() && (head.back() == '\n' || head.back() == '\r' || head.back() == ' ')) head.pop_back();
    context.log->Info("Checked out revision " + head + ".");
    return ScmResult{head};
  }
};

const std::vector<std::shared_ptr<const ScmPlugin>>& Builtins() {
  static const std::vector<std::shared_ptr<const ScmPlugin>> plugins = {
      std::make_shared<ArchiveScm>("paasmaker.scm.tarball", std::vector<std::string>{".tar.gz", ".tgz", ".tar.bz2", ".tar.xz"}),
      std::make_shared<ArchiveScm>("paasmaker.scm.zip", std::vector<std::string>{".zip"}),
      std::make_shared<GitScm>(),
      std::make_shared<DirectoryScm>(),
  };
  return plugins;
}

}  // namespace

const ScmPlugin* FindScmPlugin(const std::string& name) {
  for (const auto& plugin : Builtins()) {
    if (plugin->name() == name) return plugin.get();
  }
  return nullptr;
}

std::vector<std::string> ScmPluginNames() {
  std::vector<std::string> names;
  for (const auto& plugin : Builtins()) names.push_back(plugin->name());
  return names;
}

Status ValidateScmSpec(const json& scm) {
  if (!scm.is_object()) return InvalidArgument("scm: must be an object {\"plugin\", \"parameters\"}");
  if (!scm.contains("plugin") || !scm["plugin"].is_string()) return InvalidArgument("scm.plugin: required");
  std::string name = scm["plugin"].get<std::string>();
  const ScmPlugin* plugin = FindScmPlugin(name);
  if (plugin == nullptr) {
    std::string known;
    for (const auto& n : ScmPluginNames()) known += (known.empty() ? "" : ", ") + n;
    return InvalidArgument("scm.plugin: no such SCM plugin \"" + name + "\" (known: " + known + ")");
  }
  return plugin->Validate(scm.contains("parameters") ? scm["parameters"] : json::object());
}

json ScmSpecWithoutSecrets(const json& scm) {
  json clean = scm;
  if (!clean.is_object() || !clean.contains("parameters") || !clean["parameters"].is_object()) return clean;
  json& p = clean["parameters"];
  for (auto it = p.begin(); it != p.end();) {
    std::string key = it.key();
    for (auto& c : key) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    bool secret = key.find("password") != std::string::npos || key.find("token") != std::string::npos ||
                  key.find("secret") != std::string::npos;
    it = secret ? p.erase(it) : std::next(it);
  }
  // https://user:pass@host/… → https://user@host/…
  if (p.contains("location") && p["location"].is_string()) {
    std::string loc = p["location"].get<std::string>();
    size_t scheme = loc.find("://");
    if (scheme != std::string::npos) {
      size_t host_start = scheme + 3;
      size_t slash = loc.find('/', host_start);
      size_t at = loc.rfind('@', slash == std::string::npos ? std::string::npos : slash);
      if (at != std::string::npos && at > host_start) {
        size_t colon = loc.find(':', host_start);
        if (colon != std::string::npos && colon < at) loc.erase(colon, at - colon);
      }
    }
    p["location"] = loc;
  }
  return clean;
}

}  // namespace paasmaker::pacemaker::prepare
