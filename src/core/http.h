// HTTP server and client (wrapping cpp-httplib), with our own small request
// and response types so the rest of the program never sees the library.
//
// HttpServer: routes are (method, regex) pairs tried in registration order;
// regex groups become Request::params. Handlers run on the server's worker
// threads (many at once) and must be thread safe. A handler may answer with a
// stream (server-sent events, live logs) that writes until it returns false or
// the client goes away. Exceptions thrown by a handler become a 500 and are
// logged; they never take the server down.
//
// HttpClient: one base URL ("http://127.0.0.1:42500"), blocking calls with a
// timeout; a connection failure is Unavailable, other transport failures are
// IoError. Thread safe (each call uses its own connection).
//
// TLS. A Server given a certificate and key serves only https on its port:
// a plain-HTTP request fails the handshake and gets no answer. A Client with
// an https:// URL verifies the server's certificate (chain and host name or
// IP address) against its CA file, or the system trust store when it has
// none; a certificate that does not verify is Unauthenticated and nothing
// (no header, no body) is sent. Clients made without their own ClientTls use
// the process default (SetDefaultClientTls): the node daemon sets it once at
// start from its https.ca_file, so every call a node makes to another node
// trusts the cluster's CA. cpp-httplib is built with TLS on: the Debian
// package's pkg-config Cflags define CPPHTTPLIB_OPENSSL_SUPPORT for every
// target that links it (cmake/Dependencies.cmake), so every translation unit
// sees the same httplib classes.
#pragma once

#include <atomic>
#include <thread>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/result.h"

namespace httplib {
class Server;
}

namespace paasmaker::http {

struct Request {
  std::string method;
  std::string path;
  std::vector<std::string> params;  // regex groups of the matched route
  std::map<std::string, std::string> query;
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;
  std::string remote_address;

  std::string Header(const std::string& name) const;  // case-insensitive; "" if absent
  std::string Query(const std::string& name, const std::string& fallback = "") const;
};

// Writes chunks of a streamed response; Write returns false once the client is gone.
class StreamWriter {
 public:
  virtual ~StreamWriter() = default;
  virtual bool Write(const std::string& data) = 0;
  virtual bool client_connected() const = 0;
};

struct Response {
  int status = 200;
  std::string body;
  std::string content_type = "application/json";
  std::map<std::string, std::string> headers;
  // When set, the body is streamed by calling this once; it writes until done.
  std::function<void(StreamWriter&)> stream;
};

using Handler = std::function<void(const Request&, Response&)>;

// PEM files of a TLS server; an empty certificate means plain HTTP.
struct ServerTls {
  std::string certificate;  // the certificate, or a chain leaf first
  std::string key;          // its private key (unencrypted)
};

class Server {
 public:
  static constexpr int kDefaultWorkers = 32;
  // With `tls.certificate` set the server speaks https only; files that
  // cannot be loaded make Start fail with the reason.
  explicit Server(int worker_threads = kDefaultWorkers, ServerTls tls = {});
  ~Server();  // stops
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  void Route(const std::string& method, const std::string& pattern, Handler handler);
  // Called when no route matched (method+path); default: 404 JSON.
  void SetNotFound(Handler handler);

  // Binds host:port (port 0 picks one) and serves on a background thread.
  // A busy port is an error naming it; so is a TLS certificate or key that
  // cannot be loaded (InvalidArgument).
  Status Start(const std::string& host, int port);
  void Stop();
  int port() const { return port_; }
  bool tls() const { return tls_; }

 private:
  std::unique_ptr<httplib::Server> server_;
  bool tls_ = false;
  std::string tls_error_;  // why the certificate or key did not load; "" when they did
  std::thread* thread_ = nullptr;
  int port_ = 0;
  std::atomic<bool> stopping_{false};
};

struct ClientResponse {
  int status = 0;
  std::string body;
  std::map<std::string, std::string> headers;
};

// How a Client verifies https:// servers.
struct ClientTls {
  std::string ca_file;  // PEM CA certificate(s); empty: the system trust store
};

// The ClientTls of Clients made without one. Set once at start, before any
// such client exists (later calls are seen by clients made afterwards). A CA
// file that cannot be read is InvalidArgument and changes nothing.
Status SetDefaultClientTls(ClientTls tls);
ClientTls DefaultClientTls();

class Client {
 public:
  explicit Client(std::string base_url, std::chrono::milliseconds timeout = std::chrono::seconds(10));
  Client(std::string base_url, std::chrono::milliseconds timeout, ClientTls tls);

  Result<ClientResponse> Get(const std::string& path, const std::map<std::string, std::string>& headers = {});
  Result<ClientResponse> Post(const std::string& path, const std::string& body,
                              const std::map<std::string, std::string>& headers = {},
                              const std::string& content_type = "application/json");
  Result<ClientResponse> Put(const std::string& path, const std::string& body,
                             const std::map<std::string, std::string>& headers = {},
                             const std::string& content_type = "application/json");
  Result<ClientResponse> Delete(const std::string& path, const std::map<std::string, std::string>& headers = {});

  // GET that hands each received chunk to `on_data` until it returns false
  // or the server ends the response. Returns the HTTP status.
  Result<int> Stream(const std::string& path, const std::map<std::string, std::string>& headers,
                     const std::function<bool(const std::string&)>& on_data);

  const std::string& base_url() const { return base_url_; }

 private:
  std::string base_url_;
  std::chrono::milliseconds timeout_;
  ClientTls tls_;
};

// Percent-encodes a path segment or query value.
std::string UrlEncode(const std::string& value);

}  // namespace paasmaker::http
