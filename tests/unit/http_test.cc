#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "core/api_response.h"
#include "core/http.h"

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

}  // namespace
}  // namespace paasmaker
