// Throwaway TLS material for tests, made with the `openssl` command line in a
// directory the test owns: a CA, a server certificate it signed for
// 127.0.0.1 (subjectAltName IP:127.0.0.1 only, so a name such as "localhost"
// does not match it), and a second CA that signed nothing (a client trusting
// only that one must refuse the server). EC P-256 keys, valid for two days.
//
// Header-only so the unit and cluster tests share it without a new library.
// Thread safety: one call at a time per directory.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "core/files.h"
#include "core/process.h"
#include "core/result.h"

namespace paasmaker::testing {

struct TestCertificates {
  std::string ca;           // the CA certificate (PEM): what clients trust
  std::string certificate;  // the server's certificate (PEM), signed by `ca`
  std::string key;          // the server's private key (PEM)
  std::string other_ca;     // an unrelated CA certificate (PEM)
};

namespace internal {

inline Status RunOpenSsl(std::vector<std::string> args) {
  args.insert(args.begin(), "openssl");
  process::LaunchOptions options;
  options.argv = args;
  PM_ASSIGN_OR_RETURN(auto run, process::Run(options, std::chrono::seconds(60)));
  if (!run.exit.exited || run.exit.exit_code != 0) {
    std::string command;
    for (const auto& a : args) command += a + " ";
    return Internal(command + run.exit.Describe() + ": " + run.output);
  }
  return Status::Ok();
}

inline Status MakeCa(const std::string& dir, const std::string& name) {
  return RunOpenSsl({"req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                     "-keyout", dir + "/" + name + ".key", "-out", dir + "/" + name + ".crt", "-days", "2", "-subj",
                     "/CN=Paasmaker test " + name, "-addext", "basicConstraints=critical,CA:TRUE", "-addext",
                     "keyUsage=critical,keyCertSign,cRLSign"});
}

}  // namespace internal

// Creates the files under `dir` (which must exist); an error carries
// openssl's own output.
inline Result<TestCertificates> MakeTestCertificates(const std::string& dir) {
  TestCertificates out{dir + "/ca.crt", dir + "/server.crt", dir + "/server.key", dir + "/other-ca.crt"};
  PM_RETURN_IF_ERROR(internal::MakeCa(dir, "ca"));
  PM_RETURN_IF_ERROR(internal::MakeCa(dir, "other-ca"));
  PM_RETURN_IF_ERROR(internal::RunOpenSsl({"req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                                           "-nodes", "-keyout", out.key, "-out", dir + "/server.csr", "-subj",
                                           "/CN=127.0.0.1"}));
  PM_RETURN_IF_ERROR(files::WriteFileAtomically(dir + "/server.ext",
                                                "subjectAltName = IP:127.0.0.1\n"
                                                "basicConstraints = CA:FALSE\n"
                                                "keyUsage = critical, digitalSignature\n"
                                                "extendedKeyUsage = serverAuth\n"));
  PM_RETURN_IF_ERROR(internal::RunOpenSsl({"x509", "-req", "-in", dir + "/server.csr", "-CA", out.ca, "-CAkey",
                                           dir + "/ca.key", "-CAcreateserial", "-out", out.certificate, "-days", "2",
                                           "-extfile", dir + "/server.ext"}));
  return out;
}

}  // namespace paasmaker::testing
