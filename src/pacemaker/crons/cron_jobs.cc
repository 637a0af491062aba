#include "pacemaker/crons/cron_jobs.h"

#include <sodium.h>

#include <fmt/format.h>

#include "core/http.h"
#include "jobs/job_context.h"
#include "jobs/job_parameters.h"
#include "jobs/role_job.h"
#include "model/instance_state.h"
#include "pacemaker/crons/cron_secret.h"

namespace paasmaker::pacemaker::crons {

namespace {

using nlohmann::json;
constexpr size_t kLoggedBodyBytes = 64 * 1024;

std::string BasicAuth(const std::string& username, const std::string& password) {
  const std::string plain = username + ":" + password;
  std::string encoded(sodium_base64_encoded_len(plain.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(encoded.data(), encoded.size(), reinterpret_cast<const unsigned char*>(plain.data()), plain.size(),
                    sodium_base64_VARIANT_ORIGINAL);
  encoded.resize(encoded.find('\0'));
  return "Basic " + encoded;
}

class CronJob : public jobs::RoleJob<CronJobsContext> {
 public:
  explicit CronJob(std::optional<CronJobsContext> ctx) : RoleJob(kCronJob, std::move(ctx), "pacemaker") {}

  Status ValidateParameters(const json& p) const override {
    return jobs::ParameterCheck(p)
        .String("instance_type_id")
        .String("uri")
        .String("cron_id")
        .OptionalNumber("cron_index", 0)
        .OptionalNumber("slot", 0);
  }

 protected:
  Result<std::string> Run(const CronJobsContext& ctx, jobs::JobContext& c) const override {
    const json& p = c.parameters();
    const std::string type_id = jobs::StringParameter(p, "instance_type_id");
    const std::string uri = jobs::StringParameter(p, "uri");
    PM_ASSIGN_OR_RETURN(auto instances, ctx.apps.ListInstancesOfType(type_id));
    std::optional<Instance> target;
    for (const auto& instance : instances) {
      if (instance.state == model::kInstanceRunning && instance.port > 0) {
        target = instance;
        break;
      }
    }
    if (!target) return FailedPrecondition("no RUNNING instance of the cron's instance type to request " + uri + " from");
    PM_ASSIGN_OR_RETURN(auto node, ctx.nodes.Find(target->node_uuid));
    if (!node) return NotFound("instance " + target->id + " is on node " + target->node_uuid + ", which is unknown");
    const std::string base = fmt::format("http://{}:{}", node->route, target->port);
    std::map<std::string, std::string> headers = {
        {"X-Paasmaker-Cron", jobs::StringParameter(p, "cron_id")},
        {"X-Paasmaker-Cron-Slot", std::to_string(p.value("slot", int64_t{0}))}};
    PM_ASSIGN_OR_RETURN(auto version, ctx.apps.FindVersion(target->version_id));
    if (version) headers["X-Paasmaker-Cron-Secret"] = CronSecret(ctx.node_token, version->application_id);
    // The credentials stay in SQL, out of the job's parameters (which the jobs Redis keeps).
    PM_ASSIGN_OR_RETURN(auto type, ctx.apps.FindInstanceType(type_id));
    const size_t index = p.value("cron_index", size_t{0});
    if (type && type->crons.is_array() && index < type->crons.size()) {
      const json& cron = type->crons[index];
      const std::string username = cron.value("username", "");
      if (!username.empty()) headers["Authorization"] = BasicAuth(username, cron.value("password", ""));
    }
    c.log().Info(fmt::format("GET {}{} (instance {} on {})", base, uri, target->id, node->name));
    http::Client client(base, kCronRequestTimeout);
    PM_ASSIGN_OR_RETURN(auto answer, client.Get(uri, headers));
    c.log().Info(fmt::format("answered {} with {} bytes:", answer.status, answer.body.size()));
    Status appended = c.log().Append(answer.body.substr(0, kLoggedBodyBytes));
    if (!appended.ok()) c.log().Warning("could not log the answer: " + appended.ToString());
    if (answer.body.size() > kLoggedBodyBytes) c.log().Info(fmt::format("\n(the first {} bytes)", kLoggedBodyBytes));
    else if (!answer.body.empty() && answer.body.back() != '\n') (void)c.log().Append("\n");
    if (answer.status < 200 || answer.status > 299) {
      return FailedPrecondition(fmt::format("GET {} answered {}", uri, answer.status));
    }
    return fmt::format("GET {} answered {}", uri, answer.status);
  }
};

}  // namespace

Status RegisterCronJobs(jobs::JobRegistry& registry, const std::optional<CronJobsContext>& ctx) {
  return registry.Register(std::make_shared<CronJob>(ctx));
}

}  // namespace paasmaker::pacemaker::crons
