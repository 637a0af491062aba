#include "jobs/test_jobs.h"

#include <chrono>
#include <map>
#include <mutex>

#include "core/process.h"
#include "jobs/job_context.h"

namespace paasmaker::jobs {

namespace {

// --- Counters ------------------------------------------------------------------

std::mutex& CountsMutex() {
  static std::mutex mutex;
  return mutex;
}
std::map<std::string, TestJobCounts>& Counts() {
  static std::map<std::string, TestJobCounts> counts;
  return counts;
}
int& TotalStarts() {
  static int total = 0;
  return total;
}

void CountStart(const JobContext& c) {
  std::lock_guard<std::mutex> lock(CountsMutex());
  ++Counts()[c.job().id].starts;
  ++TotalStarts();
}
void CountAbort(const JobContext& c) {
  std::lock_guard<std::mutex> lock(CountsMutex());
  ++Counts()[c.job().id].aborts;
}
void CountCancel(const JobContext& c) {
  std::lock_guard<std::mutex> lock(CountsMutex());
  ++Counts()[c.job().id].cancels;
}

// Shared shape: every hook counts; subclasses implement Run.
class TestJob : public JobPlugin {
 public:
  explicit TestJob(std::string name) : name_(std::move(name)) {}
  std::string name() const override { return name_; }
  void Start(JobContext& c) const override {
    CountStart(c);
    Run(c);
  }
  void Abort(JobContext& c) const override { CountAbort(c); }
  void Cancelled(JobContext& c) const override { CountCancel(c); }

 protected:
  virtual void Run(JobContext& c) const = 0;

 private:
  std::string name_;
};

Status NeedObject(const nlohmann::json& p) {
  return p.is_object() ? Status::Ok() : InvalidArgument("parameters must be an object");
}

Status OptionalNumber(const nlohmann::json& p, const char* key, bool required = false) {
  if (!p.contains(key)) return required ? InvalidArgument(std::string("'") + key + "' is required") : Status::Ok();
  if (!p[key].is_number() || p[key].get<double>() < 0) {
    return InvalidArgument(std::string("'") + key + "' must be a non-negative number");
  }
  return Status::Ok();
}

// --- The jobs ------------------------------------------------------------------

class NoopJob : public TestJob {
 public:
  NoopJob() : TestJob("paasmaker.job.test.noop") {}
  Status ValidateParameters(const nlohmann::json& p) const override { return NeedObject(p); }
  void Run(JobContext& c) const override { c.Succeeded("Completed successfully."); }
};

class SleepJob : public TestJob {
 public:
  SleepJob() : TestJob("paasmaker.job.test.sleep") {}
  Status ValidateParameters(const nlohmann::json& p) const override {
    PM_RETURN_IF_ERROR(NeedObject(p));
    return OptionalNumber(p, "seconds", /*required=*/true);
  }
  void Run(JobContext& c) const override {
    double seconds = c.parameters().value("seconds", 0.0);
    const std::string prefix = "sleep." + c.job().id;
    c.Set(prefix + ".start", SystemNow());
    c.log().Info("Sleeping for " + std::to_string(seconds) + " s.");
    bool slept = c.SleepUnlessAborted(std::chrono::milliseconds(static_cast<int64_t>(seconds * 1000)));
    c.Set(prefix + ".end", SystemNow());
    if (!slept) {
      c.Aborted("Aborted while sleeping.");
      return;
    }
    c.Succeeded("Slept for " + std::to_string(seconds) + " s.");
  }
};

class FailJob : public TestJob {
 public:
  FailJob() : TestJob("paasmaker.job.test.fail") {}
  Status ValidateParameters(const nlohmann::json& p) const override {
    PM_RETURN_IF_ERROR(NeedObject(p));
    if (p.contains("message") && !p["message"].is_string()) return InvalidArgument("'message' must be a string");
    return Status::Ok();
  }
  void Run(JobContext& c) const override {
    std::string message = c.parameters().value("message", "Failed on purpose.");
    c.log().Error(message);
    c.Failed(message);
  }
};

class ContextJob : public TestJob {
 public:
  ContextJob() : TestJob("paasmaker.job.test.context") {}
  Status ValidateParameters(const nlohmann::json& p) const override {
    PM_RETURN_IF_ERROR(NeedObject(p));
    if (!p.contains("key") || !p["key"].is_string() || p["key"].get<std::string>().empty()) {
      return InvalidArgument("'key' must be a non-empty string");
    }
    if (!p.contains("value")) return InvalidArgument("'value' is required");
    if (p.contains("expect")) {
      const auto& e = p["expect"];
      if (!e.is_object() && !e.is_array()) return InvalidArgument("'expect' must be an object or an array");
      if (e.is_array()) {
        for (const auto& k : e) {
          if (!k.is_string()) return InvalidArgument("'expect' keys must be strings");
        }
      }
    }
    return Status::Ok();
  }
  void Run(JobContext& c) const override {
    const auto& p = c.parameters();
    std::map<std::string, nlohmann::json> expected;
    if (p.contains("expect")) {
      if (p["expect"].is_array()) {
        for (const auto& k : p["expect"]) expected[k.get<std::string>()] = nullptr;
      } else {
        for (const auto& [k, v] : p["expect"].items()) expected[k] = v;
      }
    }
    for (const auto& [key, want] : expected) {
      auto have = c.Get(key);
      if (!have.ok()) {
        c.Failed("Context key '" + key + "': " + have.status().ToString());
        return;
      }
      if (!want.is_null() && *have != want) {
        c.Failed("Context key '" + key + "' is " + DumpJson(*have) + ", expected " + DumpJson(want));
        return;
      }
    }
    std::string key = p.value("key", "");
    c.Set(key, p.value("value", nlohmann::json()));
    c.Succeeded("Wrote '" + key + "' into the context.");
  }
};

class GraftJob : public TestJob {
 public:
  GraftJob() : TestJob("paasmaker.job.test.graft") {}
  Status ValidateParameters(const nlohmann::json& p) const override {
    PM_RETURN_IF_ERROR(NeedObject(p));
    if (p.contains("under")) {
      std::string u = p["under"].is_string() ? p["under"].get<std::string>() : "";
      if (u != "parent" && u != "root" && u != "self") {
        return InvalidArgument("'under' must be \"parent\", \"root\" or \"self\"");
      }
    }
    if (p.contains("count") && (!p["count"].is_number_integer() || p["count"].get<int>() < 0)) {
      return InvalidArgument("'count' must be a non-negative integer");
    }
    return OptionalNumber(p, "seconds");
  }
  void Run(JobContext& c) const override {
    const auto& p = c.parameters();
    std::string under = p.value("under", "parent");
    int count = p.value("count", 2);
    double seconds = p.value("seconds", 0.0);
    std::string target = under == "self" ? c.job().id : under == "root" ? c.job().root_id : c.job().parent_id;
    if (target.empty()) {
      c.Failed("A root job has no parent to graft under.");
      return;
    }
    TreeSpec graft;
    std::string container = graft.Add({.parent_id = target, .type = "paasmaker.job.test.noop",
                                       .title = "Grafted container"});
    for (int i = 0; i < count; ++i) {
      if (seconds > 0) {
        graft.Add({.type = "paasmaker.job.test.sleep", .parameters = {{"seconds", seconds}},
                   .title = "Grafted sleep " + std::to_string(i)},
                  container);
      } else {
        graft.Add({.type = "paasmaker.job.test.noop", .title = "Grafted noop " + std::to_string(i)},
                  container);
      }
    }
    auto ids = c.Graft(graft.jobs());
    if (!ids.ok()) {
      c.Failed("Could not graft: " + ids.status().ToString());
      return;
    }
    c.Set("graft." + c.job().id, *ids);
    c.Succeeded("Grafted " + std::to_string(ids->size()) + " job(s) under " + target + ".");
  }
};

class ShellJob : public TestJob {
 public:
  ShellJob() : TestJob("paasmaker.job.test.shell") {}
  Status ValidateParameters(const nlohmann::json& p) const override {
    PM_RETURN_IF_ERROR(NeedObject(p));
    if (!p.contains("command") || !p["command"].is_string()) return InvalidArgument("'command' must be a string");
    return OptionalNumber(p, "timeout");
  }
  void Run(JobContext& c) const override {
    std::string command = c.parameters().value("command", "");
    auto timeout = std::chrono::milliseconds(
        static_cast<int64_t>(c.parameters().value("timeout", 60.0) * 1000));
    c.log().Info("Running: " + command);
    // The command's output goes straight into the job log (O_APPEND, so it
    // interleaves safely with our own lines) and can be followed live.
    process::LaunchOptions options;
    options.argv = {"/bin/sh", "-c", command};
    options.output_file = c.log().path();
    auto launched = process::Launch(options);
    if (!launched.ok()) {
      c.Failed("Could not run the command: " + launched.status().ToString());
      return;
    }
    auto& child = *launched;
    auto deadline = std::chrono::steady_clock::now() + timeout;
    std::optional<process::ExitInfo> exit;
    while (!(exit = child->Wait(std::chrono::milliseconds(50)))) {
      if (c.abort_requested()) {
        child->Stop(std::chrono::milliseconds(1000));
        c.Aborted("Aborted; the command was stopped.");
        return;
      }
      if (std::chrono::steady_clock::now() >= deadline) {
        child->Stop(std::chrono::milliseconds(1000));
        c.Failed("The command did not finish within " + std::to_string(timeout.count()) + " ms.");
        return;
      }
    }
    if (exit->exited && exit->exit_code == 0) {
      c.Succeeded("The command succeeded.");
    } else {
      c.Failed("The command " + exit->Describe() + ".");
    }
  }
};

}  // namespace

Status RegisterBuiltinTestJobs(JobRegistry& registry) {
  PM_RETURN_IF_ERROR(registry.Register(std::make_shared<NoopJob>()));
  PM_RETURN_IF_ERROR(registry.Register(std::make_shared<SleepJob>()));
  PM_RETURN_IF_ERROR(registry.Register(std::make_shared<FailJob>()));
  PM_RETURN_IF_ERROR(registry.Register(std::make_shared<ContextJob>()));
  PM_RETURN_IF_ERROR(registry.Register(std::make_shared<GraftJob>()));
  PM_RETURN_IF_ERROR(registry.Register(std::make_shared<ShellJob>()));
  return Status::Ok();
}

TestJobCounts GetTestJobCounts(const std::string& job_id) {
  std::lock_guard<std::mutex> lock(CountsMutex());
  auto it = Counts().find(job_id);
  return it == Counts().end() ? TestJobCounts{} : it->second;
}

int TotalTestJobStarts() {
  std::lock_guard<std::mutex> lock(CountsMutex());
  return TotalStarts();
}

void ResetTestJobCounts() {
  std::lock_guard<std::mutex> lock(CountsMutex());
  Counts().clear();
  TotalStarts() = 0;
}

}  // namespace paasmaker::jobs
