#include <httplib.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include <algorithm>
#include <regex>
#include <thread>

#include "core/http.h"
#include "core/log.h"

namespace paasmaker::http {

namespace {

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

Request Convert(const httplib::Request& in) {
  Request out;
  out.method = in.method;
  out.path = in.path;
  for (size_t i = 1; i < in.matches.size(); ++i) out.params.push_back(in.matches[i].str());
  for (const auto& [k, v] : in.params) out.query[k] = v;
  for (const auto& [k, v] : in.headers) out.headers[Lower(k)] = v;
  out.body = in.body;
  out.remote_address = in.remote_addr;
  return out;
}

class SinkWriter : public StreamWriter {
 public:
  explicit SinkWriter(httplib::DataSink& sink) : sink_(sink) {}
  bool Write(const std::string& data) override {
    if (!sink_.is_writable()) return false;
    return sink_.write(data.data(), data.size());
  }
  bool client_connected() const override { return sink_.is_writable(); }

 private:
  httplib::DataSink& sink_;
};

void Apply(Response& response, httplib::Response& out) {
  out.status = response.status;
  for (const auto& [k, v] : response.headers) out.set_header(k, v);
  if (response.stream) {
    auto stream = std::move(response.stream);
    out.set_chunked_content_provider(response.content_type,
                                     [stream](size_t, httplib::DataSink& sink) {
                                       SinkWriter writer(sink);
                                       stream(writer);
                                       sink.done();
                                       return true;
                                     });
  } else {
    out.set_content(response.body, response.content_type);
  }
}

// What OpenSSL said about the last failures on this thread (its error
// queue), oldest first; emptied.
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

}  // namespace

std::string Request::Header(const std::string& name) const {
  auto it = headers.find(Lower(name));
  return it == headers.end() ? "" : it->second;
}

std::string Request::Query(const std::string& name, const std::string& fallback) const {
  auto it = query.find(name);
  return it == query.end() ? fallback : it->second;
}

Server::Server(int worker_threads, ServerTls tls) : tls_(!tls.certificate.empty()) {
  if (!tls_) {
    server_ = std::make_unique<httplib::Server>();
  } else {
    ERR_clear_error();
    auto ssl = std::make_unique<httplib::SSLServer>(tls.certificate.c_str(), tls.key.c_str());
    if (ssl->is_valid()) {
      SSL_CTX_set_min_proto_version(ssl->ssl_context(), TLS1_2_VERSION);
    } else {
      // Kept for Start: routes are still registered on the (unusable) server.
      tls_error_ = "cannot load the TLS certificate " + tls.certificate + " with the key " + tls.key + ": " +
                   OpenSslErrors();
    }
    server_ = std::move(ssl);
  }
  server_->new_task_queue = [worker_threads] { return new httplib::ThreadPool(worker_threads); };
  // httplib's default adds SO_REUSEPORT, which would let a second node bind
  // the same port silently and split the traffic. Address reuse only.
  server_->set_socket_options([](socket_t sock) {
    int yes = 1;
    ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
  });
  // Without TCP_NODELAY, small responses on kept-alive connections (the
  // router's upstream pool) wait ~40 ms for delayed ACKs.
  server_->set_tcp_nodelay(true);
  server_->set_keep_alive_max_count(1000);
  server_->set_read_timeout(30, 0);
  server_->set_write_timeout(30, 0);
  server_->set_payload_max_length(1ull << 31);
  server_->set_exception_handler([](const httplib::Request& req, httplib::Response& res, std::exception_ptr ep) {
    std::string what = "unknown error";
    try {
      std::rethrow_exception(ep);
    } catch (const std::exception& e) {
      what = e.what();
    } catch (...) {
    }
    PM_LOG_ERROR("HTTP {} {} failed: {}", req.method, req.path, what);
    res.status = 500;
    res.set_content(R"({"data":null,"errors":["internal error"]})", "application/json");
  });
  SetNotFound([](const Request& req, Response& res) {
    res.status = 404;
    res.body = R"({"data":null,"errors":["no such endpoint: )" + req.method + " " + req.path + "\"]}";
  });
}

Server::~Server() { Stop(); }

// RouteClass and ServerLimits belong to the new engine (AsyncServer); this
// httplib server has one pool and its own fixed limits.
void Server::SetLimits(const ServerLimits&) {}

void Server::Route(const std::string& method, const std::string& pattern, Handler handler, RouteClass) {
  auto wrapped = [handler](const httplib::Request& req, httplib::Response& res) {
    Request request = Convert(req);
    Response response;
    handler(request, response);
    Apply(response, res);
  };
  if (method == "GET") server_->Get(pattern, wrapped);
  else if (method == "POST") server_->Post(pattern, wrapped);
  else if (method == "PUT") server_->Put(pattern, wrapped);
  else if (method == "DELETE") server_->Delete(pattern, wrapped);
  else if (method == "PATCH") server_->Patch(pattern, wrapped);
}

void Server::SetNotFound(Handler handler) {
  // httplib calls the error handler for unmatched routes with status 404
  // (and for other errors it produced itself).
  server_->set_error_handler([handler](const httplib::Request& req, httplib::Response& res) {
    // httplib calls this for every 4xx/5xx answer: only fill in unmatched
    // routes, never replace a handler's own error body.
    if (res.status != 404 || !res.body.empty()) return;
    Request request = Convert(req);
    Response response;
    handler(request, response);
    Apply(response, res);
  });
}

Status Server::Start(const std::string& host, int port) {
  if (!tls_error_.empty()) return InvalidArgument(tls_error_);
  int bound = port == 0 ? server_->bind_to_any_port(host) : (server_->bind_to_port(host, port) ? port : -1);
  if (bound < 0) {
    return Unavailable("cannot listen on " + host + ":" + std::to_string(port) +
                       " (port in use or address not available)");
  }
  port_ = bound;
  thread_ = new std::thread([this] { server_->listen_after_bind(); });
  // httplib's stop() is ignored until the accept loop runs; wait for it so a
  // Stop() right after Start() cannot hang.
  for (int i = 0; i < 5000 && !server_->is_running(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  return Status::Ok();
}

void Server::Stop() {
  if (stopping_.exchange(true)) return;
  server_->stop();
  if (thread_ != nullptr) {
    thread_->join();
    delete thread_;
    thread_ = nullptr;
  }
}

}  // namespace paasmaker::http
