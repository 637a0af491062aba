// The node daemon: `paasmaker server [-c FILE]`.
//
// Runs the roles the config enables with the managed Redis stores they need,
// one HTTP server, and the reporter; stops everything in reverse order on
// SIGTERM/SIGINT and leaves no child process behind (managed daemons with
// `shutdown: false` excepted, by request). Start-up failures stop whatever
// already started and return a non-zero exit code with a message naming the
// problem. Call from main() before any other thread exists.
#pragma once

#include <string>

namespace paasmaker::node {

// Returns the process exit code.
int RunServer(const std::string& config_path);

}  // namespace paasmaker::node
