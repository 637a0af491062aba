// http::Server: the public face of the event-driven engine (AsyncServer,
// core/async_http_server.h); the design is described at the top of
// core/http.h.
#include <algorithm>
#include <cctype>

#include "core/async_http_server.h"
#include "core/http.h"

namespace paasmaker::http {

namespace {

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

}  // namespace

std::string Request::Header(const std::string& name) const {
  auto it = headers.find(Lower(name));
  return it == headers.end() ? "" : it->second;
}

std::string Request::Query(const std::string& name, const std::string& fallback) const {
  auto it = query.find(name);
  return it == query.end() ? fallback : it->second;
}

Server::Server(int worker_threads, ServerTls tls)
    : engine_(std::make_unique<AsyncServer>(worker_threads, std::move(tls))), tls_(engine_->tls()) {}

Server::~Server() { Stop(); }

void Server::Route(const std::string& method, const std::string& pattern, Handler handler, RouteClass route_class) {
  engine_->Route(method, pattern, std::move(handler), route_class);
}

void Server::SetNotFound(Handler handler) { engine_->SetNotFound(std::move(handler)); }

void Server::SetLimits(const ServerLimits& limits) { engine_->SetLimits(limits); }

Status Server::Start(const std::string& host, int port) {
  Status started = engine_->Start(host, port);
  if (started.ok()) port_ = engine_->port();
  return started;
}

void Server::Stop() { engine_->Stop(); }

}  // namespace paasmaker::http
