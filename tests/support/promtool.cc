#include "promtool.h"

#include <unistd.h>

#include "core/files.h"
#include "core/process.h"
#include "temp_dir.h"

namespace paasmaker::testing {

Status PromtoolCheck(const std::string& exposition) {
  if (::access(kPromtool, X_OK) != 0) {
    return FailedPrecondition(std::string(kPromtool) + " is missing: install Debian's prometheus package (scripts/install-deps)");
  }
  TempDir dir("pm-promtool");
  std::string file = dir / "metrics.txt";
  PM_RETURN_IF_ERROR(files::WriteFileAtomically(file, exposition));
  // promtool reads the exposition on stdin only.
  process::LaunchOptions options;
  options.argv = {"/bin/sh", "-c", std::string(kPromtool) + " check metrics < \"$1\"", "sh", file};
  PM_ASSIGN_OR_RETURN(auto run, process::Run(options, std::chrono::seconds(30)));
  if (!run.exit.exited || run.exit.exit_code != 0 || !run.output.empty()) {
    return InvalidArgument("promtool check metrics " + run.exit.Describe() + ": " + run.output);
  }
  return Status::Ok();
}

}  // namespace paasmaker::testing
