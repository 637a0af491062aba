// HTTP server and client, with our own small request and response types so
// the rest of the program never sees the libraries (the server is Boost.Beast
// on Boost.Asio, the client cpp-httplib).
//
// Server: routes are (method, regex) pairs tried in registration order; the
// regex must match the whole (percent-decoded) path and its groups become
// Request::params; HEAD is answered by the GET routes without a body. Handlers
// run on the server's worker threads (many at once) and must be thread safe.
// A handler may answer with a stream (server-sent events, live logs, package
// downloads) that writes until it returns false or the client goes away.
// Exceptions thrown by a handler become a 500 and are logged; they never take
// the server down.
//
// The server's design (src/core/async_http_server*.cc), so that its capacity
// does not depend on how many connections are open (issue 14):
//  - A small fixed number of I/O threads (ServerLimits::io_threads, 2) run
//    one io_context: accept, TLS handshakes, reading requests, writing
//    answers, for every connection. No handler ever runs on them, and no
//    thread belongs to a connection.
//  - Reads are bounded: a request head of at most max_head_bytes (64 KiB)
//    within head_deadline (10 s) of the first byte (a client that trickles
//    a byte a second is closed when it passes), a body of at most
//    max_body_bytes (64 MiB; upload chunks are 1 MiB) within body_deadline
//    (60 s); an idle keep-alive connection is closed after idle_timeout
//    (30 s); one client address may hold max_connections_per_address (256)
//    connections, more are closed at once. Too large a head or body gets 431
//    or 413 with a JSON error naming the limit, then the connection closes.
//  - Plain handlers run on worker pools, one per RouteClass: kUser routes on
//    `worker_threads` threads, kNode routes (node registration, reports,
//    package fetch, node log routes) on node_workers threads of their own,
//    so user traffic can never starve node traffic.
//  - Streams run after their handler returned, outside the worker pools;
//    their writes are handed to the connection's I/O strand, and Write
//    returns false once the client is gone or the server stops
//    (client_connected() turns false as soon as the peer closes). A stepped
//    stream (Response::steps: every server-sent-event and log stream, and
//    package downloads) costs no thread: one time-ordered queue holds every
//    open stream's next step and stream_threads (4) threads run the steps
//    as they fall due; while more than stream_buffer_bytes (1 MiB) is
//    queued for a client its next step waits (back-pressure). A blocking
//    stream (Response::stream) gets a thread of its own. At most max_streams
//    (2,000) streams are open at once: beyond that a stream request gets 429
//    with a message. A streamed answer ends the connection (Connection:
//    close).
//  - Stop() stops accepting; an answer whose handler runs is still written,
//    and every stream ends with its last chunk (Write returns false, no
//    further step runs), so clients see a clean end; then it joins every
//    thread it started.
//
// Client: one base URL ("http://127.0.0.1:42500"), blocking calls with a
// timeout; a connection failure is Unavailable, other transport failures are
// IoError. Thread safe (each call uses its own connection).
//
// TLS. A Server given a certificate and key serves only https on its port
// (TLS 1.2 or later): a plain-HTTP request fails the handshake and gets no
// answer. A Client with
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
#include <cstdint>
#include <thread>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/result.h"

namespace paasmaker::http {

class AsyncServer;  // the engine behind Server (core/async_http_server.h)

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

// What one step of a stepped stream says: call me again after `again`, or done.
struct StreamStep {
  bool done = false;
  std::chrono::milliseconds again{0};
  static StreamStep Again(std::chrono::milliseconds after) { return {false, after}; }
  static StreamStep Done() { return {true, std::chrono::milliseconds(0)}; }
};
using StreamSteps = std::function<StreamStep(StreamWriter&)>;

struct Response {
  int status = 200;
  std::string body;
  std::string content_type = "application/json";
  std::map<std::string, std::string> headers;
  // A stream that stays open (events, logs, downloads): called again and
  // again, on the server's few stream threads, each call writing what is
  // ready (its writes never wait) and saying when to be called next. The
  // next call waits while more than stream_buffer_bytes are queued for a
  // slow client. It must not block for long: it shares those threads.
  StreamSteps steps;
  // A blocking stream, called once on a thread of its own until it returns
  // (Write waits while too much is queued). For short or rare writers; an
  // open one costs a thread.
  std::function<void(StreamWriter&)> stream;
};

using Handler = std::function<void(const Request&, Response&)>;

// PEM files of a TLS server; an empty certificate means plain HTTP.
struct ServerTls {
  std::string certificate;  // the certificate, or a chain leaf first
  std::string key;          // its private key (unencrypted)
};

// Which worker pool runs a route's handlers. Node traffic (registration,
// reports, package fetch, node log routes) has a pool of its own.
enum class RouteClass { kUser, kNode };

// A Server's limits and deadlines (see the top of this file).
struct ServerLimits {
  int io_threads = 2;
  int node_workers = 8;
  size_t max_head_bytes = 64 * 1024;
  uint64_t max_body_bytes = 64ull * 1024 * 1024;
  std::chrono::milliseconds head_deadline{std::chrono::seconds(10)};
  std::chrono::milliseconds body_deadline{std::chrono::seconds(60)};
  std::chrono::milliseconds idle_timeout{std::chrono::seconds(30)};
  std::chrono::milliseconds write_timeout{std::chrono::seconds(30)};
  int max_connections_per_address = 256;
  int max_streams = 2000;
  int stream_threads = 4;  // run every stepped stream's steps
  size_t stream_buffer_bytes = 1024 * 1024;
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

  void Route(const std::string& method, const std::string& pattern, Handler handler,
             RouteClass route_class = RouteClass::kUser);
  // Called when no route matched (method+path); default: 404 JSON.
  void SetNotFound(Handler handler);
  // Before Start: replaces the default limits and deadlines.
  void SetLimits(const ServerLimits& limits);

  // Binds host:port (port 0 picks one) and serves on a background thread.
  // A busy port is an error naming it; so is a TLS certificate or key that
  // cannot be loaded (InvalidArgument).
  Status Start(const std::string& host, int port);
  void Stop();
  int port() const { return port_; }
  bool tls() const { return tls_; }

 private:
  std::unique_ptr<AsyncServer> engine_;
  bool tls_ = false;
  int port_ = 0;
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
