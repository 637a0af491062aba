// Identifiers and secrets: UUIDs, random tokens, password hashes (libsodium).
// Thread safe.
#pragma once

#include <string>

#include "core/result.h"

namespace paasmaker::ids {

// Must be called once before any other function here (initialises libsodium).
Status Initialize();

// A random version-4 UUID, lower-case, e.g. "0f8fad5b-d9cb-469f-a165-70867728950e".
std::string NewUuid();

// `bytes` random bytes as lower-case hex: API keys, node tokens, super tokens.
std::string RandomToken(size_t bytes = 24);

// Slow salted hash (Argon2id, libsodium's interactive limits) in its encoded
// form, which carries its own salt and parameters.
Result<std::string> HashPassword(const std::string& password);
bool VerifyPassword(const std::string& encoded_hash, const std::string& password);

// SHA-256 of `data` as hex; used to store API keys without keeping them.
std::string Sha256Hex(const std::string& data);

// Constant-time comparison for secrets.
bool SecretsEqual(const std::string& a, const std::string& b);

}  // namespace paasmaker::ids
