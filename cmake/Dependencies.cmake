# Every third-party dependency, found in one place. All come from Debian 12
# packages installed by scripts/install-deps.
find_package(Threads REQUIRED)
find_package(PkgConfig REQUIRED)
find_package(GTest REQUIRED)

pkg_check_modules(HTTPLIB REQUIRED IMPORTED_TARGET cpp-httplib)
# Debian builds cpp-httplib with TLS: its Cflags define
# CPPHTTPLIB_OPENSSL_SUPPORT for every target that links PkgConfig::HTTPLIB,
# so all our translation units see the same httplib classes (no ODR split).
# With that define httplib.h includes and calls OpenSSL, and our wrapper
# (src/core/http_*.cc) reads OpenSSL's error strings; the .pc lists OpenSSL
# only as Requires.private, so it is linked here, with httplib.
find_package(OpenSSL 3 REQUIRED)
set_property(TARGET PkgConfig::HTTPLIB APPEND PROPERTY INTERFACE_LINK_LIBRARIES OpenSSL::SSL OpenSSL::Crypto)
# The HTTP server (src/core/async_http_server*.cc): Boost.Asio + Boost.Beast,
# header-only (Debian's libboost-dev 1.74); TLS through asio::ssl (OpenSSL).
find_package(Boost 1.74 REQUIRED)
pkg_check_modules(HIREDIS REQUIRED IMPORTED_TARGET hiredis)
pkg_check_modules(YAMLCPP REQUIRED IMPORTED_TARGET yaml-cpp)
pkg_check_modules(SPDLOG REQUIRED IMPORTED_TARGET spdlog)
pkg_check_modules(SQLITE3 REQUIRED IMPORTED_TARGET sqlite3)
pkg_check_modules(LIBPQ REQUIRED IMPORTED_TARGET libpq)
pkg_check_modules(LIBARCHIVE REQUIRED IMPORTED_TARGET libarchive)
pkg_check_modules(LIBSODIUM REQUIRED IMPORTED_TARGET libsodium)
find_package(nlohmann_json 3 REQUIRED)
find_package(CLI11 REQUIRED)
# Crons in a manifest's IANA time zone (model/cron_spec): Google's CCTZ
# (Debian's libcctz-dev) reads the system's zoneinfo; g++ 12's <chrono> has
# no time zone database yet. No pkg-config file ships with it.
find_library(CCTZ_LIBRARY cctz REQUIRED)
find_path(CCTZ_INCLUDE_DIR cctz/time_zone.h REQUIRED)
add_library(cctz::cctz INTERFACE IMPORTED)
set_target_properties(cctz::cctz PROPERTIES INTERFACE_LINK_LIBRARIES "${CCTZ_LIBRARY}"
                                            INTERFACE_INCLUDE_DIRECTORIES "${CCTZ_INCLUDE_DIR}")
