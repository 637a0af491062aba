// InstanceCatalog persistence and allocation; the restart policy's schedule.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>

#include "core/http.h"
#include "core/net.h"
#include "heart/instance_catalog.h"
#include "heart/restart_policy.h"
#include "temp_dir.h"

namespace paasmaker::heart {
namespace {

TEST(InstanceCatalogTest, SavesAtomicallyPrivateAndLoadsBack) {
  testing::TempDir tmp;
  InstanceCatalog catalog(tmp / "catalog.json");
  ASSERT_TRUE(catalog.Load().ok());  // missing file: empty
  EXPECT_TRUE(catalog.entries().empty());
  InstanceEntry entry;
  // The spec is parsed on load, so it must be one a heart would register.
  auto spec = model::ParseInstanceSpec({{"instance_id", "a"},
                                        {"version_id", "v-1"},
                                        {"runtime", {{"plugin", "paasmaker.runtime.shell"}}},
                                        {"package", {{"url", "/p"}, {"checksum", "c"}}},
                                        {"services", {{"db", {{"password", "secret"}}}}}});
  ASSERT_TRUE(spec.ok()) << spec.status().ToString();
  entry.spec = *spec;
  entry.state = kRunning;
  entry.port = 42601;
  entry.pid = 1234;
  entry.restarts = 2;
  entry.last_exit = "exited with code 1";
  entry.uid = 61001;
  catalog.Put("a", entry);
  ASSERT_TRUE(catalog.Save().ok());

  struct stat st;
  ASSERT_EQ(::stat(catalog.path().c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);  // holds service credentials
  int files = 0;
  for (const auto& e : std::filesystem::directory_iterator(tmp.path())) files += e.is_regular_file() ? 1 : 0;
  EXPECT_EQ(files, 1);  // no temp file left behind

  InstanceCatalog loaded(tmp / "catalog.json");
  ASSERT_TRUE(loaded.Load().ok());
  const InstanceEntry* got = loaded.Find("a");
  ASSERT_NE(got, nullptr);
  EXPECT_EQ(got->state, kRunning);
  EXPECT_EQ(got->port, 42601);
  EXPECT_EQ(got->pid, 1234);
  EXPECT_EQ(got->restarts, 2);
  EXPECT_EQ(got->last_exit, "exited with code 1");
  EXPECT_EQ(got->uid, 61001);
  EXPECT_EQ(got->spec, entry.spec);
}

TEST(InstanceCatalogTest, CorruptFileIsAnError) {
  testing::TempDir tmp;
  {
    std::FILE* f = std::fopen((tmp / "catalog.json").c_str(), "w");
    std::fputs("{not json", f);
    std::fclose(f);
  }
  InstanceCatalog catalog(tmp / "catalog.json");
  Status loaded = catalog.Load();
  EXPECT_EQ(loaded.code(), StatusCode::kInvalidArgument) << loaded.ToString();
}

TEST(InstanceCatalogTest, PortAllocationSkipsHeldAndBusyPorts) {
  auto base = testing::FreeTestPortRange(6);
  ASSERT_TRUE(base.ok());
  // Something else listens on base+1.
  http::Server busy(1);
  ASSERT_TRUE(busy.Start("127.0.0.1", *base + 1).ok());
  InstanceCatalog catalog("/nonexistent/catalog.json");
  InstanceEntry held;
  held.port = *base;
  catalog.Put("held", held);
  auto is_free = [](int p) { return net::PortIsFree("127.0.0.1", p); };
  auto port = catalog.AllocatePort(*base, *base + 5, is_free);
  ASSERT_TRUE(port.ok());
  EXPECT_EQ(*port, *base + 2);
  auto none = catalog.AllocatePort(*base, *base + 1, is_free);
  EXPECT_EQ(none.status().code(), StatusCode::kFailedPrecondition);
}

TEST(InstanceCatalogTest, UidAllocationSkipsHeldUids) {
  InstanceCatalog catalog("/nonexistent/catalog.json");
  InstanceEntry a;
  a.uid = 61000;
  catalog.Put("a", a);
  InstanceEntry b;  // runs as the heart's user: holds no uid
  catalog.Put("b", b);
  auto uid = catalog.AllocateUid(61000, 61001);
  ASSERT_TRUE(uid.ok());
  EXPECT_EQ(*uid, 61001);
  EXPECT_FALSE(catalog.AllocateUid(61000, 61000).ok());
}

TEST(RestartPolicyTest, ImmediateThenDoublingBackoffThenGivesUp) {
  config::RestartPolicy policy{3, 5, 30};
  using ms = std::chrono::milliseconds;
  EXPECT_EQ(RestartDelay(policy, 0), ms(0));
  EXPECT_EQ(RestartDelay(policy, 2), ms(0));
  EXPECT_EQ(RestartDelay(policy, 3), ms(5000));
  EXPECT_EQ(RestartDelay(policy, 4), ms(10000));
  EXPECT_EQ(RestartDelay(policy, 5), ms(20000));
  EXPECT_EQ(RestartDelay(policy, 6), ms(30000));  // capped at backoff_max
  EXPECT_EQ(RestartDelay(policy, 7), ms(30000));
  EXPECT_FALSE(RestartDelay(policy, 3 + kMaxBackoffRestarts).has_value());
}

}  // namespace
}  // namespace paasmaker::heart
