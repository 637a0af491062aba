#include "core/concurrency_limit.h"

namespace paasmaker {

ConcurrencyLimit::ConcurrencyLimit(std::string what, int per_key, std::string per_key_setting, int total,
                                   std::string total_setting)
    : what_(std::move(what)),
      per_key_(per_key),
      per_key_setting_(std::move(per_key_setting)),
      total_(total),
      total_setting_(std::move(total_setting)),
      state_(std::make_shared<State>()) {}

Result<ConcurrencyLimit::Ticket> ConcurrencyLimit::Acquire(const std::string& key) {
  {
    std::lock_guard<std::mutex> lock(state_->mutex);
    int& mine = state_->per_key[key];
    if (per_key_ > 0 && mine >= per_key_) {
      return ResourceExhausted("you have " + std::to_string(mine) + " " + what_ + " (the limit is " +
                               std::to_string(per_key_) + " per user, " + per_key_setting_ +
                               "); close one or try again later");
    }
    if (total_ > 0 && state_->total >= total_) {
      return ResourceExhausted("this server has " + std::to_string(state_->total) + " " + what_ +
                               " (the limit is " + std::to_string(total_) + ", " + total_setting_ +
                               "); try again later");
    }
    ++mine;
    ++state_->total;
  }
  std::shared_ptr<State> state = state_;
  return Ticket(nullptr, [state, key](void*) {
    std::lock_guard<std::mutex> lock(state->mutex);
    auto it = state->per_key.find(key);
    if (it != state->per_key.end() && --it->second <= 0) state->per_key.erase(it);
    --state->total;
  });
}

int ConcurrencyLimit::held(const std::string& key) const {
  std::lock_guard<std::mutex> lock(state_->mutex);
  auto it = state_->per_key.find(key);
  return it == state_->per_key.end() ? 0 : it->second;
}

int ConcurrencyLimit::held() const {
  std::lock_guard<std::mutex> lock(state_->mutex);
  return state_->total;
}

}  // namespace paasmaker
