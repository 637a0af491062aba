// A cluster with TLS (NodeConfig::https): a pacemaker and a heart both serve
// https only, with certificates from a CA the test makes with openssl. The
// heart registers over https, the pacemaker fetches the heart's job logs over
// https, the heart fetches packages from the pacemaker over https, the CLI
// verifies the pacemaker with --ca-file, and plain HTTP gets no answer.
//
// The harness's own API helpers (Cluster::Get, StartNode's registration
// wait) speak plain HTTP, so this suite starts nodes and calls the API itself.
#include <gtest/gtest.h>

#include <filesystem>

#include "app_helpers.h"
#include "harness.h"
#include "test_certificates.h"

namespace paasmaker::testing {
namespace {

using nlohmann::json;
using std::chrono::seconds;

class TlsClusterTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    cluster_ = new Cluster();
    std::string dir = cluster_->dir() / "tls";
    std::filesystem::create_directories(dir);
    auto made = MakeTestCertificates(dir);
    ASSERT_TRUE(made.ok()) << made.status().ToString();
    certs_ = new TestCertificates(*made);
    cluster_->AddNode("pacemaker", {"pacemaker"});
    cluster_->AddNode("heart-1", {"heart"});
    for (auto& node : cluster_->nodes()) {
      node->extra_yaml += "https: {certificate: " + certs_->certificate + ", key: " + certs_->key +
                          ", ca_file: " + certs_->ca + "}\n";
    }
    for (auto& node : cluster_->nodes()) ASSERT_TRUE(StartNode(*node)) << node->Output();
    ASSERT_TRUE(WaitFor(
        [] {
          auto nodes = Nodes();
          return nodes.size() == 2 && nodes["pacemaker"]["state"] == "ACTIVE" && nodes["heart-1"]["state"] == "ACTIVE";
        },
        seconds(30), std::chrono::milliseconds(100)))
        << cluster_->pacemaker().Output() << cluster_->node("heart-1").Output();
  }
  static void TearDownTestSuite() {
    delete cluster_;
    cluster_ = nullptr;
    delete certs_;
    certs_ = nullptr;
  }

  // Starts a node (pacemaker first: the others' configs name its port),
  // with new ports when another process took one first.
  static bool StartNode(ClusterNode& node) {
    for (int attempt = 0; attempt < 3; ++attempt) {
      if (attempt > 0) {
        node.Stop();
        node.AssignPorts();
      }
      if (node.Start()) return true;
      if (!node.LostAPortRace()) return false;
    }
    return false;
  }

  static std::string HttpsUrl(ClusterNode& node) { return "https://127.0.0.1:" + std::to_string(node.ports().http); }

  // GET on the pacemaker's API over https, trusting the test CA, as admin.
  static Result<http::ClientResponse> Get(const std::string& path) {
    http::Client client(HttpsUrl(cluster_->pacemaker()), seconds(5), http::ClientTls{certs_->ca});
    return client.Get(path, {{"Authorization", "Bearer " + cluster_->admin_key()}});
  }
  static json GetData(const std::string& path) {
    auto response = Get(path);
    if (!response.ok() || response->status != 200) return json::object();
    json body = json::parse(response->body, nullptr, false);
    return body.is_object() && body.contains("data") ? body["data"] : json::object();
  }
  static std::map<std::string, json> Nodes() {
    std::map<std::string, json> out;
    json data = GetData("/api/v1/nodes");
    if (!data.contains("nodes")) return out;
    for (const auto& node : data["nodes"]) out[node.value("name", "")] = node;
    return out;
  }

  // The CLI against the pacemaker's https URL with the admin key; `ca_file`
  // "" leaves --ca-file out.
  static CommandResult Cli(std::vector<std::string> args, const std::string& ca_file, const std::string& remote = "") {
    if (!ca_file.empty()) {
      args.push_back("--ca-file");
      args.push_back(ca_file);
    }
    return RunPaasmaker(args, {{"PAASMAKER_REMOTE", remote.empty() ? HttpsUrl(cluster_->pacemaker()) : remote},
                               {"PAASMAKER_KEY", cluster_->admin_key()}});
  }

  static Cluster* cluster_;
  static TestCertificates* certs_;
};
Cluster* TlsClusterTest::cluster_ = nullptr;
TestCertificates* TlsClusterTest::certs_ = nullptr;

TEST_F(TlsClusterTest, TheHeartRegistersOverHttps) {
  auto nodes = Nodes();
  ASSERT_EQ(nodes.count("heart-1"), 1u);
  EXPECT_EQ(nodes["heart-1"]["uuid"], cluster_->node("heart-1").Uuid());
  // It has no other way in: the pacemaker's port speaks TLS only. The heart
  // logs the line after the pacemaker has answered, so the pacemaker may list
  // it a moment before the line is written.
  const std::string registered = "registered with the pacemaker at " + HttpsUrl(cluster_->pacemaker());
  EXPECT_TRUE(WaitFor([&] { return cluster_->node("heart-1").Output().find(registered) != std::string::npos; },
                      seconds(10)))
      << cluster_->node("heart-1").Output();
}

TEST_F(TlsClusterTest, TheCliListsNodesWithTheCaFileAndRefusesWithoutIt) {
  auto listed = Cli({"node", "list", "--json"}, certs_->ca);
  ASSERT_EQ(listed.exit_code, 0) << listed.output;
  json data = json::parse(listed.output, nullptr, false);
  ASSERT_TRUE(data.is_object()) << listed.output;
  EXPECT_EQ(data["nodes"].size(), 2u) << listed.output;

  // The same through the environment variable.
  auto by_env = RunPaasmaker({"node", "list", "--json"}, {{"PAASMAKER_REMOTE", HttpsUrl(cluster_->pacemaker())},
                                                          {"PAASMAKER_KEY", cluster_->admin_key()},
                                                          {"PAASMAKER_CA_FILE", certs_->ca}});
  EXPECT_EQ(by_env.exit_code, 0) << by_env.output;

  // The system's CAs do not know the test CA, nor does another CA: not verified, exit 3.
  for (const std::string& ca : {std::string(), certs_->other_ca}) {
    auto refused = Cli({"node", "list"}, ca);
    EXPECT_EQ(refused.exit_code, 3) << refused.output;
    EXPECT_NE(refused.output.find("did not verify"), std::string::npos) << refused.output;
    EXPECT_NE(refused.output.find("--ca-file"), std::string::npos) << refused.output;
  }

  // A CA file with a plain http:// remote is refused before anything is sent.
  auto plain = Cli({"node", "list"}, certs_->ca, "http://127.0.0.1:" + std::to_string(cluster_->pacemaker().ports().http));
  EXPECT_EQ(plain.exit_code, 2) << plain.output;
  EXPECT_NE(plain.output.find("https://"), std::string::npos) << plain.output;
}

TEST_F(TlsClusterTest, PlainHttpToAnyNodeGetsNoAnswer) {
  for (auto& node : cluster_->nodes()) {
    http::Client client("http://127.0.0.1:" + std::to_string(node->ports().http), seconds(3));
    auto response = client.Get("/api/v1/nodes", {{"Authorization", "Bearer " + cluster_->admin_key()}});
    EXPECT_FALSE(response.ok()) << node->name() << " answered HTTP " << response->status;
  }
}

// The heart fetches the package from the pacemaker, and the pacemaker reads
// the heart's job logs from it: both over https.
TEST_F(TlsClusterTest, ADeployRunsAcrossNodesOverHttps) {
  auto deployed = Cli({"deploy", ExamplesDir() + "/static-site", "--start", "--json"}, certs_->ca);
  ASSERT_EQ(deployed.exit_code, 0) << deployed.output << cluster_->node("heart-1").Output();
  // With --json the summary is the last thing printed.
  size_t summary_at = deployed.output.rfind("\n{");
  json summary = json::parse(deployed.output.substr(summary_at == std::string::npos ? 0 : summary_at + 1), nullptr, false);
  ASSERT_TRUE(summary.is_object()) << deployed.output;
  std::string version_id = summary.value("version_id", "");
  std::string start_job = summary.value("jobs", json::object()).value("start", "");
  ASSERT_FALSE(version_id.empty()) << deployed.output;
  ASSERT_FALSE(start_job.empty()) << deployed.output;
  ASSERT_TRUE(WaitFor(
      [&] {
        json data = GetData("/api/v1/versions/" + version_id + "/instances");
        return data.contains("instances") && data["instances"].size() == 1 &&
               data["instances"][0].value("state", "") == "RUNNING";
      },
      seconds(60)))
      << GetData("/api/v1/versions/" + version_id + "/instances").dump() << cluster_->node("heart-1").Output();

  // The register job (package fetch, checksum, unpack) ran on the heart;
  // its log comes through the pacemaker.
  std::string register_job;
  for (const auto& job : FlattenJobs(GetData("/api/v1/jobs/" + start_job)["job"])) {
    if (job.value("type", "") == "paasmaker.job.heart.register") register_job = job.value("job_id", "");
  }
  ASSERT_FALSE(register_job.empty()) << GetData("/api/v1/jobs/" + start_job).dump();
  auto log = Cli({"job", "log", register_job}, certs_->ca);
  EXPECT_EQ(log.exit_code, 0) << log.output;
  EXPECT_NE(log.output.find("Finished: SUCCESS"), std::string::npos) << log.output;
}

}  // namespace
}  // namespace paasmaker::testing
