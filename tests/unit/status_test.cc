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
}

}  // namespace
}  // namespace paasmaker
