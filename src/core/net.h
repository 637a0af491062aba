// Loopback networking helpers. Thread safe.
#pragma once

#include <chrono>
#include <string>

#include "core/result.h"

namespace paasmaker::net {

// A TCP port on 127.0.0.1 that was free a moment ago (bind to port 0, read
// it back, close). Another process may take it before the caller binds, so
// callers that can should bind to port 0 directly.
Result<int> FreePort();

// True if something accepts TCP connections at host:port.
bool PortAcceptsConnections(const std::string& host, int port,
                            std::chrono::milliseconds timeout = std::chrono::milliseconds(200));

// A blocking TCP connection to host:port whose reads give up after
// `receive_timeout`; the caller owns (and closes) the descriptor.
Result<int> Connect(const std::string& host, int port, std::chrono::milliseconds receive_timeout);

// True if host:port can be bound right now (nothing listens there).
bool PortIsFree(const std::string& host, int port);

}  // namespace paasmaker::net
