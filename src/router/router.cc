#include "router/router.h"

namespace paasmaker::router {

Status Router::Start() {
  redis::Client client(table_, std::chrono::milliseconds(1000));
  return client.Ping().WithContext("routing table redis");
}

void Router::Stop() {}

}  // namespace paasmaker::router
