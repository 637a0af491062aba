#include <httplib.h>

#include "core/http.h"

namespace paasmaker::http {

namespace {

httplib::Headers ToHeaders(const std::map<std::string, std::string>& headers) {
  httplib::Headers out;
  for (const auto& [k, v] : headers) out.emplace(k, v);
  return out;
}

void Configure(httplib::Client& client, std::chrono::milliseconds timeout) {
  auto sec = static_cast<time_t>(timeout.count() / 1000);
  auto usec = static_cast<time_t>((timeout.count() % 1000) * 1000);
  client.set_connection_timeout(sec, usec);
  client.set_read_timeout(sec, usec);
  client.set_write_timeout(sec, usec);
  client.set_keep_alive(false);
  client.set_tcp_nodelay(true);
}

Result<ClientResponse> Convert(const httplib::Result& result, const std::string& what) {
  if (!result) {
    auto err = result.error();
    std::string why = httplib::to_string(err);
    if (err == httplib::Error::Connection) return Unavailable(what + ": cannot connect (" + why + ")");
    if (err == httplib::Error::Read || err == httplib::Error::Write) {
      return Unavailable(what + ": connection failed (" + why + ")");
    }
    return IoError(what + ": " + why);
  }
  ClientResponse out;
  out.status = result->status;
  out.body = result->body;
  for (const auto& [k, v] : result->headers) out.headers[k] = v;
  return out;
}

}  // namespace

Client::Client(std::string base_url, std::chrono::milliseconds timeout)
    : base_url_(std::move(base_url)), timeout_(timeout) {
  while (!base_url_.empty() && base_url_.back() == '/') base_url_.pop_back();
}

Result<ClientResponse> Client::Get(const std::string& path, const std::map<std::string, std::string>& headers) {
  httplib::Client client(base_url_);
  Configure(client, timeout_);
  return Convert(client.Get(path, ToHeaders(headers)), "GET " + base_url_ + path);
}

Result<ClientResponse> Client::Post(const std::string& path, const std::string& body,
                                    const std::map<std::string, std::string>& headers,
                                    const std::string& content_type) {
  httplib::Client client(base_url_);
  Configure(client, timeout_);
  return Convert(client.Post(path, ToHeaders(headers), body, content_type), "POST " + base_url_ + path);
}

Result<ClientResponse> Client::Put(const std::string& path, const std::string& body,
                                   const std::map<std::string, std::string>& headers,
                                   const std::string& content_type) {
  httplib::Client client(base_url_);
  Configure(client, timeout_);
  return Convert(client.Put(path, ToHeaders(headers), body, content_type), "PUT " + base_url_ + path);
}

Result<ClientResponse> Client::Delete(const std::string& path, const std::map<std::string, std::string>& headers) {
  httplib::Client client(base_url_);
  Configure(client, timeout_);
  return Convert(client.Delete(path, ToHeaders(headers)), "DELETE " + base_url_ + path);
}

Result<int> Client::Stream(const std::string& path, const std::map<std::string, std::string>& headers,
                           const std::function<bool(const std::string&)>& on_data) {
  httplib::Client client(base_url_);
  Configure(client, timeout_);
  // A live stream can be quiet for long; only the connect is bounded.
  client.set_read_timeout(3600, 0);
  auto result = client.Get(path, ToHeaders(headers), [&](const char* data, size_t size) {
    return on_data(std::string(data, size));
  });
  if (!result) {
    if (result.error() == httplib::Error::Canceled) return 200;
    auto converted = Convert(result, "GET " + base_url_ + path);
    return converted.status();
  }
  return result->status;
}

std::string UrlEncode(const std::string& value) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : value) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

}  // namespace paasmaker::http
