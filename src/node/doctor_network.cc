// Every port the node will bind, the port ranges it hands out, and the
// clock: the kernel's NTP state and, for a node that is not the pacemaker,
// its offset from the pacemaker's Date header.
#include <sys/timex.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <map>
#include <sstream>

#include <fmt/format.h>

#include "core/files.h"
#include "core/http.h"
#include "core/net.h"
#include "node/doctor_checks.h"

namespace paasmaker::node::doctor {

namespace {

struct PlannedPort {
  std::string setting;  // the config key that sets it
  std::string host;
  int port = 0;
};

// What Node::Start binds for these roles (daemon.cc): the API, the managed
// Redis stores (the pacemaker's three, or a router's table replica), nginx.
std::vector<PlannedPort> PlannedPorts(const config::NodeConfig& c) {
  std::vector<PlannedPort> out{{"http_port", c.route_address, c.http_port}};
  auto store = [&](const char* setting, const config::RedisStoreConfig& s, const std::string& host) {
    if (!s.managed) return;
    out.push_back({setting, host, s.port});
    if (host != "127.0.0.1") out.push_back({setting, "127.0.0.1", s.port});
  };
  if (c.pacemaker.enabled) {
    store("redis.table.port", c.redis.table, c.route_address);
    store("redis.stats.port", c.redis.stats, c.route_address);
    store("redis.jobs.port", c.redis.jobs, c.route_address);
  } else if (c.router.enabled) {
    store("redis.table.port", c.redis.table, "127.0.0.1");  // the table replica
  }
  if (c.router.enabled && c.router.nginx_managed) {
    std::string host = c.router.listen_address.empty() ? "0.0.0.0" : c.router.listen_address;
    out.push_back({"router.port_direct", host, c.router.port_direct});
    out.push_back({"router.port_80", host, c.router.port_80});
    out.push_back({"router.port_443", host, c.router.port_443});
  }
  return out;
}

// "32768\t60999" / "42500-42799,50000": port ranges as the kernel writes them.
std::vector<std::pair<int, int>> ReadPortRanges(const std::string& path, bool pair_of_numbers) {
  std::vector<std::pair<int, int>> out;
  auto text = files::ReadFile(path);
  if (!text.ok()) return out;
  if (pair_of_numbers) {
    int low = 0, high = 0;
    if (std::sscanf(text->c_str(), "%d %d", &low, &high) == 2) out.push_back({low, high});
    return out;
  }
  std::stringstream items(*text);
  std::string item;
  while (std::getline(items, item, ',')) {
    int low = 0, high = 0;
    int n = std::sscanf(item.c_str(), "%d-%d", &low, &high);
    if (n == 1) out.push_back({low, low});
    if (n == 2) out.push_back({low, high});
  }
  return out;
}

// Ports of the node the kernel may hand to an outgoing connection (inside
// ip_local_port_range, not in ip_local_reserved_ports): one held in
// TIME-WAIT for a minute makes the node's bind fail at start.
void CheckEphemeralPorts(const config::NodeConfig& config, const std::vector<PlannedPort>& planned,
                         const DoctorHost& host, Checks& out) {
  auto ephemeral = ReadPortRanges(host.ipv4_sysctl_dir + "/ip_local_port_range", true);
  if (ephemeral.empty()) return;
  auto reserved = ReadPortRanges(host.ipv4_sysctl_dir + "/ip_local_reserved_ports", false);
  auto exposed = [&](int port) {
    if (port < ephemeral[0].first || port > ephemeral[0].second) return false;
    for (auto [low, high] : reserved) {
      if (port >= low && port <= high) return false;
    }
    return true;
  };
  std::vector<std::pair<int, int>> ranges;
  for (const auto& p : planned) ranges.push_back({p.port, p.port});
  if (config.heart.enabled) ranges.push_back({config.misc_ports_minimum, config.misc_ports_maximum});
  if (config.pacemaker.enabled) ranges.push_back({config.service_ports_minimum, config.service_ports_maximum});
  int lowest = 0, highest = 0, count = 0;
  for (auto [low, high] : ranges) {
    for (int port = low; port <= high; ++port) {
      if (!exposed(port)) continue;
      if (count++ == 0 || port < lowest) lowest = port;
      highest = std::max(highest, port);
    }
  }
  const std::string kernel_range = fmt::format("{}-{}", ephemeral[0].first, ephemeral[0].second);
  if (count == 0) {
    out.push_back(Ok("ephemeral ports", "none of the node's ports lies in the kernel's ephemeral range " + kernel_range +
                                            " (or they are reserved)"));
    return;
  }
  out.push_back(Warning(
      "ephemeral ports",
      fmt::format("{} of the node's ports ({}-{}) lie in the kernel's ephemeral range {}: an outgoing connection "
                  "may hold one for a minute (TIME-WAIT), and the node's start then fails with 'in use'",
                  count, lowest, highest, kernel_range),
      fmt::format("reserve them: sysctl -w net.ipv4.ip_local_reserved_ports={}-{} (and the same line in "
                  "/etc/sysctl.d/paasmaker.conf to keep it)",
                  lowest, highest)));
}

void CheckRange(const std::string& name, const std::string& host, int minimum, int maximum, const std::string& keys,
                Checks& out) {
  int free = 0;
  for (int port = minimum; port <= maximum; ++port) free += net::PortIsFree(host, port) ? 1 : 0;
  const int size = maximum - minimum + 1;
  std::string detail = fmt::format("{} of {} ports free in {}-{} on {}", free, size, minimum, maximum, host);
  if (free == 0) {
    out.push_back(Problem(name, detail, "stop what holds them, or move " + keys + " to a free range"));
  } else if (free < std::min(size, 5)) {
    out.push_back(Warning(name, detail, "widen " + keys + ", or free the ports"));
  } else {
    out.push_back(Ok(name, detail));
  }
}

// A Date header (IMF-fixdate, "Sun, 06 Nov 1994 08:49:37 GMT") as Unix time.
std::optional<double> ParseHttpDate(const std::string& text) {
  std::tm utc{};
  char* end = ::strptime(text.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &utc);
  if (end == nullptr) return std::nullopt;
  return static_cast<double>(::timegm(&utc));
}

double Now() { return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count(); }

// Offset from the pacemaker: any answer carries a Date header (a 401 for
// an unauthenticated call too), accurate to its second.
void CheckOffsetFromPacemaker(const config::NodeConfig& config, Checks& out) {
  const std::string url = config.MasterUrl();
  http::Client client(url, std::chrono::seconds(3), http::ClientTls{config.https.ca_file});
  double sent = Now();
  auto answer = client.Get("/api/v1/nodes");
  double received = Now();
  if (!answer.ok()) {
    out.push_back(Warning("clock offset", "cannot reach the pacemaker at " + url + " to compare clocks: " +
                                              answer.status().message(),
                          "start the pacemaker, or check master.host and master.port; run doctor again"));
    return;
  }
  std::optional<double> theirs;
  for (const auto& [name, value] : answer->headers) {
    if (name.size() == 4 && ::strncasecmp(name.c_str(), "date", 4) == 0) theirs = ParseHttpDate(value);
  }
  if (!theirs) {
    out.push_back(Warning("clock offset", "the pacemaker at " + url + " sent no Date header",
                          "upgrade the pacemaker; compare the clocks by hand (date -u on both)"));
    return;
  }
  // Date is truncated to its second: the true offset lies within a second
  // (plus the round trip) of what is measured here.
  double offset = (sent + received) / 2 - (*theirs + 0.5);
  double slack = 0.5 + (received - sent) / 2;
  double beyond = std::max(0.0, std::fabs(offset) - slack);
  std::string detail = fmt::format("{:+.1f} s from the pacemaker at {} (±{:.1f} s)", offset, url, slack);
  const std::string fix = "synchronise both clocks (apt install systemd-timesyncd, or chrony)";
  if (beyond > 5) {
    out.push_back(Problem("clock offset", detail + ": reports and health deadlines compare times across nodes", fix));
  } else if (beyond > 1) {
    out.push_back(Warning("clock offset", detail, fix));
  } else {
    out.push_back(Ok("clock offset", detail));
  }
}

}  // namespace

void CheckPorts(const config::NodeConfig& config, const DoctorHost& host, Checks& out) {
  auto planned = PlannedPorts(config);
  std::map<int, std::string> first_setting;
  for (const auto& p : planned) {
    const std::string name = "port " + p.setting;
    auto [seen, inserted] = first_setting.emplace(p.port, p.setting);
    if (!inserted && seen->second != p.setting) {
      out.push_back(Problem(name, fmt::format("{} and {} are both {}", seen->second, p.setting, p.port),
                            "give " + p.setting + " a port of its own"));
      continue;
    }
    if (!inserted) continue;  // the same store on a second address
    bool free = true;
    std::string where;
    for (const auto& q : planned) {
      if (q.setting != p.setting || net::PortIsFree(q.host, q.port)) continue;
      free = false;
      where = fmt::format("{}:{}", q.host, q.port);
      break;
    }
    if (free) {
      out.push_back(Ok(name, fmt::format("{}:{} is free", p.host, p.port)));
    } else {
      out.push_back(Problem(name, where + " is in use",
                            fmt::format("stop what holds it (ss -tanp 'sport = :{}' shows it; a connection in "
                                        "TIME-WAIT lets go within a minute), or set {} to a free port",
                                        p.port, p.setting)));
    }
  }
  if (config.heart.enabled) {
    CheckRange("misc ports", config.route_address, config.misc_ports_minimum, config.misc_ports_maximum,
               "misc_ports_minimum..misc_ports_maximum", out);
  }
  if (config.pacemaker.enabled) {
    CheckRange("service ports", config.route_address, config.service_ports_minimum, config.service_ports_maximum,
               "service_ports_minimum..service_ports_maximum", out);
  }
  CheckEphemeralPorts(config, planned, host, out);
}

void CheckClock(const config::NodeConfig& config, Checks& out) {
  timex tx{};  // modes 0: read only, allowed unprivileged
  int state = ::ntp_adjtime(&tx);
  if (state == TIME_ERROR || (tx.status & STA_UNSYNC) != 0) {
    out.push_back(Warning("clock", "the kernel reports the system clock as not synchronised (NTP)",
                          "enable time synchronisation: apt install systemd-timesyncd (or chrony)"));
  } else {
    out.push_back(Ok("clock", fmt::format("synchronised (estimated error {} ms)", tx.esterror / 1000)));
  }
  if (!config.pacemaker.enabled) CheckOffsetFromPacemaker(config, out);
}

}  // namespace paasmaker::node::doctor
