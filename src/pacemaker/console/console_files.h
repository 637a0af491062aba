// The web console's files: GET / answers index.html, GET /assets/NAME the
// built scripts and styles (names carry a content hash, so they are cached
// for good). The page itself uses only the JSON API.
//
// Every answer carries a Content-Security-Policy that allows scripts from
// this origin only: even a name or log line that slipped past escaping
// could not run as a script. A console that was not built answers 404 with
// how to build it; the API works without it.
#pragma once

#include <string>

#include "core/http.h"

namespace paasmaker::pacemaker::console {

// `directory` holds index.html and assets/ (vite's output); empty: the one
// this binary's build made.
void InstallConsoleRoutes(http::Server& server, std::string directory);

}  // namespace paasmaker::pacemaker::console
