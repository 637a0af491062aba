// InstanceCatalog: every instance this heart holds, kept in
// `<data_dir>/heart/catalog.json` (SPEC §5.2).
//
// The file is rewritten atomically (temp file, fsync, rename; mode 0600
// because specs carry service credentials) on every change, so a crash leaves
// the old or the new catalog, never half of one. Loaded once at start.
//
// Also the one place that knows which ports and instance uids are taken, so
// allocation never hands out one another entry holds.
//
// Thread safety: none; the Heart serialises access under its own mutex.
#pragma once

#include <sys/types.h>

#include <functional>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/result.h"
#include "model/instance_spec.h"
#include "model/instance_state.h"

namespace paasmaker::heart {

// Instance states the heart uses (SPEC §5.1, defined once in
// model/instance_state.h); ALLOCATED and DOWN are the pacemaker's.
inline constexpr const char* kRegistered = model::kInstanceRegistered;
inline constexpr const char* kStarting = model::kInstanceStarting;
inline constexpr const char* kRunning = model::kInstanceRunning;
inline constexpr const char* kStopped = model::kInstanceStopped;
inline constexpr const char* kSuspended = model::kInstanceSuspended;
inline constexpr const char* kError = model::kInstanceError;
inline constexpr const char* kDeregistered = model::kInstanceDeregistered;

struct InstanceEntry {
  model::InstanceSpec spec;  // as registered (docs/lifecycle.md)
  std::string state = kRegistered;
  int port = 0;           // 0: standalone
  pid_t pid = 0;          // leader of the instance's process group; 0: none
  int restarts = 0;       // restarts by the policy since the last start job
  std::string last_exit;  // "exited with code 1", "" if never exited
  double changed = 0;     // unix seconds of the last state change
  int uid = -1;           // the uid it runs as; -1: the heart's own user

  nlohmann::json ToJson() const;
  // InvalidArgument for a malformed entry, its spec's fault named ("spec: instance.…").
  static Result<InstanceEntry> FromJson(const nlohmann::json& j);
};

class InstanceCatalog {
 public:
  explicit InstanceCatalog(std::string path) : path_(std::move(path)) {}

  // Reads the file; a missing file is an empty catalog.
  Status Load();
  // Writes the whole catalog atomically.
  Status Save() const;

  const std::string& path() const { return path_; }
  InstanceEntry* Find(const std::string& instance_id);
  const InstanceEntry* Find(const std::string& instance_id) const;
  // Adds or replaces; the caller saves.
  void Put(const std::string& instance_id, InstanceEntry entry);
  void Remove(const std::string& instance_id);
  const std::map<std::string, InstanceEntry>& entries() const { return entries_; }

  // The first port in [minimum, maximum] that no other entry holds and for
  // which `is_free` says yes (net::PortIsFree in production).
  Result<int> AllocatePort(int minimum, int maximum, const std::function<bool(int)>& is_free) const;
  // The first uid in [minimum, maximum] no entry holds.
  Result<int> AllocateUid(int minimum, int maximum) const;

 private:
  std::string path_;
  std::map<std::string, InstanceEntry> entries_;
};

}  // namespace paasmaker::heart
