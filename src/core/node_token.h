// The node token: the secret every node of a cluster shares, which node
// routes (registration, reports, packages, job and instance logs) require.
//
// CheckNodeToken is the one check all of them use, on the pacemaker, hearts
// and every node's job-log route alike, so a wrong token gets the same answer
// everywhere: 401 "wrong or missing node token". Comparisons take constant
// time (ids::SecretsEqual); the secret is never logged. Thread safe.
#pragma once

#include <string>

#include "core/http.h"
#include "core/status.h"

namespace paasmaker::api {

// The secret a request carries: `Authorization: Bearer <secret>`, else
// `X-Paasmaker-Key` ("" when neither).
std::string RequestSecret(const http::Request& request);

// True when `secret` is `node_token`; never for an empty token.
bool IsNodeToken(const std::string& secret, const std::string& node_token);

// Ok when `request` carries `node_token`. Otherwise Unauthenticated, and a
// warning naming the method, path and caller's address: a node with another
// cluster's token, or someone guessing, is something the operator should see.
Status CheckNodeToken(const http::Request& request, const std::string& node_token);

}  // namespace paasmaker::api
