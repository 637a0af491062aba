#include "pacemaker/services/redis_dump.h"

#include <chrono>
#include <filesystem>
#include <thread>

#include "core/files.h"
#include "core/ids.h"
#include "core/net.h"
#include "core/process.h"

namespace paasmaker::pacemaker::services {

namespace {

std::string Tail(const std::string& output) { return output.size() > 1500 ? output.substr(output.size() - 1500) : output; }

// A redis-server on 127.0.0.1 that has loaded `dump_path`, stopped when
// this goes.
class ScratchRedis {
 public:
  ~ScratchRedis() {
    if (process_ != nullptr) process_->Stop(std::chrono::seconds(5));
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }

  Status Start(const std::string& dump_path, const std::string& dir) {
    dir_ = dir;
    PM_RETURN_IF_ERROR(files::MakeDirectories(dir, 0700));
    std::error_code ec;
    std::filesystem::copy_file(dump_path, dir + "/dump.rdb", std::filesystem::copy_options::overwrite_existing, ec);
    if (ec) return IoError("copying the dump for the scratch redis: " + ec.message());
    PM_ASSIGN_OR_RETURN(int port, net::FreePort());
    endpoint_ = {"127.0.0.1", port, ids::RandomToken(16)};
    const std::string conf = "bind 127.0.0.1\nprotected-mode yes\nport " + std::to_string(port) + "\ndir " + dir +
                             "\ndbfilename dump.rdb\nappendonly no\nsave \"\"\ndaemonize no\nrequirepass " +
                             endpoint_.password + "\n";
    PM_RETURN_IF_ERROR(files::WriteFileAtomically(dir + "/redis.conf", conf, 0600));
    process::LaunchOptions options;
    options.argv = {"redis-server", dir + "/redis.conf"};
    options.output_file = dir + "/redis.log";
    PM_ASSIGN_OR_RETURN(process_, process::Launch(options));
    // Loading a large dump takes a while: up to a minute, while it lives.
    redis::Client client(endpoint_);
    for (auto give_up = std::chrono::steady_clock::now() + std::chrono::minutes(1);
         std::chrono::steady_clock::now() < give_up;) {
      if (!process_->running()) {
        auto log = files::ReadFile(dir + "/redis.log");
        return InvalidArgument("the dump is not an RDB file this redis can load: " + Tail(log.ok() ? *log : ""));
      }
      if (client.Ping().ok()) return Status::Ok();
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return Unavailable("the scratch redis did not load the dump within a minute");
  }
  const redis::Endpoint& endpoint() const { return endpoint_; }

 private:
  std::string dir_;
  redis::Endpoint endpoint_;
  std::shared_ptr<process::Process> process_;
};

// The numbers of the databases that hold keys ("db0:keys=1,..." in INFO keyspace).
Result<std::vector<std::string>> DatabasesWithKeys(redis::Client& client) {
  PM_ASSIGN_OR_RETURN(auto info, client.Command({"INFO", "keyspace"}));
  std::vector<std::string> databases;
  size_t at = 0;
  while ((at = info.str.find("\ndb", at)) != std::string::npos) {
    at += 3;
    size_t colon = info.str.find(':', at);
    if (colon == std::string::npos) break;
    databases.push_back(info.str.substr(at, colon - at));
  }
  return databases;
}

}  // namespace

Status ExportRedis(const redis::Endpoint& live, const std::string& dump_path) {
  process::LaunchOptions options;
  options.argv = {"redis-cli", "-h", live.host, "-p", std::to_string(live.port), "--no-auth-warning", "--rdb", dump_path};
  options.inherit_env = false;
  options.env = {{"PATH", "/usr/bin:/bin"}, {"REDISCLI_AUTH", live.password}};
  PM_ASSIGN_OR_RETURN(auto ran, process::Run(options, std::chrono::minutes(10)));
  if (!ran.exit.exited || ran.exit.exit_code != 0) {
    return Unavailable("redis-cli --rdb from " + live.ToString() + " failed (" + ran.exit.Describe() +
                       "): " + Tail(ran.output));
  }
  return Status::Ok();
}

Status ImportRedis(const redis::Endpoint& live, const std::string& dump_path, const std::string& scratch_dir) {
  ScratchRedis scratch;
  PM_RETURN_IF_ERROR(scratch.Start(dump_path, scratch_dir));
  redis::Client source(scratch.endpoint(), std::chrono::seconds(30));
  PM_ASSIGN_OR_RETURN(auto databases, DatabasesWithKeys(source));
  std::vector<std::vector<std::string>> apply = {{"FLUSHALL"}};
  for (const std::string& db : databases) {
    PM_RETURN_IF_ERROR(source.Command({"SELECT", db}).status());
    apply.push_back({"SELECT", db});
    std::string cursor = "0";
    do {
      PM_ASSIGN_OR_RETURN(auto page, source.Command({"SCAN", cursor, "COUNT", "1000"}));
      if (page.elements.size() != 2) return Internal("SCAN on the scratch redis answered no page");
      cursor = page.elements[0].str;
      for (const std::string& key : page.elements[1].StringElements()) {
        PM_ASSIGN_OR_RETURN(auto copied, source.Pipeline({{"DUMP", key}, {"PTTL", key}}));
        if (copied[0].is_nil()) continue;  // expired meanwhile
        const int64_t ttl = copied[1].integer > 0 ? copied[1].integer : 0;
        apply.push_back({"RESTORE", key, std::to_string(ttl), copied[0].str, "REPLACE"});
      }
    } while (cursor != "0");
  }
  apply.push_back({"SELECT", "0"});
  redis::Client target(live, std::chrono::seconds(60));
  auto applied = target.Pipeline(apply, /*transaction=*/true);
  if (!applied.ok()) return applied.status().WithContext("applying the dump to " + live.ToString());
  return Status::Ok();
}

}  // namespace paasmaker::pacemaker::services
