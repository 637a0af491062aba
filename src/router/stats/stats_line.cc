#include "router/stats/stats_line.h"

#include <cstring>

namespace paasmaker::router::stats {

namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// A forward-only cursor over one line. Every method consumes what it matched
// and returns false (leaving the cursor anywhere) on a mismatch.
class Cursor {
 public:
  explicit Cursor(std::string_view s) : p_(s.data()), end_(s.data() + s.size()) {}

  bool AtEnd() const { return p_ == end_; }

  // A literal of known length, so the compiler inlines the comparison.
  template <size_t N>
  bool Literal(const char (&s)[N]) {
    constexpr size_t size = N - 1;
    if (static_cast<size_t>(end_ - p_) < size || std::memcmp(p_, s, size) != 0) return false;
    p_ += size;
    return true;
  }

  // Unsigned decimal integer; 18 digits at most so it cannot overflow.
  bool Integer(int64_t* value) {
    const char* start = p_;
    int64_t v = 0;
    while (p_ != end_ && *p_ >= '0' && *p_ <= '9' && p_ - start < 18) v = v * 10 + (*p_++ - '0');
    if (p_ == start || (p_ != end_ && *p_ >= '0' && *p_ <= '9')) return false;
    *value = v;
    return true;
  }

  // "S[.fff]" seconds as exact milliseconds: nginx prints times with three
  // decimals, so integer arithmetic loses nothing (and avoids strtod).
  bool Millis(int64_t* ms) {
    int64_t seconds = 0;
    if (!Integer(&seconds)) return false;
    int64_t fraction = 0;
    int digits = 0;
    if (p_ != end_ && *p_ == '.') {
      ++p_;
      while (p_ != end_ && *p_ >= '0' && *p_ <= '9') {
        if (digits < 3) fraction = fraction * 10 + (*p_ - '0');
        ++digits, ++p_;
      }
      if (digits == 0) return false;
    }
    for (int i = digits; i < 3; ++i) fraction *= 10;
    *ms = seconds * 1000 + fraction;
    return true;
  }

  // The body of a string whose opening quote was consumed, up to and
  // including the closing quote. Validates escapes; raw control characters
  // cannot come from escape=json, so they mean a damaged line.
  bool String(std::string_view* value, bool* escaped) {
    const char* start = p_;
    while (p_ != end_) {
      unsigned char c = static_cast<unsigned char>(*p_);
      if (c == '"') {
        *value = std::string_view(start, p_ - start);
        ++p_;
        return true;
      }
      if (c < 0x20) return false;
      if (c == '\\') {
        *escaped = true;
        if (++p_ == end_) return false;
        switch (*p_) {
          case '"': case '\\': case '/': case 'b': case 'f': case 'n': case 'r': case 't':
            ++p_;
            break;
          case 'u':
            if (end_ - p_ < 5) return false;
            for (int i = 1; i <= 4; ++i) {
              if (HexValue(p_[i]) < 0) return false;
            }
            p_ += 5;
            break;
          default:
            return false;
        }
        continue;
      }
      ++p_;
    }
    return false;
  }

 private:
  const char* p_;
  const char* end_;
};

// $upstream_response_time: "" (no upstream), "0.004", or one entry per try
// joined by ", " (next upstream) or " : " (internal redirect); "-" for a
// try that got no answer. Returns the sum, or -1 when no try had a time.
bool UpstreamMillis(std::string_view s, int64_t* total) {
  *total = -1;
  Cursor c(s);
  if (c.AtEnd()) return true;
  for (;;) {
    if (c.Literal("-")) {
      // no answer from this try
    } else {
      int64_t ms = 0;
      if (!c.Millis(&ms)) return false;
      *total = (*total < 0 ? 0 : *total) + ms;
    }
    if (c.AtEnd()) return true;
    if (!c.Literal(", ") && !c.Literal(" : ")) return false;
  }
}

// $pm_served_by: "<version type> <node> <instance>" (the Lua router writes
// the three ids in one variable, which costs a third of three); "" when nginx
// answered before the router ran, which leaves all three empty; "-" for a
// router health check.
bool SplitServedBy(std::string_view s, StatsLine* out) {
  out->health_check = s == "-";
  if (s.empty() || out->health_check) {
    out->version_type = out->node = out->instance = std::string_view();
    return true;
  }
  size_t first = s.find(' ');
  if (first == std::string_view::npos) return false;
  size_t second = s.find(' ', first + 1);
  if (second == std::string_view::npos || s.find(' ', second + 1) != std::string_view::npos) return false;
  out->version_type = s.substr(0, first);
  out->node = s.substr(first + 1, second - first - 1);
  out->instance = s.substr(second + 1);
  return !out->version_type.empty() && !out->node.empty() && !out->instance.empty();
}

}  // namespace

bool StatsLineParser::Parse(std::string_view line, StatsLine* out) {
  Cursor c(line);
  std::string_view upstream;
  std::string_view served_by;
  int64_t status = 0;
  out->escaped = false;
  bool ok = c.Literal("{\"time\":") && c.Millis(&out->time_ms) &&          //
            c.Literal(",\"host\":\"") && c.String(&out->host, &out->escaped) &&
            c.Literal(",\"status\":") && c.Integer(&status) &&                //
            c.Literal(",\"bytes\":") && c.Integer(&out->bytes) &&             //
            c.Literal(",\"request_time\":") && c.Millis(&out->request_time_ms) &&
            c.Literal(",\"upstream_response_time\":\"") && c.String(&upstream, &out->escaped) &&
            c.Literal(",\"served_by\":\"") && c.String(&served_by, &out->escaped) &&
            c.Literal("}") && c.AtEnd();
  if (!ok || status < 100 || status > 599 || !SplitServedBy(served_by, out)) return false;
  out->status = static_cast<int>(status);
  if (!UpstreamMillis(upstream, &out->upstream_time_ms)) return false;
  // No instance answered a request the router itself answered (a page), so
  // it has no upstream time: what nginx lists is the cached-route try that
  // handed it to @pm_lookup (nginx_config.cc), which never reached an app.
  if (out->version_type == "null") out->upstream_time_ms = -1;
  return true;
}

void StatsLineParser::Unescape(std::string_view raw, std::string* out) {
  for (size_t i = 0; i < raw.size(); ++i) {
    char c = raw[i];
    if (c != '\\' || i + 1 >= raw.size()) {
      out->push_back(c);
      continue;
    }
    char e = raw[++i];
    switch (e) {
      case 'b': out->push_back('\b'); break;
      case 'f': out->push_back('\f'); break;
      case 'n': out->push_back('\n'); break;
      case 'r': out->push_back('\r'); break;
      case 't': out->push_back('\t'); break;
      case 'u': {
        unsigned code = 0;
        for (size_t k = 1; k <= 4 && i + k < raw.size(); ++k) code = code * 16 + HexValue(raw[i + k]);
        i += 4;
        // escape=json only writes \u00XX for control bytes; encode any BMP
        // code point as UTF-8 anyway (surrogates come through as-is).
        if (code < 0x80) {
          out->push_back(static_cast<char>(code));
        } else if (code < 0x800) {
          out->push_back(static_cast<char>(0xC0 | (code >> 6)));
          out->push_back(static_cast<char>(0x80 | (code & 0x3F)));
        } else {
          out->push_back(static_cast<char>(0xE0 | (code >> 12)));
          out->push_back(static_cast<char>(0x80 | ((code >> 6) & 0x3F)));
          out->push_back(static_cast<char>(0x80 | (code & 0x3F)));
        }
        break;
      }
      default: out->push_back(e); break;  // \" \\ \/
    }
  }
}

}  // namespace paasmaker::router::stats
