# shellcheck shell=bash
# A loopback Paasmaker cluster for the benches, sourced (not run) by
# bench/deploy and bench/failover from the repository root, after
# `set -euo pipefail`:
#
#   cd "$(dirname "$0")/.."; BENCH_NAME=deploy; source bench/lib/cluster.sh
#
# Provides:
#   ROOT, PAASMAKER_BIN   the repository; the binary (built with scripts/build
#                         unless PAASMAKER_BIN names one)
#   WORK                  a temp dir (0711), removed at exit (KEEP_BENCH_DIR=1 keeps it)
#   die MSG               message plus the last lines of every node log, exit 1
#   now / elapsed A B / median X...
#   take_port             sets PORT from a pool of free loopback ports outside
#                         Paasmaker's default range
#   take_port_block N     sets PORT to the first of N consecutive free ports
#   wait_for_port PORT / wait_for_200 URL HOST NEEDLE   (WAIT_SECONDS, default 180)
#   PM_HTTP PM_TABLE PM_STATS PM_JOBS ROUTER_DIRECT NODE_TOKEN
#   write_config NAME HTTP TABLE ROLES...   $WORK/NAME.yml, data in $WORK/NAME;
#                         NODE_EXTRA_CONFIG (read at each call, so it can differ
#                         per node) is appended as top-level YAML lines, e.g.
#                         NODE_EXTRA_CONFIG="node_report_interval: 0.5";
#                         PACEMAKER_EXTRA_CONFIG likewise goes inside the
#                         pacemaker: {...} mapping, e.g. "max_streams: 1500"
#   start_node NAME HTTP  runs `paasmaker server -c $WORK/NAME.yml` (log
#                         $WORK/NAME.out) and waits for its port; starting a
#                         name again (after it died) replaces its pid
#   node_pid NAME         the pid start_node recorded for NAME
#   start_pacemaker ROLES...   the pacemaker node (+ router etc.), waits for its
#                         admin key, exports PAASMAKER_REMOTE and PAASMAKER_KEY
#   start_heart NAME      a heart-only node with its own ports
#   active_nodes / wait_for_active_nodes N   (as the pacemaker lists them)
# At exit every node started here is stopped by its pid (SIGTERM, SIGKILL
# after 15 s), hearts before the pacemaker; a bench may define bench_cleanup,
# which runs first.

ROOT=$PWD
BENCH_NAME="${BENCH_NAME:-$(basename "$0")}"
WAIT_SECONDS="${WAIT_SECONDS:-180}"  # for one deploy or one node to come up

if [[ -z "${PAASMAKER_BIN:-}" ]]; then
  scripts/build >/dev/null
  PAASMAKER_BIN="$ROOT/build/src/exe/paasmaker"
fi
PAASMAKER_BIN="$(realpath "$PAASMAKER_BIN")"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/pm-bench-$BENCH_NAME-XXXXXX")"
# Instances of a root heart run under their own uids: they must pass through.
chmod 0711 "$WORK"
NODE_NAMES=()
NODE_PIDS=()

cleanup() {
  set +e
  declare -F bench_cleanup >/dev/null && bench_cleanup
  # Hearts first, then the pacemaker; each node stops its own instances and daemons.
  for ((i = ${#NODE_PIDS[@]} - 1; i >= 0; i--)); do kill -TERM "${NODE_PIDS[$i]}" 2>/dev/null; done
  for pid in "${NODE_PIDS[@]}"; do
    for _ in $(seq 150); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null
  done
  if [[ -n "${KEEP_BENCH_DIR:-}" ]]; then echo "kept $WORK" >&2; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

die() {
  echo "bench/$BENCH_NAME: $*" >&2
  for log in "$WORK"/*.out; do
    [[ -f "$log" ]] && { echo "--- last lines of $log" >&2; tail -n 20 "$log" >&2; }
  done
  exit 1
}

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# Free loopback ports, none in Paasmaker's default range (42500-42799):
# bound all at once so no two are alike, then handed out by take_port
# (which sets PORT; no subshell, so the pool really shrinks).
mapfile -t PORT_POOL < <(python3 - <<'PY'
import socket
sockets, ports = [], []
while len(ports) < 40:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    sockets.append(s)
    port = s.getsockname()[1]
    if not 42500 <= port <= 42799:
        ports.append(port)
print("\n".join(map(str, ports)))
PY
)
take_port() {
  ((${#PORT_POOL[@]} > 0)) || die "out of free ports"
  PORT="${PORT_POOL[0]}"
  PORT_POOL=("${PORT_POOL[@]:1}")
}

# take_port_block N sets PORT to the first of N consecutive ports that are
# free now, below the ephemeral range (where take_port's ports and outgoing
# connections come from), outside Paasmaker's default range and apart from
# the blocks taken before: e.g. a heart's misc_ports, so hearts sharing the
# loopback never hand out the same instance port.
PORT_BLOCKS=""  # first:last ...
take_port_block() {
  PORT="$(python3 - "$1" "$PORT_BLOCKS" <<'PY'
import random, socket, sys
size = int(sys.argv[1])
taken = [tuple(map(int, block.split(":"))) for block in sys.argv[2].split()] + [(42500, 42799)]
with open("/proc/sys/net/ipv4/ip_local_port_range") as f:
    ephemeral = int(f.read().split()[0])
for _ in range(200):
    first = random.randrange(20000, ephemeral - size)
    last = first + size - 1
    if any(first <= b and a <= last for a, b in taken):
        continue
    sockets = []
    try:
        for port in range(first, last + 1):
            s = socket.socket()
            sockets.append(s)
            s.bind(("127.0.0.1", port))
        print(first)
        break
    except OSError:
        pass
    finally:
        for s in sockets:
            s.close()
PY
)"
  [[ -n "$PORT" ]] || die "found no block of $1 free ports"
  PORT_BLOCKS+=" $PORT:$((PORT + $1 - 1))"
}

# Polls URL (with an optional Host header) every 20 ms until it answers 200
# and its body contains NEEDLE; fails after WAIT_SECONDS.
wait_for_200() {
  local url="$1" host="$2" needle="$3" deadline body
  deadline=$(($(date +%s) + WAIT_SECONDS))
  while (($(date +%s) < deadline)); do
    if body="$(curl -sf --max-time 2 ${host:+-H "Host: $host"} "$url" 2>/dev/null)" && [[ "$body" == *"$needle"* ]]; then
      return 0
    fi
    sleep 0.02
  done
  return 1
}

wait_for_port() {
  local port="$1" deadline=$(($(date +%s) + WAIT_SECONDS))
  while (($(date +%s) < deadline)); do
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && return 0
    sleep 0.1
  done
  return 1
}

# --- the cluster ------------------------------------------------------------
# Configs in the shape tests/cluster/harness.cc writes: every node talks to
# the pacemaker's Redis stores; non-pacemaker nodes keep a table replica.
take_port; PM_HTTP=$PORT
take_port; PM_TABLE=$PORT
take_port; PM_STATS=$PORT
take_port; PM_JOBS=$PORT
take_port; ROUTER_DIRECT=$PORT
NODE_TOKEN="bench-$(python3 -c 'import secrets; print(secrets.token_hex(16))')"
NODE_EXTRA_CONFIG="${NODE_EXTRA_CONFIG:-}"

write_config() {  # name http_port table_port roles...
  local name="$1" http="$2" table="$3"; shift 3
  local roles=" $* "
  local on_pm=false on_heart=false on_router=false
  [[ "$roles" == *" pacemaker "* ]] && on_pm=true
  [[ "$roles" == *" heart "* ]] && on_heart=true
  [[ "$roles" == *" router "* ]] && on_router=true
  local direct port_80 port_443
  if [[ $on_router == true ]]; then direct=$ROUTER_DIRECT; else take_port; direct=$PORT; fi
  take_port; port_80=$PORT
  take_port; port_443=$PORT
  {
    echo "my_name: $name"
    echo "my_route: 127.0.0.1"
    echo "http_port: $http"
    echo "data_dir: $WORK/$name"
    echo "node_token: $NODE_TOKEN"
    echo "log_level: info"
    echo "master: {host: 127.0.0.1, port: $PM_HTTP}"
    echo "redis:"
    if [[ $on_pm == true ]]; then
      echo "  table: {port: $PM_TABLE}"
    else
      echo "  table: {port: $table, replica_of: {host: 127.0.0.1, port: $PM_TABLE}}"
    fi
    echo "  stats: {port: $PM_STATS}"
    echo "  jobs: {port: $PM_JOBS}"
    echo "pacemaker: {enabled: $on_pm${PACEMAKER_EXTRA_CONFIG:+, $PACEMAKER_EXTRA_CONFIG}}"
    echo "heart: {enabled: $on_heart}"
    echo "router: {enabled: $on_router, nginx: {listen: 127.0.0.1, port_direct: $direct, port_80: $port_80, port_443: $port_443}}"
    [[ -z "$NODE_EXTRA_CONFIG" ]] || printf '%s\n' "$NODE_EXTRA_CONFIG"
  } >"$WORK/$name.yml"
}

start_node() {  # name http
  local pid i
  "$PAASMAKER_BIN" server -c "$WORK/$1.yml" >>"$WORK/$1.out" 2>&1 &
  pid=$!
  for i in "${!NODE_NAMES[@]}"; do
    if [[ "${NODE_NAMES[$i]}" == "$1" ]]; then NODE_PIDS[i]=$pid; pid=""; break; fi
  done
  [[ -z "$pid" ]] || { NODE_NAMES+=("$1"); NODE_PIDS+=("$pid"); }
  wait_for_port "$2" || die "node $1 did not start"
}

node_pid() {  # name
  local i
  for i in "${!NODE_NAMES[@]}"; do
    [[ "${NODE_NAMES[$i]}" == "$1" ]] && { echo "${NODE_PIDS[$i]}"; return 0; }
  done
  return 1
}

start_pacemaker() {  # roles... (pacemaker first)
  write_config pacemaker "$PM_HTTP" "$PM_TABLE" "$@"
  start_node pacemaker "$PM_HTTP"
  for _ in $(seq $((WAIT_SECONDS * 10))); do [[ -s "$WORK/pacemaker/admin_api_key" ]] && break; sleep 0.1; done
  [[ -s "$WORK/pacemaker/admin_api_key" ]] || die "the pacemaker wrote no admin_api_key"
  export PAASMAKER_REMOTE="http://127.0.0.1:$PM_HTTP"
  PAASMAKER_KEY="$(tr -d '\n' <"$WORK/pacemaker/admin_api_key")"
  export PAASMAKER_KEY
}

declare -A NODE_HTTP_PORT=()  # name -> http port, of nodes start_heart started
start_heart() {  # name
  local http table
  take_port; http=$PORT
  take_port; table=$PORT
  write_config "$1" "$http" "$table" heart
  # shellcheck disable=SC2034  # read by the benches (to restart a node)
  NODE_HTTP_PORT[$1]=$http
  start_node "$1" "$http"
}

active_nodes() {
  "$PAASMAKER_BIN" node list --json 2>/dev/null |
    python3 -c 'import json, sys; print(sum(n.get("state") == "ACTIVE" for n in json.load(sys.stdin).get("nodes", [])))' 2>/dev/null ||
    echo 0
}

wait_for_active_nodes() {  # n
  local deadline=$(($(date +%s) + WAIT_SECONDS))
  until [[ "$(active_nodes)" == "$1" ]]; do
    (($(date +%s) < deadline)) || die "the nodes did not all become ACTIVE"
    sleep 0.2
  done
}
