// CommandContext: what a client command sees while it runs — the output and
// error streams, the global options (--remote, --key, --ca-file, --json) and a way to
// build an ApiClient from them.
//
// Parsing and running are two steps. CLI11 fills in the options and, when it
// parses a command, that command's callback only records its action here
// (OnRun). The action runs after the whole command line is parsed, so global
// options may follow the command: `paasmaker node list --json --remote URL`.
//
// Also declares the register function of each command group; the table that
// calls them in order is commands.cc.
#pragma once

#include <functional>
#include <string>

#include <CLI/CLI.hpp>

#include "cli/api_client.h"
#include "cli/cli.h"
#include "core/result.h"

namespace paasmaker::cli {

// Global options as given on the command line; empty means not given.
struct GlobalOptions {
  std::string remote;
  std::string key;
  std::string ca_file;
  bool json = false;
};

class CommandContext;
using CommandAction = std::function<Status(CommandContext&)>;

class CommandContext {
 public:
  explicit CommandContext(CliIo io) : io_(std::move(io)) {}

  std::ostream& out() { return io_.out; }
  std::ostream& err() { return io_.err; }
  const EnvReader& env() const { return io_.env; }
  // The terminal progress is drawn on: stdout's, unless --json sends
  // progress to stderr.
  TerminalSize progress_terminal() const { return json() ? TerminalSize{} : io_.out_terminal; }
  bool json() const { return options_.json; }
  GlobalOptions& options() { return options_; }

  // A client for the resolved remote and key. Fails, without any request,
  // when no key was given by flag or environment.
  Result<ApiClient> Api() const;

  void Choose(CommandAction action) { action_ = std::move(action); }
  bool chosen() const { return static_cast<bool>(action_); }
  // Runs the chosen action, turning a stray exception into an Internal error.
  Status RunChosen();

 private:
  CliIo io_;
  GlobalOptions options_;
  CommandAction action_;
};

// What `--help` says about a command. The summary is also its line in the
// parent's list of subcommands, so keep it to a few words.
struct CommandHelp {
  std::string summary;
  std::string details;  // may be empty
  std::string example;
};

// Adds a subcommand whose help shows the summary, the details, an example
// and the global options with their environment variables.
CLI::App* AddCommand(CLI::App& parent, const std::string& name, const CommandHelp& help);

// Adds a group such as `node`: it only holds subcommands, one of which is required.
CLI::App* AddGroup(CLI::App& parent, const std::string& name, const std::string& description);

// Records `action` as the thing to run when CLI11 parses `command`.
void OnRun(CLI::App* command, CommandContext& context, CommandAction action);

// One register function per command group (one file each).
void RegisterNodeCommands(CLI::App& app, CommandContext& context);
void RegisterWorkspaceCommands(CLI::App& app, CommandContext& context);
void RegisterUserCommands(CLI::App& app, CommandContext& context);
void RegisterRoleCommands(CLI::App& app, CommandContext& context);
void RegisterJobCommands(CLI::App& app, CommandContext& context);
void RegisterDeployCommand(CLI::App& app, CommandContext& context);
void RegisterAppCommands(CLI::App& app, CommandContext& context);
void RegisterVersionCommands(CLI::App& app, CommandContext& context);
void RegisterInstanceTypeCommands(CLI::App& app, CommandContext& context);
void RegisterLogsCommand(CLI::App& app, CommandContext& context);
void RegisterRouterCommands(CLI::App& app, CommandContext& context);
void RegisterHealthCommands(CLI::App& app, CommandContext& context);
void RegisterCronCommands(CLI::App& app, CommandContext& context);
void RegisterServiceCommands(CLI::App& app, CommandContext& context);

}  // namespace paasmaker::cli
