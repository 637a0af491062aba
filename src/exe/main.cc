// The one `paasmaker` program: `paasmaker server` runs a node; every other
// subcommand is the command-line client.
#include <iostream>

#include "cli/cli.h"
#include "heart/static_server.h"
#include "node/admin_reset.h"
#include "node/daemon.h"
#include "node/doctor.h"

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  auto add_server = [](CLI::App& app) {
    auto* server = app.add_subcommand(
        "server",
        "Run a Paasmaker node with the roles its config enables (pacemaker, heart, router).\n"
        "With no -c, runs a complete single-node cluster: all roles, embedded SQLite, managed\n"
        "Redis and nginx, data in ./data. Stops cleanly on SIGTERM or Ctrl-C.");
    auto config = std::make_shared<std::string>();
    server->add_option("-c,--config", *config, "node configuration file (YAML; every key has a default, see README.md)");
    // The static runtime's file server, launched by hearts (hidden from --help).
    paasmaker::heart::AddStaticServeCommand(app);
    server->callback([config] {
      int code = paasmaker::node::RunServer(*config);
      if (code != 0) throw CLI::RuntimeError(code);
    });
    auto* doctor = app.add_subcommand(
        "doctor",
        "Check what this node needs before `paasmaker server` can run with the config: redis-server,\n"
        "nginx and its Lua modules, every port it binds, the data dir, the uids instances and prepare\n"
        "commands run under (as root), the clock. Prints each check with a fix; starts nothing.\n"
        "Exit code 0: no problem found; 1: a problem; 2: the config does not load.");
    auto doctor_config = std::make_shared<std::string>();
    auto doctor_json = std::make_shared<bool>(false);
    doctor->add_option("-c,--config", *doctor_config, "node configuration file to check (default: no file, as `server`)");
    doctor->add_flag("--json", *doctor_json, "print the checks as JSON");
    doctor->callback([doctor_config, doctor_json] {
      int code = paasmaker::node::RunDoctor(*doctor_config, *doctor_json, std::cout, std::cerr);
      if (code != 0) throw CLI::RuntimeError(code);
    });
    auto* admin = app.add_subcommand("admin", "Recovery on the pacemaker host (not through the API)");
    admin->require_subcommand(1);
    auto* reset = admin->add_subcommand(
        "reset",
        "Give the admin a new password and API key when both are lost: opens the pacemaker's\n"
        "database (run on its host, as the user that runs it), writes them to\n"
        "<data_dir>/admin_credentials.json and admin_api_key (0600). The old ones stop working.");
    auto reset_config = std::make_shared<std::string>();
    auto reset_login = std::make_shared<std::string>("admin");
    reset->add_option("-c,--config", *reset_config, "the pacemaker's configuration file (default: no file, as `server`)");
    reset->add_option("--login", *reset_login, "the user to reset or create (default: admin)");
    reset->callback([reset_config, reset_login] {
      int code = paasmaker::node::RunAdminReset(*reset_config, *reset_login, std::cout, std::cerr);
      if (code != 0) throw CLI::RuntimeError(code);
    });
  };
  return paasmaker::cli::RunCli(args, paasmaker::cli::CliIo{std::cout, std::cerr, paasmaker::cli::ProcessEnv,
                                                                 paasmaker::cli::StdoutTerminalSize()}, add_server);
}
