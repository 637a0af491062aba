// CheckUidCanReach: a root heart refuses an instances directory its
// instance uids cannot pass through, naming the directory that stops them.
#include "heart/uid_reach.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

#include "temp_dir.h"

namespace paasmaker::heart {
namespace {

constexpr uid_t kInstanceUid = 61000;

class UidReachTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root: the check takes an instance uid";
    ASSERT_EQ(::chmod(tmp_.path().c_str(), 0711), 0);
  }
  std::string Dir(const std::string& relative, mode_t mode) {
    std::string path = tmp_ / relative;
    std::filesystem::create_directories(path);
    EXPECT_EQ(::chmod(path.c_str(), mode), 0);
    return path;
  }
  testing::TempDir tmp_{"pm-uid-reach"};
};

TEST_F(UidReachTest, ATraversablePathIsFine) {
  Dir("open", 0711);
  EXPECT_TRUE(CheckUidCanReach(Dir("open/instances", 0711), kInstanceUid).ok());
}

TEST_F(UidReachTest, APrivateDirectoryOnTheWayIsNamedWithTheFix) {
  std::string instances = Dir("private/data/instances", 0711);
  std::string blocked = Dir("private", 0700);
  Status status = CheckUidCanReach(instances, kInstanceUid);
  ASSERT_EQ(status.code(), StatusCode::kFailedPrecondition) << status.ToString();
  EXPECT_NE(status.message().find("cannot enter " + blocked + " (mode 0700, owner uid 0)"), std::string::npos)
      << status.message();
  EXPECT_NE(status.message().find("chmod o+x " + blocked), std::string::npos) << status.message();
  EXPECT_NE(status.message().find("uid 61000"), std::string::npos) << status.message();
}

TEST_F(UidReachTest, TheDirectoryItselfCounts) {
  std::string instances = Dir("shut", 0700);
  Status status = CheckUidCanReach(instances, kInstanceUid);
  EXPECT_NE(status.message().find("cannot enter " + instances + " "), std::string::npos) << status.ToString();
}

}  // namespace
}  // namespace paasmaker::heart
