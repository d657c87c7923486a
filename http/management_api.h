// The cooperative and bureau API under /api/v1/ (DESIGN.md §7, §9): bearer tokens, JSON bodies,
// problem+json errors in Chinese and English. Every route is listed in docs/api.md.
//   cooperative_api.cpp  products, lots, trace events, recalls, unit codes, label files and the
//                        caller's organisation; a cooperative only its own, the bureau any
//   bureau_api.cpp       organisations, certifications, lots by certificate, scans of a lot,
//                        the access-denial log; bureau only
#pragma once

#include "http/api_context.h"
#include "http/api_router.h"

namespace httplib {
class Server;
}

namespace agritrace::http {

// Registers both route files and the 404/405 answers below their paths. `api` must outlive `svr`.
void RegisterManagementApi(httplib::Server& svr, ApiContext& api);

void RegisterCooperativeApi(ApiRouter& router, ApiContext& api);
void RegisterBureauApi(ApiRouter& router, ApiContext& api);

}  // namespace agritrace::http
