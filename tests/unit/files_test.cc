#include <gtest/gtest.h>
#include <sys/stat.h>

#include "core/files.h"
#include "temp_dir.h"

namespace paasmaker {
namespace {

TEST(FilesTest, AtomicWriteReplacesContentWithMode) {
  testing::TempDir dir;
  std::string path = dir / "catalog.json";
  ASSERT_TRUE(files::WriteFileAtomically(path, "one", 0600).ok());
  ASSERT_TRUE(files::WriteFileAtomically(path, "two", 0600).ok());
  EXPECT_EQ(*files::ReadFile(path), "two");
  struct stat st;
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
}

TEST(FilesTest, ReadMissingFileNamesIt) {
  auto r = files::ReadFile("/nonexistent/x.yml");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("/nonexistent/x.yml"), std::string::npos);
}

TEST(FilesTest, LockFileRefusesSecondHolder) {
  testing::TempDir dir;
  auto first = files::LockFile::Acquire(dir / "lock");
  ASSERT_TRUE(first.ok());
  auto second = files::LockFile::Acquire(dir / "lock");
  ASSERT_FALSE(second.ok());
  EXPECT_NE(second.status().message().find("already using this data directory"), std::string::npos);
}

}  // namespace
}  // namespace paasmaker
