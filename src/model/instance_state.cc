#include "model/instance_state.h"

#include <set>

namespace paasmaker::model {

bool IsInstanceState(const std::string& state) {
  static const std::set<std::string> states = {kInstanceAllocated, kInstanceRegistered, kInstanceStarting,
                                               kInstanceRunning,   kInstanceSuspended,  kInstanceStopped,
                                               kInstanceError,     kInstanceDown,       kInstanceDeregistered};
  return states.count(state) > 0;
}

bool IsLiveInstanceState(const std::string& state) {
  return state == kInstanceAllocated || state == kInstanceRegistered || state == kInstanceStarting ||
         state == kInstanceRunning || state == kInstanceSuspended || state == kInstanceStopped;
}

}  // namespace paasmaker::model
