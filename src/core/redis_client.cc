#include "core/redis_client.h"

#include <hiredis/hiredis.h>
#include <sys/socket.h>

#include <cerrno>

#include "core/log.h"

namespace paasmaker::redis {

namespace {

timeval ToTimeval(std::chrono::milliseconds ms) {
  timeval tv;
  tv.tv_sec = static_cast<time_t>(ms.count() / 1000);
  tv.tv_usec = static_cast<suseconds_t>((ms.count() % 1000) * 1000);
  return tv;
}

Reply Convert(const redisReply* r) {
  Reply out;
  switch (r->type) {
    case REDIS_REPLY_STRING:
      out.type = Reply::Type::kString;
      out.str.assign(r->str, r->len);
      break;
    case REDIS_REPLY_STATUS:
      out.type = Reply::Type::kStatus;
      out.str.assign(r->str, r->len);
      break;
    case REDIS_REPLY_INTEGER:
      out.type = Reply::Type::kInteger;
      out.integer = r->integer;
      break;
    case REDIS_REPLY_ARRAY:
      out.type = Reply::Type::kArray;
      out.elements.reserve(r->elements);
      for (size_t i = 0; i < r->elements; ++i) out.elements.push_back(Convert(r->element[i]));
      break;
    default:
      out.type = Reply::Type::kNil;
  }
  return out;
}

// Converts `args` for redisAppendCommandArgv (binary safe).
struct ArgvBuffer {
  ArgvBuffer() = default;
  explicit ArgvBuffer(const std::vector<std::string>& args) { Fill(args); }
  // Refilled per command of a pipeline, keeping its capacity.
  void Fill(const std::vector<std::string>& args) {
    argv.clear();
    lens.clear();
    for (const auto& a : args) {
      argv.push_back(a.data());
      lens.push_back(a.size());
    }
  }
  std::vector<const char*> argv;
  std::vector<size_t> lens;
};

redisContext* ConnectTo(const Endpoint& endpoint, std::chrono::milliseconds timeout, Status* status) {
  timeval tv = ToTimeval(timeout);
  redisContext* c = redisConnectWithTimeout(endpoint.host.c_str(), endpoint.port, tv);
  if (c == nullptr) {
    *status = Unavailable("redis " + endpoint.ToString() + ": cannot allocate a connection");
    return nullptr;
  }
  if (c->err) {
    *status = Unavailable("redis " + endpoint.ToString() + ": " + c->errstr);
    redisFree(c);
    return nullptr;
  }
  redisSetTimeout(c, tv);
  if (!endpoint.password.empty()) {
    // An ACL user (Redis 6+) is named; else the password is the default user's.
    auto* r = endpoint.user.empty()
                  ? static_cast<redisReply*>(
                        redisCommand(c, "AUTH %b", endpoint.password.data(), endpoint.password.size()))
                  : static_cast<redisReply*>(redisCommand(c, "AUTH %b %b", endpoint.user.data(), endpoint.user.size(),
                                                          endpoint.password.data(), endpoint.password.size()));
    bool ok = r != nullptr && r->type != REDIS_REPLY_ERROR;
    if (r != nullptr) freeReplyObject(r);
    if (!ok) {
      *status = Unauthenticated("redis " + endpoint.ToString() + ": AUTH was refused");
      redisFree(c);
      return nullptr;
    }
  }
  *status = Status::Ok();
  return c;
}

}  // namespace

std::vector<std::string> Reply::StringElements() const {
  std::vector<std::string> out;
  out.reserve(elements.size());
  for (const auto& e : elements) out.push_back(e.type == Type::kInteger ? std::to_string(e.integer) : e.str);
  return out;
}

Client::Client(Endpoint endpoint, std::chrono::milliseconds timeout)
    : endpoint_(std::move(endpoint)), timeout_(timeout) {}

Client::~Client() {
  std::lock_guard<std::mutex> lock(mutex_);
  DisconnectLocked();
}

Status Client::ConnectLocked() {
  if (context_ != nullptr) return Status::Ok();
  Status status;
  context_ = ConnectTo(endpoint_, timeout_, &status);
  return status;
}

void Client::DisconnectLocked() {
  if (context_ != nullptr) {
    redisFree(context_);
    context_ = nullptr;
  }
}

Result<Reply> Client::ReadReplyLocked() {
  void* raw = nullptr;
  if (redisGetReply(context_, &raw) != REDIS_OK || raw == nullptr) {
    std::string why = context_->errstr;
    DisconnectLocked();
    return Unavailable("redis " + endpoint_.ToString() + ": " + (why.empty() ? "connection lost" : why));
  }
  auto* r = static_cast<redisReply*>(raw);
  if (r->type == REDIS_REPLY_ERROR) {
    std::string message(r->str, r->len);
    freeReplyObject(r);
    // Errors that only mean "not now" (a restart loading its data, a busy
    // script, a replica without its master) are outages, not bad requests.
    for (const char* transient : {"LOADING", "BUSY", "MASTERDOWN", "TRYAGAIN", "CLUSTERDOWN"}) {
      if (message.rfind(transient, 0) == 0) return Unavailable("redis " + endpoint_.ToString() + ": " + message);
    }
    return FailedPrecondition("redis " + endpoint_.ToString() + ": " + message);
  }
  Reply out = Convert(r);
  freeReplyObject(r);
  return out;
}

Result<Reply> Client::Command(const std::vector<std::string>& args) {
  auto replies = Pipeline({args});
  if (!replies.ok()) return replies.status();
  return std::move(replies->front());
}

// True if the server closed this idle connection (a restart, a timeout):
// then it is safe to reconnect BEFORE sending anything.
static bool ConnectionClosedByPeer(redisContext* context) {
  char byte;
  ssize_t n = ::recv(context->fd, &byte, 1, MSG_PEEK | MSG_DONTWAIT);
  return n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK);
}

Result<std::vector<Reply>> Client::Pipeline(const std::vector<std::vector<std::string>>& commands,
                                            bool transaction) {
  PM_ASSIGN_OR_RETURN(Pending pending, Send(commands, transaction));
  return pending.Receive();
}

Result<Client::Pending> Client::Send(const std::vector<std::vector<std::string>>& commands, bool transaction) {
  std::unique_lock<std::mutex> lock(mutex_);
  // Commands are never resent once sent: a connection lost while waiting for
  // replies may already have run them (INCR twice is not INCR once). A
  // connection that died while idle is noticed and replaced before sending.
  if (context_ != nullptr && ConnectionClosedByPeer(context_)) DisconnectLocked();
  PM_RETURN_IF_ERROR(ConnectLocked());
  // Appended in place: a stats batch is thousands of commands, not worth copying.
  ArgvBuffer buffer;
  auto append = [this, &buffer](const std::vector<std::string>& args) {
    buffer.Fill(args);
    redisAppendCommandArgv(context_, static_cast<int>(args.size()), buffer.argv.data(), buffer.lens.data());
  };
  static const std::vector<std::string> kMulti = {"MULTI"}, kExec = {"EXEC"};
  if (transaction) append(kMulti);
  for (const auto& args : commands) append(args);
  if (transaction) append(kExec);
  // Written now, so Redis works while the caller does: hiredis would
  // otherwise write only when the first reply is read.
  for (int done = 0; !done;) {
    if (redisBufferWrite(context_, &done) != REDIS_OK) {
      std::string why = context_->errstr;
      DisconnectLocked();
      return Unavailable("redis " + endpoint_.ToString() + ": " + (why.empty() ? "connection lost" : why));
    }
  }
  return Pending(this, std::move(lock), commands.size() + (transaction ? 2 : 0), transaction);
}

Client::Pending::Pending(Client* client, std::unique_lock<std::mutex> lock, size_t expected, bool transaction)
    : client_(client), lock_(std::move(lock)), expected_(expected), transaction_(transaction) {}

Client::Pending::Pending(Pending&& other) noexcept
    : client_(other.client_), lock_(std::move(other.lock_)), expected_(other.expected_),
      transaction_(other.transaction_) {}

Client::Pending::~Pending() {
  if (lock_.owns_lock()) client_->DisconnectLocked();  // never received
}

Result<std::vector<Reply>> Client::Pending::Receive() {
  if (!lock_.owns_lock()) return FailedPrecondition("redis pipeline replies already received");
  std::unique_lock<std::mutex> lock = std::move(lock_);
  std::vector<Reply> replies;
  replies.reserve(expected_);
  Status failure;
  for (size_t i = 0; i < expected_; ++i) {
    auto reply = client_->ReadReplyLocked();
    if (!reply.ok()) {
      if (reply.status().code() == StatusCode::kUnavailable && client_->context_ == nullptr) return reply.status();
      if (failure.ok()) failure = reply.status();
      replies.emplace_back();
      continue;
    }
    replies.push_back(std::move(reply).value());
  }
  if (!failure.ok()) return failure;
  if (transaction_) {
    Reply exec = std::move(replies.back());
    if (exec.is_nil()) return Aborted("redis transaction was discarded (WATCH)");
    return std::move(exec.elements);
  }
  return replies;
}

Status Client::Ping() {
  auto reply = Command({"PING"});
  return reply.ok() ? Status::Ok() : reply.status();
}

Subscriber::Subscriber(Endpoint endpoint, std::vector<std::string> channels, MessageCallback on_message,
                       std::function<void()> on_reconnect, std::chrono::milliseconds retry)
    : endpoint_(std::move(endpoint)),
      channels_(std::move(channels)),
      on_message_(std::move(on_message)),
      on_reconnect_(std::move(on_reconnect)),
      retry_(retry) {
  thread_ = std::thread([this] { Loop(); });
}

Subscriber::~Subscriber() { Stop(); }

void Subscriber::Stop() {
  if (stopping_.exchange(true)) {
    if (thread_.joinable()) thread_.join();
    return;
  }
  {
    // Wake the blocking read: shutting the socket down makes it return.
    std::lock_guard<std::mutex> lock(context_mutex_);
    if (context_ != nullptr) ::shutdown(context_->fd, SHUT_RDWR);
  }
  if (thread_.joinable()) thread_.join();
}

void Subscriber::Loop() {
  while (!stopping_) {
    Status status;
    redisContext* c = ConnectTo(endpoint_, std::chrono::milliseconds(1000), &status);
    if (c == nullptr) {
      std::this_thread::sleep_for(retry_);
      continue;
    }
    std::vector<std::string> args = {"SUBSCRIBE"};
    args.insert(args.end(), channels_.begin(), channels_.end());
    ArgvBuffer buffer(args);
    redisAppendCommandArgv(c, static_cast<int>(args.size()), buffer.argv.data(), buffer.lens.data());
    // A subscriber waits indefinitely for messages; liveness is checked by
    // the periodic timeout below (a read timeout with no data just loops).
    timeval tv = ToTimeval(std::chrono::milliseconds(1000));
    redisSetTimeout(c, tv);
    {
      std::lock_guard<std::mutex> lock(context_mutex_);
      context_ = c;
    }
    if (stopping_) {
      ::shutdown(c->fd, SHUT_RDWR);
    }
    bool announced = false;
    while (!stopping_) {
      void* raw = nullptr;
      if (redisGetReply(c, &raw) != REDIS_OK) {
        if (c->err == REDIS_ERR_IO && (errno == EAGAIN || errno == EWOULDBLOCK) && !stopping_) {
          // Read timeout: make sure the server is still there with a PING.
          c->err = 0;
          c->errstr[0] = '\0';
          const char* ping[] = {"PING"};
          redisAppendCommandArgv(c, 1, ping, nullptr);
          if (redisBufferWrite(c, nullptr) == REDIS_OK) continue;
        }
        break;
      }
      auto* r = static_cast<redisReply*>(raw);
      if (r->type == REDIS_REPLY_ARRAY && r->elements >= 3 && r->element[0]->type == REDIS_REPLY_STRING) {
        std::string kind(r->element[0]->str, r->element[0]->len);
        if (kind == "message") {
          on_message_(std::string(r->element[1]->str, r->element[1]->len),
                      std::string(r->element[2]->str, r->element[2]->len));
        } else if (kind == "subscribe" && !announced &&
                   r->element[2]->type == REDIS_REPLY_INTEGER &&
                   static_cast<size_t>(r->element[2]->integer) == channels_.size()) {
          announced = true;
          if (on_reconnect_) on_reconnect_();
        }
      }
      freeReplyObject(r);
    }
    {
      std::lock_guard<std::mutex> lock(context_mutex_);
      context_ = nullptr;
    }
    redisFree(c);
    if (!stopping_) std::this_thread::sleep_for(retry_);
  }
}

}  // namespace paasmaker::redis
