#include "node/doctor.h"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <ostream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/files.h"
#include "node/doctor_checks.h"
#include "pacemaker/prepare/prepare_user.h"

namespace paasmaker::node {

namespace doctor {

DoctorCheck Ok(std::string name, std::string detail) {
  return {std::move(name), CheckOutcome::kOk, std::move(detail), ""};
}
DoctorCheck Warning(std::string name, std::string detail, std::string fix) {
  return {std::move(name), CheckOutcome::kWarning, std::move(detail), std::move(fix)};
}
DoctorCheck Problem(std::string name, std::string detail, std::string fix) {
  return {std::move(name), CheckOutcome::kProblem, std::move(detail), std::move(fix)};
}

std::string DeepestExisting(const std::string& path) {
  std::filesystem::path p = std::filesystem::absolute(path).lexically_normal();
  while (!p.empty() && p != p.root_path() && !files::Exists(p.string())) p = p.parent_path();
  return p.empty() ? "/" : p.string();
}

}  // namespace doctor

namespace {

const char* OutcomeName(CheckOutcome outcome) {
  switch (outcome) {
    case CheckOutcome::kOk:
      return "ok";
    case CheckOutcome::kWarning:
      return "warning";
    case CheckOutcome::kProblem:
      return "problem";
  }
  return "?";
}

int Count(const std::vector<DoctorCheck>& checks, CheckOutcome outcome) {
  int n = 0;
  for (const auto& c : checks) n += c.outcome == outcome ? 1 : 0;
  return n;
}

std::string Plural(int n, const char* word) { return fmt::format("{} {}{}", n, word, n == 1 ? "" : "s"); }

std::string Roles(const config::NodeConfig& config) {
  std::string out;
  for (const auto& role : config.Roles()) out += (out.empty() ? "" : ", ") + role;
  return out.empty() ? "none" : out;
}

}  // namespace

DoctorHost DoctorHost::Current() {
  DoctorHost host;
  host.root = ::geteuid() == 0;
  const char* path = std::getenv("PATH");
  host.path = path != nullptr ? path : "/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin";
  host.prepare_top = pacemaker::prepare::kPrepareTop;
  return host;
}

std::vector<DoctorCheck> CheckNode(const config::NodeConfig& config, const DoctorHost& host) {
  doctor::Checks out;
  doctor::CheckPrograms(config, host, out);
  doctor::CheckDataDir(config, out);
  doctor::CheckUids(config, host, out);
  doctor::CheckPorts(config, host, out);
  doctor::CheckClock(config, out);
  return out;
}

std::string FormatDoctorReport(const config::NodeConfig& config, const std::vector<DoctorCheck>& checks) {
  size_t width = 0;
  for (const auto& c : checks) width = std::max(width, c.name.size());
  std::string out = fmt::format("Node '{}' (roles: {}; config: {})\n", config.my_name, Roles(config), config.source);
  for (const auto& c : checks) {
    out += fmt::format("  {:<8} {:<{}}  {}\n", OutcomeName(c.outcome), c.name, width, c.detail);
    if (!c.fix.empty()) out += fmt::format("  {:<8} {:<{}}  fix: {}\n", "", "", width, c.fix);
  }
  int problems = Count(checks, CheckOutcome::kProblem);
  int warnings = Count(checks, CheckOutcome::kWarning);
  if (problems == 0 && warnings == 0) {
    out += fmt::format("All {} passed.\n", Plural(static_cast<int>(checks.size()), "check"));
  } else {
    out += fmt::format("{}, {} in {}.{}\n", Plural(problems, "problem"), Plural(warnings, "warning"),
                       Plural(static_cast<int>(checks.size()), "check"),
                       problems > 0 ? " `paasmaker server` with this config would fail." : "");
  }
  return out;
}

int RunDoctor(const std::string& config_path, bool json, std::ostream& out, std::ostream& err) {
  auto config = config::LoadNodeConfig(config_path);
  if (!config.ok()) {
    err << "paasmaker doctor: the config does not load: " << config.status().message() << "\n";
    return 2;
  }
  auto checks = CheckNode(*config, DoctorHost::Current());
  int problems = Count(checks, CheckOutcome::kProblem);
  if (!json) {
    out << FormatDoctorReport(*config, checks);
    return problems > 0 ? 1 : 0;
  }
  nlohmann::json list = nlohmann::json::array();
  for (const auto& c : checks) {
    list.push_back({{"name", c.name}, {"outcome", OutcomeName(c.outcome)}, {"detail", c.detail}, {"fix", c.fix}});
  }
  nlohmann::json report = {{"node", config->my_name},     {"roles", config->Roles()},
                           {"config", config->source},    {"checks", list},
                           {"problems", problems},        {"warnings", Count(checks, CheckOutcome::kWarning)}};
  out << report.dump(2) << "\n";
  return problems > 0 ? 1 : 0;
}

}  // namespace paasmaker::node
