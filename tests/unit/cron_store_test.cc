// CronStore on both SQL backends: a slot is claimed once, whoever asks
// again (a restarted pacemaker, a second one on the same database).
#include "pacemaker/crons/cron_store.h"
#include "pacemaker/crons/cron_secret.h"

#include <gtest/gtest.h>

#include "temp_dir.h"
#include "test_databases.h"

namespace paasmaker::pacemaker::crons {
namespace {

namespace support = paasmaker::testing;

class CronStoreTest : public ::testing::TestWithParam<support::Backend> {
 protected:
  void SetUp() override {
    auto db = support::OpenPacemakerDatabase(GetParam(), dir_.path());
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    db_ = std::move(*db);
    store_ = std::make_unique<CronStore>(*db_);
  }
  support::TempDir dir_;
  std::unique_ptr<sql::Database> db_;
  std::unique_ptr<CronStore> store_;
};

TEST_P(CronStoreTest, ASlotIsClaimedOnceAndTheLatestIsRemembered) {
  CronRun run{.cron_id = "app/web/0", .slot = 1000, .job_id = "job-a", .outcome = kCronStarted, .created = 1000.2};
  EXPECT_TRUE(*store_->Claim(run));
  run.job_id = "job-b";
  EXPECT_FALSE(*store_->Claim(run));  // the same slot again: refused, the first stays
  EXPECT_TRUE(*store_->Claim({.cron_id = "app/web/0", .slot = 1060, .outcome = kCronSkipped, .created = 1060}));
  EXPECT_TRUE(*store_->Claim({.cron_id = "app/web/1", .slot = 1000, .job_id = "job-c", .outcome = kCronStarted}));

  auto last = store_->Last("app/web/0");
  ASSERT_TRUE(last.ok() && last->has_value());
  EXPECT_EQ((*last)->slot, 1060);
  EXPECT_EQ((*last)->outcome, kCronSkipped);
  auto recent = store_->Recent("app/web/0", 10);
  ASSERT_TRUE(recent.ok());
  ASSERT_EQ(recent->size(), 2u);
  EXPECT_EQ((*recent)[1].job_id, "job-a");
  EXPECT_FALSE(store_->Last("app/other/0")->has_value());
}

TEST(CronSecretTest, OnePerApplicationDerivedFromTheToken) {
  const std::string a = CronSecret("node-token-1", "app-a");
  EXPECT_EQ(a.size(), 64u);
  EXPECT_EQ(a.find_first_not_of("0123456789abcdef"), std::string::npos) << a;
  EXPECT_EQ(CronSecret("node-token-1", "app-a"), a);  // the same for every version and pacemaker
  EXPECT_NE(CronSecret("node-token-1", "app-b"), a);
  EXPECT_NE(CronSecret("node-token-2", "app-a"), a);
  EXPECT_EQ(a.find("node-token"), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(Backends, CronStoreTest, support::BothBackends(), support::BackendParamName);

}  // namespace
}  // namespace paasmaker::pacemaker::crons
