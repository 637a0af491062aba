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

# Sanitizer builds (scripts/test --sanitize configures build-asan and
# build-tsan with these): "address" is AddressSanitizer + UndefinedBehavior-
# Sanitizer, any UB report fatal; "thread" is ThreadSanitizer. On
# paasmaker_settings, so every target that links paasmaker_core compiles and
# links with them.
set(PAASMAKER_SANITIZE "" CACHE STRING "Sanitizers to build with: address (ASan+UBSan), thread (TSan) or empty")
set_property(CACHE PAASMAKER_SANITIZE PROPERTY STRINGS "" address thread)
if(PAASMAKER_SANITIZE STREQUAL "address")
  set(paasmaker_sanitize_flags -fsanitize=address,undefined -fno-sanitize-recover=undefined)
elseif(PAASMAKER_SANITIZE STREQUAL "thread")
  set(paasmaker_sanitize_flags -fsanitize=thread)
elseif(NOT PAASMAKER_SANITIZE STREQUAL "")
  message(FATAL_ERROR "PAASMAKER_SANITIZE must be address, thread or empty, not '${PAASMAKER_SANITIZE}'")
endif()
if(paasmaker_sanitize_flags)
  target_compile_options(paasmaker_settings INTERFACE ${paasmaker_sanitize_flags} -fno-omit-frame-pointer)
  target_link_options(paasmaker_settings INTERFACE ${paasmaker_sanitize_flags})
endif()
