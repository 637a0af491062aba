// AsyncServer: the event-driven HTTP/1.1 engine behind http::Server
// (Boost.Beast on Boost.Asio). Same routes, handlers and streams as
// http::Server; the design, limits and deadlines are described at the top of
// core/http.h. Tests use it directly to set short deadlines.
#pragma once

#include <memory>
#include <string>

#include "core/http.h"
#include "core/result.h"

namespace paasmaker::http {

namespace internal {
struct ServerCore;
}

class AsyncServer {
 public:
  // `worker_threads`: the user pool; node routes get limits.node_workers.
  AsyncServer(int worker_threads, ServerTls tls, ServerLimits limits = {});
  ~AsyncServer();  // stops
  AsyncServer(const AsyncServer&) = delete;
  AsyncServer& operator=(const AsyncServer&) = delete;

  void SetLimits(const ServerLimits& limits);  // before Start
  void Route(const std::string& method, const std::string& pattern, Handler handler,
             RouteClass route_class = RouteClass::kUser);
  void SetNotFound(Handler handler);

  Status Start(const std::string& host, int port);
  void Stop();
  int port() const;
  bool tls() const;

  int open_streams() const;      // streams running now
  int open_connections() const;  // accepted connections not yet closed

 private:
  std::unique_ptr<internal::ServerCore> core_;
};

}  // namespace paasmaker::http
