// One connection of AsyncServer: TLS handshake, reading requests within
// their limits and deadlines, writing answers and streams. Everything in a
// Session runs on its strand, except the SessionBase (thread safe) side.
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include <algorithm>
#include <cctype>
#include <ctime>

#include "core/async_http_server_internal.h"

namespace paasmaker::http::internal {

namespace {

namespace beast = boost::beast;
namespace bhttp = beast::http;

// The Date header (RFC 9110 §6.6.1: a server with a clock sends it); nodes
// and `paasmaker doctor` compare it with their own clock.
std::string HttpDate() {
  std::time_t now = std::time(nullptr);
  std::tm utc{};
  ::gmtime_r(&now, &utc);
  char text[40];
  size_t n = std::strftime(text, sizeof(text), "%a, %d %b %Y %H:%M:%S GMT", &utc);
  return std::string(text, n);
}

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Percent-decoding as before (cpp-httplib): paths keep '+', query parts turn it into a space.
std::string DecodeUrl(std::string_view in, bool plus_is_space) {
  std::string out;
  out.reserve(in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    if (c == '%' && i + 2 < in.size() && HexValue(in[i + 1]) >= 0 && HexValue(in[i + 2]) >= 0) {
      out += static_cast<char>(HexValue(in[i + 1]) * 16 + HexValue(in[i + 2]));
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

void ParseQuery(std::string_view text, std::map<std::string, std::string>& out) {
  while (!text.empty()) {
    size_t amp = text.find('&');
    std::string_view part = text.substr(0, amp);
    text = amp == std::string_view::npos ? std::string_view() : text.substr(amp + 1);
    if (part.empty()) continue;
    size_t eq = part.find('=');
    std::string_view key = part.substr(0, eq);
    std::string_view value = eq == std::string_view::npos ? std::string_view() : part.substr(eq + 1);
    if (key.empty()) continue;
    out[DecodeUrl(key, true)] = DecodeUrl(value, true);
  }
}

std::string Describe(uint64_t bytes) {
  std::string out = std::to_string(bytes) + " bytes";
  if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) == 0) out += " (" + std::to_string(bytes >> 20) + " MiB)";
  else if (bytes >= 1024 && bytes % 1024 == 0) out += " (" + std::to_string(bytes >> 10) + " KiB)";
  return out;
}

using PlainStream = beast::tcp_stream;
using TlsStream = beast::ssl_stream<beast::tcp_stream>;

template <class Stream>
class Session : public SessionBase {
 public:
  static constexpr bool kTls = std::is_same_v<Stream, TlsStream>;

  template <class... Args>
  Session(ServerCore& core, std::string address, Args&&... args)
      : SessionBase(core.limits.stream_buffer_bytes),
        core_(core),
        limits_(core.limits),
        address_(std::move(address)),
        stream_(std::forward<Args>(args)...),
        linger_timer_(stream_.get_executor()) {}

  ~Session() override { core_.Unregister(this, address_); }

  auto executor() { return stream_.get_executor(); }

  void Run() {
    if constexpr (kTls) {
      Tcp().expires_after(limits_.head_deadline);
      stream_.async_handshake(asio::ssl::stream_base::server, [self = Self()](beast::error_code ec) {
        // Not TLS (plain HTTP) or a failed handshake: no answer at all.
        if (ec) return self->CloseNow();
        self->ReadRequest();
      });
    } else {
      ReadRequest();
    }
  }

  void SendAnswer(Answer answer) override {
    asio::post(stream_.get_executor(),
               [self = Self(), answer = std::move(answer)]() mutable { self->WriteAnswer(std::move(answer)); });
  }

  void BeginStream(Answer head) override {
    asio::post(stream_.get_executor(),
               [self = Self(), head = std::move(head)]() mutable { self->StartStream(std::move(head)); });
  }

  // Stop(): a request whose handler runs is answered (then closed, as the
  // server is stopping); a stream ends with its last chunk, so clients see a
  // clean end; anything else closes now.
  void Close() override {
    asio::post(stream_.get_executor(), [self = Self()] {
      if (self->busy_) return;
      self->MarkClosed();
      if (self->streaming_) return self->EndStream();
      self->CloseNow();
    });
  }

 protected:
  void QueueChunk(std::string framed, size_t counted) override {
    asio::post(stream_.get_executor(), [self = Self(), data = std::make_shared<std::string>(std::move(framed)),
                                        counted]() mutable { self->Enqueue(std::move(data), counted); });
  }

  void QueueEnd() override {
    asio::post(stream_.get_executor(), [self = Self()] { self->EndStream(); });
  }

 private:
  // The last chunk (once); the connection closes when it is written.
  void EndStream() {
    if (end_queued_) return;
    end_queued_ = true;
    Enqueue(std::make_shared<std::string>("0\r\n\r\n"), 0);
  }

  std::shared_ptr<Session> Self() { return std::static_pointer_cast<Session>(shared_from_this()); }
  beast::tcp_stream& Tcp() { return beast::get_lowest_layer(stream_); }

  // --- reading -------------------------------------------------------------------

  void ReadRequest() {
    if (core_.stopping.load() || closed()) return CloseNow();
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(std::min<size_t>(limits_.max_head_bytes, UINT32_MAX)));
    parser_->body_limit(limits_.max_body_bytes);
    if (buffer_.size() > 0 || first_request_) {
      // A new connection has head_deadline for its whole first head.
      first_request_ = false;
      return ReadHead();
    }
    // Kept alive: idle_timeout for the first byte, then head_deadline for the head.
    Tcp().expires_after(limits_.idle_timeout);
    stream_.async_read_some(buffer_.prepare(4096), [self = Self()](beast::error_code ec, size_t n) {
      if (ec) return self->CloseNow();
      self->buffer_.commit(n);
      self->ReadHead();
    });
  }

  void ReadHead() {
    Tcp().expires_after(limits_.head_deadline);
    bhttp::async_read_header(stream_, buffer_, *parser_,
                             [self = Self()](beast::error_code ec, size_t) { self->OnHead(ec); });
  }

  void OnHead(beast::error_code ec) {
    if (ec) return Fail(ec);
    if (parser_->is_done()) return Complete();
    auto& head = parser_->get();
    if (beast::iequals(head[bhttp::field::expect], "100-continue")) {
      auto cont = std::make_shared<std::string>("HTTP/1.1 100 Continue\r\n\r\n");
      Tcp().expires_after(limits_.write_timeout);
      asio::async_write(stream_, asio::buffer(*cont), [self = Self(), cont](beast::error_code ec, size_t) {
        if (ec) return self->CloseNow();
        self->ReadBody();
      });
      return;
    }
    ReadBody();
  }

  void ReadBody() {
    Tcp().expires_after(limits_.body_deadline);
    bhttp::async_read(stream_, buffer_, *parser_, [self = Self()](beast::error_code ec, size_t) {
      if (ec) return self->Fail(ec);
      self->Complete();
    });
  }

  void Fail(beast::error_code ec) {
    if (ec == bhttp::error::header_limit) {
      return Refuse(431, "the request head is larger than the limit of " + Describe(limits_.max_head_bytes));
    }
    if (ec == bhttp::error::body_limit) {
      return Refuse(413, "the request body is larger than the limit of " + Describe(limits_.max_body_bytes));
    }
    static const auto& http_category = bhttp::make_error_code(bhttp::error::bad_target).category();
    bool parse_error = &ec.category() == &http_category && ec != bhttp::error::end_of_stream &&
                       ec != bhttp::error::partial_message;
    if (parse_error) return Refuse(400, "bad request: " + ec.message());
    CloseNow();  // timeout, end of stream, reset
  }

  // The server's own error answer; the connection closes after it.
  void Refuse(int status, const std::string& message) {
    keep_alive_ = false;
    head_request = false;
    WriteAnswer({status, "application/json", {}, ErrorBody(message)});
  }

  void Complete() {
    Tcp().expires_never();
    auto message = parser_->release();
    parser_.reset();
    keep_alive_ = message.keep_alive();
    Request request;
    request.method = std::string(message.method_string());
    std::string_view target(message.target().data(), message.target().size());
    size_t question = target.find('?');
    request.path = DecodeUrl(target.substr(0, question), false);
    if (question != std::string_view::npos) ParseQuery(target.substr(question + 1), request.query);
    for (const auto& field : message) {
      request.headers[Lower(std::string(field.name_string()))] = std::string(field.value());
    }
    request.body = std::move(message.body());
    request.remote_address = address_;
    head_request = request.method == "HEAD";
    busy_ = true;
    core_.Dispatch(Self(), std::move(request));
  }

  // --- writing -------------------------------------------------------------------

  void WriteAnswer(Answer answer) {
    busy_ = false;
    if (socket_closed_) return;
    auto res = std::make_shared<bhttp::response<bhttp::string_body>>();
    res->version(11);
    res->result(static_cast<unsigned>(answer.status));
    res->set(bhttp::field::content_type, answer.content_type);
    res->set(bhttp::field::date, HttpDate());
    for (const auto& [name, value] : answer.headers) res->set(name, value);
    bool alive = keep_alive_ && !core_.stopping.load();
    res->keep_alive(alive);
    if (head_request) {
      res->content_length(answer.body.size());
    } else {
      res->body() = std::move(answer.body);
      res->prepare_payload();
    }
    Tcp().expires_after(limits_.write_timeout);
    bhttp::async_write(stream_, *res, [self = Self(), res, alive](beast::error_code ec, size_t) {
      if (ec) return self->CloseNow();
      if (alive) return self->ReadRequest();
      self->CloseGracefully();
    });
  }

  void StartStream(Answer head) {
    busy_ = false;
    if (socket_closed_ || closed()) return CloseNow();
    streaming_ = true;
    // Started while the server stops: its head and last chunk, nothing else.
    if (core_.stopping.load()) MarkClosed();
    std::string text = "HTTP/1.1 " + std::to_string(head.status) + " " +
                       std::string(bhttp::obsolete_reason(bhttp::int_to_status(static_cast<unsigned>(head.status)))) +
                       "\r\nContent-Type: " + head.content_type + "\r\nDate: " + HttpDate() + "\r\n";
    for (const auto& [name, value] : head.headers) text += name + ": " + value + "\r\n";
    text += "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n";
    Tcp().expires_never();
    Watch();
    Enqueue(std::make_shared<std::string>(std::move(text)), 0);
    if (closed()) EndStream();
  }

  // While a stream runs, a read stays pending so a peer that closes is seen at once.
  void Watch() {
    stream_.async_read_some(asio::buffer(drain_), [self = Self()](beast::error_code ec, size_t) {
      if (ec) return self->CloseNow();
      self->Watch();  // whatever the client sends meanwhile is dropped
    });
  }

  void Enqueue(std::shared_ptr<std::string> data, size_t counted) {
    if (socket_closed_) {
      Written(counted);
      return;
    }
    out_.push_back({std::move(data), counted});
    if (!writing_) WriteNext();
  }

  void WriteNext() {
    if (socket_closed_) return;
    if (out_.empty()) {
      writing_ = false;
      if (end_queued_) CloseGracefully();
      return;
    }
    writing_ = true;
    auto batch = std::make_shared<std::vector<Pending>>();
    std::vector<asio::const_buffer> buffers;
    size_t counted = 0;
    while (!out_.empty() && batch->size() < 64) {
      buffers.push_back(asio::buffer(*out_.front().data));
      counted += out_.front().counted;
      batch->push_back(std::move(out_.front()));
      out_.pop_front();
    }
    Tcp().expires_after(limits_.write_timeout);
    asio::async_write(stream_, buffers, [self = Self(), batch, counted](beast::error_code ec, size_t) {
      self->Written(counted);
      if (ec) return self->CloseNow();
      self->WriteNext();
    });
  }

  // After the last answer: no more sending; what the client still sends (an
  // unread body) is read and dropped for a moment, so that closing sends no
  // reset that could destroy the answer before the client read it.
  void CloseGracefully() {
    if (socket_closed_) return;
    MarkClosed();
    beast::error_code ignored;
    Tcp().socket().shutdown(tcp::socket::shutdown_send, ignored);
    linger_timer_.expires_after(std::chrono::seconds(2));
    linger_timer_.async_wait([self = Self()](beast::error_code ec) {
      if (!ec) self->CloseNow();
    });
    if (!streaming_) Linger();  // a stream's Watch read is still pending and does the same
  }

  void Linger() {
    Tcp().expires_never();
    Tcp().async_read_some(asio::buffer(drain_), [self = Self()](beast::error_code ec, size_t) {
      if (ec) return self->CloseNow();
      self->Linger();
    });
  }

  void CloseNow() {
    MarkClosed();
    if (socket_closed_) return;
    socket_closed_ = true;
    beast::error_code ignored;
    linger_timer_.cancel();
    Tcp().socket().shutdown(tcp::socket::shutdown_both, ignored);
    Tcp().close();
  }

  struct Pending {
    std::shared_ptr<std::string> data;
    size_t counted;
  };

  ServerCore& core_;
  const ServerLimits limits_;
  const std::string address_;
  Stream stream_;
  asio::steady_timer linger_timer_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  bool first_request_ = true;
  bool keep_alive_ = false;
  bool streaming_ = false;
  bool end_queued_ = false;
  bool writing_ = false;
  bool socket_closed_ = false;
  bool busy_ = false;  // a handler runs for this connection's request
  std::deque<Pending> out_;
  std::array<char, 1024> drain_{};
};

}  // namespace

void StartSession(ServerCore& core, tcp::socket socket, std::string remote_address) {
  if (core.ssl) {
    auto s = std::make_shared<Session<TlsStream>>(core, std::move(remote_address), std::move(socket), *core.ssl);
    core.Register(s);
    asio::dispatch(s->executor(), [s] { s->Run(); });
  } else {
    auto s = std::make_shared<Session<PlainStream>>(core, std::move(remote_address), std::move(socket));
    core.Register(s);
    asio::dispatch(s->executor(), [s] { s->Run(); });
  }
}

}  // namespace paasmaker::http::internal
