#include <gtest/gtest.h>

#include "model/permissions.h"
#include "pacemaker/store/user_store.h"

namespace paasmaker {
namespace {

TEST(PermissionsTest, EverySpecPermissionExists) {
  EXPECT_EQ(model::AllPermissions().size(), 26u);
  EXPECT_TRUE(model::IsPermission("NODE_LIST"));
  EXPECT_TRUE(model::IsPermission("HEALTH_CHECK"));
  EXPECT_FALSE(model::IsPermission("node_list"));
}

TEST(PermissionsTest, GrantsAreGlobalOrPerWorkspace) {
  pacemaker::Grants grants;
  grants.global.insert("WORKSPACE_LIST");
  grants.by_workspace["ws1"].insert("JOB_ABORT");
  EXPECT_TRUE(grants.Allows("WORKSPACE_LIST"));
  EXPECT_TRUE(grants.Allows("WORKSPACE_LIST", "ws2"));
  EXPECT_TRUE(grants.Allows("JOB_ABORT", "ws1"));
  EXPECT_FALSE(grants.Allows("JOB_ABORT", "ws2"));
  EXPECT_FALSE(grants.Allows("JOB_ABORT"));
}

}  // namespace
}  // namespace paasmaker
