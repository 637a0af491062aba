// heart_tests' main: also answers `heart_tests static-serve ...`, because the
// static runtime launches /proc/self/exe, which in tests is this binary.
#include <gtest/gtest.h>

#include <CLI/CLI.hpp>
#include <cstring>

#include "core/ids.h"
#include "heart/static_server.h"

int main(int argc, char** argv) {
  if (argc > 1 && std::strcmp(argv[1], "static-serve") == 0) {
    CLI::App app("static-serve");
    paasmaker::heart::AddStaticServeCommand(app);
    CLI11_PARSE(app, argc, argv);
    return 0;
  }
  if (!paasmaker::ids::Initialize().ok()) return 1;
  testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
