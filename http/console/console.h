// The web console for cooperative clerks and bureau staff (issue 13), under /console/. Routes
// run on worker threads (server.cpp's InlineRoute keeps /console off the event loops' fast path).
#pragma once

#include <functional>
#include <string>

#include "agritrace/http/rate_limiter.h"
#include "http/api_context.h"
#include "http/verify_service.h"

namespace httplib {
class Server;
struct Request;
}  // namespace httplib

namespace agritrace::http {

// `sign_in_failures`: the limiter the token routes' failed logins use; the console takes one
// token per failed sign-in from the client network's bucket and from "user:<name>".
// `network_of`: the client network of a request (client_network.h). `thresholds`: serve's scan
// thresholds, by which lot pages, alerts and the audit page flag copied codes as the consumer
// page does.
void RegisterConsole(httplib::Server& svr, ApiContext& api, RateLimiter& sign_in_failures,
                     std::function<std::string(const httplib::Request&)> network_of,
                     ScanThresholds thresholds);

}  // namespace agritrace::http
