#include "cli/deploy_source.h"

#include <algorithm>
#include <cctype>
#include <filesystem>

namespace paasmaker::cli {

namespace {

bool StartsWith(const std::string& text, const std::string& prefix) { return text.rfind(prefix, 0) == 0; }

bool EndsWith(const std::string& text, const std::string& suffix) {
  return text.size() >= suffix.size() && text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::string Lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

bool IsLocalDirectory(const std::string& path) {
  std::error_code ec;
  return std::filesystem::is_directory(path, ec);
}

}  // namespace

bool IsGitUrl(const std::string& text) {
  if (StartsWith(text, "git://") || StartsWith(text, "git@") || StartsWith(text, "git+")) return true;
  std::string trimmed = text;
  while (trimmed.size() > 1 && trimmed.back() == '/') trimmed.pop_back();
  return EndsWith(Lower(trimmed), ".git") && !IsLocalDirectory(text);
}

Result<DeploySource> ClassifySource(const std::string& text) {
  if (text.empty()) return InvalidArgument("deploy needs a directory, an archive or a git URL");
  if (IsGitUrl(text)) {
    // git+https://host/repo is pip's way to say "git over https"; git wants the URL itself.
    std::string location = StartsWith(text, "git+") ? text.substr(4) : text;
    if (location.empty()) return InvalidArgument("'" + text + "' names no repository");
    return DeploySource{SourceKind::kGit, location, "paasmaker.scm.git"};
  }
  if (text.find("://") != std::string::npos) {
    return InvalidArgument("'" + text + "' is a URL but not a git repository; deploy takes a git URL " +
                           "(ending in .git, or git://, git@, git+https://...), a directory or an archive file");
  }
  std::error_code ec;
  auto status = std::filesystem::status(text, ec);
  if (ec || !std::filesystem::exists(status)) return NotFound("no such file or directory: " + text);
  if (std::filesystem::is_directory(status)) return DeploySource{SourceKind::kDirectory, text, "paasmaker.scm.tarball"};
  std::string lower = Lower(text);
  for (const char* suffix : {".tar.gz", ".tgz", ".tar.bz2", ".tar.xz"}) {
    if (EndsWith(lower, suffix)) return DeploySource{SourceKind::kArchive, text, "paasmaker.scm.tarball"};
  }
  if (EndsWith(lower, ".zip")) return DeploySource{SourceKind::kArchive, text, "paasmaker.scm.zip"};
  return InvalidArgument("cannot deploy " + text +
                         ": not a directory, nor a .tar.gz/.tgz/.tar.bz2/.tar.xz/.zip archive, nor a git URL");
}

}  // namespace paasmaker::cli
