#include <gtest/gtest.h>

#include "core/api_response.h"
#include "core/result.h"

namespace paasmaker {
namespace {

Result<int> Half(int n) {
  if (n % 2 != 0) return InvalidArgument("odd: " + std::to_string(n));
  return n / 2;
}

Result<int> Quarter(int n) {
  PM_ASSIGN_OR_RETURN(int half, Half(n));
  return Half(half);
}

TEST(StatusTest, OkAndErrors) {
  EXPECT_TRUE(Status::Ok().ok());
  Status s = NotFound("no such node x");
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.ToString(), "NOT_FOUND: no such node x");
  EXPECT_EQ(s.WithContext("listing").message(), "listing: no such node x");
}

TEST(StatusTest, ResultPropagates) {
  EXPECT_EQ(*Quarter(8), 2);
  auto r = Quarter(6);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "odd: 3");
  EXPECT_EQ(Quarter(5).value_or(-1), -1);
}

TEST(StatusTest, ResultFromOkStatusIsAnError) {
  Result<int> r{Status::Ok()};
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInternal);
}

TEST(StatusTest, HttpMappingIsOneTable) {
  EXPECT_EQ(api::HttpStatusFor(InvalidArgument("x")), 400);
  EXPECT_EQ(api::HttpStatusFor(Unauthenticated("x")), 401);
  EXPECT_EQ(api::HttpStatusFor(PermissionDenied("x")), 403);
  EXPECT_EQ(api::HttpStatusFor(NotFound("x")), 404);
  EXPECT_EQ(api::HttpStatusFor(AlreadyExists("x")), 409);
  EXPECT_EQ(api::HttpStatusFor(Unavailable("x")), 503);
  EXPECT_EQ(api::HttpStatusFor(Internal("x")), 500);
  EXPECT_EQ(api::HttpStatusFor(TooLarge("x")), 413);
}

TEST(StatusTest, DetailTravelsWithContextAndBecomesTheErrorData) {
  Status s = FailedPrecondition("offset 3 is not 5").WithDetail({{"upload", {{"received", 5}}}}).WithContext("put");
  ASSERT_NE(s.detail(), nullptr);
  EXPECT_EQ((*s.detail())["upload"]["received"], 5);
  EXPECT_EQ(NotFound("x").detail(), nullptr);
  EXPECT_TRUE(Status::Ok().WithDetail(nlohmann::json::object()).detail() == nullptr) << "an OK status has no detail";

  http::Response res;
  api::Respond(res, Result<nlohmann::json>(s));
  EXPECT_EQ(res.status, 409);
  auto body = nlohmann::json::parse(res.body);
  EXPECT_EQ(body["data"]["upload"]["received"], 5);
  EXPECT_EQ(body["errors"], nlohmann::json::array({"put: offset 3 is not 5"}));
}

TEST(StatusTest, RespondWritesValuesAndErrorsThroughOneMapping) {
  http::Response ok;
  api::Respond(ok, Result<nlohmann::json>(nlohmann::json{{"n", 1}}));
  EXPECT_EQ(ok.status, 200);
  EXPECT_EQ(nlohmann::json::parse(ok.body), (nlohmann::json{{"data", {{"n", 1}}}, {"errors", nlohmann::json::array()}}));

  http::Response accepted;
  api::Respond(accepted, Result<api::Reply>(api::Reply::Accepted({{"job_id", "j"}})));
  EXPECT_EQ(accepted.status, 202);
  EXPECT_EQ(nlohmann::json::parse(accepted.body)["data"]["job_id"], "j");

  http::Response refused;
  api::Respond(refused, Result<api::Reply>(Unauthenticated("who are you")));
  EXPECT_EQ(refused.status, 401);
  EXPECT_EQ(refused.headers["WWW-Authenticate"], "Bearer");
  EXPECT_TRUE(nlohmann::json::parse(refused.body)["data"].is_null());
}

}  // namespace
}  // namespace paasmaker
