// Instance and version states (SPEC §5.1): the one list the pacemaker and the
// heart share. The heart reports REGISTERED..DEREGISTERED; ALLOCATED (placed,
// not yet registered on its heart) and DOWN (its heart went silent) are set
// by the pacemaker only.
#pragma once

#include <string>

namespace paasmaker::model {

// Version states.
inline constexpr const char* kVersionNew = "NEW";
inline constexpr const char* kVersionPrepared = "PREPARED";
inline constexpr const char* kVersionReady = "READY";
inline constexpr const char* kVersionRunning = "RUNNING";

// Instance states.
inline constexpr const char* kInstanceAllocated = "ALLOCATED";
inline constexpr const char* kInstanceRegistered = "REGISTERED";
inline constexpr const char* kInstanceStarting = "STARTING";
inline constexpr const char* kInstanceRunning = "RUNNING";
inline constexpr const char* kInstanceSuspended = "SUSPENDED";  // stopped by a node shutdown; started again at its return
inline constexpr const char* kInstanceStopped = "STOPPED";
inline constexpr const char* kInstanceError = "ERROR";
inline constexpr const char* kInstanceDown = "DOWN";
inline constexpr const char* kInstanceDeregistered = "DEREGISTERED";

// Every state the heart may report or the pacemaker may set.
bool IsInstanceState(const std::string& state);
// States in which an instance still occupies its heart (counts for placement).
bool IsLiveInstanceState(const std::string& state);

}  // namespace paasmaker::model
