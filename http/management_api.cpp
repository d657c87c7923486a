#include "http/management_api.h"

namespace agritrace::http {

void RegisterManagementApi(httplib::Server& svr, ApiContext& api) {
  ApiRouter router(svr);
  RegisterCooperativeApi(router, api);
  RegisterBureauApi(router, api);
  // Only these paths: /api/v1/log/, /api/v1/audit/ and /api/v1/verify/ answer for themselves.
  router.AnswerTheRest(R"(/api/v1/(organisations|products|lots|certifications|access-denials))");
}

}  // namespace agritrace::http
