#include <gtest/gtest.h>

#include "config/node_config.h"
#include "core/files.h"
#include "temp_dir.h"

namespace paasmaker {
namespace {

TEST(NodeConfigTest, EmptyConfigHasSpecDefaults) {
  auto c = config::ParseNodeConfig("", "empty.yml");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->http_port, 42500);
  EXPECT_EQ(c->data_dir, "./data");
  EXPECT_EQ(c->my_route, "127.0.0.1");
  EXPECT_EQ(c->log_level, "info");
  EXPECT_DOUBLE_EQ(c->node_report_interval, 3.0);
  EXPECT_EQ(c->misc_ports_minimum, 42600);
  EXPECT_EQ(c->misc_ports_maximum, 42699);
  EXPECT_EQ(c->redis.table.port, 42510);
  EXPECT_EQ(c->redis.stats.port, 42512);
  EXPECT_EQ(c->redis.jobs.port, 42513);
  EXPECT_TRUE(c->redis.table.managed);
  EXPECT_TRUE(c->redis.table.shutdown);
  EXPECT_EQ(c->pacemaker.cluster_hostname, "local.paasmaker.net");
  EXPECT_FALSE(c->pacemaker.allow_supertoken);
  EXPECT_DOUBLE_EQ(c->pacemaker.node_down_timeout, 10.0);
  EXPECT_EQ(c->pacemaker.max_upload_size, 1024LL * 1024 * 1024);
  EXPECT_EQ(c->router.port_direct, 42530);
  EXPECT_EQ(c->router.port_80, 42531);
  EXPECT_EQ(c->router.port_443, 42532);
  EXPECT_DOUBLE_EQ(c->router.stats_interval, 0.5);
  EXPECT_DOUBLE_EQ(c->router.dead_backend_ttl, 30.0);
  EXPECT_DOUBLE_EQ(c->router.upstream_connect_timeout, 5.0);
  EXPECT_DOUBLE_EQ(c->router.upstream_timeout, 60.0);
  EXPECT_DOUBLE_EQ(c->router.request_timeout, 60.0);
  EXPECT_EQ(c->Roles(), (std::vector<std::string>{"pacemaker", "heart", "router"}));
  EXPECT_EQ(c->MasterUrl(), "http://127.0.0.1:42500");
  EXPECT_EQ(c->heart.runtimes.count("paasmaker.runtime.shell"), 1u);
}

TEST(NodeConfigTest, ReadsEverySection) {
  auto c = config::ParseNodeConfig(R"(
my_name: heart-1
http_port: 43000
tags: {zone: a}
master: {host: 127.0.0.2, port: 42500}
redis:
  table: {port: 43010, managed: false, shutdown: false, replica_of: {host: 127.0.0.1, port: 42510}}
pacemaker: {enabled: false}
router: {enabled: false, nginx: {port_direct: 43030, listen: 127.0.0.3}, upstream_connect_timeout: 1.5, upstream_timeout: 120,
         request_timeout: 30}
heart:
  runtimes: {paasmaker.runtime.shell: ["1"]}
  restart_policy: {immediate_restarts: 5}
)",
                                   "node.yml");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->my_name, "heart-1");
  EXPECT_EQ(c->tags.at("zone"), "a");
  EXPECT_EQ(c->MasterUrl(), "http://127.0.0.2:42500");
  EXPECT_FALSE(c->redis.table.managed);
  EXPECT_EQ(c->redis.table.replica_of_port, 42510);
  EXPECT_EQ(c->Roles(), std::vector<std::string>{"heart"});
  EXPECT_EQ(c->router.port_direct, 43030);
  EXPECT_EQ(c->router.listen_address, "127.0.0.3");
  EXPECT_DOUBLE_EQ(c->router.upstream_connect_timeout, 1.5);
  EXPECT_DOUBLE_EQ(c->router.upstream_timeout, 120);
  EXPECT_DOUBLE_EQ(c->router.request_timeout, 30);
  EXPECT_EQ(c->heart.restart_policy.immediate_restarts, 5);
}

TEST(NodeConfigTest, RouterListenMustBeAnIpv4Address) {
  auto c = config::ParseNodeConfig("my_name: x\nrouter:\n  nginx: {listen: router.example.com}\n", "bad.yml");
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("router.nginx.listen: expected an IPv4 address"), std::string::npos)
      << c.status().message();
}

TEST(NodeConfigTest, UnknownKeyAndWrongTypeNameKeyAndLine) {
  auto c = config::ParseNodeConfig("my_name: x\nhttp_prot: 1\nredis:\n  jobs:\n    port: many\n", "bad.yml");
  ASSERT_FALSE(c.ok());
  const std::string& m = c.status().message();
  EXPECT_NE(m.find("bad.yml:2: unknown key \"http_prot\""), std::string::npos) << m;
  EXPECT_NE(m.find("bad.yml:5: redis.jobs.port: expected an integer, got \"many\""), std::string::npos) << m;
}

TEST(NodeConfigTest, OutOfRangeAndBadLevel) {
  auto c = config::ParseNodeConfig("http_port: 70000\nlog_level: loud\n", "r.yml");
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("r.yml:1: http_port: must be between 1 and 65535"), std::string::npos)
      << c.status().message();
  EXPECT_NE(c.status().message().find("r.yml:2: log_level"), std::string::npos);
}

TEST(NodeConfigTest, SupertokenNeedsAToken) {
  auto c = config::ParseNodeConfig("pacemaker: {allow_supertoken: true}\n", "s.yml");
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("super_token"), std::string::npos);
}

TEST(NodeConfigTest, UnreadableFileIsAnError) {
  auto c = config::LoadNodeConfig("/nonexistent/paasmaker.yml");
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("/nonexistent/paasmaker.yml"), std::string::npos);
}

TEST(NodeConfigTest, NoRoleIsAnError) {
  auto c = config::ParseNodeConfig("pacemaker: {enabled: false}\nheart: {enabled: false}\nrouter: {enabled: false}\n",
                                   "n.yml");
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("no role enabled"), std::string::npos);
}

TEST(NodeConfigTest, PrepareUidDefaultsToAnUnusedIdAndIsNeverRoot) {
  auto c = config::ParseNodeConfig("", "empty.yml");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->pacemaker.prepare_uid, 60999);
  c = config::ParseNodeConfig("pacemaker: {prepare_uid: 60500}\n", "p.yml");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->pacemaker.prepare_uid, 60500);
  c = config::ParseNodeConfig("pacemaker: {prepare_uid: 0}\n", "p.yml");
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("p.yml:1: pacemaker.prepare_uid: must be between 1 and"), std::string::npos)
      << c.status().message();
}

TEST(NodeConfigTest, FilesystemDirectoryDefaultsToTheDataDirAndSharedDirectoriesAreAbsolute) {
  auto c = config::ParseNodeConfig("data_dir: /var/lib/pm\n", "d.yml");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->FilesystemDirectory(), "/var/lib/pm/services/filesystem");
  EXPECT_TRUE(c->heart.shared_directories.empty());
  c = config::ParseNodeConfig(
      "pacemaker: {filesystem_directory: /srv/shared/files}\nheart: {shared_directories: [/srv/shared]}\n", "s.yml");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->FilesystemDirectory(), "/srv/shared/files");
  EXPECT_EQ(c->heart.shared_directories, std::vector<std::string>{"/srv/shared"});
  c = config::ParseNodeConfig("pacemaker: {filesystem_directory: shared}\nheart: {shared_directories: [mnt]}\n",
                              "r.yml");
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("pacemaker.filesystem_directory: must be an absolute path"), std::string::npos)
      << c.status().message();
  EXPECT_NE(c.status().message().find("heart.shared_directories: 'mnt' is not an absolute path"), std::string::npos)
      << c.status().message();
}

TEST(NodeConfigTest, TestJobPluginsAreOffUnlessATestConfigTurnsThemOn) {
  auto defaults = config::ParseNodeConfig("", "empty.yml");
  ASSERT_TRUE(defaults.ok()) << defaults.status().ToString();
  EXPECT_FALSE(defaults->testing.job_plugins);
  auto on = config::ParseNodeConfig("testing: {job_plugins: true}\n", "test.yml");
  ASSERT_TRUE(on.ok()) << on.status().ToString();
  EXPECT_TRUE(on->testing.job_plugins);
  auto typo = config::ParseNodeConfig("testing: {job_plugin: true}\n", "typo.yml");
  ASSERT_FALSE(typo.ok());
  EXPECT_NE(typo.status().message().find("testing.job_plugin"), std::string::npos) << typo.status().ToString();
}

TEST(NodeConfigTest, HttpsMakesEveryNodeUrlHttps) {
  auto plain = config::ParseNodeConfig("master: {host: 10.0.0.1, port: 42500}\n", "plain.yml");
  ASSERT_TRUE(plain.ok()) << plain.status().ToString();
  EXPECT_FALSE(plain->https.enabled());
  EXPECT_EQ(plain->NodeUrl("10.0.0.2", 42501), "http://10.0.0.2:42501");
  auto tls = config::ParseNodeConfig(
      "master: {host: 10.0.0.1, port: 42500}\n"
      "https: {certificate: /etc/pm/node.crt, key: /etc/pm/node.key, ca_file: /etc/pm/ca.crt}\n",
      "tls.yml");
  ASSERT_TRUE(tls.ok()) << tls.status().ToString();
  EXPECT_TRUE(tls->https.enabled());
  EXPECT_EQ(tls->https.certificate, "/etc/pm/node.crt");
  EXPECT_EQ(tls->https.key, "/etc/pm/node.key");
  EXPECT_EQ(tls->https.ca_file, "/etc/pm/ca.crt");
  EXPECT_EQ(tls->MasterUrl(), "https://10.0.0.1:42500");
  EXPECT_EQ(tls->NodeUrl("10.0.0.2", 42501), "https://10.0.0.2:42501");
}

TEST(NodeConfigTest, HttpsNeedsCertificateAndKeyTogether) {
  auto no_key = config::ParseNodeConfig("https: {certificate: /c.crt}\n", "a.yml");
  ASSERT_FALSE(no_key.ok());
  EXPECT_NE(no_key.status().message().find("https.key"), std::string::npos) << no_key.status().ToString();
  // A CA alone would make this node call others over https while serving plain HTTP.
  auto ca_only = config::ParseNodeConfig("https: {ca_file: /ca.crt}\n", "b.yml");
  ASSERT_FALSE(ca_only.ok());
  EXPECT_NE(ca_only.status().message().find("https.ca_file"), std::string::npos) << ca_only.status().ToString();
}

TEST(NodeConfigTest, RouteIsResolvedAndThePacemakerReachesItselfThere) {
  auto by_address = config::ParseNodeConfig("my_route: 198.18.7.10\n", "a.yml");
  ASSERT_TRUE(by_address.ok()) << by_address.status().ToString();
  EXPECT_EQ(by_address->route_address, "198.18.7.10");
  // No `master`: a pacemaker node calls itself where it listens, not at 127.0.0.1.
  EXPECT_EQ(by_address->MasterUrl(), "http://198.18.7.10:42500");
  auto by_name = config::ParseNodeConfig("my_route: localhost\nmaster: {host: 198.18.7.1}\n", "b.yml");
  ASSERT_TRUE(by_name.ok()) << by_name.status().ToString();
  EXPECT_EQ(by_name->my_route, "localhost");
  EXPECT_EQ(by_name->route_address, "127.0.0.1");
  EXPECT_EQ(by_name->master_host, "198.18.7.1");
  auto unknown = config::ParseNodeConfig("my_route: no-such-host.invalid\n", "c.yml");
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.status().message().find("my_route"), std::string::npos) << unknown.status().ToString();
  EXPECT_NE(unknown.status().message().find("no-such-host.invalid"), std::string::npos);
}

TEST(NodeConfigTest, RedisStoresRememberWhatTheFileNamed) {
  auto c = config::ParseNodeConfig(
      "redis:\n  stats: {host: 198.18.7.1}\n  jobs: {port: 6400, user: app, password: pw}\n", "r.yml");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_TRUE(c->redis.stats.host_set);
  EXPECT_FALSE(c->redis.stats.port_set);
  EXPECT_FALSE(c->redis.jobs.host_set);
  EXPECT_TRUE(c->redis.jobs.port_set);
  EXPECT_FALSE(c->redis.table.host_set || c->redis.table.port_set);
  redis::Endpoint jobs = c->redis.jobs.Endpoint();
  EXPECT_EQ(jobs.port, 6400);
  EXPECT_EQ(jobs.user, "app");
  EXPECT_EQ(jobs.password, "pw");
}

}  // namespace
}  // namespace paasmaker
