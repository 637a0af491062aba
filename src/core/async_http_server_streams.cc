// The stepped streams of AsyncServer: every open stream is an entry in one
// time-ordered queue, and a few threads (ServerLimits::stream_threads) call
// each stream's next step when it is due. An open stream costs its state and
// a queue entry, not a thread.
#include <algorithm>

#include "core/async_http_server_internal.h"
#include "core/log.h"

namespace paasmaker::http::internal {

namespace {

// Writes of a step never wait for the client: the scheduler holds the next
// step back instead while too much is queued.
class StepWriter : public StreamWriter {
 public:
  explicit StepWriter(SessionBase& session) : session_(session) {}
  bool Write(const std::string& data) override { return session_.StreamWrite(data, /*wait=*/false); }
  bool client_connected() const override { return session_.StreamConnected(); }

 private:
  SessionBase& session_;
};

constexpr std::chrono::milliseconds kBackPressureRetry{20};

}  // namespace

void StreamScheduler::Start(int threads, size_t buffer_limit, std::atomic<int>& open_streams) {
  buffer_limit_ = buffer_limit;
  open_streams_ = &open_streams;
  for (int i = 0; i < std::max(1, threads); ++i) threads_.emplace_back([this] { Run(); });
}

void StreamScheduler::Add(std::shared_ptr<SessionBase> session, StreamSteps steps) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!stop_) {
      uint64_t id = next_id_++;
      streams_.emplace(id, Entry{std::move(session), std::move(steps)});
      due_.push({Clock::now(), id});
      wake_.notify_one();
      return;
    }
  }
  // Stopping: the stream ends before its first step.
  session->StreamEnd();
  open_streams_->fetch_sub(1);
}

void StreamScheduler::Run() {
  std::unique_lock<std::mutex> lock(mutex_);
  while (!stop_) {
    if (due_.empty()) {
      wake_.wait(lock);
      continue;
    }
    auto [when, id] = due_.top();
    if (when > Clock::now()) {
      wake_.wait_until(lock, when);
      continue;
    }
    due_.pop();
    if (!due_.empty()) wake_.notify_one();  // more may be due: let another thread take them
    auto it = streams_.find(id);
    if (it == streams_.end()) continue;
    Entry entry = std::move(it->second);
    streams_.erase(it);
    lock.unlock();
    std::optional<std::chrono::milliseconds> again = Step(entry);
    lock.lock();
    if (again && !stop_) {
      streams_.emplace(id, std::move(entry));
      due_.push({Clock::now() + *again, id});
      continue;
    }
    lock.unlock();
    Finish(entry);
    lock.lock();
  }
}

std::optional<std::chrono::milliseconds> StreamScheduler::Step(Entry& entry) {
  SessionBase& session = *entry.session;
  if (!session.StreamConnected()) return std::nullopt;
  if (session.StreamQueued() > buffer_limit_) return kBackPressureRetry;
  StepWriter writer(session);
  try {
    StreamStep step = entry.steps(writer);
    if (step.done || !session.StreamConnected()) return std::nullopt;
    return std::max(step.again, std::chrono::milliseconds(0));
  } catch (const std::exception& e) {
    PM_LOG_ERROR("HTTP stream failed: {}", e.what());
  } catch (...) {
    PM_LOG_ERROR("HTTP stream failed: unknown error");
  }
  return std::nullopt;
}

void StreamScheduler::Finish(Entry& entry) {
  entry.session->StreamEnd();
  entry.session.reset();
  entry.steps = nullptr;  // its captures (files, contexts, quota tickets) go now
  open_streams_->fetch_sub(1);
}

void StreamScheduler::StopAndJoin() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  for (auto& t : threads_) t.join();
  threads_.clear();
  std::map<uint64_t, Entry> left;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    left.swap(streams_);
    due_ = {};
  }
  for (auto& [id, entry] : left) Finish(entry);
}

}  // namespace paasmaker::http::internal
