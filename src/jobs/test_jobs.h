// Built-in test job types: real job plugins used by the job tests and for
// exercising a test cluster by hand (e.g. a tree of sleeps across nodes).
//
// Tests only: test.shell runs any command as the node's user, so a node
// registers these only when its config sets testing.job_plugins (see
// plugins/builtin_plugins.h); job tests register them on their own registry.
//
//   paasmaker.job.test.noop     succeeds at once.
//   paasmaker.job.test.sleep    {seconds}: sleeps, abortable; writes its start
//                               and end times (unix seconds) into the tree context
//                               as "sleep.<job id>.start" / "sleep.<job id>.end".
//   paasmaker.job.test.fail     {message?}: fails with the message.
//   paasmaker.job.test.context  {key, value, expect?}: writes key=value into the
//                               context; `expect` is an object of keys that must
//                               be in the context (a non-null value must also be
//                               equal) or an array of keys; fails otherwise.
//   paasmaker.job.test.graft    {under?: "parent"|"root"|"self", count?: 2,
//                               seconds?: 0}: grafts a noop container with `count`
//                               leaves (sleeps of `seconds`, or noops when 0)
//                               under its parent (default), the root, or itself
//                               (refused: it is RUNNING); context
//                               "graft.<job id>" = the grafted ids.
//   paasmaker.job.test.shell    {command, timeout?: 60}: runs `sh -c command`
//                               with its output going into the job log;
//                               abortable (the process group is stopped).
//
// Every hook of every test job counts its calls per job id in process memory
// (starts, Abort calls, Cancelled calls) so tests can check each ran once.
//
// Thread safety: all functions are safe from any thread.
#pragma once

#include <string>

#include "core/status.h"
#include "jobs/job_registry.h"

namespace paasmaker::jobs {

Status RegisterBuiltinTestJobs(JobRegistry& registry);

struct TestJobCounts {
  int starts = 0;
  int aborts = 0;   // JobPlugin::Abort calls
  int cancels = 0;  // JobPlugin::Cancelled calls
};
TestJobCounts GetTestJobCounts(const std::string& job_id);
// Starts of all test jobs since the last reset.
int TotalTestJobStarts();
void ResetTestJobCounts();

}  // namespace paasmaker::jobs
