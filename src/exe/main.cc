// The one `paasmaker` program: `paasmaker server` runs a node; every other
// subcommand is the command-line client.
#include <iostream>

#include "cli/cli.h"
#include "heart/static_server.h"
#include "node/daemon.h"

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
  };
  return paasmaker::cli::RunCli(args, paasmaker::cli::CliIo{std::cout, std::cerr}, add_server);
}
