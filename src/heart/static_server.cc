#include "heart/static_server.h"

#include <httplib.h>

#include <CLI/CLI.hpp>
#include <iostream>
#include <memory>

namespace paasmaker::heart {

int RunStaticServer(const std::string& root, int port, const std::string& bind) {
  httplib::Server server;
  // httplib refuses paths with ".." and serves <dir>/index.html for "/".
  if (!server.set_mount_point("/", root)) {
    std::cerr << "static-serve: " << root << " is not a directory\n";
    return 2;
  }
  if (!server.bind_to_port(bind, port)) {
    std::cerr << "static-serve: cannot listen on " << bind << ":" << port << "\n";
    return 3;
  }
  std::cerr << "static-serve: serving " << root << " on " << bind << ":" << port << std::endl;
  return server.listen_after_bind() ? 0 : 1;
}

void AddStaticServeCommand(CLI::App& app) {
  auto* command = app.add_subcommand("static-serve", "Serve a directory (the paasmaker.runtime.static runtime).");
  command->group("");  // internal: not listed in --help
  auto root = std::make_shared<std::string>();
  auto bind = std::make_shared<std::string>();
  auto port = std::make_shared<int>(0);
  command->add_option("--root", *root, "directory to serve")->required();
  command->add_option("--port", *port, "port to listen on")->required();
  // Required: no default address could be right on every host.
  command->add_option("--bind", *bind, "address to listen on")->required();
  command->callback([root, bind, port] {
    int code = RunStaticServer(*root, *port, *bind);
    if (code != 0) throw CLI::RuntimeError(code);
  });
}

}  // namespace paasmaker::heart
