-- paasmaker.router: the routing request path of a Paasmaker router (SPEC §4).
--
-- nginx calls, per worker:
--   configure(conf)  init_by_lua, in the master, before the workers fork
--   init_worker()    init_worker_by_lua: caches and the serial timer
--   balance_cached() balancer_by_lua of `location /`, per try: the whole
--                    routing step for a Host whose route this worker has
--                    cached; for anything else it fails the try, and nginx's
--                    error_page sends the request to `@pm_lookup`
--   route()          access_by_lua of `@pm_lookup`: Host -> route (Redis on a
--                    miss) -> chosen instance, or the 400/404/503 page
--   balance()        balancer_by_lua of `@pm_lookup`, per try
-- Requests with a body or an Upgrade header go to `@pm_lookup` directly
-- (nginx_config.cc says why).
-- nginx_config.cc binds these to globals in init_by_lua, so the per-request
-- chunks skip a require() call.
--
-- The common path (a cached route) enters Lua once, in the balancer: each
-- Lua handler costs a fixed ~2k instructions per request (callgrind), the
-- access phase's coroutine most. It also avoids ngx.ctx (a table, a registry
-- reference and a cleanup handler) and all but one ngx.var write (a name
-- hash each): the chosen backend is remembered per request in a table keyed
-- by the request, and the stats log gets the backend's three ids in one
-- variable. Only a retry uses ngx.ctx.
--
-- Routes live in the node's table Redis as SETs `instances:<host>` whose members
-- are `<ip>:<port>#<version type id>#<node id>#<instance id>`. Lookups are cached
-- per worker (resty.lrucache), including "no route" answers, so a cache hit costs
-- no Redis round trip. A timer reads the table's `serial` key every
-- conf.serial_check_ms and flushes the caches whenever it changed: every routing
-- update increments it, so a change is seen within that period. While Redis cannot
-- be reached the caches keep serving what they hold (stale but the best answer we
-- have); misses answer 503, and the caches are flushed as soon as Redis is back.
--
-- The module is loaded in the master (init_by_lua) so workers, which may run as
-- `nobody`, never need to read files under the node's data directory.

local redis = require "nginx.redis"
local lrucache = require "resty.lrucache"
local semaphore = require "ngx.semaphore"
local balancer = require "ngx.balancer"
local get_request = require("resty.core.base").get_request
local ffi_cast = require("ffi").cast

local ngx = ngx
local find, sub, match, gsub = string.find, string.sub, string.match, string.gsub
local random = math.random

local _M = {}

local conf = {
  -- Always set by nginx.conf; the local table replica (loopback by design:
  -- it serves only this host's nginx).
  redis_host = "127.0.0.1",
  redis_port = 6379,
  redis_user = "",     -- an ACL user ("router"); "" authenticates with the password alone
  redis_password = "",
  redis_timeout_ms = 500,
  pool_size = 32,
  pool_idle_ms = 30000,
  serial_check_ms = 50,
  cache_size = 20000,
  negative_cache_size = 5000,
  dead_backend_ttl = 30,
  max_retries = 3,  -- other instances tried after a failed connect or timeout
  -- Requests with this Host answer 200 and count as no traffic: the node's
  -- readiness check uses it to prove that Lua really runs (`nginx -t` passes
  -- even when Lua cannot load). A `.invalid` name is never an app's.
  health_host = "paasmaker-router-health.invalid",
}

local NOT_FOUND = {}  -- cached "no route for this host"
local NOTHING_TRIED = {}  -- choose()'s `tried` for a request's first pick; never written
-- $pm_served_by for requests that are not traffic (router health checks):
-- the stats reader skips log lines that carry it.
local NOT_LOGGED = "-"

-- route() -> balance() of the same request: request address -> chosen
-- backend. A request that reuses an earlier one's address passes
-- route() first, which overwrites the entry, so nothing stale is ever read;
-- the tables are only bounded: past HANDOFF_LIMIT new keys a fresh one
-- starts, and the previous one is still read for requests in flight.
local HANDOFF_LIMIT = 4096
local handoff, handoff_previous, handoff_keys = {}, {}, 0

local routes        -- lrucache: host -> route {key, backends}
local negatives     -- lrucache: host -> NOT_FOUND; apart so junk Host headers cannot evict real routes
local generation = 0  -- bumped at every flush; a lookup that spans a flush is not cached
local last_serial     -- nil: unknown, so the next successful read flushes
local checking = false
local inflight = {}   -- host -> {sema, waiters, route, err}: one Redis lookup per host at a time
local dead            -- lua_shared_dict: "ip:port" -> true while that backend is considered dead
-- This worker's copy of `dead`, refreshed by the serial timer: a Lua table
-- lookup per request instead of a locked shared-memory one (~500
-- instructions). A backend another worker marks is seen here within
-- conf.serial_check_ms; until then a try on it fails over like the first did.
local dead_here = {}

function _M.configure(c)
  for k, v in pairs(c) do conf[k] = v end
end

-- The current request's address as a number: get_request() boxes it in a
-- new cdata at every call, and cdata table keys compare by box.
local function request_key()
  return tonumber(ffi_cast("uintptr_t", get_request()))
end

-- `backend` serves request r: remembered for r's balancer (and its retries)
-- and named in the stats log.
local function serve_with(r, backend)
  if handoff[r] == nil then
    handoff_keys = handoff_keys + 1
    if handoff_keys > HANDOFF_LIMIT then
      handoff_previous, handoff, handoff_keys = handoff, {}, 1
    end
  end
  handoff[r] = backend
  ngx.var.pm_served_by = backend.served_by
end

-- The backend serve_with() chose for request r, or nil.
local function chosen_for(r)
  return handoff[r] or handoff_previous[r]
end

local function connect()
  local red = redis:new()
  red:set_timeout(conf.redis_timeout_ms)
  local ok, err = red:connect(conf.redis_host, conf.redis_port)
  if not ok then return nil, err end
  if conf.redis_password ~= "" and red:get_reused_times() == 0 then
    if conf.redis_user ~= "" then
      ok, err = red:auth(conf.redis_user, conf.redis_password)
    else
      ok, err = red:auth(conf.redis_password)
    end
    if not ok then
      red:close()
      return nil, err
    end
  end
  return red
end

local function release(red)
  red:set_keepalive(conf.pool_idle_ms, conf.pool_size)
end

local function flush()
  generation = generation + 1
  routes:flush_all()
  negatives:flush_all()
end

local function refresh_dead()
  local fresh = {}
  for _, address in ipairs(dead:get_keys(0)) do fresh[address] = true end
  dead_here = fresh
end

local function check_serial(premature)
  if premature then return end
  refresh_dead()
  if checking then return end
  checking = true
  local ok, serial, err = pcall(function()
    local red, err = connect()
    if not red then return nil, err end
    local serial, err = red:get("serial")
    if serial then release(red) else red:close() end
    return serial, err
  end)
  checking = false
  if not ok or not serial then
    if last_serial ~= nil then
      ngx.log(ngx.ERR, "paasmaker router: table redis unreachable, serving cached routes: ", tostring(err or serial))
    end
    last_serial = nil
    return
  end
  if serial == ngx.null then serial = "0" end
  if serial ~= last_serial then
    flush()
    last_serial = serial
  end
end

function _M.init_worker()
  routes = lrucache.new(conf.cache_size)
  negatives = lrucache.new(conf.negative_cache_size)
  dead = ngx.shared.paasmaker_dead_backends
  math.randomseed(ngx.now() * 1000 + ngx.worker.pid())
  local ok, err = ngx.timer.every(conf.serial_check_ms / 1000, check_serial)
  if not ok then ngx.log(ngx.ERR, "paasmaker router: cannot start the serial timer: ", err) end
end

-- The keys to try, most specific first: a.b.c.com, *.b.c.com, *.c.com, *.com, *.
local function candidates(host)
  local list = { host }
  local rest = host
  while true do
    local dot = find(rest, ".", 1, true)
    if not dot or dot == #rest then break end
    rest = sub(rest, dot + 1)
    list[#list + 1] = "*." .. rest
  end
  if host ~= "*" then list[#list + 1] = "*" end
  return list
end

local function field(value)
  if value == nil or value == "" then return "null" end
  return value
end

-- "<ip>:<port>#<version type>#<node>#<instance>" -> backend, or nil if
-- malformed. `served_by` is what the stats log gets: the three ids, one space
-- apart (ids never hold spaces; a member with one is refused).
local function parse_member(member)
  local address, vt, node, instance = match(member, "^([^#]*)#?([^#]*)#?([^#]*)#?([^#]*)")
  local ip, port = match(address or "", "^%[?([^%[%]]+)%]?:(%d+)$")
  port = tonumber(port)
  if not ip or not port or port < 1 or port > 65535 then return nil end
  if find(member, " ", 1, true) then return nil end
  return { ip = ip, port = port, address = ip .. ":" .. port,
           served_by = field(vt) .. " " .. field(node) .. " " .. field(instance) }
end

-- One round trip: SMEMBERS of every candidate key, first non-empty wins.
local function lookup(host)
  local red, err = connect()
  if not red then return nil, err end
  local keys = candidates(host)
  red:init_pipeline(#keys)
  for _, key in ipairs(keys) do red:smembers("instances:" .. key) end
  local results, err = red:commit_pipeline()
  if not results then
    red:close()
    return nil, err
  end
  release(red)
  for i, members in ipairs(results) do
    if type(members) ~= "table" or members[1] == false then
      return nil, "redis: " .. tostring(members[2] or members)  -- e.g. LOADING on a syncing replica
    end
    local backends = {}
    for _, member in ipairs(members) do
      local backend = parse_member(member)
      if backend then
        backends[#backends + 1] = backend
      else
        ngx.log(ngx.WARN, "paasmaker router: ignoring malformed member '", member, "' of instances:", keys[i])
      end
    end
    if #backends > 0 then
      local route = { key = keys[i], backends = backends }
      for _, backend in ipairs(backends) do backend.route = route end
      return route
    end
  end
  return NOT_FOUND
end

-- The cached route for host, or a fresh lookup shared by every request of
-- this worker that misses on the same host meanwhile. nil + err: Redis failed.
local function resolve(host)
  local route = routes:get(host) or negatives:get(host)
  if route then return route end
  local pending = inflight[host]
  if pending then
    pending.waiters = pending.waiters + 1
    local ok = pending.sema:wait(conf.redis_timeout_ms * 3 / 1000)
    if not ok then return nil, "timed out waiting for a lookup of the same host" end
    return pending.route, pending.err
  end
  pending = { sema = semaphore.new(), waiters = 0 }
  inflight[host] = pending
  local started = generation
  local ok, route, err = pcall(lookup, host)
  if not ok then route, err = nil, route end
  inflight[host] = nil
  pending.route, pending.err = route, err
  if route and generation == started then
    if route == NOT_FOUND then negatives:set(host, route) else routes:set(host, route) end
  end
  if pending.waiters > 0 then pending.sema:post(pending.waiters) end
  return route, err
end

-- A random backend not yet tried for this request, preferring live ones.
local function choose(backends, tried)
  local first = backends[random(#backends)]
  if not tried[first] and not dead_here[first.address] then return first end
  local live, untried = {}, {}
  for _, b in ipairs(backends) do
    if not tried[b] then
      untried[#untried + 1] = b
      if not dead_here[b.address] then live[#live + 1] = b end
    end
  end
  if #live > 0 then return live[random(#live)] end
  if #untried > 0 then return untried[random(#untried)] end
  return nil
end

local function html_escape(s)
  return (gsub(s, "[<>&\"']", { ["<"] = "&lt;", [">"] = "&gt;", ["&"] = "&amp;", ['"'] = "&quot;",
                                ["'"] = "&#39;" }))
end

local PAGES = {
  [400] = { "Bad Request", "This request has no Host header, so it cannot be routed." },
  [404] = { "Not Found", "No application answers to the host name %s." },
  [503] = { "Service Unavailable", "The routing table cannot be read right now. Please try again shortly." },
}

local function exit_page(status, host)
  local page = PAGES[status]
  ngx.status = status
  ngx.header["Content-Type"] = "text/html; charset=utf-8"
  ngx.header["Cache-Control"] = "no-store"
  local text = page[2]
  if host then text = string.format(text, html_escape(host)) end
  ngx.print("<!DOCTYPE html>\n<html><head><title>", status, " ", page[1], "</title></head><body><h1>",
            page[1], "</h1><p>", text, "</p><hr><p>Paasmaker router</p></body></html>\n")
  return ngx.exit(ngx.HTTP_OK)  -- headers are sent: this only ends the request
end

local function health()
  ngx.var.pm_served_by = NOT_LOGGED
  local ok, process = pcall(require, "ngx.process")
  local master = ok and process.get_master_pid() or 0
  ngx.header["Content-Type"] = "text/plain"
  ngx.print("paasmaker router ok; master pid ", master, "\n")
  return ngx.exit(ngx.HTTP_OK)
end

-- $host is the request's host name as nginx validated it: from the request
-- line or the Host header, lower-cased, without port or trailing dot
-- ("[::1]" keeps its brackets); "" when an HTTP/1.0 request names none.
-- A shorter variable name than $http_host is also a cheaper lookup.
function _M.route()
  local host = ngx.var.host
  if not host or host == "" then return exit_page(400) end
  if host == conf.health_host then return health() end
  local route, err = resolve(host)
  if not route then
    ngx.log(ngx.ERR, "paasmaker router: cannot look up ", host, ": ", tostring(err))
    return exit_page(503)
  end
  if route == NOT_FOUND then return exit_page(404, host) end
  local backend = choose(route.backends, NOTHING_TRIED)
  serve_with(request_key(), backend)
end

-- The previous try of this request failed to connect or timed out (nginx
-- retries only when that is safe): keep other requests away from that
-- backend for a while and pick another instance of the same route.
local function retry(r, failed)
  dead:set(failed.address, true, conf.dead_backend_ttl)
  dead_here[failed.address] = true
  ngx.log(ngx.WARN, "paasmaker router: backend ", failed.address, " of ", failed.route.key,
          " failed; marked dead for ", conf.dead_backend_ttl, " s")
  local ctx = ngx.ctx
  local tried = ctx.pm_tried
  if not tried then
    tried = {}
    ctx.pm_tried = tried
  end
  tried[failed] = true
  -- With every instance tried, nginx only asks again when the failure was
  -- on a kept-alive connection the app had just closed: retry the same one.
  local backend = choose(failed.route.backends, tried)
  if not backend then return failed end
  serve_with(r, backend)
  return backend
end

local function set_peer(backend)
  local ok, err = balancer.set_current_peer(backend.ip, backend.port)
  if not ok then
    ngx.log(ngx.ERR, "paasmaker router: cannot use backend ", backend.address, ": ", err)
    return ngx.exit(ngx.ERROR)
  end
end

local function allow_retries(route)
  if #route.backends > 1 then
    balancer.set_more_tries(math.min(#route.backends - 1, conf.max_retries))
  end
end

function _M.balance_cached()
  local r = request_key()
  if balancer.get_last_failure() then
    local failed = chosen_for(r)
    if not failed then return ngx.exit(ngx.ERROR) end
    return set_peer(retry(r, failed))
  end
  local host = ngx.var.host
  local route = host and routes:get(host)
  -- Not cached in this worker (or a page to send): failing this try makes
  -- a 500, which error_page turns into an internal redirect to @pm_lookup.
  -- Nothing was sent upstream and the request has no body, so nothing is lost.
  if not route then return ngx.exit(ngx.ERROR) end
  local backend = choose(route.backends, NOTHING_TRIED)
  serve_with(r, backend)
  allow_retries(route)
  return set_peer(backend)
end

function _M.balance()
  local r = request_key()
  local backend = chosen_for(r)
  if not backend then
    ngx.log(ngx.ERR, "paasmaker router: the balancer found no backend chosen for this request")
    return ngx.exit(ngx.ERROR)
  end
  if balancer.get_last_failure() then
    backend = retry(r, backend)
  else
    allow_retries(backend.route)
  end
  return set_peer(backend)
end

return _M
