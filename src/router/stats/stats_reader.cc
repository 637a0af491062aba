#include "router/stats/stats_reader.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <optional>

namespace paasmaker::router::stats {

namespace {

// A position field from Redis; anything unreadable counts as "from the start".
uint64_t ParseU64(const std::string& s) {
  uint64_t v = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  return ec == std::errc() && ptr == s.data() + s.size() ? v : 0;
}

Result<int> OpenReadOnly(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return -1;
    return ErrnoStatus("open " + path, errno);
  }
  return fd;
}

}  // namespace

StatsReader::StatsReader(StatsReaderOptions options, redis::Client* client)
    : options_(std::move(options)),
      client_(client),
      position_key_("position:" + options_.node_uuid),
      router_key_("stat_router:" + options_.node_uuid) {
  options_.max_batch_bytes = std::max<size_t>(options_.max_batch_bytes, 1);
  buffer_.resize(options_.max_batch_bytes);
}

StatsReader::~StatsReader() { CloseLog(); }

void StatsReader::CloseLog() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

Status StatsReader::LoadPosition() {
  PM_ASSIGN_OR_RETURN(redis::Reply reply, client_->Command({"HMGET", position_key_, "offset", "inode"}));
  std::vector<std::string> fields = reply.StringElements();
  offset_ = fields.size() == 2 ? ParseU64(fields[0]) : 0;
  inode_ = fields.size() == 2 ? static_cast<ino_t>(ParseU64(fields[1])) : 0;
  persisted_offset_ = offset_;
  persisted_inode_ = inode_;
  // The open file may not be the one the position names (Redis lost its data,
  // another reader moved on): OpenLog decides afresh.
  CloseLog();
  position_loaded_ = true;
  return Status::Ok();
}

Status StatsReader::OpenLog() {
  PM_ASSIGN_OR_RETURN(int fd, OpenReadOnly(options_.log_path));
  if (fd < 0) return Status::Ok();  // nginx has not logged anything yet
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    int err = errno;
    ::close(fd);
    return ErrnoStatus("stat " + options_.log_path, err);
  }
  if (inode_ != 0 && st.st_ino != inode_) {
    // Rotated while no reader followed it: finish the old file first if it
    // is where logrotate puts it.
    auto old = OpenReadOnly(options_.log_path + ".1");
    struct stat old_st {};
    if (old.ok() && *old >= 0 && ::fstat(*old, &old_st) == 0 && old_st.st_ino == inode_) {
      ::close(fd);
      fd_ = *old;
      return Status::Ok();
    }
    if (old.ok() && *old >= 0) ::close(*old);
    offset_ = 0;
  } else if (inode_ == 0) {
    offset_ = 0;
  }
  inode_ = st.st_ino;
  fd_ = fd;
  return Status::Ok();
}

Result<bool> StatsReader::FollowRename() {
  struct stat st {};
  // No file at the path (renamed, not yet recreated), the same file, or a new
  // file nginx has not written to yet (it may still append to the old one
  // until it reopens its logs): stay on the old file.
  if (::stat(options_.log_path.c_str(), &st) != 0 || st.st_ino == inode_ || st.st_size == 0) return false;
  // Bytes after the old file's last newline are dropped: nginx writes whole
  // lines, so only a crash mid-write leaves them.
  CloseLog();
  PM_ASSIGN_OR_RETURN(int fd, OpenReadOnly(options_.log_path));
  if (fd < 0) return false;
  fd_ = fd;
  struct stat opened {};
  if (::fstat(fd_, &opened) != 0) return ErrnoStatus("stat " + options_.log_path, errno);
  inode_ = opened.st_ino;
  offset_ = 0;
  return true;
}

Result<StatsReader::Collected> StatsReader::Collect() {
  if (!position_loaded_) PM_RETURN_IF_ERROR(LoadPosition().WithContext("reading stats position"));
  if (fd_ < 0) PM_RETURN_IF_ERROR(OpenLog());
  aggregator_.Clear();  // nothing of a failed batch may leak into this one
  Collected collected;
  StatsBatch& batch = collected.batch;
  StatsMetrics* metrics = options_.metrics;
  if (metrics != nullptr) collected.metrics = metrics->NewDelta();
  if (fd_ < 0) return collected;
  uint64_t size = 0;
  // At most twice: the second round reads the file a rename moved us to.
  for (int round = 0; round < 2; ++round) {
    struct stat st {};
    if (::fstat(fd_, &st) != 0) return ErrnoStatus("stat " + options_.log_path, errno);
    size = static_cast<uint64_t>(st.st_size);
    if (size < offset_) offset_ = 0;  // truncated (copytruncate)
    size_t want = static_cast<size_t>(std::min<uint64_t>(size - offset_, options_.max_batch_bytes));
    size_t got = 0;
    while (got < want) {
      ssize_t n = ::pread(fd_, buffer_.data() + got, want - got, static_cast<off_t>(offset_ + got));
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return ErrnoStatus("read " + options_.log_path, errno);
      if (n == 0) break;
      got += static_cast<size_t>(n);
    }
    const char* data = buffer_.data();
    const char* last = got == 0 ? nullptr : static_cast<const char*>(::memrchr(data, '\n', got));
    size_t used = last == nullptr ? 0 : static_cast<size_t>(last - data) + 1;
    if (used == 0 && got == options_.max_batch_bytes) {
      // One "line" longer than a whole batch cannot be ours: skip it.
      used = got;
      batch.malformed = 1;
    } else {
      StatsLine line;
      const char* p = data;
      const char* end = data + used;
      while (p < end) {
        const char* nl = static_cast<const char*>(std::memchr(p, '\n', end - p));
        std::string_view text(p, nl - p);
        p = nl + 1;
        if (text.empty()) continue;
        if (StatsLineParser::Parse(text, &line)) {
          if (!line.health_check) aggregator_.Add(line);
          if (metrics != nullptr && !line.health_check && line.upstream_time_ms >= 0) {
            metrics->ObserveUpstream(collected.metrics, line.upstream_time_ms);
          }
        } else {
          ++batch.malformed;
        }
      }
    }
    batch.lines = aggregator_.lines();
    batch.bytes = used;
    // A trailing partial line is not "more": it waits for nginx to finish it.
    batch.more = used > 0 && offset_ + used < size;
    if (used == 0 && round == 0) {
      PM_ASSIGN_OR_RETURN(bool moved, FollowRename());
      if (moved) continue;
    }
    break;
  }
  // The cursor moves on now; a failed write makes the next Collect read the
  // position back from Redis.
  offset_ += batch.bytes;
  collected.offset = offset_;
  collected.unread = size > offset_ ? size - offset_ : 0;
  if (metrics != nullptr) {
    collected.metrics.lines = batch.lines;
    collected.metrics.malformed = batch.malformed;
    aggregator_.ForEachVersionType([&](const std::string& id, const StatsTotals& totals) {
      for (int c = 0; c < 5; ++c) {
        if (totals.classes[c] > 0) collected.metrics.requests[{id, c + 1}] += totals.classes[c];
      }
    });
  }
  collected.inode = inode_;
  collected.changes = batch.bytes > 0 || offset_ != persisted_offset_ || inode_ != persisted_inode_;
  return collected;
}

Result<StatsBatch> StatsReader::ReadBatch() {
  PM_ASSIGN_OR_RETURN(Collected collected, Collect());
  if (!collected.changes) return collected.batch;
  PM_ASSIGN_OR_RETURN(redis::Client::Pending pending, StartWrite(collected));
  PM_RETURN_IF_ERROR(FinishWrite(pending, collected));
  return collected.batch;
}

Status StatsReader::Forget(Status failure) {
  position_loaded_ = false;
  CloseLog();
  return failure;
}

Result<redis::Client::Pending> StatsReader::StartWrite(const Collected& collected) {
  const StatsBatch& batch = collected.batch;
  commands_.clear();
  aggregator_.AppendCommands(&commands_);
  aggregator_.Clear();
  if (batch.lines > 0) commands_.push_back({"HINCRBY", router_key_, "lines", std::to_string(batch.lines)});
  if (batch.malformed > 0) {
    commands_.push_back({"HINCRBY", router_key_, "malformed", std::to_string(batch.malformed)});
  }
  commands_.push_back({"HSET", position_key_, "offset", std::to_string(collected.offset), "inode",
                       std::to_string(static_cast<uint64_t>(collected.inode))});
  // The transaction applies only if the position is still the one this
  // batch starts from: a stats Redis restarted empty, or another reader with
  // our uuid, must not receive increments on top of a position they never
  // had. WATCH makes the check and the write atomic.
  auto watched = client_->Pipeline({{"WATCH", position_key_}, {"HMGET", position_key_, "offset", "inode"}});
  bool same = false;
  if (watched.ok() && watched->size() == 2) {
    std::vector<std::string> fields = (*watched)[1].StringElements();
    same = fields.size() == 2 && ParseU64(fields[0]) == persisted_offset_ &&
           static_cast<ino_t>(ParseU64(fields[1])) == persisted_inode_;
  }
  if (!same) {
    if (watched.ok()) client_->Command({"UNWATCH"}).status().IgnoreError();
    return Forget(watched.ok() ? Aborted("the stats position in redis moved; reading it again")
                               : watched.status().WithContext("reading stats position"));
  }
  // One transaction: the increments and the new position together or not at all.
  auto sent = client_->Send(commands_, /*transaction=*/true);
  if (!sent.ok()) return Forget(sent.status().WithContext("writing stats"));
  return sent;
}

Status StatsReader::FinishWrite(redis::Client::Pending& pending, const Collected& collected) {
  auto written = pending.Receive();
  // EXEC may have run even though we saw no reply: only Redis knows.
  if (!written.ok()) return Forget(written.status().WithContext("writing stats"));
  persisted_offset_ = collected.offset;
  persisted_inode_ = collected.inode;
  if (options_.metrics != nullptr) options_.metrics->Apply(collected.metrics, collected.unread);
  return Status::Ok();
}

Result<StatsBatch> StatsReader::CatchUp(int max_batches) {
  StatsBatch total;
  PM_ASSIGN_OR_RETURN(Collected collected, Collect());
  for (int i = 0; i < max_batches && collected.changes; ++i) {
    PM_ASSIGN_OR_RETURN(redis::Client::Pending pending, StartWrite(collected));
    // The next batch is read and summed while Redis applies this one.
    std::optional<Result<Collected>> next;
    if (collected.batch.more && i + 1 < max_batches) next.emplace(Collect());
    PM_RETURN_IF_ERROR(FinishWrite(pending, collected));
    total.lines += collected.batch.lines;
    total.malformed += collected.batch.malformed;
    total.bytes += collected.batch.bytes;
    total.more = collected.batch.more;
    if (!next) break;
    if (!next->ok()) return Forget(next->status());
    collected = std::move(*next).value();
  }
  return total;
}

}  // namespace paasmaker::router::stats
