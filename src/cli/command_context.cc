#include "cli/command_context.h"

#include <exception>

namespace paasmaker::cli {

namespace {

std::string GlobalOptionsHelp() {
  return std::string(
             "Global options (accepted before or after the command):\n"
             "  --remote URL   the pacemaker to talk to; env PAASMAKER_REMOTE, default ") +
         kDefaultRemote +
         "\n"
         "  --key KEY      your API key; env PAASMAKER_KEY\n"
         "  --ca-file PATH the CA that signed an https:// remote's certificate; env PAASMAKER_CA_FILE\n"
         "  --json         print the server's data as JSON instead of a table\n"
         "Exit codes: 0 ok, 1 error, 2 bad usage, 3 not authenticated/permitted,\n"
         "            4 not found, 5 cannot reach the pacemaker.";
}

}  // namespace

Result<ApiClient> CommandContext::Api() const {
  std::optional<std::string> remote, key, ca_file;
  if (!options_.remote.empty()) remote = options_.remote;
  if (!options_.key.empty()) key = options_.key;
  if (!options_.ca_file.empty()) ca_file = options_.ca_file;
  PM_ASSIGN_OR_RETURN(ApiSettings settings, ResolveApiSettings(remote, key, io_.env, ca_file));
  return ApiClient(std::move(settings));
}

Status CommandContext::RunChosen() {
  if (!action_) return Status::Ok();
  // The commands read server JSON leniently, but a library exception must
  // still end as an error message and exit code, never an abort.
  try {
    return action_(*this);
  } catch (const std::exception& e) {
    return Internal(std::string("unexpected failure: ") + e.what());
  }
}

CLI::App* AddCommand(CLI::App& parent, const std::string& name, const CommandHelp& help) {
  CLI::App* command = parent.add_subcommand(name, help.summary);
  std::string footer;
  if (!help.details.empty()) footer += help.details + "\n\n";
  if (!help.example.empty()) footer += "Example:\n  " + help.example + "\n\n";
  command->footer(footer + GlobalOptionsHelp());
  return command;
}

CLI::App* AddGroup(CLI::App& parent, const std::string& name, const std::string& description) {
  CLI::App* group = parent.add_subcommand(name, description);
  group->require_subcommand(1);
  group->footer(GlobalOptionsHelp());
  return group;
}

void OnRun(CLI::App* command, CommandContext& context, CommandAction action) {
  command->callback([&context, action = std::move(action)] { context.Choose(action); });
}

}  // namespace paasmaker::cli
