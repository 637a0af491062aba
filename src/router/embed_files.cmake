# Writes a C++ source holding the given files as raw string literals, so the
# program carries its Lua code and needs no data files beside it.
# Usage: cmake -DOUTPUT=<file.cc> -DSOURCE_DIR=<dir> -DFILES=<a.lua,b.lua> -P embed_files.cmake
set(delimiter "PMEMBED")
string(REPLACE "," ";" file_list "${FILES}")
set(entries "")
foreach(name IN LISTS file_list)
  file(READ "${SOURCE_DIR}/${name}" content)
  string(FIND "${content}" ")${delimiter}\"" clash)
  if(NOT clash EQUAL -1)
    message(FATAL_ERROR "${name} contains the raw-string delimiter )${delimiter}\"")
  endif()
  get_filename_component(base "${name}" NAME)
  string(APPEND entries "      {\"${base}\", R\"${delimiter}(${content})${delimiter}\"},\n")
endforeach()
set(text "// Generated from src/router/lua/ by embed_files.cmake at build time. Do not edit.
#include \"router/embedded_lua.h\"

namespace paasmaker::router {

const std::vector<EmbeddedFile>& EmbeddedLuaFiles() {
  static const std::vector<EmbeddedFile> files = {
${entries}  };
  return files;
}

}  // namespace paasmaker::router
")
# Only touch the output when it changed, so unchanged Lua does not relink.
if(EXISTS "${OUTPUT}")
  file(READ "${OUTPUT}" old)
  if(old STREQUAL text)
    return()
  endif()
endif()
file(WRITE "${OUTPUT}" "${text}")
