// The Lua scripts behind JobStore's atomic transitions (EVAL, no KEYS: every
// key is derived from ids inside the script, so this needs one Redis, not a
// cluster). Each script returns {code, detail...} where code is "OK" or a
// StatusCode name; JobStore turns that into a Status. Every script publishes
// the state changes it makes on `job.status`, inside the same atomic step.
//
// Internal to src/jobs/; the key layout is documented in job_store.h.
#pragma once

#include <string>

namespace paasmaker::jobs::lua {

// ARGV: mode ("NEW" | "WAITING"), now, batch token, JSON array of
// {id, parent, type, parameters (JSON text), node, title, tags}.
// Parents come before children. Re-running the same batch is a no-op.
const std::string& AddJobs();

// ARGV: any job id of the tree, now. NEW -> WAITING for the whole tree.
const std::string& StartTree();

// ARGV: node, runner, max, now. Pops up to `max` ready jobs of the node and
// makes them RUNNING for `runner`; returns their HGETALLs after {"OK"}.
const std::string& Claim();

// ARGV: job id, runner, final state, summary, now, JSON object key -> JSON
// text to write into the tree context.
const std::string& Finish();

// ARGV: job id, reason, now. Aborts the whole tree of the job.
const std::string& AbortTree();

// ARGV: node, runner, now, reason. RUNNING jobs of the node that `runner`
// does not run -> ABORTED (and their trees aborted). Returns their ids.
const std::string& RecoverNode();

// ARGV: node, runner, known job ids... Returns HGETALLs of jobs RUNNING for
// `runner` on the node that the runner does not know about (a Claim whose
// reply was lost).
const std::string& FindOrphans();

// ARGV: job id, tag. Tags the job's root.
const std::string& AddTag();

// ARGV: root id. Deletes a finished tree's data keys, keeping the listing
// indexes, and records job id -> root in jobs:archived.
const std::string& RemoveArchivedTree();

// ARGV: root id, JSON {ids: [...], tags: [...]}. Removes what is left of an
// archived tree: its index entries.
const std::string& ForgetTree();

}  // namespace paasmaker::jobs::lua
