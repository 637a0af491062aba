// RenderNginxConfig and the embedded Lua: the traps listed in
// notes/router-facts.md, checked on the generated text.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "router/embedded_lua.h"
#include "router/nginx_config.h"

namespace paasmaker::router {
namespace {

NginxSettings Sample() {
  NginxSettings s;
  s.prefix = "/srv/pm data/nginx";
  s.ndk_module = "/usr/lib/nginx/modules/ndk_http_module.so";
  s.lua_module = "/usr/lib/nginx/modules/ngx_http_lua_module.so";
  s.worker_user = "nobody nogroup";
  s.port_direct = 1111;
  s.port_80 = 2222;
  s.port_443 = 3333;
  s.table = {"127.0.0.1", 42510, "pa\"ss{word}"};
  return s;
}

std::string Render(const NginxSettings& s) {
  auto text = RenderNginxConfig(s);
  EXPECT_TRUE(text.ok()) << text.status().ToString();
  return text.ok() ? *text : "";
}

size_t Find(const std::string& text, const std::string& needle) {
  size_t at = text.find(needle);
  EXPECT_NE(at, std::string::npos) << "missing: " << needle;
  return at;
}

// The `server { ... }` block listening on `port`.
std::string ServerBlock(const std::string& text, int port) {
  size_t at = Find(text, "listen " + std::to_string(port) + ";");
  size_t end = text.find("\n  }\n", at);
  return text.substr(at, end - at);
}

TEST(NginxConfigTest, ModulesLoadNdkFirstByAbsolutePath) {
  auto text = Render(Sample());
  size_t ndk = Find(text, "load_module \"/usr/lib/nginx/modules/ndk_http_module.so\";");
  size_t lua = Find(text, "load_module \"/usr/lib/nginx/modules/ngx_http_lua_module.so\";");
  EXPECT_LT(ndk, lua);
}

TEST(NginxConfigTest, EverythingNginxWritesIsUnderThePrefix) {
  auto text = Render(Sample());
  Find(text, "pid \"/srv/pm data/nginx/nginx.pid\";");
  Find(text, "error_log \"/srv/pm data/nginx/error.log\" warn;");
  for (const char* temp : {"client_body", "proxy", "fastcgi", "uwsgi", "scgi"}) {
    Find(text, std::string(temp) + "_temp_path \"/srv/pm data/nginx/temp/" + temp + "\";");
  }
  Find(text, "access_log \"/srv/pm data/nginx/stats.log\" paasmaker_stats buffer=64k flush=1s;");
  EXPECT_EQ(text.find("/var/"), std::string::npos);
}

TEST(NginxConfigTest, LuaPackagePathKeepsTheDefaults) {
  auto text = Render(Sample());
  Find(text, "lua_package_path \"/srv/pm data/nginx/lua/?.lua;;\";");
}

TEST(NginxConfigTest, KeepaliveComesAfterTheBalancer) {
  auto text = Render(Sample());
  for (const std::string name : {"paasmaker_cached", "paasmaker_backends"}) {
    size_t upstream = Find(text, "upstream " + name + " {");
    size_t balancer = text.find("balancer_by_lua_block", upstream);
    size_t keepalive = text.find("keepalive 64;", upstream);
    size_t end = text.find("  }\n", upstream);
    EXPECT_LT(balancer, keepalive) << name;
    EXPECT_LT(keepalive, end) << name;
  }
  Find(text, "proxy_http_version 1.1;");
}

// A routed request outgrows nginx's default 4k pool; each extra block is a
// malloc and a free on the request path.
TEST(NginxConfigTest, RequestPoolHoldsARoutedRequest) {
  Find(Render(Sample()), "  request_pool_size 16k;\n");
}

TEST(NginxConfigTest, WorkerUserOnlyWhenGiven) {
  auto s = Sample();
  Find(Render(s), "\nuser nobody nogroup;\n");
  s.worker_user = "";
  EXPECT_EQ(Render(s).find("\nuser "), std::string::npos);
  Find(Render(s), "worker_processes auto;");
}

TEST(NginxConfigTest, ListenersTellAppsHowClientsCameIn) {
  auto text = Render(Sample());
  auto direct = ServerBlock(text, 1111);
  Find(direct, "X-Forwarded-Proto http;");
  Find(direct, "X-Forwarded-Port 1111;");
  auto as80 = ServerBlock(text, 2222);
  Find(as80, "X-Forwarded-Proto http;");
  Find(as80, "X-Forwarded-Port 80;");
  auto as443 = ServerBlock(text, 3333);
  Find(as443, "X-Forwarded-Proto https;");
  Find(as443, "X-Forwarded-Port 443;");
  for (const auto& block : {direct, as80, as443}) {
    Find(block, "proxy_set_header Host $host;");
    Find(block, "X-Forwarded-For $proxy_add_x_forwarded_for;");
    Find(block, "access_by_lua_block");
    // Cached routes take the balancer alone; misses, pages, bodies and
    // upgrades @pm_lookup, the only location that passes Upgrade on.
    size_t main = Find(block, "location / {");
    size_t lookup = Find(block, "location @pm_lookup {");
    EXPECT_LT(main, lookup);
    std::string cached = block.substr(main, lookup - main);
    std::string by_lookup = block.substr(lookup);
    Find(cached, "error_page 500 = @pm_lookup;");
    Find(cached, "if ($content_length) { return 418; }");
    Find(cached, "if ($http_transfer_encoding) { return 418; }");
    Find(cached, "if ($http_upgrade) { return 418; }");
    Find(cached, "proxy_pass http://paasmaker_cached;");
    Find(cached, "proxy_set_header Connection \"\";");
    EXPECT_EQ(cached.find("Upgrade"), std::string::npos);
    Find(by_lookup, "proxy_pass http://paasmaker_backends;");
    Find(by_lookup, "proxy_set_header Connection $pm_connection;");
    Find(by_lookup, "proxy_set_header Upgrade $http_upgrade;");
  }
  EXPECT_EQ(text.find("[::]"), std::string::npos);
}

TEST(NginxConfigTest, Ipv6ListenersWhenAvailable) {
  auto s = Sample();
  s.ipv6 = true;
  Find(Render(s), "listen [::]:1111 ipv6only=on;");
}

TEST(NginxConfigTest, ListenAddressBindsOnlyThere) {
  auto s = Sample();
  s.ipv6 = true;
  s.listen_address = "127.0.0.1";
  std::string text = Render(s);
  for (int port : {1111, 2222, 3333}) Find(text, "listen 127.0.0.1:" + std::to_string(port) + ";");
  EXPECT_EQ(text.find("[::]"), std::string::npos);
  EXPECT_EQ(s.ProbeAddress(), "127.0.0.1");
  s.listen_address = "127.0.0.1; evil";
  EXPECT_FALSE(RenderNginxConfig(s).ok());
}

TEST(NginxConfigTest, StatsLogIsJsonWithRouteFields) {
  auto text = Render(Sample());
  Find(text, "log_format paasmaker_stats escape=json");
  for (const char* field : {"\"time\":$msec", "\"host\":\"$host\"", "\"status\":$status", "\"bytes\":$body_bytes_sent",
                            "\"request_time\":$request_time",
                            "\"upstream_response_time\":\"$upstream_response_time\"",
                            "\"served_by\":\"$pm_served_by\""}) {
    Find(text, field);
  }
}

// router.upstream_connect_timeout / upstream_timeout / request_timeout.
TEST(NginxConfigTest, TimeoutsComeFromTheSettings) {
  NginxSettings s = Sample();
  s.upstream_connect_timeout_seconds = 1.5;
  s.upstream_timeout_seconds = 120;
  s.request_timeout_seconds = 30;
  std::string text = Render(s);
  Find(text, "proxy_connect_timeout 1500ms;");
  Find(text, "proxy_send_timeout 120000ms;");
  Find(text, "proxy_read_timeout 120000ms;");
  Find(text, "client_header_timeout 30000ms;");
  Find(text, "client_body_timeout 30000ms;");
  Find(text, "send_timeout 30000ms;");
}

TEST(NginxConfigTest, RedisSettingsAreLuaStrings) {
  auto text = Render(Sample());
  Find(text, "redis_port = 42510,");
  // Quotes escaped, braces as decimal escapes so nginx's block lexer never sees them.
  Find(text, "redis_password = \"pa\\\"ss\\123word\\125\",");
}

TEST(NginxConfigTest, LuaQuoteEscapes) {
  EXPECT_EQ(LuaQuote("plain"), "\"plain\"");
  EXPECT_EQ(LuaQuote("a\"b\\c"), "\"a\\\"b\\\\c\"");
  EXPECT_EQ(LuaQuote("\n1"), "\"\\0101\"");
}

TEST(NginxConfigTest, RejectsValuesThatCannotBeWrittenSafely) {
  auto s = Sample();
  s.prefix = "relative/nginx";
  EXPECT_EQ(RenderNginxConfig(s).status().code(), StatusCode::kInvalidArgument);
  s.prefix = "/srv/$host";
  EXPECT_EQ(RenderNginxConfig(s).status().code(), StatusCode::kInvalidArgument);
  s = Sample();
  s.worker_user = "nobody; daemon on";
  EXPECT_EQ(RenderNginxConfig(s).status().code(), StatusCode::kInvalidArgument);
  s = Sample();
  s.port_80 = 0;
  EXPECT_EQ(RenderNginxConfig(s).status().code(), StatusCode::kInvalidArgument);
}

TEST(EmbeddedLuaTest, RouterLuaIsEmbeddedVerbatim) {
  std::ifstream in(std::string(ROUTER_LUA_DIR) + "/router.lua", std::ios::binary);
  std::stringstream source;
  source << in.rdbuf();
  bool found = false;
  for (const auto& file : EmbeddedLuaFiles()) {
    if (file.name != "router.lua") continue;
    found = true;
    EXPECT_EQ(file.content, source.str());
    // The Debian packaging: the Redis client is nginx.redis, not resty.redis.
    EXPECT_NE(file.content.find("require \"nginx.redis\""), std::string_view::npos);
  }
  EXPECT_TRUE(found);
}

}  // namespace
}  // namespace paasmaker::router
