#include "pacemaker/crons/cron_secret.h"

#include <sodium.h>

namespace paasmaker::pacemaker::crons {

std::string CronSecret(const std::string& node_token, const std::string& application_id) {
  unsigned char mac[crypto_auth_hmacsha256_BYTES];
  crypto_auth_hmacsha256_state state;
  crypto_auth_hmacsha256_init(&state, reinterpret_cast<const unsigned char*>(node_token.data()), node_token.size());
  const std::string message = "paasmaker cron secret:" + application_id;
  crypto_auth_hmacsha256_update(&state, reinterpret_cast<const unsigned char*>(message.data()), message.size());
  crypto_auth_hmacsha256_final(&state, mac);
  char hex[sizeof(mac) * 2 + 1];
  sodium_bin2hex(hex, sizeof(hex), mac, sizeof(mac));
  return hex;
}

}  // namespace paasmaker::pacemaker::crons
