// A daemon that dies of a fatal signal (an abort from a broken invariant or
// std::terminate, a segfault) writes the signal and a backtrace to stderr,
// which every node sends to its log, then dies of the same signal, so a
// supervisor or test sees the real cause and the log says where.
//
// The handler only calls async-signal-safe functions (backtrace is primed at
// install, so it does not load libgcc inside the handler).
#pragma once

namespace paasmaker::crash_report {

void Install();

}  // namespace paasmaker::crash_report
