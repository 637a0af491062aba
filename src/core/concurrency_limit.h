// ConcurrencyLimit: how many of something (open streams, uploads in flight)
// one key (a user) and everyone together may hold at once. Acquire hands out
// a ticket that gives its place back when the last copy of it goes, so a
// ticket captured by a stream or a handler is released however that ends.
// Beyond a limit Acquire is ResourceExhausted (the API's 429) with a message
// that names the limit and the config key that sets it; nothing waits.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "core/result.h"

namespace paasmaker {

class ConcurrencyLimit {
 public:
  using Ticket = std::shared_ptr<void>;

  // `what`: "open streams"; `per_key_setting`/`total_setting`: the config
  // keys named in the refusal. A limit of 0 or less means none.
  ConcurrencyLimit(std::string what, int per_key, std::string per_key_setting, int total,
                   std::string total_setting);

  Result<Ticket> Acquire(const std::string& key);
  int held(const std::string& key) const;
  int held() const;

 private:
  struct State {
    mutable std::mutex mutex;
    std::map<std::string, int> per_key;
    int total = 0;
  };
  const std::string what_;
  const int per_key_;
  const std::string per_key_setting_;
  const int total_;
  const std::string total_setting_;
  std::shared_ptr<State> state_;  // tickets may outlive this object
};

}  // namespace paasmaker
