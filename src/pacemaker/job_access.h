// Who may see or abort a job tree, and where its logs are.
//
// A tree tagged `workspace:<id>` belongs to that workspace: reading it needs
// WORKSPACE_VIEW there, aborting needs JOB_ABORT there (unlike the original,
// where any job id was enough). Trees of no workspace (health checks, crons,
// tests) need SYSTEM_OVERVIEW to read and JOB_ABORT globally to abort.
//
// Logs live on the node that ran the job; FetchJobLog asks that node (with
// the node token; over https when this cluster has TLS, see NodeConfig::https)
// for the bytes from an offset. Thread safe.
#pragma once

#include <string>

#include "config/node_config.h"
#include "core/api_response.h"
#include "jobs/job.h"
#include "jobs/job_store.h"
#include "pacemaker/auth.h"
#include "pacemaker/store/node_store.h"

namespace paasmaker::pacemaker {

enum class JobAction { kView, kAbort };

// The tree's workspace id, or "" when it belongs to none.
std::string WorkspaceOfTree(const jobs::TreeSnapshot& tree);
Status CheckJobAccess(const Principal& who, const jobs::TreeSnapshot& tree, JobAction action);

// What fetching a log from another node takes: where the node is, how
// this cluster is reached (http or https), and the token nodes accept.
struct NodeLogsContext {
  NodeStore& nodes;
  const config::NodeConfig& config;
  const std::string& node_token;
};

struct LogPiece {
  std::string text;
  uint64_t next_offset = 0;
};
// An empty piece (next_offset == offset) when the node has no log yet.
// GETs `path`?offset= from the node (node token): a job's or an instance's log.
Result<LogPiece> FetchNodeLog(const NodeLogsContext& ctx, const std::string& node_uuid, const std::string& path,
                              uint64_t offset, const std::string& what);
Result<LogPiece> FetchJobLog(const NodeLogsContext& ctx, const jobs::Job& job, uint64_t offset);

// A piece as the API answers it: plain text, and in X-Log-Next-Offset where
// a client reads on from.
api::Reply LogReply(LogPiece piece);

}  // namespace paasmaker::pacemaker
