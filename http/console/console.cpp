#include "http/console/console.h"

#include <httplib.h>

#include "agritrace/registry/scan_store.h"
#include "http/console/console_context.h"

namespace agritrace::http {

void RegisterConsole(httplib::Server& svr, ApiContext& api, RateLimiter& sign_in_failures,
                     std::function<std::string(const httplib::Request&)> network_of,
                     ScanThresholds thresholds) {
  // The salt and base URL are fixed for the registry's life: read once.
  auto [salt, base_url] = api.WithStore([](Store& store) {
    auto s = ScanSalt(store.db());
    return std::pair<std::string, std::string>(s.ok() ? *s : "", store.Meta("base_url"));
  });
  auto ctx = std::make_shared<ConsoleContext>(
      ConsoleContext{api, sign_in_failures, std::move(network_of), salt, base_url, thresholds});
  RegisterConsoleAuth(svr, ctx);
  RegisterConsoleHome(svr, ctx);
  RegisterConsoleProducts(svr, ctx);
  RegisterConsoleLotForm(svr, ctx);
  RegisterConsoleLotPage(svr, ctx);
  RegisterConsoleLabels(svr, ctx);
  RegisterConsoleOrgs(svr, ctx);
  RegisterConsoleCerts(svr, ctx);
  RegisterConsoleAudit(svr, ctx);
  RegisterConsoleHgz(svr, ctx);
}

}  // namespace agritrace::http
