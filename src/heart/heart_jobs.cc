#include "heart/heart_jobs.h"

#include "heart/heart.h"
#include "heart/runtime.h"
#include "jobs/job_context.h"

namespace paasmaker::heart {

namespace {

Status NeedInstanceId(const nlohmann::json& p) {
  if (!p.is_object()) return InvalidArgument("parameters must be an object");
  if (!p.contains("instance_id") || !p["instance_id"].is_string() || !IsSafeId(p["instance_id"])) {
    return InvalidArgument("'instance_id' must be an id (letters, digits, '-')");
  }
  return Status::Ok();
}

// Shared shape: a name, parameter checks, and a Run that only happens on a
// node with the heart role.
class HeartJob : public jobs::JobPlugin {
 public:
  HeartJob(std::string name, Heart* heart) : name_(std::move(name)), heart_(heart) {}
  std::string name() const override { return name_; }
  Status ValidateParameters(const nlohmann::json& p) const override { return NeedInstanceId(p); }
  void Start(jobs::JobContext& c) const override {
    if (heart_ == nullptr) {
      c.log().Error("This node has no heart role.");
      c.Failed("this node has no heart role");
      return;
    }
    Run(c, *heart_, c.parameters().value("instance_id", ""));
  }

 protected:
  virtual void Run(jobs::JobContext& c, Heart& heart, const std::string& id) const = 0;

 private:
  std::string name_;
  Heart* heart_;
};

class RegisterJob : public HeartJob {
 public:
  explicit RegisterJob(Heart* h) : HeartJob("paasmaker.job.heart.register", h) {}
  Status ValidateParameters(const nlohmann::json& p) const override {
    if (!p.is_object() || !p.contains("instance")) return InvalidArgument("'instance' (an InstanceSpec) is required");
    return ParseRunnableSpec(p["instance"]).status();
  }
  void Run(jobs::JobContext& c, Heart& heart, const std::string&) const override {
    // Parsed here, once; the heart keeps and uses the typed spec from now on.
    const nlohmann::json raw = c.parameters().value("instance", nlohmann::json());
    auto spec = ParseRunnableSpec(raw);
    const std::string id = spec.ok() ? spec->instance_id
                           : raw.is_object() && raw.contains("instance_id") && raw["instance_id"].is_string()
                               ? raw["instance_id"].get<std::string>()
                               : std::string();
    auto port = spec.ok() ? heart.Register(*spec, c.log()) : Result<int>(spec.status());
    if (!port.ok()) {
      c.Failed("Registering instance " + id + " failed: " + port.status().message());
      return;
    }
    c.Set("port-" + id, *port);
    c.Succeeded("Registered instance " + id + (*port > 0 ? " on port " + std::to_string(*port) : " (standalone)") + ".");
  }
};

class StartupJob : public HeartJob {
 public:
  explicit StartupJob(Heart* h) : HeartJob("paasmaker.job.heart.startup", h) {}
  void Run(jobs::JobContext& c, Heart& heart, const std::string& id) const override {
    Status s = heart.RunStartup(id, c.log(), [&c] { return c.abort_requested(); });
    if (s.code() == StatusCode::kAborted) return c.Aborted(s.message());
    if (!s.ok()) return c.Failed("Startup of instance " + id + " failed: " + s.message());
    c.Succeeded("Startup commands of instance " + id + " succeeded.");
  }
};

class StartJob : public HeartJob {
 public:
  explicit StartJob(Heart* h) : HeartJob("paasmaker.job.heart.start", h) {}
  void Run(jobs::JobContext& c, Heart& heart, const std::string& id) const override {
    Status s = heart.StartInstance(id, c.log());
    auto status = heart.Find(id);
    if (status) c.Set("state-" + id, status->state);
    if (!s.ok()) return c.Failed(s.message());
    c.Succeeded("Instance " + id + " is running" + (status && status->port > 0 ? " on port " + std::to_string(status->port) : "") + ".");
  }
};

class StopJob : public HeartJob {
 public:
  explicit StopJob(Heart* h) : HeartJob("paasmaker.job.heart.stop", h) {}
  void Run(jobs::JobContext& c, Heart& heart, const std::string& id) const override {
    Status s = heart.StopInstance(id, c.log());
    if (!s.ok()) return c.Failed("Stopping instance " + id + " failed: " + s.message());
    c.Succeeded("Instance " + id + " is stopped.");
  }
};

class DeregisterJob : public HeartJob {
 public:
  explicit DeregisterJob(Heart* h) : HeartJob("paasmaker.job.heart.deregister", h) {}
  void Run(jobs::JobContext& c, Heart& heart, const std::string& id) const override {
    Status s = heart.Deregister(id, c.log());
    if (!s.ok()) return c.Failed("Cannot deregister instance " + id + ": " + s.message());
    c.Succeeded("Instance " + id + " is deregistered.");
  }
};

}  // namespace

Status RegisterHeartJobs(jobs::JobRegistry& registry, Heart* heart) {
  PM_RETURN_IF_ERROR(registry.Register(std::make_shared<RegisterJob>(heart)));
  PM_RETURN_IF_ERROR(registry.Register(std::make_shared<StartupJob>(heart)));
  PM_RETURN_IF_ERROR(registry.Register(std::make_shared<StartJob>(heart)));
  PM_RETURN_IF_ERROR(registry.Register(std::make_shared<StopJob>(heart)));
  PM_RETURN_IF_ERROR(registry.Register(std::make_shared<DeregisterJob>(heart)));
  return Status::Ok();
}

}  // namespace paasmaker::heart
