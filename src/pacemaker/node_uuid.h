// NodeUuid: this node's uuid once registered. Set from the node's reporter
// thread, read by API, job, health and housekeeping threads. "" until then.
#pragma once

#include <mutex>
#include <string>

namespace paasmaker::pacemaker {

class NodeUuid {
 public:
  std::string Get() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return uuid_;
  }
  void Set(const std::string& uuid) {
    std::lock_guard<std::mutex> lock(mutex_);
    uuid_ = uuid;
  }

 private:
  mutable std::mutex mutex_;
  std::string uuid_;
};

}  // namespace paasmaker::pacemaker
