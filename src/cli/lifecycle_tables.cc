#include "cli/lifecycle_tables.h"

#include "cli/output.h"
#include "cli/resolve.h"

namespace paasmaker::cli {

using nlohmann::json;

void PrintVersions(std::ostream& out, const json& versions) {
  if (versions.empty()) {
    out << "No versions.\n";
    return;
  }
  Table table({"NUMBER", "VERSION ID", "STATE", "CURRENT", "CREATED"});
  for (const json& v : versions) {
    bool current = v.is_object() && v.value("is_current", false);
    table.AddRow({Text(v, "number", "?"), IdOf(v, "version"), Text(v, "state", "?"), current ? "yes" : "",
                  FormatTime(Number(v, "created"))});
  }
  table.Print(out);
}

void PrintInstances(std::ostream& out, const json& instances, const json& type_names) {
  if (instances.empty()) {
    out << "No instances.\n";
    return;
  }
  bool with_type = !type_names.empty();
  std::vector<std::string> headers = {"INSTANCE ID", "STATE", "NODE", "PORT", "CHANGED"};
  if (with_type) headers.insert(headers.begin() + 1, "TYPE");
  Table table(headers);
  double now = NowUnixSeconds();
  for (const json& i : instances) {
    std::string node = Text(i, "node_name");
    if (node.empty()) node = Text(i, "node", "-");
    std::vector<std::string> row = {IdOf(i, "instance"), Text(i, "state", "?"), node, Text(i, "port", "-"),
                                    FormatAgo(Number(i, "changed"), now)};
    if (with_type) row.insert(row.begin() + 1, Text(type_names, Text(i, "instance_type_id"), "?"));
    table.AddRow(row);
  }
  table.Print(out);
}

}  // namespace paasmaker::cli
