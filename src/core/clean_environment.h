// The environment user code starts from: application instances and their
// startup commands (heart), prepare commands (pacemaker).
//
// User code never sees the node's own environment: operators keep cloud
// credentials and the like in the environment of the node process, and
// root's PATH names tool dirs in root's home. So children that run user code
// start from this short, fixed list and add only what Paasmaker hands them
// on purpose (the PM_* variables). Every such launch sets
// LaunchOptions::inherit_env = false and passes this (plus its PM_*) as env.
//
// Pure function; thread safe.
#pragma once

#include <map>
#include <string>

namespace paasmaker::process {

// System directories only: nothing under any user's home.
inline constexpr const char* kSystemPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

// Always C.UTF-8 (built into glibc, so present on every host): a node's own
// LANG may name a locale that another host lacks, and the same package must
// behave the same on every heart.
inline constexpr const char* kLang = "C.UTF-8";

// {HOME = home, LANG = kLang, PATH = kSystemPath} and nothing else.
std::map<std::string, std::string> CleanEnvironment(const std::string& home);

}  // namespace paasmaker::process
