// The Lua files of src/router/lua/, compiled into the program: CMake turns
// them into a generated embedded_lua.cc (see embed_files.cmake), so an
// installed paasmaker needs no files beside it. ManagedNginx writes them out
// under the nginx prefix at every start.
//
// Thread safety: immutable static data; read from any thread.
#pragma once

#include <string_view>
#include <vector>

namespace paasmaker::router {

struct EmbeddedFile {
  std::string_view name;     // file name, e.g. "router.lua"
  std::string_view content;
};

const std::vector<EmbeddedFile>& EmbeddedLuaFiles();

}  // namespace paasmaker::router
