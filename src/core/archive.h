// Archives: unpacking untrusted tar/zip files safely, packing a directory as a
// tar.gz, and SHA-256 checksums of files. No PaaS knowledge; libarchive does
// the formats and compression.
//
// Unpack treats the archive as hostile (an uploaded tarball, a package fetched
// from another node). It guarantees that:
//   - nothing is written outside dest_dir: entries with absolute paths or `..`
//     components, entries that would be written through a symlink, symlinks that
//     resolve outside dest_dir (also through chains of other symlinks), and hard
//     links to anything but a regular file earlier in the same archive are refused;
//   - only regular files, directories, symlinks and hard links are created:
//     devices, FIFOs and sockets are refused;
//   - file ownership is not restored, permission bits are kept without
//     setuid/setgid/sticky;
//   - the entry count, each entry's size, the total size and the unpacked/packed
//     ratio are bounded (UnpackLimits), checked against the sizes headers declare
//     and again while data streams, so a compression bomb stops early;
//   - all or nothing: entries are extracted into a hidden staging directory inside
//     dest_dir and moved into place only when the whole archive passed; on any
//     refusal or error dest_dir is left as it was.
// A refusal is InvalidArgument naming the entry and what was wrong with it.
//
// PackDirectory writes the archive to a temp file beside archive_path and
// renames it into place, so readers never see half an archive.
//
// Thread safety: free functions without shared state; safe to call concurrently
// on different paths. (libarchive's disk writer briefly swaps the process umask
// while creating each entry, so files other threads create at that moment may
// get the wrong default mode; callers that care set modes explicitly.)
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/result.h"

namespace paasmaker::archives {

struct UnpackLimits {
  uint64_t max_total_bytes = 4ULL << 30;  // sum of all unpacked file data
  uint64_t max_entries = 200000;
  uint64_t max_entry_bytes = 2ULL << 30;  // one file
  // Unpacked bytes / archive file bytes, against zip and gzip bombs. Not checked
  // below 1 MiB unpacked: tiny archives of repetitive text legitimately exceed it.
  double max_ratio = 200;
};

struct UnpackStats {
  uint64_t entries = 0;  // headers read, directories and links included
  uint64_t bytes = 0;    // file data written
};

// Unpacks a tar (plain, gzip, bzip2 or xz) or zip archive, detected from its
// content, into dest_dir (created if missing; existing files in it are kept, but
// an entry that collides with one refuses the whole archive: FailedPrecondition).
Result<UnpackStats> Unpack(const std::string& archive_path, const std::string& dest_dir,
                           const UnpackLimits& limits = UnpackLimits());

struct PackResult {
  std::string sha256;  // hex checksum of the archive file
  uint64_t size = 0;   // archive file bytes
  // Paths (relative to source_dir) that were not packed: devices, FIFOs, sockets.
  std::vector<std::string> skipped;
};

// Packs the contents of source_dir (paths relative to it, no leading "./") as a
// tar.gz: regular files, directories and symlinks (kept as symlinks), with
// permission bits but no owner. A symlink that points outside source_dir is
// refused (InvalidArgument) because Unpack would refuse the package later. If
// archive_path lies inside source_dir it is not packed into itself.
Result<PackResult> PackDirectory(const std::string& source_dir, const std::string& archive_path);

// SHA-256 of a file's content as lower-case hex, read in chunks.
Result<std::string> Sha256File(const std::string& path);

}  // namespace paasmaker::archives
