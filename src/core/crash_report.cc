#include "core/crash_report.h"

#include <execinfo.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

namespace paasmaker::crash_report {

namespace {

constexpr int kFatalSignals[] = {SIGABRT, SIGSEGV, SIGBUS, SIGFPE, SIGILL};

void WriteText(const char* text) {
  ssize_t ignored = ::write(STDERR_FILENO, text, ::strlen(text));
  (void)ignored;
}

void OnFatalSignal(int sig) {
  const char* name = ::sigabbrev_np(sig);  // a static string: safe here, unlike strsignal
  WriteText("fatal signal: SIG");
  WriteText(name != nullptr ? name : "?");
  WriteText("; backtrace (resolve with addr2line -e BINARY -f -C OFFSET):\n");
  void* frames[64];
  int depth = ::backtrace(frames, 64);
  ::backtrace_symbols_fd(frames, depth, STDERR_FILENO);
  // SA_RESETHAND restored the default action: die of the same signal.
  ::raise(sig);
}

}  // namespace

void Install() {
  void* prime[1];
  ::backtrace(prime, 1);
  struct sigaction action {};
  action.sa_handler = OnFatalSignal;
  action.sa_flags = SA_RESETHAND | SA_NODEFER;
  sigemptyset(&action.sa_mask);
  for (int sig : kFatalSignals) ::sigaction(sig, &action, nullptr);
}

}  // namespace paasmaker::crash_report
