#include "cli/cli.h"

#include <algorithm>
#include <cstdlib>

#include "cli/command_context.h"

namespace paasmaker::cli {

std::optional<std::string> ProcessEnv(const std::string& name) {
  const char* value = std::getenv(name.c_str());
  if (value == nullptr) return std::nullopt;
  return std::string(value);
}

int ExitCodeFor(const Status& status) {
  switch (status.code()) {
    case StatusCode::kOk:
      return 0;
    case StatusCode::kInvalidArgument:
    case StatusCode::kTooLarge:
      return 2;
    case StatusCode::kUnauthenticated:
    case StatusCode::kPermissionDenied:
      return 3;
    case StatusCode::kNotFound:
      return 4;
    case StatusCode::kUnavailable:
    case StatusCode::kResourceExhausted:
      return 5;
    case StatusCode::kAlreadyExists:
    case StatusCode::kFailedPrecondition:
    case StatusCode::kTimeout:
    case StatusCode::kAborted:
    case StatusCode::kIoError:
    case StatusCode::kInternal:
      return 1;
  }
  return 1;
}

int RunChosenCommand(CommandContext& context) {
  Status status = context.RunChosen();
  if (!status.ok()) context.err() << "error: " << status.message() << "\n";
  context.out().flush();
  return ExitCodeFor(status);
}

int RunCli(const std::vector<std::string>& args, CliIo io,
           const std::function<void(CLI::App&)>& add_extra_commands) {
  CLI::App app("Paasmaker: a self-hosted Platform-as-a-Service.\n"
               "Runs a node (`paasmaker server`) or talks to a cluster's pacemaker.",
               "paasmaker");
  app.require_subcommand(1);
  // Usage errors print in the same `error: ...` shape as every other error,
  // pointing at the help of the deepest command the user got to.
  app.failure_message([](const CLI::App* failed, const CLI::Error& e) {
    std::string command = "paasmaker";
    for (const CLI::App* at = failed; at != nullptr;) {
      auto parsed = at->get_subcommands();
      at = parsed.empty() ? nullptr : parsed.front();
      if (at != nullptr) command += " " + at->get_name();
    }
    return "error: " + std::string(e.what()) + "\nRun `" + command + " --help` for usage.\n";
  });
  std::ostream& out = io.out;
  std::ostream& err = io.err;
  std::shared_ptr<CommandContext> context = RegisterClientCommands(app, std::move(io));
  if (add_extra_commands) add_extra_commands(app);

  // CLI11 takes the arguments last-first.
  std::vector<std::string> reversed(args.rbegin(), args.rend());
  try {
    app.parse(reversed);
  } catch (const CLI::RuntimeError& e) {
    // Thrown by an extra command's callback to set the exit code.
    return e.get_exit_code();
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e, out, err);
    // --help and --version are "errors" with exit code 0; the rest is usage.
    return code == 0 ? 0 : ExitCodeFor(InvalidArgument(e.what()));
  }
  return RunChosenCommand(*context);
}

}  // namespace paasmaker::cli
