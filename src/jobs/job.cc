#include "jobs/job.h"

#include <chrono>

#include "core/ids.h"

namespace paasmaker::jobs {

std::string_view JobStateName(JobState state) {
  switch (state) {
    case JobState::kNew: return "NEW";
    case JobState::kWaiting: return "WAITING";
    case JobState::kRunning: return "RUNNING";
    case JobState::kSuccess: return "SUCCESS";
    case JobState::kFailed: return "FAILED";
    case JobState::kAborted: return "ABORTED";
  }
  return "UNKNOWN";
}

Result<JobState> ParseJobState(std::string_view name) {
  for (JobState s : {JobState::kNew, JobState::kWaiting, JobState::kRunning, JobState::kSuccess,
                     JobState::kFailed, JobState::kAborted}) {
    if (JobStateName(s) == name) return s;
  }
  return InvalidArgument("unknown job state '" + std::string(name) + "'");
}

bool IsFinished(JobState state) {
  return state == JobState::kSuccess || state == JobState::kFailed || state == JobState::kAborted;
}

double SystemNow() {
  using namespace std::chrono;
  return duration<double>(system_clock::now().time_since_epoch()).count();
}

log::Fields LogFieldsOf(const Job& job) {
  auto text = [](const nlohmann::json& object, const char* key) {
    auto it = object.find(key);
    return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  log::Fields fields;
  fields.job_id = job.id;
  const nlohmann::json& p = job.parameters;
  if (!p.is_object()) return fields;
  fields.application_id = text(p, "application_id");
  fields.version_id = text(p, "version_id");
  fields.instance_id = text(p, "instance_id");
  auto spec = p.find("instance");
  if (spec != p.end() && spec->is_object()) {
    // The heart's register job carries the whole spec (model/instance_spec.h).
    if (fields.instance_id.empty()) fields.instance_id = text(*spec, "instance_id");
    if (fields.version_id.empty()) fields.version_id = text(*spec, "version_id");
    auto application = spec->find("application");
    if (fields.application_id.empty() && application != spec->end() && application->is_object()) {
      fields.application_id = text(*application, "application_id");
    }
  }
  return fields;
}

std::string DumpJson(const nlohmann::json& value) {
  return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

namespace {
nlohmann::json TimeOrNull(double t) { return t > 0 ? nlohmann::json(t) : nlohmann::json(nullptr); }
}  // namespace

nlohmann::json Job::ToJson() const {
  return {
      {"job_id", id},
      {"root_id", root_id},
      {"parent_id", parent_id.empty() ? nlohmann::json(nullptr) : nlohmann::json(parent_id)},
      {"type", type},
      {"parameters", parameters},
      {"node", node},
      {"state", JobStateName(state)},
      {"title", title},
      {"summary", summary},
      {"created", TimeOrNull(created)},
      {"started", TimeOrNull(started)},
      {"finished", TimeOrNull(finished)},
      {"tags", tags},
  };
}

Result<Job> Job::FromJson(const nlohmann::json& json) {
  // Archived trees are read back through here: a damaged file is bad input,
  // not a crash.
  try {
    Job job;
    job.id = json.at("job_id").get<std::string>();
    job.root_id = json.at("root_id").get<std::string>();
    if (!json.at("parent_id").is_null()) job.parent_id = json.at("parent_id").get<std::string>();
    job.type = json.at("type").get<std::string>();
    job.parameters = json.value("parameters", nlohmann::json::object());
    job.node = json.at("node").get<std::string>();
    PM_ASSIGN_OR_RETURN(job.state, ParseJobState(json.at("state").get<std::string>()));
    job.title = json.value("title", "");
    job.summary = json.value("summary", "");
    auto time = [&](const char* key) {
      auto it = json.find(key);
      return it == json.end() || it->is_null() ? 0.0 : it->get<double>();
    };
    job.created = time("created");
    job.started = time("started");
    job.finished = time("finished");
    job.tags = json.value("tags", std::vector<std::string>{});
    return job;
  } catch (const nlohmann::json::exception& e) {
    return InvalidArgument(std::string("malformed job record: ") + e.what());
  }
}

std::string TreeSpec::Add(JobSpec spec, const std::string& parent_id) {
  if (spec.id.empty()) spec.id = ids::NewUuid();
  if (!parent_id.empty()) spec.parent_id = parent_id;
  std::string id = spec.id;
  jobs_.push_back(std::move(spec));
  return id;
}

}  // namespace paasmaker::jobs
