# Shared compile settings as INTERFACE targets, not global flags.
set(CMAKE_CXX_STANDARD 20)
set(CMAKE_CXX_STANDARD_REQUIRED ON)
set(CMAKE_CXX_EXTENSIONS OFF)
if(NOT CMAKE_BUILD_TYPE)
  set(CMAKE_BUILD_TYPE Release)
endif()

add_library(paasmaker_settings INTERFACE)
target_compile_options(paasmaker_settings INTERFACE -Wall -Wextra -Wno-unused-parameter)
target_include_directories(paasmaker_settings INTERFACE ${PROJECT_SOURCE_DIR}/src)
# -O2 rather than CMake's -O3 default: as fast for this code, quicker to build
# on the 2-core machines the project builds on.
set(CMAKE_CXX_FLAGS_RELEASE "-O2 -DNDEBUG")
