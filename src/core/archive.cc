#include "core/archive.h"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <limits.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <deque>
#include <filesystem>
#include <memory>
#include <set>
#include <string_view>
#include <utility>

#include "core/files.h"

namespace paasmaker::archives {
namespace {

constexpr size_t kBufferSize = 64 * 1024;
// Below this many unpacked bytes the ratio limit is not applied (see UnpackLimits).
constexpr uint64_t kRatioGraceBytes = 1 << 20;
// The kernel's own limit on symlinks followed while resolving one path.
constexpr int kMaxSymlinkHops = 40;

// NOABSOLUTEPATHS is deliberately absent: libarchive's disk writer resolves
// relative names against the process-wide working directory, which a library
// must not change (other threads use it), so every entry is given an absolute
// name inside the staging directory, which that flag would reject. Absolute names
// from the archive are refused before that (CleanEntryPath), and prefixing the
// staging directory would confine one anyway. SECURE_SYMLINKS checks every
// component of that absolute name, which is why the staging path is canonical.
constexpr int kExtractFlags =
    ARCHIVE_EXTRACT_PERM | ARCHIVE_EXTRACT_TIME | ARCHIVE_EXTRACT_SECURE_NODOTDOT | ARCHIVE_EXTRACT_SECURE_SYMLINKS;

template <auto Free>
struct Freer {
  template <typename T>
  void operator()(T* p) const {
    Free(p);
  }
};
using ReadHandle = std::unique_ptr<struct archive, Freer<archive_read_free>>;
using WriteHandle = std::unique_ptr<struct archive, Freer<archive_write_free>>;
using EntryHandle = std::unique_ptr<archive_entry, Freer<archive_entry_free>>;

// Names come from untrusted archives and end up in logs: control characters
// are escaped and very long names cut.
std::string Quote(std::string_view s) {
  std::string out = "'";
  for (unsigned char c : s.substr(0, 200)) {
    char escaped[8];
    std::snprintf(escaped, sizeof(escaped), "\\x%02x", c);
    out += (c < 0x20 || c == 0x7f) ? std::string(escaped) : std::string(1, static_cast<char>(c));
  }
  return out + (s.size() > 200 ? "'..." : "'");
}

std::string LibError(struct archive* a) {
  const char* text = archive_error_string(a);
  return text != nullptr ? text : "unknown libarchive error";
}

// Path components with empty and "." ones dropped: "./a//b/." -> {a, b}.
std::vector<std::string> Components(std::string_view path) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    std::string_view part = path.substr(start, end - start);
    if (!part.empty() && part != ".") parts.emplace_back(part);
    start = end + 1;
  }
  return parts;
}

std::string Join(const std::vector<std::string>& parts, size_t count) {
  std::string out;
  for (size_t i = 0; i < count; ++i) {
    if (i > 0) out += '/';
    out += parts[i];
  }
  return out;
}

// The normalised relative form of an entry or hard-link name; "" for the root
// itself ("./"). Any ".." is refused, even one that would stay inside: a
// legitimate packer never writes one, and libarchive's NODOTDOT refuses it too.
Result<std::string> CleanEntryPath(std::string_view raw, std::string_view what) {
  if (!raw.empty() && raw.front() == '/') {
    return InvalidArgument(std::string(what) + " has an absolute path");
  }
  std::vector<std::string> parts = Components(raw);
  for (const std::string& part : parts) {
    if (part == "..") {
      return InvalidArgument(std::string(what) + " has a '..' component, which could escape the destination");
    }
  }
  return Join(parts, parts.size());
}

// Lexical check of a symlink's target: absolute targets and ones with more
// ".." than the link is deep leave the tree. Links through other links are
// caught by CheckResolvesInside once the whole tree exists.
Status CheckSymlinkTarget(const std::string& link_rel, std::string_view target, std::string_view tree) {
  std::string what = "symlink " + Quote(link_rel) + " -> " + Quote(target);
  if (target.empty()) return InvalidArgument("symlink " + Quote(link_rel) + " has an empty target");
  if (target.front() == '/') return InvalidArgument(what + " points to an absolute path outside " + std::string(tree));
  size_t depth = Components(link_rel).size() - 1;  // directories above the link
  for (const std::string& part : Components(target)) {
    if (part != "..") {
      ++depth;
    } else if (depth == 0) {
      return InvalidArgument(what + " points outside " + std::string(tree));
    } else {
      --depth;
    }
  }
  return Status::Ok();
}

Result<std::string> ReadLink(const std::string& path) {
  std::string target(PATH_MAX, '\0');
  ssize_t n = ::readlink(path.c_str(), target.data(), target.size());
  if (n < 0) return ErrnoStatus("reading symlink " + path, errno);
  target.resize(static_cast<size_t>(n));
  return target;
}

// Resolves the symlink at root/link_rel component by component, as the kernel
// would, and refuses if any step climbs above root or meets an absolute target.
// Components that do not exist are taken lexically. This catches escapes the
// lexical check cannot see, such as "x -> d/l/.." where d/l is itself "..".
Status CheckResolvesInside(const std::string& root, const std::string& link_rel) {
  std::vector<std::string> where = Components(link_rel);
  std::deque<std::string> pending{where.back()};
  where.pop_back();
  std::string via = link_rel;
  int hops = 0;
  auto refuse = [&](std::string_view why) {
    std::string message = "symlink " + Quote(link_rel) + " " + std::string(why);
    if (via != link_rel) message += " through symlink " + Quote(via);
    return InvalidArgument(message);
  };
  while (!pending.empty()) {
    std::string part = std::move(pending.front());
    pending.pop_front();
    if (part == "..") {
      if (where.empty()) return refuse("resolves outside the destination");
      where.pop_back();
      continue;
    }
    where.push_back(std::move(part));
    std::string rel = Join(where, where.size());
    struct stat st;
    if (::lstat((root + "/" + rel).c_str(), &st) != 0 || !S_ISLNK(st.st_mode)) continue;
    if (++hops > kMaxSymlinkHops) return refuse("has too many levels of symlinks");
    PM_ASSIGN_OR_RETURN(std::string target, ReadLink(root + "/" + rel));
    via = rel;
    if (target.empty() || target.front() == '/') return refuse("resolves to an absolute path");
    where.pop_back();
    std::vector<std::string> parts = Components(target);
    pending.insert(pending.begin(), parts.begin(), parts.end());
  }
  return Status::Ok();
}

// Every symlink in the tree, checked once all of them exist. The iterator
// does not follow symlinks into directories.
Status CheckTreeSymlinks(const std::string& root) {
  std::error_code ec;
  for (std::filesystem::recursive_directory_iterator it(root, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->is_symlink(ec)) PM_RETURN_IF_ERROR(CheckResolvesInside(root, it->path().lexically_relative(root)));
  }
  if (ec) return IoError("inspecting unpacked files in " + root + ": " + ec.message());
  return Status::Ok();
}

// Archives may hold directories without write or search permission; make the
// tree removable before removing it (matters when not running as root).
void RemoveTree(const std::string& path) {
  struct stat st;
  if (::lstat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) {
    ::chmod(path.c_str(), 0700);
    auto names = files::ListDirectory(path);
    if (names.ok()) {
      for (const std::string& name : *names) RemoveTree(path + "/" + name);
    }
  }
  std::error_code ec;
  std::filesystem::remove_all(path, ec);
}

// rename(2) of a directory to another parent needs write permission on it.
int MoveEntry(const std::string& from, const std::string& to) {
  if (::rename(from.c_str(), to.c_str()) == 0) return 0;
  int err = errno;
  struct stat st;
  if (err != EACCES || ::lstat(from.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) return err;
  ::chmod(from.c_str(), (st.st_mode & 07777) | S_IWUSR);
  int r = ::rename(from.c_str(), to.c_str());
  err = errno;
  ::chmod((r == 0 ? to : from).c_str(), st.st_mode & 07777);
  return r == 0 ? 0 : err;
}

// Moves everything from staging into dest, or nothing: collisions are checked
// first, and a failed rename puts back what was already moved.
Status MoveChildren(const std::string& staging, const std::string& dest) {
  PM_ASSIGN_OR_RETURN(std::vector<std::string> names, files::ListDirectory(staging));
  for (const std::string& name : names) {
    struct stat st;
    if (::lstat((dest + "/" + name).c_str(), &st) == 0) {
      return FailedPrecondition("cannot unpack into " + dest + ": it already has " + Quote(name));
    }
  }
  for (size_t i = 0; i < names.size(); ++i) {
    int err = MoveEntry(staging + "/" + names[i], dest + "/" + names[i]);
    if (err != 0) {
      for (size_t j = 0; j < i; ++j) MoveEntry(dest + "/" + names[j], staging + "/" + names[j]);
      return ErrnoStatus("moving " + names[i] + " into " + dest, err);
    }
  }
  return Status::Ok();
}

std::string_view SpecialTypeName(mode_t type) {
  switch (type) {
    case AE_IFCHR:
      return "a character device";
    case AE_IFBLK:
      return "a block device";
    case AE_IFIFO:
      return "a FIFO";
    case AE_IFSOCK:
      return "a socket";
    default:
      return "of an unknown type";
  }
}

// libarchive returns null for a name it cannot convert to the locale's
// charset; the UTF-8 form is then the best there is.
const char* OrUtf8(const char* native, const char* utf8) { return native != nullptr ? native : utf8; }

// One Unpack call: the limits, running totals and what has been extracted so
// far into the staging directory.
class Extraction {
 public:
  Extraction(const UnpackLimits& limits, uint64_t archive_bytes, std::string staging)
      : limits_(limits), archive_bytes_(archive_bytes), staging_(std::move(staging)) {}

  Status Run(const std::string& archive_path);
  const UnpackStats& stats() const { return stats_; }

 private:
  Status ExtractEntry(struct archive* in, struct archive* out, archive_entry* entry);
  Status CheckEntryType(archive_entry* entry, const std::string& rel);
  Status CheckSize(const std::string& rel, uint64_t entry_bytes) const;
  Result<std::string> StagingPath(const std::string& rel) const;

  const UnpackLimits& limits_;
  const uint64_t archive_bytes_;
  const std::string staging_;
  UnpackStats stats_;
  std::set<std::string> regular_files_;  // hard links may point only at these
  std::set<std::string> symlinks_;       // nothing may be written beneath these
};

Status Extraction::Run(const std::string& archive_path) {
  ReadHandle in(archive_read_new());
  WriteHandle out(archive_write_disk_new());
  if (!in || !out) return Internal("libarchive could not allocate a handle");
  // Explicit formats and filters: support_*_all would also accept cpio, iso,
  // rar, ... and run external programs for compressions it lacks.
  archive_read_support_format_tar(in.get());
  archive_read_support_format_zip(in.get());
  archive_read_support_filter_gzip(in.get());
  archive_read_support_filter_bzip2(in.get());
  archive_read_support_filter_xz(in.get());
  archive_write_disk_set_options(out.get(), kExtractFlags);
  auto unreadable = [&] {
    return InvalidArgument("archive " + archive_path +
                           " is corrupt, truncated or not a tar/zip file: " + LibError(in.get()));
  };
  if (archive_read_open_filename(in.get(), archive_path.c_str(), kBufferSize) != ARCHIVE_OK) return unreadable();
  while (true) {
    archive_entry* entry = nullptr;
    int r = archive_read_next_header(in.get(), &entry);
    if (r == ARCHIVE_EOF) break;
    if (r < ARCHIVE_WARN) return unreadable();
    if (++stats_.entries > limits_.max_entries) {
      return InvalidArgument("archive " + archive_path + " has more than " + std::to_string(limits_.max_entries) +
                             " entries");
    }
    PM_RETURN_IF_ERROR(ExtractEntry(in.get(), out.get(), entry).WithContext("archive " + archive_path));
  }
  // Before close: close applies the archive's directory modes, which may make
  // directories unreadable for this walk.
  PM_RETURN_IF_ERROR(CheckTreeSymlinks(staging_).WithContext("archive " + archive_path));
  if (archive_write_close(out.get()) < ARCHIVE_WARN) {
    return IoError("finishing unpack of " + archive_path + ": " + LibError(out.get()));
  }
  return Status::Ok();
}

Status Extraction::ExtractEntry(struct archive* in, struct archive* out, archive_entry* entry) {
  const char* raw = OrUtf8(archive_entry_pathname(entry), archive_entry_pathname_utf8(entry));
  if (raw == nullptr || raw[0] == '\0') return InvalidArgument("an entry has no name");
  PM_ASSIGN_OR_RETURN(std::string rel, CleanEntryPath(raw, "entry " + Quote(raw)));
  mode_t type = archive_entry_filetype(entry);
  if (rel.empty()) {
    // The archive's root ("./"): dest_dir already exists and keeps its own mode.
    if (type == AE_IFDIR) return Status::Ok();
    return InvalidArgument("entry " + Quote(raw) + " has no name besides '.'");
  }
  PM_RETURN_IF_ERROR(CheckEntryType(entry, rel));
  std::vector<std::string> parts = Components(rel);
  for (size_t n = 1; n < parts.size(); ++n) {
    std::string prefix = Join(parts, n);
    if (symlinks_.count(prefix) > 0) {
      return InvalidArgument("entry " + Quote(rel) + " would be written through symlink " + Quote(prefix));
    }
  }
  if (archive_entry_size_is_set(entry) && archive_entry_size(entry) > 0) {
    PM_RETURN_IF_ERROR(CheckSize(rel, static_cast<uint64_t>(archive_entry_size(entry))));
  }

  PM_ASSIGN_OR_RETURN(std::string full, StagingPath(rel));
  archive_entry_set_pathname(entry, full.c_str());
  // Keep rwx bits only: setuid/setgid from an untrusted archive would be a gift.
  archive_entry_set_perm(entry, archive_entry_perm(entry) & 0777);
  if (archive_write_header(out, entry) < ARCHIVE_WARN) {
    return InvalidArgument("cannot create entry " + Quote(rel) + ": " + LibError(out));
  }

  // Stream the data, counting the furthest offset written (sparse files report
  // holes as offsets), so an entry whose header understated its size is still
  // stopped by the limits.
  uint64_t entry_bytes = 0;
  while (true) {
    const void* block = nullptr;
    size_t size = 0;
    la_int64_t offset = 0;
    int r = archive_read_data_block(in, &block, &size, &offset);
    if (r == ARCHIVE_EOF) break;
    if (r < ARCHIVE_WARN) return InvalidArgument("reading entry " + Quote(rel) + ": " + LibError(in));
    entry_bytes = std::max(entry_bytes, static_cast<uint64_t>(offset) + size);
    PM_RETURN_IF_ERROR(CheckSize(rel, entry_bytes));
    if (archive_write_data_block(out, block, size, offset) < ARCHIVE_OK) {
      return InvalidArgument("writing entry " + Quote(rel) + ": " + LibError(out));
    }
  }
  if (archive_entry_size_is_set(entry)) {
    entry_bytes = std::max(entry_bytes, static_cast<uint64_t>(std::max<la_int64_t>(archive_entry_size(entry), 0)));
  }
  if (archive_write_finish_entry(out) < ARCHIVE_WARN) {
    return IoError("finishing entry " + Quote(rel) + ": " + LibError(out));
  }
  stats_.bytes += entry_bytes;

  // Entries may replace earlier ones with the same name; track the latest.
  regular_files_.erase(rel);
  symlinks_.erase(rel);
  if (type == AE_IFLNK) symlinks_.insert(rel);
  if (type == AE_IFREG) regular_files_.insert(rel);
  return Status::Ok();
}

// Refuses what must never be created; rewrites a hard link's target into the
// staging directory.
Status Extraction::CheckEntryType(archive_entry* entry, const std::string& rel) {
  mode_t type = archive_entry_filetype(entry);
  const char* link = OrUtf8(archive_entry_hardlink(entry), archive_entry_hardlink_utf8(entry));
  if (link != nullptr) {
    std::string what = "hard link " + Quote(rel) + " -> " + Quote(link);
    PM_ASSIGN_OR_RETURN(std::string target, CleanEntryPath(link, what));
    if (regular_files_.count(target) == 0) {
      return InvalidArgument(what + " does not point to a regular file earlier in the archive");
    }
    PM_ASSIGN_OR_RETURN(std::string full, StagingPath(target));
    archive_entry_set_hardlink(entry, full.c_str());
    return Status::Ok();
  }
  if (type == AE_IFREG || type == AE_IFDIR) return Status::Ok();
  if (type == AE_IFLNK) {
    const char* target = OrUtf8(archive_entry_symlink(entry), archive_entry_symlink_utf8(entry));
    return CheckSymlinkTarget(rel, target != nullptr ? target : "", "the destination");
  }
  return InvalidArgument("entry " + Quote(rel) + " is " + std::string(SpecialTypeName(type)) +
                         "; only files, directories and links are unpacked");
}

Status Extraction::CheckSize(const std::string& rel, uint64_t entry_bytes) const {
  if (entry_bytes > limits_.max_entry_bytes) {
    return InvalidArgument("entry " + Quote(rel) + " is larger than the limit of " +
                           std::to_string(limits_.max_entry_bytes) + " bytes");
  }
  uint64_t total = stats_.bytes + entry_bytes;
  if (total > limits_.max_total_bytes) {
    return InvalidArgument("entry " + Quote(rel) + " takes the unpacked size past the limit of " +
                           std::to_string(limits_.max_total_bytes) + " bytes");
  }
  double allowed =
      std::max(static_cast<double>(kRatioGraceBytes), static_cast<double>(archive_bytes_) * limits_.max_ratio);
  if (static_cast<double>(total) > allowed) {
    char ratio[32];
    std::snprintf(ratio, sizeof(ratio), "%g", limits_.max_ratio);
    return InvalidArgument("entry " + Quote(rel) + " takes the unpacked size past " + ratio + " times the archive's " +
                           std::to_string(archive_bytes_) + " bytes (a compression bomb?)");
  }
  return Status::Ok();
}

Result<std::string> Extraction::StagingPath(const std::string& rel) const {
  std::string full = staging_ + "/" + rel;
  // Longer paths would make libarchive chdir (process-wide) to reach them.
  if (full.size() >= PATH_MAX) return InvalidArgument("entry " + Quote(rel) + " has too long a path");
  return full;
}

// Calls `consume` with successive chunks of fd's content until end of file.
template <typename Consume>
Status ReadChunks(int fd, const std::string& path, Consume consume) {
  std::vector<char> buffer(kBufferSize);
  while (true) {
    ssize_t n = ::read(fd, buffer.data(), buffer.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return ErrnoStatus("reading " + path, errno);
    if (n == 0) return Status::Ok();
    PM_RETURN_IF_ERROR(consume(buffer.data(), static_cast<size_t>(n)));
  }
}

std::string Hex(const unsigned char* data, size_t size) {
  std::string hex(size * 2 + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), data, size);
  hex.pop_back();
  return hex;
}

using FileId = std::pair<dev_t, ino_t>;

// Walks source_dir depth-first in name order, writing one entry per file.
class Packer {
 public:
  Packer(struct archive* out, std::string root, std::set<FileId> exclude)
      : out_(out), root_(std::move(root)), exclude_(std::move(exclude)) {}

  std::vector<std::string> TakeSkipped() { return std::move(skipped_); }

  Status PackTree(const std::string& rel) {
    PM_ASSIGN_OR_RETURN(std::vector<std::string> names, files::ListDirectory(rel.empty() ? root_ : root_ + "/" + rel));
    for (const std::string& name : names) {
      std::string child = rel.empty() ? name : rel + "/" + name;
      std::string path = root_ + "/" + child;
      struct stat st;
      if (::lstat(path.c_str(), &st) != 0) return ErrnoStatus("inspecting " + path, errno);
      if (exclude_.count({st.st_dev, st.st_ino}) > 0) continue;
      EntryHandle entry(archive_entry_new());
      archive_entry_set_pathname(entry.get(), child.c_str());
      archive_entry_set_perm(entry.get(), st.st_mode & 0777);
      archive_entry_set_mtime(entry.get(), st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
      if (S_ISDIR(st.st_mode)) {
        archive_entry_set_filetype(entry.get(), AE_IFDIR);
        PM_RETURN_IF_ERROR(WriteHeader(entry.get(), child));
        PM_RETURN_IF_ERROR(PackTree(child));
      } else if (S_ISLNK(st.st_mode)) {
        PM_ASSIGN_OR_RETURN(std::string target, ReadLink(path));
        PM_RETURN_IF_ERROR(
            CheckSymlinkTarget(child, target, "the packed directory").WithContext("Unpack would refuse this package"));
        archive_entry_set_filetype(entry.get(), AE_IFLNK);
        archive_entry_set_symlink(entry.get(), target.c_str());
        PM_RETURN_IF_ERROR(WriteHeader(entry.get(), child));
      } else if (S_ISREG(st.st_mode)) {
        PM_RETURN_IF_ERROR(PackFile(entry.get(), child));
      } else {
        skipped_.push_back(child);
      }
    }
    return Status::Ok();
  }

 private:
  Status WriteHeader(archive_entry* entry, const std::string& rel) {
    if (archive_write_header(out_, entry) >= ARCHIVE_WARN) return Status::Ok();
    return IoError("packing " + Quote(rel) + ": " + LibError(out_));
  }

  Status PackFile(archive_entry* entry, const std::string& rel) {
    std::string path = root_ + "/" + rel;
    // O_NOFOLLOW and fstat: the size in the header is that of the file read,
    // even if the name was swapped since lstat.
    int fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) return ErrnoStatus("opening " + path, errno);
    std::unique_ptr<int, void (*)(int*)> closer(&fd, [](int* f) { ::close(*f); });
    struct stat st;
    if (::fstat(fd, &st) != 0) return ErrnoStatus("inspecting " + path, errno);
    archive_entry_set_filetype(entry, AE_IFREG);
    archive_entry_set_size(entry, st.st_size);
    PM_RETURN_IF_ERROR(WriteHeader(entry, rel));
    // The header is written; a file that grows or shrinks now would not match it.
    Status changed = Aborted(path + " changed size while it was being packed");
    int64_t total = 0;
    PM_RETURN_IF_ERROR(ReadChunks(fd, path, [&](const char* data, size_t size) -> Status {
      total += static_cast<int64_t>(size);
      if (total > st.st_size) return changed;
      if (archive_write_data(out_, data, size) < 0) return IoError("packing " + Quote(rel) + ": " + LibError(out_));
      return Status::Ok();
    }));
    return total == st.st_size ? Status::Ok() : changed;
  }

  struct archive* out_;
  const std::string root_;
  const std::set<FileId> exclude_;
  std::vector<std::string> skipped_;
};

}  // namespace

Result<UnpackStats> Unpack(const std::string& archive_path, const std::string& dest_dir, const UnpackLimits& limits) {
  struct stat st;
  if (::stat(archive_path.c_str(), &st) != 0) {
    if (errno == ENOENT) return NotFound("no archive at " + archive_path);
    return ErrnoStatus("opening archive " + archive_path, errno);
  }
  if (!S_ISREG(st.st_mode)) return InvalidArgument(archive_path + " is not a regular file");

  std::error_code ec;
  std::filesystem::create_directories(dest_dir, ec);
  if (ec) return IoError("creating directory " + dest_dir + ": " + ec.message());
  // Canonical, because SECURE_SYMLINKS refuses a symlink anywhere in the path.
  std::string dest = std::filesystem::canonical(dest_dir, ec).string();
  if (ec) return IoError("resolving " + dest_dir + ": " + ec.message());

  std::string staging = dest + "/.pm-unpack-XXXXXX";
  if (::mkdtemp(staging.data()) == nullptr) return ErrnoStatus("creating a staging directory in " + dest, errno);

  Extraction extraction(limits, static_cast<uint64_t>(st.st_size), staging);
  Status status = extraction.Run(archive_path);
  if (status.ok()) status = MoveChildren(staging, dest);
  RemoveTree(staging);
  if (!status.ok()) return status;
  return extraction.stats();
}

Result<PackResult> PackDirectory(const std::string& source_dir, const std::string& archive_path) {
  struct stat st;
  if (::stat(source_dir.c_str(), &st) != 0) return ErrnoStatus("opening " + source_dir, errno);
  if (!S_ISDIR(st.st_mode)) return InvalidArgument(source_dir + " is not a directory");

  std::string temp = archive_path + ".tmp-XXXXXX";
  int fd = ::mkostemp(temp.data(), O_CLOEXEC);
  if (fd < 0) return ErrnoStatus("creating a temp file beside " + archive_path, errno);
  ::fchmod(fd, 0644);
  std::set<FileId> exclude;  // never pack the archive into itself
  if (::fstat(fd, &st) == 0) exclude.insert({st.st_dev, st.st_ino});
  if (::stat(archive_path.c_str(), &st) == 0) exclude.insert({st.st_dev, st.st_ino});

  WriteHandle out(archive_write_new());
  Packer packer(out.get(), source_dir, std::move(exclude));
  auto write = [&]() -> Status {
    if (!out) return Internal("libarchive could not allocate a handle");
    archive_write_add_filter_gzip(out.get());
    archive_write_set_format_pax_restricted(out.get());   // ustar unless a name or size needs pax
    archive_write_set_bytes_in_last_block(out.get(), 1);  // no zero padding after the gzip stream
    if (archive_write_open_fd(out.get(), fd) != ARCHIVE_OK) {
      return IoError("starting " + temp + ": " + LibError(out.get()));
    }
    PM_RETURN_IF_ERROR(packer.PackTree("").WithContext("packing " + source_dir));
    if (archive_write_close(out.get()) != ARCHIVE_OK) return IoError("finishing " + temp + ": " + LibError(out.get()));
    if (::fsync(fd) != 0) return ErrnoStatus("fsync " + temp, errno);
    if (::fstat(fd, &st) != 0) return ErrnoStatus("inspecting " + temp, errno);
    return Status::Ok();
  };
  Status status = write();
  // Free the writer before closing fd: freeing an unfinished one still flushes
  // into fd, whose number another thread may have reused by then.
  out.reset();
  if (::close(fd) != 0 && status.ok()) status = ErrnoStatus("closing " + temp, errno);
  // Hashed from the file (hot in the page cache) so the checksum is exactly
  // what Sha256File will compute on the receiving side.
  Result<std::string> sha256 = status.ok() ? Sha256File(temp) : Result<std::string>(status);
  if (sha256.ok() && ::rename(temp.c_str(), archive_path.c_str()) != 0) {
    sha256 = ErrnoStatus("renaming " + temp + " to " + archive_path, errno);
  }
  if (!sha256.ok()) {
    ::unlink(temp.c_str());
    return sha256.status();
  }
  PackResult result;
  result.sha256 = std::move(sha256).value();
  result.size = static_cast<uint64_t>(st.st_size);
  result.skipped = packer.TakeSkipped();
  return result;
}

Result<std::string> Sha256File(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return NotFound("no file at " + path);
    return ErrnoStatus("opening " + path, errno);
  }
  crypto_hash_sha256_state state;
  crypto_hash_sha256_init(&state);
  Status status = ReadChunks(fd, path, [&](const char* data, size_t size) {
    crypto_hash_sha256_update(&state, reinterpret_cast<const unsigned char*>(data), size);
    return Status::Ok();
  });
  ::close(fd);
  if (!status.ok()) return status;
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256_final(&state, digest);
  return Hex(digest, sizeof(digest));
}

}  // namespace paasmaker::archives
