// static-serve: the process behind paasmaker.runtime.static. The heart runs
// this same program as `paasmaker static-serve --root DIR --port N --bind
// ADDRESS` for each static instance (as the instance's uid), ADDRESS being the
// heart's route address (where routers on other hosts connect), so static
// sites need nothing installed. Serves files under DIR; a directory serves its
// index.html. Runs until SIGTERM. Exits 3 when it cannot listen on
// ADDRESS:N (busy port, or an address this host does not have).
#pragma once

#include <string>

namespace CLI {
class App;
}

namespace paasmaker::heart {

// Blocks serving; returns a process exit code (non-zero if it cannot listen).
int RunStaticServer(const std::string& root, int port, const std::string& bind);

// Adds the `static-serve` subcommand (hidden from help: internal to the heart).
void AddStaticServeCommand(CLI::App& app);

}  // namespace paasmaker::heart
