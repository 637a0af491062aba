#include "cli/job_follow.h"

#include <map>

#include <nlohmann/json.hpp>

#include "cli/output.h"
#include "cli/sse_parser.h"

namespace paasmaker::cli {

namespace {

using nlohmann::json;

// Turns events into output lines. Log text arrives in pieces that need not
// end at a line break, so each job keeps its unfinished last line until the
// rest comes (or the stream ends).
class FollowPrinter {
 public:
  FollowPrinter(std::ostream& out, const JobFollowOptions& options)
      : out_(out), json_(options.json), logs_(options.logs),
        view_(out, options.logs || options.json ? TerminalSize{} : options.terminal) {}

  // False once the end event has arrived: stop reading.
  bool Handle(const std::string& data) {
    json event = json::parse(data, nullptr, /*allow_exceptions=*/false);
    if (!event.is_object()) return true;  // not ours to understand; keep going
    std::string type = Text(event, "type");
    if (json_) {
      out_ << event.dump(-1, ' ', false, json::error_handler_t::replace) << "\n";
    } else if (type == "status") {
      PrintStatus(event);
    } else if (type == "log" && logs_) {
      PrintLog(Text(event, "job_id"), Text(event, "text"));
    }
    out_.flush();
    if (type == "end") {
      ended_ = true;
      root_state_ = Text(event, "root_state", "UNKNOWN");
      return false;
    }
    return true;
  }

  // Prints log fragments still waiting for their line break.
  void Finish() {
    for (auto& [job_id, fragment] : partial_lines_) {
      if (!fragment.empty()) out_ << Prefix(job_id) << fragment << "\n";
    }
    partial_lines_.clear();
    if (!json_ && ended_) out_ << "Job tree finished: " << root_state_ << "\n";
    out_.flush();
  }

  bool ended() const { return ended_; }
  const std::string& root_state() const { return root_state_; }

 private:
  static std::string Prefix(const std::string& job_id) { return "[" + job_id.substr(0, 8) + "] "; }

  void PrintStatus(const json& event) {
    std::string job_id = Text(event, "job_id");
    std::string state = Text(event, "state", "?");
    // The stream may repeat a state (a resent snapshot); print changes only.
    auto [it, inserted] = states_.emplace(job_id, state);
    if (!inserted && it->second == state) return;
    it->second = state;
    std::string line = Prefix(job_id) + state;
    std::string title = Text(event, "title");
    if (!title.empty()) line += "  " + title;
    std::string summary = Text(event, "summary");
    if (!summary.empty()) line += " — " + summary;
    view_.Update(job_id, line);
  }

  void PrintLog(const std::string& job_id, const std::string& text) {
    std::string& pending = partial_lines_[job_id];
    pending += text;
    size_t start = 0;
    for (size_t newline; (newline = pending.find('\n', start)) != std::string::npos; start = newline + 1) {
      out_ << Prefix(job_id) << pending.substr(start, newline - start) << "\n";
    }
    pending.erase(0, start);
  }

  std::ostream& out_;
  bool json_;
  bool logs_;
  std::map<std::string, std::string> states_;
  std::map<std::string, std::string> partial_lines_;
  JobTreeView view_;
  bool ended_ = false;
  std::string root_state_;
};

}  // namespace

Status FollowJob(ApiClient& api, const std::string& job_id, std::ostream& out, const JobFollowOptions& options) {
  FollowPrinter printer(out, options);
  Status streamed = FollowEvents(
      api, "/api/v1/jobs/" + http::UrlEncode(job_id) + "/stream",
      [&](const SseEvent& event) { return printer.Handle(event.data); }, {.notices = options.notices});
  printer.Finish();
  if (!streamed.ok()) return streamed;
  if (!printer.ended()) {
    return Unavailable("the job stream from " + api.remote() + " stopped before job " + job_id +
                       " finished; run `paasmaker job follow " + job_id + "` to resume");
  }
  if (printer.root_state() != "SUCCESS") {
    return Aborted("job " + job_id + " ended " + printer.root_state());
  }
  return Status::Ok();
}

}  // namespace paasmaker::cli
