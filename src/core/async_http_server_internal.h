// Internals of AsyncServer shared by its two translation units:
// async_http_server.cc (accepting, routing, worker pools, streams, Stop) and
// async_http_server_session.cc (one connection: reading, limits, writing).
#pragma once

// <utility> first: Boost 1.74's asio/awaitable.hpp uses std::exchange without it.
#include <utility>

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <queue>
#include <regex>
#include <shared_mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "core/http.h"

namespace paasmaker::http::internal {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

// A fixed set of threads running posted tasks in order of posting.
class WorkerPool {
 public:
  void Start(const std::string& name, int threads);
  void Post(std::function<void()> task);
  void StopAndJoin();  // runs what is queued, then joins

 private:
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::function<void()>> tasks_;
  std::vector<std::thread> threads_;
  bool stop_ = false;
};

struct RouteEntry {
  std::string method;
  std::regex pattern;
  Handler handler;
  RouteClass route_class;
};

// A finished response as the session writes it.
struct Answer {
  int status = 200;
  std::string content_type;
  std::map<std::string, std::string> headers;
  std::string body;
};

// One connection, as the server and the stream threads see it. Everything
// here is thread safe; the session's own state lives on its strand.
class SessionBase : public std::enable_shared_from_this<SessionBase> {
 public:
  virtual ~SessionBase() = default;
  // From any thread: write a plain answer (then keep-alive or close).
  virtual void SendAnswer(Answer answer) = 0;
  // From any thread: write a stream's head (chunked); chunks follow.
  virtual void BeginStream(Answer head) = 0;
  // From any thread: close the connection now.
  virtual void Close() = 0;

  // The stream side, called by the stream's thread.
  // `wait`: block while more than the buffer limit is queued (a blocking
  // stream); a stepped stream's writes never wait.
  bool StreamWrite(const std::string& data, bool wait = true);
  size_t StreamQueued();
  bool StreamConnected() const { return !closed_.load(); }
  void StreamEnd();

  bool closed() const { return closed_.load(); }
  bool head_request = false;  // set on the strand before the handler runs

 protected:
  explicit SessionBase(size_t buffer_limit) : buffer_limit_(buffer_limit) {}
  void MarkClosed();
  void Written(size_t bytes);  // on the strand: `bytes` of stream data left the queue
  virtual void QueueChunk(std::string framed, size_t counted) = 0;  // posts to the strand
  virtual void QueueEnd() = 0;                                      // posts to the strand

 private:
  const size_t buffer_limit_;
  std::atomic<bool> closed_{false};
  std::mutex mutex_;
  std::condition_variable drained_;
  size_t queued_ = 0;
};

// The stepped streams (Response::steps) of one server: a time-ordered queue
// of due steps run by a few threads (async_http_server_streams.cc).
class StreamScheduler {
 public:
  void Start(int threads, size_t buffer_limit, std::atomic<int>& open_streams);
  // Takes a stream whose head is queued; its first step runs at once.
  void Add(std::shared_ptr<SessionBase> session, StreamSteps steps);
  // No step runs after this; every open stream ends (its last chunk queued).
  void StopAndJoin();

 private:
  using Clock = std::chrono::steady_clock;
  struct Entry {
    std::shared_ptr<SessionBase> session;
    StreamSteps steps;
  };
  using Due = std::pair<Clock::time_point, uint64_t>;

  void Run();
  // Runs one step; the delay to the next, or nullopt when the stream is over.
  std::optional<std::chrono::milliseconds> Step(Entry& entry);
  void Finish(Entry& entry);

  size_t buffer_limit_ = 0;
  std::atomic<int>* open_streams_ = nullptr;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::priority_queue<Due, std::vector<Due>, std::greater<Due>> due_;
  std::map<uint64_t, Entry> streams_;
  uint64_t next_id_ = 0;
  bool stop_ = false;
  std::vector<std::thread> threads_;
};

struct ServerCore {
  ServerCore(int user_workers, ServerTls tls_files, ServerLimits l);

  ServerLimits limits;
  int user_workers;
  ServerTls tls;
  std::unique_ptr<asio::ssl::context> ssl;  // null: plain HTTP
  std::string tls_error;                    // why the certificate or key did not load

  std::unique_ptr<asio::io_context> io;
  std::unique_ptr<tcp::acceptor> acceptor;
  std::unique_ptr<asio::steady_timer> retry_timer;
  std::vector<std::thread> io_threads;
  std::atomic<bool> started{false};
  std::atomic<bool> stopping{false};
  int port = 0;

  std::shared_mutex routes_mutex;
  std::vector<std::shared_ptr<RouteEntry>> routes;
  std::shared_ptr<Handler> not_found;

  WorkerPool user_pool;
  WorkerPool node_pool;

  std::mutex connections_mutex;
  std::unordered_map<std::string, int> per_address;
  std::unordered_map<SessionBase*, std::weak_ptr<SessionBase>> sessions;
  int open_connections = 0;

  std::atomic<int> open_streams{0};
  StreamScheduler stepped;
  std::mutex streams_mutex;
  std::map<uint64_t, std::thread> stream_threads;
  std::vector<uint64_t> finished_streams;
  uint64_t next_stream = 0;

  // On the strand of a session whose request is complete: route it and run
  // the handler on its pool.
  void Dispatch(std::shared_ptr<SessionBase> session, Request request);
  // Session bookkeeping (any thread).
  void Register(const std::shared_ptr<SessionBase>& session);
  void Unregister(SessionBase* session, const std::string& address);

 private:
  void RunHandler(const std::shared_ptr<SessionBase>& session, Request& request,
                  const std::shared_ptr<RouteEntry>& route);
  void LaunchStream(std::shared_ptr<SessionBase> session, std::function<void(StreamWriter&)> stream);
};

// The JSON error body of answers the server makes itself:
// {"data":null,"errors":[message],"error":message}.
std::string ErrorBody(const std::string& message);

// Starts serving an accepted connection (async_http_server_session.cc).
void StartSession(ServerCore& core, tcp::socket socket, std::string remote_address);

}  // namespace paasmaker::http::internal
