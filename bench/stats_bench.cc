// bench/stats: the router's stats log reader (parse + aggregate + the
// MULTI/EXEC writes into a real redis-server, the production code path)
// against python3 json.loads + dict aggregation of the same file, the
// original Paasmaker's approach, measured in the same run.
//
// The log: 1,000,000 lines of our log_format (~260 bytes each; 10 version
// types, 3 nodes, 1,000 requests per second), in a temp dir. Prints lines/s
// for both (median of 3 runs, warm page cache) and the ratio; also the
// reader's in-memory part alone (parse + aggregate + build the commands),
// which shows how much of its time is Redis applying the increments (the
// reader sums the next batch while Redis applies the one before).
#include <sys/wait.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "router/stats/stats_aggregator.h"
#include "router/stats/stats_line.h"
#include "router/stats/stats_reader.h"
#include "temp_dir.h"
#include "test_redis.h"

using namespace paasmaker;
using Clock = std::chrono::steady_clock;

namespace {

constexpr int kLines = 1000000;

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

std::string Uuid(const char* kind, int i) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%08x-%.4s-4000-8000-%012d", 0x1000 + i, kind, i);
  return buf;
}

void WriteLog(const std::string& path) {
  std::ofstream out(path, std::ios::binary);
  const int statuses[] = {200, 200, 200, 200, 200, 200, 304, 404, 200, 502};
  std::string line;
  for (int i = 0; i < kLines; ++i) {
    int vt = i % 10;
    int status = statuses[(i / 7) % 10];
    char buf[512];
    std::snprintf(buf, sizeof buf,
                  "{\"time\":%d.%03d,\"host\":\"www.app%d.example.com\",\"status\":%d,\"bytes\":%d,"
                  "\"request_time\":0.%03d,\"upstream_response_time\":\"0.%03d\","
                  "\"served_by\":\"%s %s %s\"}\n",
                  1700000000 + i / 1000, i % 1000, vt, status, 100 + (i * 37) % 20000, 1 + i % 50, i % 50,
                  Uuid("vtyp", vt).c_str(), Uuid("node", i % 3).c_str(), Uuid("inst", i % 30).c_str());
    out << buf;
  }
}

const char* kPython = R"PY(
import json, sys, time
def blank():
    return {"requests": 0, "bytes": 0, "time": 0, "timecount": 0, "nginxtime": 0}
start = time.perf_counter()
vts, nodes, history = {}, {}, {}
with open(sys.argv[1]) as f:
    for raw in f:
        try:
            d = json.loads(raw)
        except ValueError:
            continue
        second = int(d["time"])
        up = d["upstream_response_time"]
        vt, node, instance = d["served_by"].split(" ")
        for table, key in ((vts, vt), (nodes, node)):
            s = table.get(key)
            if s is None:
                s = table[key] = blank()
            s["requests"] += 1
            s["bytes"] += d["bytes"]
            s["nginxtime"] += int(d["request_time"] * 1000)
            if up and up != "-":
                s["time"] += int(float(up) * 1000)
                s["timecount"] += 1
            code = str(d["status"])
            s[code] = s.get(code, 0) + 1
            cls = code[0] + "xx"
            s[cls] = s.get(cls, 0) + 1
            h = (key, second)
            history[h] = history.get(h, 0) + 1
print(time.perf_counter() - start, sum(s["requests"] for s in vts.values()))
)PY";

// Seconds python3 took (measured inside python, without interpreter start-up); 0 on failure.
double PythonSeconds(const std::string& script, const std::string& log) {
  std::string command = "python3 " + script + " " + log;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return 0;
  double seconds = 0;
  long counted = 0;
  int read = std::fscanf(pipe, "%lf %ld", &seconds, &counted);
  // pclose's status is not checked: the process supervisor behind
  // TestRedisServer may reap the child first. The printed count is the check.
  ::pclose(pipe);
  if (read != 2 || counted != kLines) {
    std::fprintf(stderr, "python3 failed (counted %ld)\n", counted);
    return 0;
  }
  return seconds;
}

}  // namespace

int main() {
  testing::TempDir dir("pm-bench-stats");
  const std::string log = dir.path() + "/stats.log";
  const std::string script = dir.path() + "/baseline.py";
  WriteLog(log);
  std::ofstream(script) << kPython;
  testing::TestRedisServer server;
  if (!server.started()) return 1;
  redis::Client client(server.endpoint());

  std::vector<double> ours, python;
  for (int run = 0; run < 3; ++run) {
    if (!client.Command({"FLUSHALL"}).ok()) return 1;
    router::stats::StatsReader reader({log, "bench-router", 8 << 20}, &client);
    auto start = Clock::now();
    auto batch = reader.CatchUp();
    double seconds = std::chrono::duration<double>(Clock::now() - start).count();
    if (!batch.ok() || batch->lines != kLines || batch->malformed != 0) {
      std::fprintf(stderr, "reader failed: %s\n", batch.ok() ? "wrong count" : batch.status().ToString().c_str());
      return 1;
    }
    // What Redis holds must be every line, once.
    int64_t total = 0;
    for (int vt = 0; vt < 10; ++vt) {
      auto reply = client.Command({"HGET", "stat_vt:" + Uuid("vtyp", vt), "requests"});
      if (reply.ok() && !reply->is_nil()) total += std::stoll(reply->str);
    }
    if (total != kLines) {
      std::fprintf(stderr, "redis holds %lld requests, expected %d\n", static_cast<long long>(total), kLines);
      return 1;
    }
    ours.push_back(kLines / seconds);
    double py = PythonSeconds(script, log);
    if (py <= 0) return 1;
    python.push_back(kLines / py);
  }
  // The same lines parsed and aggregated in memory only, with the Redis
  // commands built but not sent: what the Redis round trip adds.
  std::vector<double> in_memory;
  {
    std::ifstream in(log, std::ios::binary);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    for (int run = 0; run < 3; ++run) {
      auto start = Clock::now();
      router::stats::StatsAggregator aggregator;
      router::stats::StatsAggregator::Commands commands;
      router::stats::StatsLine line;
      size_t from = 0, chunk_end = 0, commands_built = 0;
      while (from < text.size()) {
        // Batches of the reader's size, each turned into its commands.
        chunk_end = std::min(text.size(), from + (8 << 20));
        size_t last = text.rfind('\n', chunk_end - 1);
        chunk_end = last == std::string::npos || last < from ? text.size() : last + 1;
        for (size_t p = from; p < chunk_end;) {
          size_t nl = text.find('\n', p);
          if (router::stats::StatsLineParser::Parse(std::string_view(text).substr(p, nl - p), &line)) aggregator.Add(line);
          p = nl + 1;
        }
        commands.clear();
        aggregator.AppendCommands(&commands);
        commands_built += commands.size();
        aggregator.Clear();
        from = chunk_end;
      }
      double seconds = std::chrono::duration<double>(Clock::now() - start).count();
      in_memory.push_back(kLines / seconds);
      if (run == 0) std::printf("(%zu redis commands for %d lines)\n", commands_built, kLines);
    }
  }
  std::printf("parse + aggregate + build the commands, without redis: %.0f lines/s\n", Median(in_memory));
  double a = Median(ours), b = Median(python);
  std::printf("stats reader (parse + aggregate + redis MULTI/EXEC), %d lines: %.0f lines/s\n", kLines, a);
  std::printf("python3 json.loads + dict aggregation, same file:          %.0f lines/s\n", b);
  std::printf("ratio: %.1fx (target >= 10x)\n", a / b);
  return 0;
}
