#include <gtest/gtest.h>

#include <regex>
#include <set>

#include "core/ids.h"

namespace paasmaker {
namespace {

TEST(IdsTest, UuidsAreVersion4AndUnique) {
  ASSERT_TRUE(ids::Initialize().ok());
  std::set<std::string> seen;
  std::regex shape("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$");
  for (int i = 0; i < 1000; ++i) {
    std::string id = ids::NewUuid();
    EXPECT_TRUE(std::regex_match(id, shape)) << id;
    seen.insert(id);
  }
  EXPECT_EQ(seen.size(), 1000u);
}

TEST(IdsTest, PasswordHashIsSaltedAndVerifies) {
  ASSERT_TRUE(ids::Initialize().ok());
  auto a = ids::HashPassword("correct horse");
  auto b = ids::HashPassword("correct horse");
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_NE(*a, *b);  // salted
  EXPECT_EQ(a->find("correct horse"), std::string::npos);
  EXPECT_TRUE(ids::VerifyPassword(*a, "correct horse"));
  EXPECT_FALSE(ids::VerifyPassword(*a, "wrong"));
  EXPECT_EQ(a->rfind("$argon2id$", 0), 0u);
}

TEST(IdsTest, TokensAndHashes) {
  ASSERT_TRUE(ids::Initialize().ok());
  EXPECT_EQ(ids::RandomToken(24).size(), 48u);
  EXPECT_NE(ids::RandomToken(), ids::RandomToken());
  EXPECT_EQ(ids::Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_TRUE(ids::SecretsEqual("abc", "abc"));
  EXPECT_FALSE(ids::SecretsEqual("abc", "abd"));
  EXPECT_FALSE(ids::SecretsEqual("abc", "ab"));
}

}  // namespace
}  // namespace paasmaker
