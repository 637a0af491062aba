#include <httplib.h>
#include <openssl/x509.h>
#include <unistd.h>

#include <mutex>

#include "core/http.h"

namespace paasmaker::http {

namespace {

std::mutex default_tls_mutex;
ClientTls default_tls;  // guarded by default_tls_mutex

bool IsHttps(const std::string& url) { return url.rfind("https://", 0) == 0; }

httplib::Headers ToHeaders(const std::map<std::string, std::string>& headers) {
  httplib::Headers out;
  for (const auto& [k, v] : headers) out.emplace(k, v);
  return out;
}

void Configure(httplib::Client& client, std::chrono::milliseconds timeout, const std::string& base_url,
               const ClientTls& tls) {
  auto sec = static_cast<time_t>(timeout.count() / 1000);
  auto usec = static_cast<time_t>((timeout.count() % 1000) * 1000);
  client.set_connection_timeout(sec, usec);
  client.set_read_timeout(sec, usec);
  client.set_write_timeout(sec, usec);
  client.set_keep_alive(false);
  client.set_tcp_nodelay(true);
  if (IsHttps(base_url)) {
    // Verification is httplib's default; said here so no one turns it off by accident.
    client.enable_server_certificate_verification(true);
    if (!tls.ca_file.empty()) client.set_ca_cert_path(tls.ca_file);
  }
}

Result<ClientResponse> Convert(const httplib::Result& result, const std::string& what, const httplib::Client& client,
                               const ClientTls& tls) {
  if (!result) {
    auto err = result.error();
    std::string why = httplib::to_string(err);
    if (err == httplib::Error::Connection) return Unavailable(what + ": cannot connect (" + why + ")");
    if (err == httplib::Error::Read || err == httplib::Error::Write) {
      return Unavailable(what + ": connection failed (" + why + ")");
    }
    if (err == httplib::Error::SSLServerVerification) {
      // The handshake stopped before any request byte was sent.
      long verify = client.get_openssl_verify_result();
      std::string reason = verify == X509_V_OK ? "it is not for this host name or address"
                                               : X509_verify_cert_error_string(verify);
      return Unauthenticated(what + ": the server's TLS certificate did not verify: " + reason + " (trusting " +
                             (tls.ca_file.empty() ? std::string("the system's CAs") : "the CA file " + tls.ca_file) +
                             ")");
    }
    if (err == httplib::Error::SSLConnection) {
      return IoError(what + ": the TLS handshake failed (does the server serve https on that port?)");
    }
    if (err == httplib::Error::SSLLoadingCerts) {
      return InvalidArgument(what + ": cannot load the CA file '" + tls.ca_file + "'");
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

Status SetDefaultClientTls(ClientTls tls) {
  if (!tls.ca_file.empty() && ::access(tls.ca_file.c_str(), R_OK) != 0) {
    return InvalidArgument("cannot read the CA file '" + tls.ca_file + "'");
  }
  std::lock_guard<std::mutex> lock(default_tls_mutex);
  default_tls = std::move(tls);
  return Status::Ok();
}

ClientTls DefaultClientTls() {
  std::lock_guard<std::mutex> lock(default_tls_mutex);
  return default_tls;
}

Client::Client(std::string base_url, std::chrono::milliseconds timeout)
    : Client(std::move(base_url), timeout, DefaultClientTls()) {}

Client::Client(std::string base_url, std::chrono::milliseconds timeout, ClientTls tls)
    : base_url_(std::move(base_url)), timeout_(timeout), tls_(std::move(tls)) {
  while (!base_url_.empty() && base_url_.back() == '/') base_url_.pop_back();
}

Result<ClientResponse> Client::Get(const std::string& path, const std::map<std::string, std::string>& headers) {
  httplib::Client client(base_url_);
  Configure(client, timeout_, base_url_, tls_);
  return Convert(client.Get(path, ToHeaders(headers)), "GET " + base_url_ + path, client, tls_);
}

Result<ClientResponse> Client::Post(const std::string& path, const std::string& body,
                                    const std::map<std::string, std::string>& headers,
                                    const std::string& content_type) {
  httplib::Client client(base_url_);
  Configure(client, timeout_, base_url_, tls_);
  return Convert(client.Post(path, ToHeaders(headers), body, content_type), "POST " + base_url_ + path, client, tls_);
}

Result<ClientResponse> Client::Put(const std::string& path, const std::string& body,
                                   const std::map<std::string, std::string>& headers,
                                   const std::string& content_type) {
  httplib::Client client(base_url_);
  Configure(client, timeout_, base_url_, tls_);
  return Convert(client.Put(path, ToHeaders(headers), body, content_type), "PUT " + base_url_ + path, client, tls_);
}

Result<ClientResponse> Client::Delete(const std::string& path, const std::map<std::string, std::string>& headers) {
  httplib::Client client(base_url_);
  Configure(client, timeout_, base_url_, tls_);
  return Convert(client.Delete(path, ToHeaders(headers)), "DELETE " + base_url_ + path, client, tls_);
}

Result<int> Client::Stream(const std::string& path, const std::map<std::string, std::string>& headers,
                           const std::function<bool(const std::string&)>& on_data) {
  httplib::Client client(base_url_);
  Configure(client, timeout_, base_url_, tls_);
  // A live stream can be quiet for long; only the connect is bounded.
  client.set_read_timeout(3600, 0);
  auto result = client.Get(path, ToHeaders(headers), [&](const char* data, size_t size) {
    return on_data(std::string(data, size));
  });
  if (!result) {
    if (result.error() == httplib::Error::Canceled) return 200;
    auto converted = Convert(result, "GET " + base_url_ + path, client, tls_);
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
