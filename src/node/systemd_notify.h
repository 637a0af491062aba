// NotifySystemd: the sd_notify(3) protocol without libsystemd, for a node
// run as a `Type=notify` systemd service (deploy/systemd/).
//
// When systemd starts a service it sets $NOTIFY_SOCKET to an AF_UNIX
// datagram socket: a file path, or an abstract-namespace name written with
// a leading '@'. A state such as "READY=1" or "STOPPING=1" is sent there as
// one datagram. Without $NOTIFY_SOCKET (not under systemd, or a unit
// without Type=notify) it does nothing and returns Ok.
//
// Thread safety: any thread; it reads the environment and opens its own
// socket each call. Failures are returned, never thrown: the caller logs
// them, since a node that cannot tell systemd it is ready still runs.
#pragma once

#include <string>

#include "core/status.h"

namespace paasmaker::node {

Status NotifySystemd(const std::string& state);

}  // namespace paasmaker::node
