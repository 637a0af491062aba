// The data dir, and, for a root node, the uids it runs user code under:
// free of accounts, and able to reach their directories.
#include <fcntl.h>
#include <pwd.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <map>

#include "core/files.h"
#include "heart/uid_reach.h"
#include "node/doctor_checks.h"

namespace paasmaker::node::doctor {

namespace {

std::string Me() { return "uid " + std::to_string(::geteuid()); }

// The pid in a held paasmaker.lock, or 0 when nobody holds it.
long LockHolder(const std::string& lock_path) {
  int fd = ::open(lock_path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return 0;
  long holder = 0;
  if (::flock(fd, LOCK_SH | LOCK_NB) != 0) {
    holder = -1;  // held, pid unknown
    auto text = files::ReadFile(lock_path);
    if (text.ok() && std::atol(text->c_str()) > 0) holder = std::atol(text->c_str());
  } else {
    ::flock(fd, LOCK_UN);
  }
  ::close(fd);
  return holder;
}

// Accounts in /etc/passwd (or NSS) by uid.
std::map<uid_t, std::string> Accounts() {
  std::map<uid_t, std::string> out;
  ::setpwent();
  while (passwd* entry = ::getpwent()) out.emplace(entry->pw_uid, entry->pw_name);
  ::endpwent();
  return out;
}

// The directory above a root heart's working dir that the node leaves as it
// finds it: the node itself makes the working dir, its instance dir and the
// data dir passable (0711) when it starts, so a working dir inside the data
// dir (the default) depends on the data dir's parent.
std::string UnmanagedParent(const config::NodeConfig& config) {
  namespace fs = std::filesystem;
  const fs::path data = config.DataDir();
  fs::path above = fs::absolute(config.heart.working_dir.empty() ? data / "instances" : fs::path(config.heart.working_dir))
                       .lexically_normal()
                       .parent_path();
  auto relative = above.lexically_relative(data);
  if (!relative.empty() && *relative.begin() != "..") above = data.parent_path();
  return DeepestExisting(above.string());
}

// `otherwise`: the fix besides opening the blocked directory.
void CheckReach(const std::string& name, const std::string& dir, uid_t uid, const std::string& what,
                const std::string& otherwise, Checks& out) {
  auto blocked = heart::FirstDirUidCannotEnter(dir, uid);
  if (!blocked.ok()) {
    out.push_back(Warning(name, "could not check what uid " + std::to_string(uid) + " reaches: " +
                                    blocked.status().message(), "run paasmaker doctor as root"));
  } else if (!blocked->empty()) {
    out.push_back(Problem(name,
                          "uid " + std::to_string(uid) + " cannot enter " + *blocked + heart::ModeAndOwner(*blocked) +
                              ": " + what + " would fail with 'Permission denied'",
                          "let other users pass through it (chmod o+x " + *blocked + ")" + otherwise));
  } else {
    out.push_back(Ok(name, "uid " + std::to_string(uid) + " reaches " + dir));
  }
}

}  // namespace

void CheckDataDir(const config::NodeConfig& config, Checks& out) {
  const std::string dir = config.DataDir();
  struct stat st {};
  if (::stat(dir.c_str(), &st) != 0) {
    std::string parent = DeepestExisting(dir);
    if (::access(parent.c_str(), W_OK | X_OK) == 0) {
      out.push_back(Ok("data dir", dir + " does not exist yet; the node creates it in " + parent));
    } else {
      out.push_back(Problem("data dir",
                            "cannot create " + dir + ": " + parent + heart::ModeAndOwner(parent) +
                                " is not writable by " + Me(),
                            "create it for this user (mkdir -p " + dir + " && chown " +
                                std::to_string(::geteuid()) + " " + dir + "), or set data_dir to a directory it can write"));
    }
    return;
  }
  if (!S_ISDIR(st.st_mode)) {
    out.push_back(Problem("data dir", dir + " is not a directory", "remove it, or set data_dir to another path"));
    return;
  }
  if (::access(dir.c_str(), W_OK | X_OK) != 0) {
    out.push_back(Problem("data dir", dir + heart::ModeAndOwner(dir) + " is not writable by " + Me(),
                          "run the node as the user that owns it, or chown " + std::to_string(::geteuid()) + " " + dir));
    return;
  }
  long holder = LockHolder(dir + "/paasmaker.lock");
  if (holder != 0) {
    std::string pid = holder > 0 ? " (pid " + std::to_string(holder) + ")" : "";
    out.push_back(Problem("data dir", "a paasmaker node" + pid + " is running with " + dir,
                          "stop it first (systemctl stop paasmaker, or kill -TERM" +
                              (holder > 0 ? " " + std::to_string(holder) : std::string(" <pid>")) +
                              "), or give this node its own data_dir"));
    return;
  }
  out.push_back(Ok("data dir", dir + " (writable by " + Me() + ")"));
}

void CheckUids(const config::NodeConfig& config, const DoctorHost& host, Checks& out) {
  if (!host.root) {
    if (config.heart.enabled) {
      out.push_back(Warning("instance uids",
                            "not root: instances run as " + Me() +
                                ", the node's own user, so they can read each other's files and the node's data",
                            "run the node as root: each instance then runs under a uid of its own from "
                            "heart.instance_uid_minimum..instance_uid_maximum"));
    }
    return;
  }
  const auto accounts = Accounts();
  const auto& h = config.heart;
  if (h.enabled) {
    const auto first = accounts.lower_bound(static_cast<uid_t>(h.instance_uid_minimum));
    const std::string range = std::to_string(h.instance_uid_minimum) + "-" + std::to_string(h.instance_uid_maximum);
    if (first != accounts.end() && first->first <= static_cast<uid_t>(h.instance_uid_maximum)) {
      out.push_back(Problem("instance uids",
                            "uid " + std::to_string(first->first) + " in " + range + " is the account '" +
                                first->second + "': an instance given it could use that account's files",
                            "set heart.instance_uid_minimum..instance_uid_maximum to a range no account uses"));
    } else {
      out.push_back(Ok("instance uids", range + ", no account uses them"));
    }
    std::string base = h.working_dir.empty() ? config.DataDir() + "/instances" : h.working_dir;
    CheckReach("instance dirs", UnmanagedParent(config), static_cast<uid_t>(h.instance_uid_minimum),
               "every instance opening its own files below " + base,
               ", or set data_dir (or heart.working_dir) to a directory they can reach, e.g. /var/lib/paasmaker", out);
  }
  if (config.pacemaker.enabled) {
    const int uid = config.pacemaker.prepare_uid;
    auto account = accounts.find(static_cast<uid_t>(uid));
    if (h.enabled && uid >= h.instance_uid_minimum && uid <= h.instance_uid_maximum) {
      out.push_back(Problem("prepare uid", "pacemaker.prepare_uid " + std::to_string(uid) +
                                               " lies in the instance uid range (every process of it is killed "
                                               "after each prepare, instances included)",
                            "set pacemaker.prepare_uid outside heart.instance_uid_minimum..instance_uid_maximum"));
    } else if (account != accounts.end()) {
      out.push_back(Problem("prepare uid",
                            "pacemaker.prepare_uid " + std::to_string(uid) + " is the account '" + account->second +
                                "', whose every process is killed after each prepare",
                            "set pacemaker.prepare_uid to a uid no account uses"));
    } else {
      out.push_back(Ok("prepare uid", std::to_string(uid) + ", no account uses it"));
    }
    CheckReach("prepare dirs", DeepestExisting(std::filesystem::path(host.prepare_top).parent_path().string()), static_cast<uid_t>(uid),
               "every prepare command (they work below " + host.prepare_top + ")", "", out);
  }
}

}  // namespace paasmaker::node::doctor
