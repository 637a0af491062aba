// RedisClient: a synchronous Redis connection that reconnects by itself.
//
// A command that fails because the connection dropped is retried once on a
// fresh connection; if Redis is still away the call returns Unavailable and
// the next call tries to connect again. Callers therefore never hold a dead
// connection, and code that runs while Redis is away simply sees errors.
//
// Thread safety: a RedisClient serialises its commands with a mutex; share one
// between threads, or give hot threads their own. RedisSubscriber owns its
// own connection and thread.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/result.h"

struct redisContext;

namespace paasmaker::redis {

struct Endpoint {
  std::string host = "127.0.0.1";  // a default only: every caller names its server
  int port = 6379;
  std::string password = {};  // empty: no AUTH
  std::string user = {};      // an ACL user; empty: AUTH with the password alone (the default user)
  std::string ToString() const { return host + ":" + std::to_string(port); }
};

struct Reply {
  enum class Type { kNil, kString, kInteger, kArray, kStatus };
  Type type = Type::kNil;
  std::string str;  // kString, kStatus
  int64_t integer = 0;
  std::vector<Reply> elements;

  bool is_nil() const { return type == Type::kNil; }
  // Elements of an array reply as strings (nil -> "").
  std::vector<std::string> StringElements() const;
};

class Client {
 public:
  explicit Client(Endpoint endpoint,
                  std::chrono::milliseconds timeout = std::chrono::milliseconds(2000));
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  const Endpoint& endpoint() const { return endpoint_; }

  // Runs one command, e.g. Command({"SET", key, value}). A Redis error reply
  // becomes a non-ok Status (kFailedPrecondition) with Redis's message.
  Result<Reply> Command(const std::vector<std::string>& args);

  // Sends every command in one round trip and returns their replies in order.
  // With `transaction`, wraps them in MULTI/EXEC so they apply all or none, and
  // returns the EXEC results.
  Result<std::vector<Reply>> Pipeline(const std::vector<std::vector<std::string>>& commands,
                                      bool transaction = false);

  // A pipeline sent and not yet answered, so the caller can work while Redis
  // runs it. It keeps the connection to itself until Receive(); dropped
  // unanswered, it closes the connection (its replies would confuse the next
  // command).
  class Pending {
   public:
    Pending(Pending&& other) noexcept;
    Pending& operator=(Pending&&) = delete;
    ~Pending();
    // The replies, as Pipeline() returns them. Once only.
    Result<std::vector<Reply>> Receive();

   private:
    friend class Client;
    Pending(Client* client, std::unique_lock<std::mutex> lock, size_t expected, bool transaction);
    Client* client_;
    std::unique_lock<std::mutex> lock_;
    size_t expected_;
    bool transaction_;
  };
  // Pipeline() in two halves: sends now (writing every byte), replies later.
  Result<Pending> Send(const std::vector<std::vector<std::string>>& commands, bool transaction = false);

  Status Ping();

 private:
  Status ConnectLocked();
  void DisconnectLocked();
  Result<Reply> ReadReplyLocked();

  Endpoint endpoint_;
  std::chrono::milliseconds timeout_;
  std::mutex mutex_;
  redisContext* context_ = nullptr;
};

// Listens on pub/sub channels from its own thread, reconnecting (every
// `retry` until Redis is back) whenever the connection drops. Because
// messages published while disconnected are lost, `on_reconnect` is called
// after every successful (re)subscribe so users can poll for what they missed.
class Subscriber {
 public:
  using MessageCallback = std::function<void(const std::string& channel, const std::string& message)>;

  Subscriber(Endpoint endpoint, std::vector<std::string> channels, MessageCallback on_message,
             std::function<void()> on_reconnect = nullptr,
             std::chrono::milliseconds retry = std::chrono::milliseconds(250));
  ~Subscriber();  // stops and joins

  void Stop();

 private:
  void Loop();

  Endpoint endpoint_;
  std::vector<std::string> channels_;
  MessageCallback on_message_;
  std::function<void()> on_reconnect_;
  std::chrono::milliseconds retry_;
  std::atomic<bool> stopping_{false};
  std::mutex context_mutex_;
  redisContext* context_ = nullptr;
  std::thread thread_;
};

}  // namespace paasmaker::redis
