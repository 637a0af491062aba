#include "core/async_http_server.h"

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <nlohmann/json.hpp>

#include "core/async_http_server_internal.h"
#include "core/log.h"

namespace paasmaker::http {

namespace internal {

// --- WorkerPool -----------------------------------------------------------------

void WorkerPool::Start(const std::string& name, int threads) {
  (void)name;
  for (int i = 0; i < std::max(1, threads); ++i) {
    threads_.emplace_back([this] {
      while (true) {
        std::function<void()> task;
        {
          std::unique_lock<std::mutex> lock(mutex_);
          wake_.wait(lock, [this] { return stop_ || !tasks_.empty(); });
          if (tasks_.empty()) return;  // stopping and drained
          task = std::move(tasks_.front());
          tasks_.pop_front();
        }
        task();
      }
    });
  }
}

void WorkerPool::Post(std::function<void()> task) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (stop_) return;  // `task` (and what it holds) goes when this returns, outside the lock
    tasks_.push_back(std::move(task));
  }
  wake_.notify_one();
}

void WorkerPool::StopAndJoin() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  for (auto& t : threads_) t.join();
  threads_.clear();
}

// --- SessionBase: the stream side -------------------------------------------------

bool SessionBase::StreamWrite(const std::string& data, bool wait) {
  if (data.empty()) return StreamConnected();
  char size[32];
  int n = std::snprintf(size, sizeof(size), "%zx\r\n", data.size());
  std::string framed;
  framed.reserve(static_cast<size_t>(n) + data.size() + 2);
  framed.append(size, static_cast<size_t>(n));
  framed += data;
  framed += "\r\n";
  {
    std::unique_lock<std::mutex> lock(mutex_);
    if (wait) drained_.wait(lock, [this] { return closed_.load() || queued_ <= buffer_limit_; });
    if (closed_.load()) return false;
    queued_ += framed.size();
  }
  size_t counted = framed.size();
  QueueChunk(std::move(framed), counted);
  return true;
}

void SessionBase::StreamEnd() { QueueEnd(); }

size_t SessionBase::StreamQueued() {
  std::lock_guard<std::mutex> lock(mutex_);
  return queued_;
}

void SessionBase::MarkClosed() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    closed_.store(true);
  }
  drained_.notify_all();
}

void SessionBase::Written(size_t bytes) {
  if (bytes == 0) return;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    queued_ -= std::min(queued_, bytes);
  }
  drained_.notify_all();
}

// --- ServerCore -------------------------------------------------------------------

namespace {

// What OpenSSL said about the last failures on this thread, oldest first; emptied.
std::string OpenSslErrors() {
  std::string out;
  while (unsigned long code = ERR_get_error()) {
    char text[256];
    ERR_error_string_n(code, text, sizeof(text));
    if (!out.empty()) out += "; ";
    out += text;
  }
  return out.empty() ? "unknown reason" : out;
}

class Writer : public StreamWriter {
 public:
  explicit Writer(SessionBase& session) : session_(session) {}
  bool Write(const std::string& data) override { return session_.StreamWrite(data); }
  bool client_connected() const override { return session_.StreamConnected(); }

 private:
  SessionBase& session_;
};

Answer ToAnswer(Response& res) {
  Answer a;
  a.status = res.status;
  a.content_type = std::move(res.content_type);
  a.headers = std::move(res.headers);
  a.body = std::move(res.body);
  return a;
}

}  // namespace

std::string ErrorBody(const std::string& message) {
  return nlohmann::json{{"data", nullptr}, {"errors", {message}}, {"error", message}}.dump();
}

ServerCore::ServerCore(int workers, ServerTls tls_files, ServerLimits l)
    : limits(l), user_workers(std::max(1, workers)), tls(std::move(tls_files)) {
  not_found = std::make_shared<Handler>([](const Request& req, Response& res) {
    res.status = 404;
    res.body = R"({"data":null,"errors":["no such endpoint: )" + req.method + " " + req.path + "\"]}";
  });
  if (tls.certificate.empty()) return;
  ERR_clear_error();
  auto context = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_server);
  context->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                       asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                       asio::ssl::context::no_tlsv1_1 | asio::ssl::context::single_dh_use);
  SSL_CTX* native = context->native_handle();
  SSL_CTX_set_min_proto_version(native, TLS1_2_VERSION);
  if (SSL_CTX_use_certificate_chain_file(native, tls.certificate.c_str()) != 1 ||
      SSL_CTX_use_PrivateKey_file(native, tls.key.c_str(), SSL_FILETYPE_PEM) != 1 ||
      SSL_CTX_check_private_key(native) != 1) {
    // Kept for Start: routes are still registered on the (unusable) server.
    tls_error = "cannot load the TLS certificate " + tls.certificate + " with the key " + tls.key + ": " +
                OpenSslErrors();
    return;
  }
  ssl = std::move(context);
}

void ServerCore::Register(const std::shared_ptr<SessionBase>& session) {
  std::lock_guard<std::mutex> lock(connections_mutex);
  sessions[session.get()] = session;
}

void ServerCore::Unregister(SessionBase* session, const std::string& address) {
  std::lock_guard<std::mutex> lock(connections_mutex);
  sessions.erase(session);
  auto it = per_address.find(address);
  if (it != per_address.end() && --it->second <= 0) per_address.erase(it);
  --open_connections;
}

void ServerCore::Dispatch(std::shared_ptr<SessionBase> session, Request request) {
  static const char* const kMethods[] = {"GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH"};
  bool known = std::find_if(std::begin(kMethods), std::end(kMethods),
                            [&](const char* m) { return request.method == m; }) != std::end(kMethods);
  if (!known) {
    session->SendAnswer({400, "application/json", {}, ErrorBody("unsupported method " + request.method)});
    return;
  }
  std::shared_ptr<RouteEntry> route;
  {
    const std::string& method = request.method == "HEAD" ? std::string("GET") : request.method;
    std::shared_lock<std::shared_mutex> lock(routes_mutex);
    for (const auto& r : routes) {
      if (r->method != method) continue;
      std::smatch match;
      if (!std::regex_match(request.path, match, r->pattern)) continue;
      for (size_t i = 1; i < match.size(); ++i) request.params.push_back(match[i].str());
      route = r;
      break;
    }
  }
  WorkerPool& pool = route && route->route_class == RouteClass::kNode ? node_pool : user_pool;
  pool.Post([this, session = std::move(session), request = std::move(request), route]() mutable {
    if (session->closed()) return;
    RunHandler(session, request, route);
  });
}

void ServerCore::RunHandler(const std::shared_ptr<SessionBase>& session, Request& request,
                            const std::shared_ptr<RouteEntry>& route) {
  Response res;
  try {
    if (route) route->handler(request, res);
    // As before: a 404 without a body (or no route at all) is the not-found answer.
    if (!route || (res.status == 404 && res.body.empty() && !res.stream && !res.steps)) {
      std::shared_ptr<Handler> handler;
      {
        std::shared_lock<std::shared_mutex> lock(routes_mutex);
        handler = not_found;
      }
      res = Response{};
      (*handler)(request, res);
    }
  } catch (const std::exception& e) {
    PM_LOG_ERROR("HTTP {} {} failed: {}", request.method, request.path, e.what());
    res = Response{};
    res.status = 500;
    res.body = R"({"data":null,"errors":["internal error"]})";
  } catch (...) {
    PM_LOG_ERROR("HTTP {} {} failed: unknown error", request.method, request.path);
    res = Response{};
    res.status = 500;
    res.body = R"({"data":null,"errors":["internal error"]})";
  }
  if ((!res.stream && !res.steps) || session->head_request) {
    res.stream = nullptr;
    res.steps = nullptr;
    session->SendAnswer(ToAnswer(res));
    return;
  }
  if (open_streams.fetch_add(1) >= limits.max_streams) {
    open_streams.fetch_sub(1);
    std::string message = "too many open streams on this server (the limit is " +
                          std::to_string(limits.max_streams) + "); try again later";
    session->SendAnswer({429, "application/json", {{"Retry-After", "5"}}, ErrorBody(message)});
    return;
  }
  auto stream = std::move(res.stream);
  auto steps = std::move(res.steps);
  res.stream = nullptr;
  res.steps = nullptr;
  session->BeginStream(ToAnswer(res));
  if (steps) return stepped.Add(session, std::move(steps));
  LaunchStream(session, std::move(stream));
}

void ServerCore::LaunchStream(std::shared_ptr<SessionBase> session, std::function<void(StreamWriter&)> stream) {
  std::vector<std::thread> done;
  std::lock_guard<std::mutex> lock(streams_mutex);
  for (uint64_t id : finished_streams) {
    auto it = stream_threads.find(id);
    if (it == stream_threads.end()) continue;
    done.push_back(std::move(it->second));
    stream_threads.erase(it);
  }
  finished_streams.clear();
  uint64_t id = next_stream++;
  stream_threads.emplace(id, std::thread([this, id, session = std::move(session), stream = std::move(stream)]() mutable {
    {
      Writer writer(*session);
      try {
        stream(writer);
      } catch (const std::exception& e) {
        PM_LOG_ERROR("HTTP stream failed: {}", e.what());
      } catch (...) {
        PM_LOG_ERROR("HTTP stream failed: unknown error");
      }
    }
    session->StreamEnd();
    session.reset();
    stream = nullptr;  // its captures (files, contexts) go now
    open_streams.fetch_sub(1);
    std::lock_guard<std::mutex> l(streams_mutex);
    finished_streams.push_back(id);
  }));
  // These threads pushed their id as their last step: joining them is immediate.
  for (auto& t : done) t.join();
}

namespace {

void Accept(ServerCore& core) {
  core.acceptor->async_accept(asio::make_strand(*core.io), [&core](boost::system::error_code ec, tcp::socket socket) {
    if (core.stopping.load() || ec == asio::error::operation_aborted) return;
    if (ec) {
      // Out of descriptors (EMFILE) and the like: try again shortly rather than spin.
      PM_LOG_WARN("HTTP accept on port {} failed: {}", core.port, ec.message());
      core.retry_timer->expires_after(std::chrono::milliseconds(100));
      core.retry_timer->async_wait([&core](boost::system::error_code wait) {
        if (!wait && !core.stopping.load()) Accept(core);
      });
      return;
    }
    boost::system::error_code ignored;
    auto peer = socket.remote_endpoint(ignored);
    std::string address = ignored ? std::string("unknown") : peer.address().to_string();
    bool admitted = false;
    {
      std::lock_guard<std::mutex> lock(core.connections_mutex);
      int& count = core.per_address[address];
      if (count < core.limits.max_connections_per_address) {
        ++count;
        ++core.open_connections;
        admitted = true;
      }
    }
    if (admitted) {
      socket.set_option(tcp::no_delay(true), ignored);
      StartSession(core, std::move(socket), address);
    } else {
      socket.close(ignored);
    }
    Accept(core);
  });
}

}  // namespace

}  // namespace internal

using internal::ServerCore;
namespace asio = boost::asio;
using tcp = asio::ip::tcp;

AsyncServer::AsyncServer(int worker_threads, ServerTls tls, ServerLimits limits)
    : core_(std::make_unique<ServerCore>(worker_threads, std::move(tls), limits)) {}

AsyncServer::~AsyncServer() { Stop(); }

void AsyncServer::SetLimits(const ServerLimits& limits) { core_->limits = limits; }

void AsyncServer::Route(const std::string& method, const std::string& pattern, Handler handler,
                        RouteClass route_class) {
  if (method != "GET" && method != "POST" && method != "PUT" && method != "DELETE" && method != "PATCH") return;
  auto entry = std::make_shared<internal::RouteEntry>(
      internal::RouteEntry{method, std::regex(pattern), std::move(handler), route_class});
  std::unique_lock<std::shared_mutex> lock(core_->routes_mutex);
  core_->routes.push_back(std::move(entry));
}

void AsyncServer::SetNotFound(Handler handler) {
  auto h = std::make_shared<Handler>(std::move(handler));
  std::unique_lock<std::shared_mutex> lock(core_->routes_mutex);
  core_->not_found = std::move(h);
}

bool AsyncServer::tls() const { return !core_->tls.certificate.empty(); }
int AsyncServer::port() const { return core_->port; }
int AsyncServer::open_streams() const { return core_->open_streams.load(); }
int AsyncServer::open_connections() const {
  std::lock_guard<std::mutex> lock(core_->connections_mutex);
  return core_->open_connections;
}

Status AsyncServer::Start(const std::string& host, int port) {
  ServerCore& core = *core_;
  if (!core.tls_error.empty()) return InvalidArgument(core.tls_error);
  if (core.started.load()) return FailedPrecondition("the HTTP server is already started");
  core.io = std::make_unique<asio::io_context>();
  auto fail = [&] {
    core.acceptor.reset();
    core.io.reset();
    return Unavailable("cannot listen on " + host + ":" + std::to_string(port) +
                       " (port in use or address not available)");
  };
  boost::system::error_code ec;
  tcp::endpoint endpoint;
  auto address = asio::ip::make_address(host == "localhost" ? "127.0.0.1" : host, ec);
  if (ec) {
    tcp::resolver resolver(*core.io);
    auto found = resolver.resolve(host, std::to_string(port), ec);
    if (ec || found.empty()) return fail();
    endpoint = found.begin()->endpoint();
  } else {
    endpoint = tcp::endpoint(address, static_cast<unsigned short>(port));
  }
  core.acceptor = std::make_unique<tcp::acceptor>(*core.io);
  core.acceptor->open(endpoint.protocol(), ec);
  if (ec) return fail();
  // Address reuse only: SO_REUSEPORT would let a second node bind the same
  // port silently and split the traffic.
  core.acceptor->set_option(asio::socket_base::reuse_address(true), ec);
  core.acceptor->bind(endpoint, ec);
  if (ec) return fail();
  core.acceptor->listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return fail();
  core.port = core.acceptor->local_endpoint(ec).port();
  core.retry_timer = std::make_unique<asio::steady_timer>(*core.io);
  core.started.store(true);
  core.user_pool.Start("http-user", core.user_workers);
  core.node_pool.Start("http-node", core.limits.node_workers);
  core.stepped.Start(core.limits.stream_threads, core.limits.stream_buffer_bytes, core.open_streams);
  internal::Accept(core);
  for (int i = 0; i < std::max(1, core.limits.io_threads); ++i) {
    core.io_threads.emplace_back([&core] {
      while (true) {
        try {
          core.io->run();
          return;
        } catch (const std::exception& e) {
          PM_LOG_ERROR("HTTP I/O thread: {}", e.what());
        }
      }
    });
  }
  return Status::Ok();
}

void AsyncServer::Stop() {
  ServerCore& core = *core_;
  if (!core.started.load() || core.stopping.exchange(true)) return;
  // No new connections.
  asio::post(*core.io, [&core] {
    boost::system::error_code ignored;
    core.acceptor->close(ignored);
    core.retry_timer->cancel();
  });
  // Every connection closes; every stream's Write returns false from now on.
  std::vector<std::shared_ptr<internal::SessionBase>> open;
  {
    std::lock_guard<std::mutex> lock(core.connections_mutex);
    for (auto& [raw, weak] : core.sessions) {
      if (auto s = weak.lock()) open.push_back(std::move(s));
    }
  }
  for (auto& s : open) s->Close();
  open.clear();
  // Handlers finish (their answers are written, then the connection closes), then the streams end.
  core.user_pool.StopAndJoin();
  core.node_pool.StopAndJoin();
  std::map<uint64_t, std::thread> streams;
  {
    std::lock_guard<std::mutex> lock(core.streams_mutex);
    streams.swap(core.stream_threads);
    core.finished_streams.clear();
  }
  for (auto& [id, t] : streams) t.join();
  core.stepped.StopAndJoin();
  // A moment for the last answers and streams' last chunks to be written.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(1);
  while (std::chrono::steady_clock::now() < deadline) {
    {
      std::lock_guard<std::mutex> lock(core.connections_mutex);
      if (core.open_connections == 0) break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  // Then the I/O threads; what is still queued (closed sessions) is destroyed with the context.
  core.io->stop();
  for (auto& t : core.io_threads) t.join();
  core.io_threads.clear();
  core.retry_timer.reset();
  core.acceptor.reset();
  core.io.reset();
}

}  // namespace paasmaker::http
