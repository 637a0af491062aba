// FollowJob: streams a job tree's progress from the pacemaker and prints it
// as it happens — each job's state changes and its log lines — until the
// tree ends. Used by `paasmaker job follow` and by commands that start a job
// and take --follow.
//
// The stream (GET /api/v1/jobs/<id>/stream) is server-sent events whose data
// are JSON objects:
//   {"type":"status","job_id":..,"state":..,"title":..,"summary":..}
//   {"type":"log","job_id":..,"text":..}
//   {"type":"end","root_state":..}      (last event)
// Each event's SSE id is the stream's position; when the stream breaks or
// ends before the end event (the pacemaker restarting), FollowJob reconnects
// with Last-Event-ID (FollowEvents, sse_parser.h: backoff 0.2 s → 2 s for up
// to a minute, "reconnecting…" once on `notices`), so every event is printed
// once, none missing.
//
// Without `logs` only the states are shown: the compact view the action
// commands' --follow shows unless --verbose, one line per job, redrawn in
// place when `terminal` is one (job_tree_view.h), else one line per change.
//
// Blocking; runs on the caller's thread.
#pragma once

#include <ostream>
#include <string>

#include "cli/api_client.h"
#include "cli/job_tree_view.h"
#include "core/status.h"

namespace paasmaker::cli {

struct JobFollowOptions {
  bool json = false;  // every event as one JSON line instead
  bool logs = true;   // print the jobs' log lines, not only state changes
  std::ostream* notices = nullptr;  // "reconnecting…"; null: std::cerr
  TerminalSize terminal{};  // `out` is a terminal this size (compact view only)
};

// Ok only when the root job ends SUCCESS. A FAILED or ABORTED root is
// Aborted ("job X ended FAILED"); a stream that stops before the end event is
// Unavailable (once reconnecting gave up).
Status FollowJob(ApiClient& api, const std::string& job_id, std::ostream& out, const JobFollowOptions& options = {});

}  // namespace paasmaker::cli
