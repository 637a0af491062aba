// What `paasmaker deploy PATH|URL` was given, and which SCM plugin takes it:
//   a local directory        → packed to a .tar.gz, uploaded, paasmaker.scm.tarball
//   a local archive file     → uploaded as is: .tar.gz/.tgz/.tar.bz2/.tar.xz → paasmaker.scm.tarball,
//                              .zip → paasmaker.scm.zip
//   a git URL                → paasmaker.scm.git (the pacemaker clones it)
// A git URL starts with git://, git@ or git+ (git+https://… loses the
// prefix), or ends with .git and is not a local directory.
//
// Pure functions apart from looking at the local filesystem.
#pragma once

#include <string>

#include "core/result.h"

namespace paasmaker::cli {

enum class SourceKind { kDirectory, kArchive, kGit };

struct DeploySource {
  SourceKind kind = SourceKind::kDirectory;
  std::string location;    // the path, or the URL as git should see it
  std::string scm_plugin;  // paasmaker.scm.tarball, .zip or .git
};

// True when `text` names a git repository by URL (see above).
bool IsGitUrl(const std::string& text);

// Classifies `text`. A path that does not exist is NotFound; a file with an
// archive type we do not know, or an http(s) URL that is not a git
// repository, is InvalidArgument saying what is accepted.
Result<DeploySource> ClassifySource(const std::string& text);

}  // namespace paasmaker::cli
