// API answers the shared envelope helpers (core/api_response.h) do not cover:
// an error with an explicit HTTP status, and an error that also carries data
// (409 with the upload's current state, so a client can resume).
#pragma once

#include <nlohmann/json.hpp>

#include "core/http.h"

namespace paasmaker::pacemaker::prepare {

inline void RespondErrorWith(http::Response& res, int http_status, const std::string& message,
                             nlohmann::json data = nullptr) {
  res.status = http_status;
  res.content_type = "application/json";
  res.body = nlohmann::json{{"data", std::move(data)}, {"errors", nlohmann::json::array({message})}}.dump();
}

}  // namespace paasmaker::pacemaker::prepare
