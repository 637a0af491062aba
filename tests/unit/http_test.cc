#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "core/api_response.h"
#include "core/http.h"
#include "temp_dir.h"
#include "test_certificates.h"

namespace paasmaker {
namespace {

TEST(HttpTest, RoutesParamsQueryHeadersAndEnvelope) {
  http::Server server(4);
  server.Route("GET", "/things/([a-z]+)", [](const http::Request& req, http::Response& res) {
    api::RespondData(res, {{"name", req.params[0]}, {"q", req.Query("q")}, {"h", req.Header("x-test")}});
  });
  server.Route("POST", "/echo", [](const http::Request& req, http::Response& res) {
    auto body = api::ParseJsonBody(req);
    if (!body.ok()) return api::RespondError(res, body.status());
    api::RespondData(res, *body, 201);
  });
  ASSERT_TRUE(server.Start("127.0.0.1", 0).ok());
  http::Client client("http://127.0.0.1:" + std::to_string(server.port()));

  auto got = client.Get("/things/abc?q=1", {{"X-Test", "yes"}});
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(got->status, 200);
  auto body = nlohmann::json::parse(got->body);
  EXPECT_EQ(body["data"]["name"], "abc");
  EXPECT_EQ(body["data"]["q"], "1");
  EXPECT_EQ(body["data"]["h"], "yes");
  EXPECT_TRUE(body["errors"].empty());

  auto bad = client.Post("/echo", "{not json");
  ASSERT_TRUE(bad.ok());
  EXPECT_EQ(bad->status, 400);
  EXPECT_EQ(nlohmann::json::parse(bad->body)["errors"][0], "the request body is not valid JSON");

  auto missing = client.Get("/nowhere");
  ASSERT_TRUE(missing.ok());
  EXPECT_EQ(missing->status, 404);
  EXPECT_FALSE(nlohmann::json::parse(missing->body)["errors"].empty());
}

TEST(HttpTest, StreamsChunksUntilDone) {
  http::Server server(4);
  server.Route("GET", "/stream", [](const http::Request&, http::Response& res) {
    res.content_type = "text/event-stream";
    res.stream = [](http::StreamWriter& w) {
      for (int i = 0; i < 3; ++i) w.Write("data: " + std::to_string(i) + "\n\n");
    };
  });
  ASSERT_TRUE(server.Start("127.0.0.1", 0).ok());
  http::Client client("http://127.0.0.1:" + std::to_string(server.port()));
  std::string all;
  auto status = client.Stream("/stream", {}, [&](const std::string& chunk) {
    all += chunk;
    return true;
  });
  ASSERT_TRUE(status.ok()) << status.status().ToString();
  EXPECT_EQ(*status, 200);
  EXPECT_EQ(all, "data: 0\n\ndata: 1\n\ndata: 2\n\n");
}

TEST(HttpTest, BusyPortIsAClearError) {
  http::Server first(2);
  ASSERT_TRUE(first.Start("127.0.0.1", 0).ok());
  http::Server second(2);
  Status s = second.Start("127.0.0.1", first.port());
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find(std::to_string(first.port())), std::string::npos);
}

TEST(HttpTest, ClientReportsConnectionRefused) {
  http::Server server(2);
  ASSERT_TRUE(server.Start("127.0.0.1", 0).ok());
  int port = server.port();
  server.Stop();
  http::Client client("http://127.0.0.1:" + std::to_string(port), std::chrono::milliseconds(500));
  auto r = client.Get("/");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kUnavailable);
}

// --- TLS -----------------------------------------------------------------------

class HttpsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto made = testing::MakeTestCertificates(dir_.path());
    ASSERT_TRUE(made.ok()) << made.status().ToString();
    certs_ = *made;
    server_ = std::make_unique<http::Server>(4, http::ServerTls{certs_.certificate, certs_.key});
    server_->Route("GET", "/hello", [](const http::Request&, http::Response& res) { api::RespondData(res, "hi"); });
    server_->Route("POST", "/echo", [](const http::Request& req, http::Response& res) {
      res.content_type = "text/plain";
      res.body = req.body;
    });
    ASSERT_TRUE(server_->Start("127.0.0.1", 0).ok());
    ASSERT_TRUE(server_->tls());
  }
  std::string Url(const std::string& scheme, const std::string& host = "127.0.0.1") const {
    return scheme + "://" + host + ":" + std::to_string(server_->port());
  }

  testing::TempDir dir_{"pm-tls"};
  testing::TestCertificates certs_;
  std::unique_ptr<http::Server> server_;
};

TEST_F(HttpsTest, AClientWithTheCaFileIsServed) {
  http::Client client(Url("https"), std::chrono::seconds(5), http::ClientTls{certs_.ca});
  auto got = client.Get("/hello");
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(got->status, 200);
  EXPECT_EQ(nlohmann::json::parse(got->body)["data"], "hi");
  std::string big(3 * 1024 * 1024, 'x');  // several TLS records each way
  auto echoed = client.Post("/echo", big, {}, "text/plain");
  ASSERT_TRUE(echoed.ok()) << echoed.status().ToString();
  EXPECT_EQ(echoed->body.size(), big.size());
  EXPECT_EQ(echoed->body, big);
}

TEST_F(HttpsTest, AClientThatCannotVerifyTheServerIsRefusedBeforeSending) {
  struct Case {
    const char* what;
    std::string url;
    http::ClientTls tls;
  };
  for (const Case& c : {Case{"system CAs only", Url("https"), {}},
                        Case{"another CA", Url("https"), {certs_.other_ca}},
                        // Right CA, but the certificate names 127.0.0.1 only.
                        Case{"wrong host name", Url("https", "localhost"), {certs_.ca}}}) {
    http::Client client(c.url, std::chrono::seconds(5), c.tls);
    auto got = client.Get("/hello");
    ASSERT_FALSE(got.ok()) << c.what;
    EXPECT_EQ(got.status().code(), StatusCode::kUnauthenticated) << c.what << ": " << got.status().ToString();
    EXPECT_NE(got.status().message().find("did not verify"), std::string::npos) << got.status().ToString();
  }
}

TEST_F(HttpsTest, PlainHttpToTheTlsPortGetsNoAnswer) {
  http::Client client(Url("http"), std::chrono::seconds(2));
  auto got = client.Get("/hello");
  EXPECT_FALSE(got.ok()) << "HTTP " << (got.ok() ? got->status : 0);
}

TEST_F(HttpsTest, HttpsToAPlainServerIsAHandshakeError) {
  http::Server plain(2);
  ASSERT_TRUE(plain.Start("127.0.0.1", 0).ok());
  EXPECT_FALSE(plain.tls());
  http::Client client("https://127.0.0.1:" + std::to_string(plain.port()), std::chrono::seconds(2),
                      http::ClientTls{certs_.ca});
  auto got = client.Get("/");
  ASSERT_FALSE(got.ok());
  EXPECT_NE(got.status().message().find("TLS handshake"), std::string::npos) << got.status().ToString();
}

TEST_F(HttpsTest, ClientsWithoutTheirOwnTlsUseTheProcessDefault) {
  EXPECT_EQ(http::SetDefaultClientTls({dir_ / "missing.crt"}).code(), StatusCode::kInvalidArgument);
  ASSERT_TRUE(http::SetDefaultClientTls({certs_.ca}).ok());
  auto got = http::Client(Url("https")).Get("/hello");
  ASSERT_TRUE(http::SetDefaultClientTls({}).ok());  // before any assertion can return
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(got->status, 200);
  EXPECT_FALSE(http::Client(Url("https")).Get("/hello").ok());
}

TEST(HttpsServerTest, ACertificateThatCannotBeLoadedFailsStartNamingIt) {
  testing::TempDir dir("pm-tls");
  http::Server server(2, http::ServerTls{dir / "none.crt", dir / "none.key"});
  Status started = server.Start("127.0.0.1", 0);
  ASSERT_FALSE(started.ok());
  EXPECT_EQ(started.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(started.message().find(dir / "none.crt"), std::string::npos) << started.ToString();
}

}  // namespace
}  // namespace paasmaker
