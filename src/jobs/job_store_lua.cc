#include "jobs/job_store_lua.h"

namespace paasmaker::jobs::lua {

namespace {

// Shared helpers, prepended to every script.
const char* const kPrelude = R"lua(
local function jkey(id) return 'job:' .. id end
local function nkey(node, what) return 'jobs:node:' .. node .. ':' .. what end
local function tkey(root, what) return 'jobtree:' .. root .. ':' .. what end
local function is_finished(s) return s == 'SUCCESS' or s == 'FAILED' or s == 'ABORTED' end

-- The time of a transition: the caller's clock when it passes one (tests),
-- else the Redis server's clock. One clock for every node means a parent
-- never appears to start before its children ended, whatever node clocks say.
local function clock(given)
  if given ~= '' then return given end
  local t = redis.call('TIME')
  return t[1] .. '.' .. string.format('%06d', tonumber(t[2]))
end

local function publish(id, root, parent, state, node, summary)
  redis.call('PUBLISH', 'job.status', cjson.encode({job_id = id, root_id = root,
    parent_id = parent or '', state = state, node = node or '', summary = summary or ''}))
end

-- Marks the tree as aborting (no job of it starts again) and aborts every job
-- that has not started. RUNNING jobs are left to their nodes: they see the
-- flag and ask the job to stop. SUCCESS stays SUCCESS. Jobs aborted before
-- they ran are queued for their node's Cancelled handler.
local function abort_tree(root, now, reason)
  redis.call('SET', tkey(root, 'aborting'), reason, 'NX')
  for _, id in ipairs(redis.call('SMEMBERS', tkey(root, 'jobs'))) do
    local k = jkey(id)
    local f = redis.call('HMGET', k, 'state', 'node', 'parent')
    if f[1] == 'NEW' or f[1] == 'WAITING' then
      local summary = 'Aborted due to a related job.'
      redis.call('HSET', k, 'state', 'ABORTED', 'summary', summary, 'finished', now)
      redis.call('SREM', nkey(f[2], 'waiting'), id)
      redis.call('SREM', nkey(f[2], 'ready'), id)
      redis.call('SADD', nkey(f[2], 'cancelled'), id)
      if id == root then redis.call('ZADD', 'jobs:finished', now, root) end
      publish(id, root, f[3], 'ABORTED', f[2], summary)
    end
  end
end
)lua";

std::string WithPrelude(const char* body) { return std::string(kPrelude) + body; }

}  // namespace

const std::string& AddJobs() {
  static const std::string script = WithPrelude(R"lua(
local mode, now, batch = ARGV[1], clock(ARGV[2]), ARGV[3]
local jobs = cjson.decode(ARGV[4])
if #jobs == 0 then return {'INVALID_ARGUMENT', 'no jobs to add'} end
-- A retry of a batch that was applied but whose reply was lost.
if redis.call('HGET', jkey(jobs[1].id), 'batch') == batch then return {'OK', 'already added'} end

-- Check everything before writing anything: a script is not rolled back.
local roots = {}
for _, j in ipairs(jobs) do
  if roots[j.id] or redis.call('EXISTS', jkey(j.id)) == 1 then
    return {'ALREADY_EXISTS', 'job ' .. j.id .. ' already exists'}
  end
  if j.parent == '' then
    if mode == 'WAITING' then return {'INVALID_ARGUMENT', 'a grafted subtree needs a parent'} end
    roots[j.id] = j.id
  elseif roots[j.parent] then
    roots[j.id] = roots[j.parent]
  else
    local p = redis.call('HMGET', jkey(j.parent), 'state', 'root')
    if not p[1] then return {'NOT_FOUND', 'parent job ' .. j.parent .. ' does not exist'} end
    -- A RUNNING or finished parent has already decided it does not wait for
    -- more children; only NEW (still being built) or WAITING parents do.
    if not (p[1] == 'WAITING' or (p[1] == 'NEW' and mode == 'NEW')) then
      return {'FAILED_PRECONDITION', 'cannot add children under job ' .. j.parent .. ': it is ' .. p[1]}
    end
    if redis.call('EXISTS', tkey(p[2], 'aborting')) == 1 then
      return {'FAILED_PRECONDITION', 'the tree of job ' .. j.parent .. ' is being aborted'}
    end
    roots[j.id] = p[2]
  end
end

for _, j in ipairs(jobs) do
  local root = roots[j.id]
  redis.call('HSET', jkey(j.id), 'id', j.id, 'type', j.type, 'parameters', j.parameters,
    'node', j.node, 'state', mode, 'title', j.title, 'summary', '', 'created', now,
    'started', '', 'finished', '', 'parent', j.parent, 'root', root, 'blockers', 0,
    'runner', '', 'batch', batch)
  redis.call('SADD', tkey(root, 'jobs'), j.id)
  if j.parent == '' then
    redis.call('ZADD', 'jobs:roots', now, j.id)
    for _, tag in ipairs(j.tags) do
      redis.call('ZADD', 'jobs:tag:' .. tag, now, j.id)
      redis.call('SADD', tkey(root, 'tags'), tag)
    end
  else
    redis.call('SADD', jkey(j.parent) .. ':children', j.id)
    redis.call('HINCRBY', jkey(j.parent), 'blockers', 1)
    -- The parent now waits for this child too.
    redis.call('SREM', nkey(redis.call('HGET', jkey(j.parent), 'node'), 'ready'), j.parent)
  end
  if mode == 'WAITING' then redis.call('SADD', nkey(j.node, 'waiting'), j.id) end
  publish(j.id, root, j.parent, mode, j.node, '')
end
if mode == 'WAITING' then
  for _, j in ipairs(jobs) do
    if tonumber(redis.call('HGET', jkey(j.id), 'blockers')) == 0 then
      redis.call('SADD', nkey(j.node, 'ready'), j.id)
    end
  end
end
return {'OK', ''}
)lua");
  return script;
}

const std::string& StartTree() {
  static const std::string script = WithPrelude(R"lua(
local root = redis.call('HGET', jkey(ARGV[1]), 'root')
if not root then return {'NOT_FOUND', 'no job ' .. ARGV[1]} end
if redis.call('EXISTS', tkey(root, 'aborting')) == 1 then
  return {'FAILED_PRECONDITION', 'the tree ' .. root .. ' has been aborted'}
end
local started = 0
for _, id in ipairs(redis.call('SMEMBERS', tkey(root, 'jobs'))) do
  local k = jkey(id)
  local f = redis.call('HMGET', k, 'state', 'node', 'blockers', 'parent')
  if f[1] == 'NEW' then
    redis.call('HSET', k, 'state', 'WAITING')
    redis.call('SADD', nkey(f[2], 'waiting'), id)
    if tonumber(f[3]) == 0 then redis.call('SADD', nkey(f[2], 'ready'), id) end
    publish(id, root, f[4], 'WAITING', f[2], '')
    started = started + 1
  end
end
return {'OK', tostring(started)}
)lua");
  return script;
}

const std::string& Claim() {
  static const std::string script = WithPrelude(R"lua(
local node, runner, max, now = ARGV[1], ARGV[2], tonumber(ARGV[3]), clock(ARGV[4])
local out = {'OK'}
local claimed = 0
while claimed < max do
  local id = redis.call('SPOP', nkey(node, 'ready'))
  if not id then break end
  local k = jkey(id)
  local f = redis.call('HMGET', k, 'state', 'blockers', 'root', 'node', 'parent')
  -- The ready set is an index; the job hash is the truth.
  if f[1] == 'WAITING' and tonumber(f[2]) == 0 and f[4] == node
     and redis.call('EXISTS', tkey(f[3], 'aborting')) == 0 then
    redis.call('HSET', k, 'state', 'RUNNING', 'started', now, 'runner', runner)
    redis.call('SREM', nkey(node, 'waiting'), id)
    redis.call('SADD', nkey(node, 'running'), id)
    publish(id, f[3], f[5], 'RUNNING', node, '')
    out[#out + 1] = redis.call('HGETALL', k)
    claimed = claimed + 1
  end
end
return out
)lua");
  return script;
}

const std::string& Finish() {
  static const std::string script = WithPrelude(R"lua(
local id, runner, state, summary, now = ARGV[1], ARGV[2], ARGV[3], ARGV[4], clock(ARGV[5])
local k = jkey(id)
local f = redis.call('HMGET', k, 'state', 'runner', 'root', 'parent', 'node')
if not f[1] then return {'NOT_FOUND', 'no job ' .. id} end
if is_finished(f[1]) then
  -- Our own earlier write whose reply was lost: done already.
  if f[2] == runner then return {'OK', f[1]} end
  return {'FAILED_PRECONDITION', 'job ' .. id .. ' is already ' .. f[1]}
end
if f[1] ~= 'RUNNING' or f[2] ~= runner then
  return {'FAILED_PRECONDITION', 'job ' .. id .. ' is ' .. f[1] .. ', not RUNNING for this runner'}
end
local root, parent, node = f[3], f[4], f[5]
for key, value in pairs(cjson.decode(ARGV[6])) do
  redis.call('HSET', tkey(root, 'context'), key, value)
end
redis.call('HSET', k, 'state', state, 'summary', summary, 'finished', now)
redis.call('SREM', nkey(node, 'running'), id)
if id == root then redis.call('ZADD', 'jobs:finished', now, root) end
publish(id, root, parent, state, node, summary)
if state == 'SUCCESS' then
  if parent ~= '' then
    local left = redis.call('HINCRBY', jkey(parent), 'blockers', -1)
    local p = redis.call('HMGET', jkey(parent), 'state', 'node')
    if left <= 0 and p[1] == 'WAITING' then redis.call('SADD', nkey(p[2], 'ready'), parent) end
  end
else
  abort_tree(root, now, 'job ' .. id .. ' ended ' .. state .. ': ' .. summary)
end
return {'OK', state}
)lua");
  return script;
}

const std::string& AbortTree() {
  static const std::string script = WithPrelude(R"lua(
local id, reason, now = ARGV[1], ARGV[2], clock(ARGV[3])
local k = jkey(id)
local f = redis.call('HMGET', k, 'state', 'root', 'node', 'parent')
if not f[1] then return {'NOT_FOUND', 'no job ' .. id} end
if f[1] == 'NEW' or f[1] == 'WAITING' then
  redis.call('HSET', k, 'state', 'ABORTED', 'summary', reason, 'finished', now)
  redis.call('SREM', nkey(f[3], 'waiting'), id)
  redis.call('SREM', nkey(f[3], 'ready'), id)
  redis.call('SADD', nkey(f[3], 'cancelled'), id)
  if id == f[2] then redis.call('ZADD', 'jobs:finished', now, id) end
  publish(id, f[2], f[4], 'ABORTED', f[3], reason)
end
abort_tree(f[2], now, reason)
return {'OK', ''}
)lua");
  return script;
}

const std::string& RecoverNode() {
  static const std::string script = WithPrelude(R"lua(
local node, runner, now, reason = ARGV[1], ARGV[2], clock(ARGV[3]), ARGV[4]
local out = {'OK'}
for _, id in ipairs(redis.call('SMEMBERS', nkey(node, 'running'))) do
  local k = jkey(id)
  local f = redis.call('HMGET', k, 'state', 'runner', 'root', 'parent')
  if f[1] ~= 'RUNNING' then
    redis.call('SREM', nkey(node, 'running'), id)
  elseif f[2] ~= runner then
    -- 'recovered' so that a late Finish from the old runner is refused.
    redis.call('HSET', k, 'state', 'ABORTED', 'summary', reason, 'finished', now, 'runner', 'recovered')
    redis.call('SREM', nkey(node, 'running'), id)
    if id == f[3] then redis.call('ZADD', 'jobs:finished', now, id) end
    publish(id, f[3], f[4], 'ABORTED', node, reason)
    abort_tree(f[3], now, reason)
    out[#out + 1] = id
  end
end
return out
)lua");
  return script;
}

const std::string& FindOrphans() {
  static const std::string script = WithPrelude(R"lua(
local node, runner = ARGV[1], ARGV[2]
local known = {}
for i = 3, #ARGV do known[ARGV[i]] = true end
local out = {'OK'}
for _, id in ipairs(redis.call('SMEMBERS', nkey(node, 'running'))) do
  if not known[id] then
    local f = redis.call('HMGET', jkey(id), 'state', 'runner')
    if f[1] == 'RUNNING' and f[2] == runner then out[#out + 1] = redis.call('HGETALL', jkey(id)) end
  end
end
return out
)lua");
  return script;
}

const std::string& AddTag() {
  static const std::string script = WithPrelude(R"lua(
local f = redis.call('HMGET', jkey(ARGV[1]), 'root')
if not f[1] then return {'NOT_FOUND', 'no job ' .. ARGV[1]} end
local created = redis.call('HGET', jkey(f[1]), 'created')
redis.call('ZADD', 'jobs:tag:' .. ARGV[2], created, f[1])
redis.call('SADD', tkey(f[1], 'tags'), ARGV[2])
return {'OK', ''}
)lua");
  return script;
}

const std::string& RemoveArchivedTree() {
  static const std::string script = WithPrelude(R"lua(
local root = ARGV[1]
local ids = redis.call('SMEMBERS', tkey(root, 'jobs'))
if #ids == 0 then
  redis.call('ZREM', 'jobs:finished', root)
  return {'NOT_FOUND', 'no tree ' .. root}
end
for _, id in ipairs(ids) do
  local s = redis.call('HGET', jkey(id), 'state')
  if s and not is_finished(s) then
    return {'FAILED_PRECONDITION', 'job ' .. id .. ' of tree ' .. root .. ' is ' .. s}
  end
end
for _, id in ipairs(ids) do
  redis.call('HSET', 'jobs:archived', id, root)
  redis.call('DEL', jkey(id), jkey(id) .. ':children')
end
redis.call('DEL', tkey(root, 'jobs'), tkey(root, 'context'), tkey(root, 'tags'), tkey(root, 'aborting'))
redis.call('ZREM', 'jobs:finished', root)
return {'OK', tostring(#ids)}
)lua");
  return script;
}

const std::string& ForgetTree() {
  static const std::string script = WithPrelude(R"lua(
local root = ARGV[1]
local what = cjson.decode(ARGV[2])
redis.call('ZREM', 'jobs:roots', root)
redis.call('ZREM', 'jobs:finished', root)
for _, tag in ipairs(what.tags) do redis.call('ZREM', 'jobs:tag:' .. tag, root) end
for _, id in ipairs(what.ids) do redis.call('HDEL', 'jobs:archived', id) end
redis.call('HDEL', 'jobs:archived', root)
return {'OK', ''}
)lua");
  return script;
}

}  // namespace paasmaker::jobs::lua
