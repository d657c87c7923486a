// The cooperative and bureau routes on the server, remembered by method and path pattern so
// that a request under the API's paths that no route takes gets a precise problem: 405 with
// Allow when the path exists under another method, 404 when it does not exist at all.
#pragma once

#include <functional>
#include <regex>
#include <string>
#include <vector>

namespace httplib {
class Server;
struct Request;
struct Response;
}  // namespace httplib

namespace agritrace::http {

class ApiRouter {
 public:
  using Handler = std::function<void(const httplib::Request&, httplib::Response&)>;

  // `svr` must outlive the router's routes (it holds them).
  explicit ApiRouter(httplib::Server& svr) : svr_(svr) {}

  // `pattern` is an ECMAScript regex matched against the whole path (httplib's rule).
  void Get(const std::string& pattern, Handler handler);
  void Post(const std::string& pattern, Handler handler);

  // Answers every other request whose path is `prefix` or below it (`prefix` a regex), for any
  // method. Register last: httplib tries routes in the order they were added.
  void AnswerTheRest(const std::string& prefix);

 private:
  struct Route {
    std::string method;
    std::regex pattern;
  };
  httplib::Server& svr_;
  std::vector<Route> routes_;
};

}  // namespace agritrace::http
