#include <gtest/gtest.h>

#include "core/yaml_reader.h"

namespace paasmaker {
namespace {

TEST(YamlReaderTest, ReadsTypedValuesAndKeepsDefaults) {
  auto doc = yaml::YamlDocument::Parse("name: x\nport: 12\nratio: 0.5\non: true\nlist: [a, b]\n", "t.yml");
  ASSERT_TRUE(doc.ok());
  auto root = (*doc)->Root();
  std::string name;
  int port = 0, absent = 7;
  double ratio = 0;
  bool on = false;
  std::vector<std::string> list;
  root.String("name", &name);
  root.Int("port", &port);
  root.Int("absent", &absent);
  root.Double("ratio", &ratio);
  root.Bool("on", &on);
  root.StringList("list", &list);
  root.Finish();
  EXPECT_TRUE((*doc)->problems().empty());
  EXPECT_EQ(name, "x");
  EXPECT_EQ(port, 12);
  EXPECT_EQ(absent, 7);
  EXPECT_DOUBLE_EQ(ratio, 0.5);
  EXPECT_TRUE(on);
  EXPECT_EQ(list, (std::vector<std::string>{"a", "b"}));
}

TEST(YamlReaderTest, ReportsEveryProblemWithFileLineAndKeyPath) {
  auto doc = yaml::YamlDocument::Parse("a: 1\nnested:\n  port: abc\n  extra: 2\ntypo: 3\n", "node.yml");
  ASSERT_TRUE(doc.ok());
  auto root = (*doc)->Root();
  int a = 0, port = 0;
  root.Int("a", &a);
  auto nested = root.Section("nested");
  nested.Int("port", &port);
  nested.Finish();
  root.Finish();
  Status s = (*doc)->problems().ToStatus("invalid configuration node.yml");
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("node.yml:3: nested.port: expected an integer, got \"abc\""), std::string::npos)
      << s.message();
  EXPECT_NE(s.message().find("node.yml:4: unknown key \"nested.extra\""), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("node.yml:5: unknown key \"typo\""), std::string::npos) << s.message();
}

TEST(YamlReaderTest, SyntaxErrorNamesTheLine) {
  auto doc = yaml::YamlDocument::Parse("a: 1\nb: [unclosed\n", "bad.yml");
  ASSERT_FALSE(doc.ok());
  EXPECT_NE(doc.status().message().find("bad.yml:"), std::string::npos);
}

TEST(YamlReaderTest, TopLevelMustBeAMapping) {
  auto doc = yaml::YamlDocument::Parse("- a\n- b\n", "list.yml");
  ASSERT_FALSE(doc.ok());
  EXPECT_NE(doc.status().message().find("must be a mapping"), std::string::npos);
}

}  // namespace
}  // namespace paasmaker
