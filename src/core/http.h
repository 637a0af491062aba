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

class Server {
 public:
  explicit Server(int worker_threads = 32);
  ~Server();  // stops
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  void Route(const std::string& method, const std::string& pattern, Handler handler);
  // Called when no route matched (method+path); default: 404 JSON.
  void SetNotFound(Handler handler);

  // Binds host:port (port 0 picks one) and serves on a background thread.
  // A busy port is an error naming it.
  Status Start(const std::string& host, int port);
  void Stop();
  int port() const { return port_; }

 private:
  std::unique_ptr<httplib::Server> server_;
  std::thread* thread_ = nullptr;
  int port_ = 0;
  std::atomic<bool> stopping_{false};
};

struct ClientResponse {
  int status = 0;
  std::string body;
  std::map<std::string, std::string> headers;
};

class Client {
 public:
  explicit Client(std::string base_url, std::chrono::milliseconds timeout = std::chrono::seconds(10));

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
};

// Percent-encodes a path segment or query value.
std::string UrlEncode(const std::string& value);

}  // namespace paasmaker::http
