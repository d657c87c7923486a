#include "http/console/console_lot_access.h"

#include <httplib.h>

#include <cstdio>

#include "agritrace/registry/crockford.h"
#include "agritrace/registry/lots.h"
#include "agritrace/registry/tokens.h"
#include "http/console/console_look.h"

namespace agritrace::http {
namespace {

void NoSuchLotPage(httplib::Response& res, Lang lang, const std::string& code) {
  SetConsolePage(res, 404,
                 ConsoleHead(lang, L(lang, "没有这个批次", "No such lot")) +
                     "<section class=\"narrow\"><h1>" + L(lang, "没有这个批次", "No such lot") +
                     "</h1>" +
                     ErrorBox(lang, "本主体没有批次 " + code + "。请从控制台首页的批次列表打开。",
                              "Your organisation has no lot " + code +
                                  ". Open lots from the list on the console's home page.") +
                     "<p><a href=\"/console/" + LangSuffix(lang) + "\">" +
                     L(lang, "返回控制台", "Back to the console") + "</a></p></section>" +
                     ConsoleTail(lang, "/console/"),
                 lang);
}

}  // namespace

std::optional<std::string> OpenConsoleLot(ConsoleContext& ctx, const httplib::Request& req,
                                          httplib::Response& res, const Session& s,
                                          const std::string& segment) {
  const Lang lang = ConsoleLang(req);
  std::string code = crockford::Normalize(segment);
  auto owner = ctx.api.WithReportStore([&](Store& store) { return LotOwner(store, code); });
  if (!owner.ok()) {
    NoSuchLotPage(res, lang, code);
    return std::nullopt;
  }
  if (s.user.bureau() || s.user.org_id == *owner) return code;
  // Answered like an unknown lot, so that lot codes of other organisations cannot be probed;
  // logged (no token: the user is named in the reason) for the bureau.
  ctx.api.WithStore([&](Store& store) {
    try {
      RecordAccessDenial(store, 0, req.method + " " + req.path,
                         "console user " + s.user.username + " of organisation " +
                             std::to_string(s.user.org_id) + ": lot of organisation " +
                             std::to_string(*owner));
    } catch (const sql::Error& e) {
      std::fprintf(stderr, "agritrace serve: cannot log access denial: %s\n", e.what());
    }
    return 0;
  });
  NoSuchLotPage(res, lang, code);
  return std::nullopt;
}

void RoleRefusedPage(httplib::Response& res, Lang lang, const std::string& zh,
                     const std::string& en) {
  SetConsolePage(res, 403,
                 ConsoleHead(lang, L(lang, "无权操作", "Not allowed")) +
                     "<section class=\"narrow\"><h1>" + L(lang, "无权操作", "Not allowed") +
                     "</h1>" + ErrorBox(lang, zh, en) + "<p><a href=\"/console/" +
                     LangSuffix(lang) + "\">" + L(lang, "返回控制台", "Back to the console") +
                     "</a></p></section>" + ConsoleTail(lang, "/console/"),
                 lang);
}

std::optional<ConsoleLotForm> OpenConsoleLotForm(ConsoleContext& ctx, const httplib::Request& req,
                                                 httplib::Response& res) {
  auto s = RequireSession(ctx, req, res);
  if (!s || !CheckForm(ctx, req, res, &*s)) return std::nullopt;
  auto code = OpenConsoleLot(ctx, req, res, *s, req.matches[1]);
  if (!code) return std::nullopt;
  return ConsoleLotForm{std::move(*s), std::move(*code)};
}

}  // namespace agritrace::http
