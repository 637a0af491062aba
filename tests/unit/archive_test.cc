// Tests for core/archive: hostile archives are built here with libarchive's
// writer, which happily writes entries no honest packer would.
#include "core/archive.h"

#include <archive.h>
#include <archive_entry.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <functional>
#include <map>
#include <random>

#include "core/files.h"
#include "temp_dir.h"

namespace paasmaker {
namespace {

enum class Filter { kNone, kGzip, kBzip2, kXz };

class ArchiveWriter {
 public:
  explicit ArchiveWriter(const std::string& path, bool zip = false, Filter filter = Filter::kGzip)
      : a_(archive_write_new()) {
    if (zip) {
      archive_write_set_format_zip(a_);
    } else {
      archive_write_set_format_pax_restricted(a_);
      int r = ARCHIVE_OK;
      switch (filter) {
        case Filter::kNone:
          break;
        case Filter::kGzip:
          r = archive_write_add_filter_gzip(a_);
          break;
        case Filter::kBzip2:
          r = archive_write_add_filter_bzip2(a_);
          break;
        case Filter::kXz:
          r = archive_write_add_filter_xz(a_);
          break;
      }
      EXPECT_EQ(r, ARCHIVE_OK) << archive_error_string(a_);
    }
    EXPECT_EQ(archive_write_open_filename(a_, path.c_str()), ARCHIVE_OK) << archive_error_string(a_);
  }
  ~ArchiveWriter() { Close(); }

  void Close() {
    if (a_ == nullptr) return;
    EXPECT_EQ(archive_write_close(a_), ARCHIVE_OK) << archive_error_string(a_);
    archive_write_free(a_);
    a_ = nullptr;
  }

  void File(const std::string& name, const std::string& content, mode_t perm = 0644) {
    Header(name, AE_IFREG, perm, static_cast<int64_t>(content.size()));
    EXPECT_EQ(archive_write_data(a_, content.data(), content.size()), static_cast<la_ssize_t>(content.size()));
  }
  // `size` zero bytes, written a chunk at a time so a bomb never sits in memory.
  void Zeros(const std::string& name, int64_t size) {
    Header(name, AE_IFREG, 0644, size);
    std::string chunk(1 << 20, '\0');
    for (int64_t left = size; left > 0; left -= static_cast<int64_t>(chunk.size())) {
      size_t n = static_cast<size_t>(std::min<int64_t>(left, static_cast<int64_t>(chunk.size())));
      ASSERT_EQ(archive_write_data(a_, chunk.data(), n), static_cast<la_ssize_t>(n));
    }
  }
  void Dir(const std::string& name, mode_t perm = 0755) { Header(name, AE_IFDIR, perm, 0); }
  void Symlink(const std::string& name, const std::string& target) {
    Header(name, AE_IFLNK, 0777, 0, [&](archive_entry* e) { archive_entry_set_symlink(e, target.c_str()); });
  }
  void Hardlink(const std::string& name, const std::string& target) {
    Header(name, AE_IFREG, 0644, 0, [&](archive_entry* e) { archive_entry_set_hardlink(e, target.c_str()); });
  }
  void Special(const std::string& name, mode_t type) { Header(name, type, 0644, 0); }

 private:
  void Header(const std::string& name, mode_t type, mode_t perm, int64_t size,
              const std::function<void(archive_entry*)>& extra = nullptr) {
    archive_entry* e = archive_entry_new();
    archive_entry_set_pathname(e, name.c_str());
    archive_entry_set_filetype(e, type);
    archive_entry_set_perm(e, perm);
    archive_entry_set_size(e, size);
    if (extra) extra(e);
    EXPECT_GE(archive_write_header(a_, e), ARCHIVE_WARN) << archive_error_string(a_);
    archive_entry_free(e);
  }

  struct archive* a_;
};

// Relative path -> what is there: "file <mode> <content>", "dir <mode>", "link <target>".
std::map<std::string, std::string> Describe(const std::string& root) {
  std::map<std::string, std::string> out;
  for (const auto& e : std::filesystem::recursive_directory_iterator(root)) {
    std::string rel = e.path().lexically_relative(root).string();
    struct stat st;
    EXPECT_EQ(::lstat(e.path().c_str(), &st), 0);
    char mode[8];
    std::snprintf(mode, sizeof(mode), "%04o", st.st_mode & 07777);
    if (S_ISLNK(st.st_mode)) {
      out[rel] = "link " + std::filesystem::read_symlink(e.path()).string();
    } else if (S_ISDIR(st.st_mode)) {
      out[rel] = std::string("dir ") + mode;
    } else {
      out[rel] = std::string("file ") + mode + " " + *files::ReadFile(e.path());
    }
  }
  return out;
}

void WriteFile(const std::string& path, const std::string& content, mode_t mode = 0644) {
  ASSERT_TRUE(files::WriteFileAtomically(path, content, mode).ok());
}

void MakeDir(const std::string& path, mode_t mode = 0755) {
  ASSERT_EQ(::mkdir(path.c_str(), mode), 0);
  ASSERT_EQ(::chmod(path.c_str(), mode), 0);
}

TEST(ArchiveTest, PackThenUnpackKeepsContentModesAndSymlinks) {
  testing::TempDir dir;
  std::string src = dir / "src";
  MakeDir(src);
  WriteFile(src + "/app.py", "print('hello')\n", 0644);
  WriteFile(src + "/run.sh", "#!/bin/sh\nexec python3 app.py\n", 0750);
  WriteFile(src + "/binary", std::string("\0\x01\xff\x7f zero\0", 11), 0600);
  MakeDir(src + "/lib", 0750);
  MakeDir(src + "/lib/empty", 0700);
  WriteFile(src + "/lib/util.py", "x = 1\n", 0444);
  WriteFile(src + "/lib/setuid", "s", 0755);
  ASSERT_EQ(::chmod((src + "/lib/setuid").c_str(), 04755), 0);
  ASSERT_EQ(::symlink("lib/util.py", (src + "/util-link").c_str()), 0);
  ASSERT_EQ(::symlink("../app.py", (src + "/lib/up-link").c_str()), 0);

  auto packed = archives::PackDirectory(src, dir / "pkg.tar.gz");
  ASSERT_TRUE(packed.ok()) << packed.status().ToString();
  EXPECT_TRUE(packed->skipped.empty());
  EXPECT_EQ(packed->size, std::filesystem::file_size(dir / "pkg.tar.gz"));
  auto sum = archives::Sha256File(dir / "pkg.tar.gz");
  ASSERT_TRUE(sum.ok());
  EXPECT_EQ(packed->sha256, *sum);
  EXPECT_EQ(packed->sha256.size(), 64u);

  auto stats = archives::Unpack(dir / "pkg.tar.gz", dir / "out/nested");
  ASSERT_TRUE(stats.ok()) << stats.status().ToString();
  EXPECT_EQ(stats->entries, 9u);

  auto expected = Describe(src);
  expected["lib/setuid"] = "file 0755 s";  // setuid is stripped on the way out
  EXPECT_EQ(Describe(dir / "out/nested"), expected);
  EXPECT_EQ(Describe(dir / "out/nested")["util-link"], "link lib/util.py");
}

TEST(ArchiveTest, Sha256FileMatchesKnownDigest) {
  testing::TempDir dir;
  WriteFile(dir / "abc", "abc");
  auto sum = archives::Sha256File(dir / "abc");
  ASSERT_TRUE(sum.ok());
  EXPECT_EQ(*sum, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(archives::Sha256File(dir / "missing").status().code(), StatusCode::kNotFound);
}

// Builds an archive whose first entries are harmless, unpacks it, and expects
// a refusal that mentions `why` and leaves the destination empty.
void ExpectRefused(const std::function<void(ArchiveWriter&)>& build, const std::string& why,
                   archives::UnpackLimits limits = {}) {
  testing::TempDir dir;
  {
    ArchiveWriter w(dir / "bad.tar.gz");
    w.Dir("ok/");
    w.File("ok/fine.txt", "fine");
    build(w);
  }
  auto result = archives::Unpack(dir / "bad.tar.gz", dir / "dest", limits);
  ASSERT_FALSE(result.ok()) << "expected a refusal mentioning: " << why;
  EXPECT_EQ(result.status().code(), StatusCode::kInvalidArgument) << result.status().ToString();
  EXPECT_NE(result.status().message().find(why), std::string::npos) << result.status().ToString();
  EXPECT_TRUE(std::filesystem::is_empty(dir / "dest")) << "partial files left behind";
}

TEST(ArchiveTest, RefusesDotDotPath) {
  ExpectRefused([](ArchiveWriter& w) { w.File("../evil", "x"); }, "entry '../evil' has a '..' component");
  ExpectRefused([](ArchiveWriter& w) { w.File("ok/../../evil", "x"); }, "'..'");
}

TEST(ArchiveTest, RefusesAbsolutePath) {
  ExpectRefused([](ArchiveWriter& w) { w.File("/abs/path", "x"); }, "entry '/abs/path' has an absolute path");
}

TEST(ArchiveTest, RefusesSymlinkToAbsolutePath) {
  ExpectRefused([](ArchiveWriter& w) { w.Symlink("passwd", "/etc/passwd"); },
                "symlink 'passwd' -> '/etc/passwd' points to an absolute path");
}

TEST(ArchiveTest, RefusesSymlinkClimbingOut) {
  ExpectRefused([](ArchiveWriter& w) { w.Symlink("a", "../../x"); }, "symlink 'a' -> '../../x' points outside");
  ExpectRefused([](ArchiveWriter& w) { w.Symlink("ok/a", "../../x"); }, "symlink 'ok/a' -> '../../x' points outside");
}

TEST(ArchiveTest, RefusesSymlinkEscapingThroughAnotherSymlink) {
  // Each link alone looks harmless; together x is dest/.. .
  ExpectRefused(
      [](ArchiveWriter& w) {
        w.Symlink("x", "ok/up/..");
        w.Symlink("ok/up", "..");
      },
      "symlink 'x' resolves outside the destination through symlink 'ok/up'");
}

TEST(ArchiveTest, RefusesWritingThroughSymlink) {
  ExpectRefused(
      [](ArchiveWriter& w) {
        w.Symlink("link", "ok");
        w.File("link/planted", "x");
      },
      "entry 'link/planted' would be written through symlink 'link'");
}

TEST(ArchiveTest, RefusesHardLinksOutside) {
  ExpectRefused([](ArchiveWriter& w) { w.Hardlink("h", "../outside"); },
                "hard link 'h' -> '../outside' has a '..' component");
  ExpectRefused([](ArchiveWriter& w) { w.Hardlink("h", "/etc/passwd"); },
                "hard link 'h' -> '/etc/passwd' has an absolute path");
  ExpectRefused([](ArchiveWriter& w) { w.Hardlink("h", "never/extracted"); },
                "does not point to a regular file earlier in the archive");
}

TEST(ArchiveTest, RefusesDevicesAndFifos) {
  ExpectRefused([](ArchiveWriter& w) { w.Special("ok/tty", AE_IFCHR); }, "entry 'ok/tty' is a character device");
  ExpectRefused([](ArchiveWriter& w) { w.Special("disk", AE_IFBLK); }, "entry 'disk' is a block device");
  ExpectRefused([](ArchiveWriter& w) { w.Special("pipe", AE_IFIFO); }, "entry 'pipe' is a FIFO");
}

TEST(ArchiveTest, RefusalNamesAreSafeToLog) {
  ExpectRefused([](ArchiveWriter& w) { w.File("evil\x1b[2J\n/../x", "x"); }, "entry 'evil\\x1b[2J\\x0a/../x'");
  std::string deep;
  for (int i = 0; i < 40; ++i) deep += std::string(120, 'd') + "/";
  ExpectRefused([&](ArchiveWriter& w) { w.File(deep + "f", "x"); }, "has too long a path");
}

TEST(ArchiveTest, StopsCompressionBombByRatio) {
  // 64 MiB of zeros gzip to ~64 KiB: ratio ~1000, above the default 200.
  ExpectRefused([](ArchiveWriter& w) { w.Zeros("zeros", 64 << 20); },
                "entry 'zeros' takes the unpacked size past 200 times the archive's");
}

TEST(ArchiveTest, StopsAtSizeAndEntryLimits) {
  archives::UnpackLimits limits;
  limits.max_total_bytes = 1000;
  ExpectRefused(
      [](ArchiveWriter& w) {
        w.File("a", std::string(600, 'a'));
        w.File("b", std::string(600, 'b'));
      },
      "entry 'b' takes the unpacked size past the limit of 1000 bytes", limits);

  limits = {};
  limits.max_entry_bytes = 100;
  ExpectRefused([](ArchiveWriter& w) { w.File("big", std::string(200, 'x')); },
                "entry 'big' is larger than the limit of 100 bytes", limits);

  limits = {};
  limits.max_entries = 3;
  ExpectRefused(
      [](ArchiveWriter& w) {
        w.File("b", "b");
        w.File("c", "c");
      },
      "more than 3 entries", limits);
}

TEST(ArchiveTest, UnpacksZip) {
  testing::TempDir dir;
  {
    ArchiveWriter w(dir / "app.zip", /*zip=*/true);
    w.Dir("bin/");
    w.File("bin/start", "#!/bin/sh\n", 0755);
    w.File("README", "zipped\n");
  }
  auto stats = archives::Unpack(dir / "app.zip", dir / "dest");
  ASSERT_TRUE(stats.ok()) << stats.status().ToString();
  auto tree = Describe(dir / "dest");
  EXPECT_EQ(tree["README"], "file 0644 zipped\n");
  EXPECT_EQ(tree["bin/start"], "file 0755 #!/bin/sh\n");
}

class ArchiveCompressionTest : public ::testing::TestWithParam<Filter> {};

TEST_P(ArchiveCompressionTest, UnpacksTar) {
  testing::TempDir dir;
  {
    ArchiveWriter w(dir / "app.tar", /*zip=*/false, GetParam());
    w.File("a/b/c.txt", "deep\n");
    w.Symlink("a/c", "b/c.txt");
  }
  auto stats = archives::Unpack(dir / "app.tar", dir / "dest");
  ASSERT_TRUE(stats.ok()) << stats.status().ToString();
  EXPECT_EQ(stats->bytes, 5u);
  EXPECT_EQ(*files::ReadFile(dir / "dest/a/c"), "deep\n");
}

INSTANTIATE_TEST_SUITE_P(Archive, ArchiveCompressionTest,
                         ::testing::Values(Filter::kNone, Filter::kGzip, Filter::kBzip2, Filter::kXz));

TEST(ArchiveTest, TruncatedOrGarbageArchiveIsAClearError) {
  testing::TempDir dir;
  MakeDir(dir / "src");
  std::mt19937 random(42);  // incompressible, so half the archive is half of this file
  std::string noise(300000, '\0');
  for (char& c : noise) c = static_cast<char>(random());
  WriteFile(dir / "src/noise", noise);
  WriteFile(dir / "src/z-after", "after");
  ASSERT_TRUE(archives::PackDirectory(dir / "src", dir / "pkg.tar.gz").ok());
  std::filesystem::resize_file(dir / "pkg.tar.gz", std::filesystem::file_size(dir / "pkg.tar.gz") / 2);

  auto truncated = archives::Unpack(dir / "pkg.tar.gz", dir / "dest");
  ASSERT_FALSE(truncated.ok());
  EXPECT_EQ(truncated.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(truncated.status().message().find("noise"), std::string::npos) << truncated.status().ToString();
  EXPECT_TRUE(std::filesystem::is_empty(dir / "dest"));

  WriteFile(dir / "garbage.tgz", "this is not an archive at all, not even close to one\n");
  auto garbage = archives::Unpack(dir / "garbage.tgz", dir / "dest");
  ASSERT_FALSE(garbage.ok());
  EXPECT_EQ(garbage.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(garbage.status().message().find("not a tar/zip file"), std::string::npos) << garbage.status().ToString();

  EXPECT_EQ(archives::Unpack(dir / "missing.tgz", dir / "dest").status().code(), StatusCode::kNotFound);
}

TEST(ArchiveTest, UnpackKeepsExistingFilesAndRefusesCollisions) {
  testing::TempDir dir;
  MakeDir(dir / "dest");
  WriteFile(dir / "dest/keep.txt", "mine");
  {
    ArchiveWriter w(dir / "new.tar.gz");
    w.File("new.txt", "new");
  }
  ASSERT_TRUE(archives::Unpack(dir / "new.tar.gz", dir / "dest").ok());
  {
    ArchiveWriter w(dir / "clash.tar.gz");
    w.File("other.txt", "other");
    w.File("keep.txt", "theirs");
  }
  auto clash = archives::Unpack(dir / "clash.tar.gz", dir / "dest");
  ASSERT_FALSE(clash.ok());
  EXPECT_EQ(clash.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(clash.status().message().find("'keep.txt'"), std::string::npos) << clash.status().ToString();
  auto tree = Describe(dir / "dest");
  EXPECT_EQ(tree.size(), 2u) << "no other.txt, no staging directory";
  EXPECT_EQ(tree["keep.txt"], "file 0644 mine");
  EXPECT_EQ(tree["new.txt"], "file 0644 new");
}

TEST(ArchiveTest, PackRefusesSymlinkOutsideAndSkipsSpecialFiles) {
  testing::TempDir dir;
  MakeDir(dir / "src");
  WriteFile(dir / "src/a", "a");
  ASSERT_EQ(::mkfifo((dir / "src/pipe").c_str(), 0644), 0);
  auto packed = archives::PackDirectory(dir / "src", dir / "src/self.tar.gz");  // inside its own source
  ASSERT_TRUE(packed.ok()) << packed.status().ToString();
  EXPECT_EQ(packed->skipped, std::vector<std::string>{"pipe"});
  ASSERT_TRUE(archives::Unpack(dir / "src/self.tar.gz", dir / "out").ok());
  EXPECT_EQ(Describe(dir / "out"), (std::map<std::string, std::string>{{"a", "file 0644 a"}}));

  ASSERT_EQ(::symlink("/etc/passwd", (dir / "src/passwd").c_str()), 0);
  auto refused = archives::PackDirectory(dir / "src", dir / "bad.tar.gz");
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find("symlink 'passwd' -> '/etc/passwd'"), std::string::npos)
      << refused.status().ToString();
  EXPECT_FALSE(files::Exists(dir / "bad.tar.gz"));
  for (const auto& e : std::filesystem::directory_iterator(dir.path())) {
    EXPECT_EQ(e.path().filename().string().find(".tmp-"), std::string::npos) << "temp file left: " << e.path();
  }
}

}  // namespace
}  // namespace paasmaker
