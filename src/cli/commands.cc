// The table of client commands: every command group of `paasmaker`, in the
// order `paasmaker --help` lists them. Adding a group means one line here and
// one file beside this one.
#include "cli/api_client.h"
#include "cli/cli.h"
#include "cli/command_context.h"

namespace paasmaker::cli {

namespace {

void RegisterGlobalOptions(CLI::App& app, GlobalOptions& options) {
  // Environment variables are read when a command runs (ResolveApiSettings),
  // not by CLI11, so tests can hand in their own environment.
  app.add_option("--remote", options.remote,
                 std::string("URL of the pacemaker API (env PAASMAKER_REMOTE, default ") +
                     kDefaultRemote + ")")
      ->type_name("URL");
  app.add_option("--key", options.key, "API key to authenticate with (env PAASMAKER_KEY)")
      ->type_name("KEY");
  app.add_option("--ca-file", options.ca_file,
                 "CA certificate (PEM) to verify an https:// remote with (env PAASMAKER_CA_FILE; "
                 "default: the system's CAs)")
      ->type_name("PATH");
  app.add_flag("--json", options.json, "print the server's data as pretty JSON instead of tables");
}

}  // namespace

std::shared_ptr<CommandContext> RegisterClientCommands(CLI::App& app, CliIo io) {
  auto context = std::make_shared<CommandContext>(std::move(io));
  RegisterGlobalOptions(app, context->options());
  // Subcommands created from here on inherit fallthrough: an option a
  // subcommand does not know (a global one) is handed up to the app.
  app.fallthrough();

  RegisterNodeCommands(app, *context);       // node list|show
  RegisterWorkspaceCommands(app, *context);  // workspace list|create|delete
  RegisterUserCommands(app, *context);       // user list|create
  RegisterRoleCommands(app, *context);       // role list|create|allocate
  RegisterJobCommands(app, *context);        // job show|abort|log|follow
  RegisterDeployCommand(app, *context);      // deploy PATH|URL
  RegisterAppCommands(app, *context);        // app list|show|delete
  RegisterVersionCommands(app, *context);    // version list|show|instances|register|start|stop|...
  RegisterInstanceTypeCommands(app, *context);  // instance-type quantity
  RegisterLogsCommand(app, *context);        // logs TARGET
  RegisterRouterCommands(app, *context);     // router table
  RegisterHealthCommands(app, *context);     // health history
  RegisterCronCommands(app, *context);       // cron list|runs|run|suspend|resume
  RegisterServiceCommands(app, *context);    // service list|show|export|import
  return context;
}

}  // namespace paasmaker::cli
