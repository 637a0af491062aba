// API endpoint handlers, one file per resource, each group with its narrow
// context (its header). The route table (api_routes.cc) says who may call
// them and writes what they return.
#pragma once

#include "pacemaker/endpoints/applications.h"
#include "pacemaker/endpoints/health.h"
#include "pacemaker/endpoints/information.h"
#include "pacemaker/endpoints/jobs.h"
#include "pacemaker/endpoints/nodes.h"
#include "pacemaker/endpoints/router_stats.h"
#include "pacemaker/endpoints/users.h"
#include "pacemaker/endpoints/workspaces.h"
