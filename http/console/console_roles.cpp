// What a console role may not do is refused in one way: counted in access_denials beside the
// token routes' refusals, so the bureau's audit page shows both, and answered with a 403 page.
#include <httplib.h>

#include "agritrace/registry/tokens.h"
#include "http/console/console_context.h"
#include "http/console/console_look.h"

namespace agritrace::http {

std::string UserActor(const Session& s) { return "user:" + s.user.username; }

void ConsoleDenied(ConsoleContext& ctx, const httplib::Request& req, httplib::Response& res,
                   const Session& s, const std::string& why) {
  const Lang lang = ConsoleLang(req);
  // No token: token_id stays NULL and the reason says who it was.
  const std::string reason = UserActor(s) + " (" + s.user.role + "): " + why;
  ctx.api.WithStore([&](Store& store) { RecordAccessDenial(store, 0, req.path, reason); });
  const std::string name = ctx.api.WithStore([](Store& store) { return store.Meta("name"); });
  SetConsolePage(res, 403,
                 ConsoleHead(lang, L(lang, "无权访问", "Not allowed")) + ConsoleBar(lang, name, s) +
                     "<section class=\"narrow\"><h1>" + L(lang, "无权访问", "Not allowed") +
                     "</h1>" +
                     ErrorBox(lang,
                              "您的角色（" + RoleName(Lang::kZh, s.user.role) +
                                  "）不能做这件事，未做任何修改；此次访问已记录。如确需办理，"
                                  "请联系农业农村局管理员。",
                              "Your role (" + RoleName(Lang::kEn, s.user.role) +
                                  ") may not do this; nothing was changed and the attempt has "
                                  "been logged. Ask a bureau administrator if it must be done.") +
                     "<p><a href=\"/console/" + LangSuffix(lang) + "\">" +
                     L(lang, "返回控制台", "Back to the console") + "</a></p></section>" +
                     ConsoleTail(lang, req.path),
                 lang);
}

}  // namespace agritrace::http
