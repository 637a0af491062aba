#include "heart/heart_jobs.h"

#include "heart/heart.h"
#include "heart/runtime.h"
#include "jobs/job_context.h"
#include "jobs/job_parameters.h"
#include "jobs/role_job.h"
#include "model/job_types.h"

namespace paasmaker::heart {

namespace {

namespace t = model::job_types;
using jobs::ParameterCheck;
using nlohmann::json;

// The heart's jobs act on the heart itself (jobs/role_job.h); absent on a
// node without the heart role.
struct HeartJobsContext {
  Heart& heart;
};

// Every heart job but register names one instance.
class HeartJob : public jobs::RoleJob<HeartJobsContext> {
 public:
  HeartJob(std::string name, std::optional<HeartJobsContext> ctx) : RoleJob(std::move(name), std::move(ctx), "heart") {}
  Status ValidateParameters(const json& p) const override {
    return ParameterCheck(p).String("instance_id").Also([](const json& checked) {
      return model::IsSafeId(checked["instance_id"].get<std::string>())
                 ? Status::Ok()
                 : InvalidArgument("parameters: 'instance_id' must be an id (letters, digits, '-')");
    });
  }

 protected:
  static std::string InstanceId(jobs::JobContext& c) { return jobs::StringParameter(c.parameters(), "instance_id"); }
};

class RegisterJob : public HeartJob {
 public:
  using HeartJob::HeartJob;
  Status ValidateParameters(const json& p) const override {
    return ParameterCheck(p).Present("instance").Also([](const json& checked) {
      return ParseRunnableSpec(checked["instance"]).status();
    });
  }
  Result<std::string> Run(const HeartJobsContext& ctx, jobs::JobContext& c) const override {
    // Parsed here, once; the heart keeps and uses the typed spec from now on.
    const json raw = c.parameters().value("instance", json());
    const std::string id = raw.is_object() ? jobs::StringParameter(raw, "instance_id") : std::string();
    const std::string failed = "Registering instance " + id + " failed";
    auto spec = ParseRunnableSpec(raw);
    PM_RETURN_IF_ERROR(spec.status().WithContext(failed));
    auto port = ctx.heart.Register(*spec, c.log());
    PM_RETURN_IF_ERROR(port.status().WithContext(failed));
    c.Set("port-" + id, *port);
    return "Registered instance " + id + (*port > 0 ? " on port " + std::to_string(*port) : " (standalone)") + ".";
  }
};

class StartupJob : public HeartJob {
 public:
  using HeartJob::HeartJob;
  Result<std::string> Run(const HeartJobsContext& ctx, jobs::JobContext& c) const override {
    const std::string id = InstanceId(c);
    Status s = ctx.heart.RunStartup(id, c.log(), [&c] { return c.abort_requested(); });
    if (s.code() == StatusCode::kAborted) return s;
    PM_RETURN_IF_ERROR(s.WithContext("Startup of instance " + id + " failed"));
    return "Startup commands of instance " + id + " succeeded.";
  }
};

class StartJob : public HeartJob {
 public:
  using HeartJob::HeartJob;
  Result<std::string> Run(const HeartJobsContext& ctx, jobs::JobContext& c) const override {
    const std::string id = InstanceId(c);
    Status s = ctx.heart.StartInstance(id, c.log());
    auto status = ctx.heart.Find(id);
    if (status) c.Set("state-" + id, status->state);
    PM_RETURN_IF_ERROR(s);
    return "Instance " + id + " is running" +
           (status && status->port > 0 ? " on port " + std::to_string(status->port) : "") + ".";
  }
};

class StopJob : public HeartJob {
 public:
  using HeartJob::HeartJob;
  Result<std::string> Run(const HeartJobsContext& ctx, jobs::JobContext& c) const override {
    const std::string id = InstanceId(c);
    PM_RETURN_IF_ERROR(ctx.heart.StopInstance(id, c.log()).WithContext("Stopping instance " + id + " failed"));
    return "Instance " + id + " is stopped.";
  }
};

class DeregisterJob : public HeartJob {
 public:
  using HeartJob::HeartJob;
  Result<std::string> Run(const HeartJobsContext& ctx, jobs::JobContext& c) const override {
    const std::string id = InstanceId(c);
    PM_RETURN_IF_ERROR(ctx.heart.Deregister(id, c.log()).WithContext("Cannot deregister instance " + id));
    return "Instance " + id + " is deregistered.";
  }
};

}  // namespace

Status RegisterHeartJobs(jobs::JobRegistry& registry, Heart* heart) {
  std::optional<HeartJobsContext> ctx;
  if (heart != nullptr) ctx.emplace(HeartJobsContext{*heart});
  PM_RETURN_IF_ERROR(registry.Register(std::make_shared<RegisterJob>(t::kHeartRegister, ctx)));
  PM_RETURN_IF_ERROR(registry.Register(std::make_shared<StartupJob>(t::kHeartStartup, ctx)));
  PM_RETURN_IF_ERROR(registry.Register(std::make_shared<StartJob>(t::kHeartStart, ctx)));
  PM_RETURN_IF_ERROR(registry.Register(std::make_shared<StopJob>(t::kHeartStop, ctx)));
  PM_RETURN_IF_ERROR(registry.Register(std::make_shared<DeregisterJob>(t::kHeartDeregister, ctx)));
  return Status::Ok();
}

}  // namespace paasmaker::heart
