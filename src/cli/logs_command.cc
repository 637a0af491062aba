// `paasmaker logs TARGET [--follow]`: the output of instances, fetched by
// the pacemaker from their hearts (GET /api/v1/instances/<id>/log?offset=N).
// TARGET is an instance id, a version (id or APP:N) or an application (id or
// name): a version means its instances, an application every version's.
// With several instances each line starts with the instance id's first 8
// characters. --follow polls for new output every 500 ms until interrupted,
// and looks for new instances (a restart, a scale-up) every few seconds.
#include <chrono>
#include <map>
#include <memory>
#include <set>
#include <thread>
#include <vector>

#include "cli/command_context.h"
#include "cli/output.h"
#include "cli/resolve.h"

namespace paasmaker::cli {

namespace {

using nlohmann::json;

struct LogsArgs {
  std::string target;
  std::string workspace;
  bool follow = false;
};

// Live instance ids of a version (DEREGISTERED ones have no log left).
Status AddVersionInstances(ApiClient& api, const std::string& version_id, std::set<std::string>& ids) {
  PM_ASSIGN_OR_RETURN(json data, api.Get("/api/v1/versions/" + http::UrlEncode(version_id) + "/instances"));
  for (const json& i : Child(data, "instances")) {
    if (Text(i, "state") != "DEREGISTERED") ids.insert(IdOf(i, "instance"));
  }
  return Status::Ok();
}

Result<std::set<std::string>> ResolveInstances(ApiClient& api, const LogsArgs& args) {
  std::set<std::string> ids;
  const std::string& t = args.target;
  if (t.find(':') != std::string::npos) {
    PM_ASSIGN_OR_RETURN(std::string version_id, ResolveVersionId(api, t, args.workspace));
    PM_RETURN_IF_ERROR(AddVersionInstances(api, version_id, ids));
    return ids;
  }
  if (LooksLikeUuid(t)) {
    auto instance = api.Get("/api/v1/instances/" + http::UrlEncode(t));
    if (instance.ok()) return std::set<std::string>{t};
    if (instance.status().code() != StatusCode::kNotFound) return instance.status();
    Status version = AddVersionInstances(api, t, ids);
    if (version.ok()) return ids;
    if (version.code() != StatusCode::kNotFound) return version;
  }
  auto app_id = ResolveApplicationId(api, t, args.workspace);
  if (!app_id.ok()) {
    if (app_id.status().code() != StatusCode::kNotFound) return app_id.status();
    return NotFound("no instance, version or application '" + t + "'");
  }
  auto versions = api.Get("/api/v1/applications/" + http::UrlEncode(*app_id) + "/versions");
  if (!versions.ok()) {
    if (versions.status().code() != StatusCode::kNotFound) return versions.status();
    return NotFound("no instance, version or application '" + t + "'");
  }
  for (const json& v : Child(*versions, "versions")) {
    PM_RETURN_IF_ERROR(AddVersionInstances(api, IdOf(v, "version"), ids));
  }
  return ids;
}

// Prints the logs of several instances, each from where it was left.
class LogPrinter {
 public:
  LogPrinter(CommandContext& context, ApiClient& api) : context_(context), api_(api) {}

  void SetInstances(const std::set<std::string>& ids) {
    for (const auto& id : ids) offsets_.emplace(id, 0);
  }
  size_t size() const { return offsets_.size(); }

  // Fetches and prints what is new of every instance; in `drain` mode
  // keeps fetching one instance until it has nothing more. Returns the
  // first error if no instance could be read.
  Status Poll(bool drain) {
    Status first_error = Status::Ok();
    size_t read = 0;
    for (auto& [id, offset] : offsets_) {
      Status s = PollOne(id, offset, drain);
      if (s.ok()) {
        ++read;
        errors_.erase(id);
      } else {
        if (first_error.ok()) first_error = s;
        // Say it once per change, not every 500 ms.
        if (errors_[id] != s.message()) context_.err() << "warning: log of " << id << ": " << s.message() << "\n";
        errors_[id] = s.message();
      }
    }
    context_.out().flush();
    return read == 0 && !offsets_.empty() ? first_error : Status::Ok();
  }

  void Finish() {
    for (auto& [id, fragment] : partial_) {
      if (!fragment.empty()) context_.out() << Prefix(id) << fragment << "\n";
    }
    partial_.clear();
    if (context_.json() && !followed_) PrintJson(context_.out(), {{"logs", json(collected_)}});
    context_.out().flush();
  }

  void set_followed(bool followed) { followed_ = followed; }

 private:
  std::string Prefix(const std::string& id) const { return offsets_.size() > 1 ? "[" + id.substr(0, 8) + "] " : ""; }

  Status PollOne(const std::string& id, uint64_t& offset, bool drain) {
    for (int round = 0; round < 100000; ++round) {
      PM_ASSIGN_OR_RETURN(std::string text, api_.GetText("/api/v1/instances/" + http::UrlEncode(id) +
                                                         "/log?offset=" + std::to_string(offset)));
      if (text.empty()) return Status::Ok();
      offset += text.size();
      Print(id, text);
      if (!drain) return Status::Ok();
    }
    return Status::Ok();
  }

  void Print(const std::string& id, const std::string& text) {
    if (context_.json()) {
      if (followed_) {
        context_.out() << json{{"instance_id", id}, {"text", text}}.dump(-1, ' ', false,
                                                                            json::error_handler_t::replace)
                       << "\n";
      } else {
        collected_[id] += text;
      }
      return;
    }
    if (offsets_.size() == 1) {
      context_.out() << text;
      return;
    }
    std::string& pending = partial_[id];
    pending += text;
    size_t start = 0;
    for (size_t nl; (nl = pending.find('\n', start)) != std::string::npos; start = nl + 1) {
      context_.out() << Prefix(id) << pending.substr(start, nl - start) << "\n";
    }
    pending.erase(0, start);
  }

  CommandContext& context_;
  ApiClient& api_;
  std::map<std::string, uint64_t> offsets_;
  std::map<std::string, std::string> partial_;
  std::map<std::string, std::string> errors_;
  std::map<std::string, std::string> collected_;  // --json without --follow
  bool followed_ = false;
};

Status Logs(CommandContext& context, const LogsArgs& args) {
  PM_ASSIGN_OR_RETURN(ApiClient api, context.Api());
  PM_ASSIGN_OR_RETURN(std::set<std::string> ids, ResolveInstances(api, args));
  if (ids.empty() && !args.follow) {
    if (context.json()) PrintJson(context.out(), {{"logs", json::object()}});
    else context.err() << "No instances of " << args.target << " (is it registered?).\n";
    return Status::Ok();
  }
  LogPrinter printer(context, api);
  printer.set_followed(args.follow);
  printer.SetInstances(ids);
  if (!args.follow) {
    Status status = printer.Poll(/*drain=*/true);
    printer.Finish();
    return status;
  }
  using Clock = std::chrono::steady_clock;
  auto next_resolve = Clock::now() + std::chrono::seconds(5);
  while (true) {
    (void)printer.Poll(/*drain=*/false);
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    if (Clock::now() >= next_resolve) {
      next_resolve = Clock::now() + std::chrono::seconds(5);
      if (auto more = ResolveInstances(api, args); more.ok()) printer.SetInstances(*more);
    }
  }
}

}  // namespace

void RegisterLogsCommand(CLI::App& app, CommandContext& context) {
  auto args = std::make_shared<LogsArgs>();
  CLI::App* logs = AddCommand(
      app, "logs",
      {.summary = "Print the output of instances",
       .details = "TARGET is an instance id, a version (id or APP:N) or an application (id or name; "
                  "--workspace narrows a name): a version means all its instances, an application all "
                  "its versions' instances. With several instances, each line starts with "
                  "[first 8 characters of the instance id]. --follow keeps printing new output (polling "
                  "every 500 ms) until interrupted. --json prints {\"logs\": {instance id: text}}, or "
                  "with --follow one {\"instance_id\", \"text\"} object per line.",
       .example = "paasmaker logs hello:3 --follow"});
  logs->add_option("TARGET", args->target, "instance id, version id or APP:N, application id or name")
      ->required();
  logs->add_option("--workspace", args->workspace, "workspace id, stub or name, to find an application by name")
      ->type_name("W");
  logs->add_flag("--follow,-f", args->follow, "keep printing new output until interrupted");
  OnRun(logs, context, [args](CommandContext& c) { return Logs(c, *args); });
}

}  // namespace paasmaker::cli
