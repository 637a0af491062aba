// The shape of every API handler: it receives its group's narrow context
// (a struct of references to exactly what the group uses, declared in the
// group's header), the request and the authenticated principal, and
// returns its answer as a value. The route table (api_routes.cc) gets the
// group context from the composition root (pacemaker_context.h) and writes
// the answer; handlers never see the whole pacemaker.
#pragma once

#include <nlohmann/json.hpp>

#include "core/api_response.h"
#include "core/http.h"
#include "pacemaker/auth.h"

// A handler of group context `Ctx` answering `answer` (nlohmann::json: data
// with 200; api::Reply: any other answer), or the Status that says why not.
#define PM_ENDPOINT(Ctx, answer, name) Result<answer> name(Ctx& ctx, const http::Request& req, const Principal& who)
