// The bureau's organisations and everyone's accounts (issue 13):
//   GET  /console/orgs?q=&page=         bureau: search by name or credit code, a page at a time
//   POST /console/orgs                  bureau: add one (AddOrganisation, as `org add` and the API)
//   GET  /console/orgs/{ID}             bureau, or a manager of that organisation: its accounts
//   POST /console/orgs/{ID}/users       bureau-admin: a clerk or manager; a manager: a clerk of its
//                                       own organisation. The one-time password is shown once.
//   POST /console/users/{ID}/reset      a new one-time password, shown once; ends its sessions
//   POST /console/users/{ID}/disable    ends its sessions
// Accounts go through registry/users.h as `agritrace user` does; every change names the
// signed-in user as its actor. A role reaching further is refused (403) and logged.
#include <httplib.h>

#include "agritrace/registry/organisations.h"
#include "http/console/console_context.h"
#include "http/console/console_look.h"
#include "http/console/console_table.h"
#include "http/html_escape.h"
#include "http/http_response.h"

namespace agritrace::http {
namespace {

using Req = const httplib::Request&;
using Res = httplib::Response&;

constexpr int64_t kOrgsPerPage = 20;

struct Kind {
  const char *key, *zh, *en;
};
constexpr Kind kKinds[] = {{"cooperative", "农民专业合作社", "cooperative"},
                           {"enterprise", "企业", "enterprise"},
                           {"family-farm", "家庭农场", "family farm"},
                           {"station", "电商服务站", "service station"},
                           {"collective", "村集体", "village collective"}};

std::string KindName(Lang lang, const std::string& key) {
  for (const auto& k : kKinds)
    if (key == k.key) return L(lang, k.zh, k.en);
  return key;
}

// An id in a path: the route's pattern admits 1 to 18 digits, so it fits int64.
int64_t PathId(Req req) { return std::stoll(req.matches[1].str()); }

std::string Field(Lang lang, std::string_view zh, std::string_view en, const std::string& input) {
  return "<label>" + L(lang, zh, en) + input + "</label>";
}

std::string TextInput(const std::string& name, const std::string& value, int maxlength,
                      const std::string& extra = "") {
  return "<input name=\"" + name + "\" value=\"" + HtmlEscape(value) + "\" maxlength=\"" +
         std::to_string(maxlength) + "\" " + extra + ">";
}

std::string NotFoundPage(Lang lang, const std::string& registry, const Session& s,
                         const Status& st) {
  return ConsoleHead(lang, L(lang, "找不到", "Not found")) + ConsoleBar(lang, registry, s) +
         "<section>" + ErrorBox(lang, st.zh(), st.en()) + "</section>" +
         ConsoleTail(lang, "/console/");
}

// ---- /console/orgs ----

std::string OrgListPage(Store& store, Lang lang, const Session& s, const std::string& query,
                        int64_t page, const OrganisationInput& form, const std::string& notice) {
  const OrganisationSearch found =
      SearchOrganisations(store, query, PageOffset(page, kOrgsPerPage), kOrgsPerPage);
  const int64_t total = found.total;
  std::string out = ConsoleHead(lang, L(lang, "经营主体", "Organisations"));
  out += ConsoleBar(lang, store.Meta("name"), s) + notice;
  out += "<section><h1>" + L(lang, "经营主体", "Organisations") + "</h1>";
  out +=
      "<form class=\"stack\" method=\"get\" action=\"/console/orgs\">" +
      std::string(lang == Lang::kEn ? "<input type=\"hidden\" name=\"lang\" value=\"en\">" : "") +
      Field(lang, "按名称或统一社会信用代码查找", "Search by name or credit code",
            TextInput("q", query, kMaxOrganisationQueryBytes, "type=\"search\"")) +
      "<button type=\"submit\">" + L(lang, "查找", "Search") + "</button></form>";
  out += "<p class=\"mut\">" + L(lang, "共 ", "") + std::to_string(total) +
         L(lang, " 个", " found") + "</p>";
  if (!found.items.empty()) {
    const std::string h_name = L(lang, "名称", "Name"),
                      h_code = L(lang, "统一社会信用代码", "Credit code"),
                      h_kind = L(lang, "类型", "Kind"), h_region = L(lang, "区划", "Region");
    out += "<div class=\"scroll\"><table class=\"cards\"><thead><tr><th>" + h_name + "</th><th>" +
           h_code + "</th><th>" + h_kind + "</th><th>" + h_region + "</th></tr></thead><tbody>";
    for (const Organisation& o : found.items)
      out += "<tr>" +
             CardCell(h_name, "<a href=\"/console/orgs/" + std::to_string(o.id) +
                                  LangSuffix(lang) + "\">" + HtmlEscape(o.name) + "</a>") +
             CardCell(h_code, "<code>" + HtmlEscape(o.credit_code) + "</code>") +
             CardCell(h_kind, HtmlEscape(KindName(lang, o.kind))) +
             CardCell(h_region, "<code>" + HtmlEscape(o.region) + "</code>") + "</tr>";
    out += "</tbody></table></div>";
  }
  out += Pager(lang, "/console/orgs?q=" + HtmlEscape(PercentEncode(query)), page,
               PageCount(total, kOrgsPerPage));
  out += "</section>";

  out += "<section id=\"add\"><h2>" + L(lang, "登记经营主体", "Add an organisation") +
         "</h2><form class=\"stack\" method=\"post\" action=\"/console/orgs" + LangSuffix(lang) +
         "\">" + CsrfInput(s);
  out += Field(lang, "名称", "Name", TextInput("name", form.name, 200, "required"));
  out += Field(lang, "统一社会信用代码（18 位）", "Unified social credit code (18 characters)",
               TextInput("credit_code", form.credit_code, 18,
                         "required autocapitalize=\"characters\" spellcheck=\"false\""));
  std::string kinds = "<select name=\"kind\">";
  for (const auto& k : kKinds)
    kinds += std::string("<option value=\"") + k.key + "\"" +
             (form.kind == k.key ? " selected" : "") + ">" + L(lang, k.zh, k.en) + "</option>";
  out += Field(lang, "类型", "Kind", kinds + "</select>");
  out += Field(lang, "所在行政区划代码（6 或 12 位）", "Region code (6 or 12 digits)",
               TextInput("region", form.region, 12, "required inputmode=\"numeric\""));
  out += "<button type=\"submit\">" + L(lang, "登记", "Add") + "</button></form></section>";
  return out + ConsoleTail(lang, "/console/orgs");
}

// ---- /console/orgs/{ID} ----

// May `s` add, reset or disable accounts of organisation `org_id` with role `role`?
bool MayManage(const Session& s, int64_t org_id, const std::string& role) {
  if (s.user.role == "bureau-admin") return true;
  return s.user.role == "manager" && s.user.org_id == org_id && role == "clerk";
}

struct AccountForm {
  std::string username, role = "clerk";
};

std::string OrgPage(Store& store, Lang lang, const Session& s, const Organisation& org,
                    const std::string& notice, const AccountForm& form) {
  const int64_t id = org.id;
  const std::string self = "/console/orgs/" + std::to_string(id);
  const std::string& org_name = org.name;
  std::string out = ConsoleHead(lang, org_name);
  out += ConsoleBar(lang, store.Meta("name"), s) + notice;
  out += "<section><h1>" + HtmlEscape(org_name) + "</h1><dl><dt>" +
         L(lang, "统一社会信用代码", "Credit code") + "</dt><dd><code>" +
         HtmlEscape(org.credit_code) + "</code></dd><dt>" + L(lang, "类型", "Kind") + "</dt><dd>" +
         HtmlEscape(KindName(lang, org.kind)) + "</dd><dt>" + L(lang, "区划", "Region") +
         "</dt><dd><code>" + HtmlEscape(org.region) + "</code></dd><dt>" + L(lang, "编号", "Id") +
         "</dt><dd>" + std::to_string(id) + "</dd></dl>";
  if (s.user.bureau())
    out += "<p><a href=\"/console/certs" + LangSuffix(lang) + (lang == Lang::kEn ? "&amp;" : "?") +
           "q=" + HtmlEscape(PercentEncode(org_name)) + "\">" +
           L(lang, "本主体的认证证书", "This organisation's certifications") + "</a></p>";
  out += "</section>";

  out += "<section id=\"accounts\"><h2>" + L(lang, "账号", "Accounts") + "</h2>";
  const std::string h_user = L(lang, "用户名", "User name"), h_role = L(lang, "角色", "Role"),
                    h_state = L(lang, "状态", "State"), h_act = L(lang, "操作", "Actions");
  std::string rows;
  for (const User& u : ListUsers(store)) {
    if (u.org_id != id) continue;
    const std::string& role = u.role;
    const bool disabled = u.disabled;
    std::string state =
        disabled ? "<span class=\"red\">" + L(lang, "已停用", "disabled") + "</span>"
        : u.must_change_password ? L(lang, "待首次改密码", "must change password")
                                 : L(lang, "正常", "active");
    std::string actions;
    if (!disabled && MayManage(s, id, role)) {
      const std::string uid = std::to_string(u.id);
      for (auto [verb, zh, en] : {std::tuple{"reset", "重设密码", "Reset password"},
                                  std::tuple{"disable", "停用", "Disable"}})
        actions += "<form method=\"post\" action=\"/console/users/" + uid + "/" + verb +
                   LangSuffix(lang) + "\" style=\"display:inline\">" + CsrfInput(s) +
                   "<button type=\"submit\" name=\"confirm\" value=\"" + verb + "\">" +
                   L(lang, zh, en) + "</button></form> ";
    }
    rows += "<tr>" + CardCell(h_user, HtmlEscape(u.username)) +
            CardCell(h_role, HtmlEscape(RoleName(lang, role))) + CardCell(h_state, state) +
            CardCell(h_act, actions.empty() ? "—" : actions) + "</tr>";
  }
  if (rows.empty())
    out += "<p>" + L(lang, "还没有账号。", "No accounts yet.") + "</p>";
  else
    out += "<div class=\"scroll\"><table class=\"cards\"><thead><tr><th>" + h_user + "</th><th>" +
           h_role + "</th><th>" + h_state + "</th><th>" + h_act + "</th></tr></thead><tbody>" +
           rows + "</tbody></table></div>";
  out += "</section>";

  if (MayManage(s, id, "clerk")) {
    out += "<section id=\"add-account\"><h2>" + L(lang, "新建账号", "Add an account") +
           "</h2><p class=\"mut\">" +
           L(lang, "系统生成一次性初始密码，只显示一次；本人首次登录时须修改。",
             "A one-time initial password is generated and shown once; its owner must change it "
             "at first sign-in.") +
           "</p><form class=\"stack\" method=\"post\" action=\"" + self + "/users" +
           LangSuffix(lang) + "\">" + CsrfInput(s);
    out += Field(lang, "用户名（小写字母、数字、. _ -）",
                 "User name (lower-case letters, digits, . _ -)",
                 TextInput("username", form.username, kMaxUsernameBytes,
                           "required autocapitalize=\"none\" spellcheck=\"false\""));
    std::string roles = "<select name=\"role\">";
    for (const char* role : {"clerk", "manager"})
      if (MayManage(s, id, role))
        roles += std::string("<option value=\"") + role + "\"" +
                 (form.role == role ? " selected" : "") + ">" + RoleName(lang, role) + "</option>";
    out += Field(lang, "角色", "Role", roles + "</select>");
    out += "<button type=\"submit\">" + L(lang, "新建", "Add") + "</button></form></section>";
  }
  return out + ConsoleTail(lang, self);
}

// The box that shows a one-time password, once.
std::string PasswordNotice(Lang lang, const std::string& zh_what, const std::string& en_what,
                           const std::string& username, const std::string& password) {
  return "<section class=\"note\" role=\"status\"><p>" + L(lang, zh_what, en_what) + " <b>" +
         HtmlEscape(username) + "</b></p><p>" + L(lang, "一次性初始密码：", "One-time password: ") +
         "<code id=\"one-time-password\">" + HtmlEscape(password) + "</code></p><p class=\"mut\">" +
         L(lang, "请当面或通过安全渠道交给本人；首次登录时须修改。离开此页后无法再次查看。",
           "Hand it over in person or by a safe channel; it must be changed at first sign-in. It "
           "cannot be shown again once you leave this page.") +
         "</p></section>";
}

// Renders organisation `id`'s page with `notice`, or the not-found page.
void AnswerOrgPage(ConsoleContext& ctx, Req req, Res res, const Session& s, int64_t id, int status,
                   const std::string& notice, const AccountForm& form = {}) {
  const Lang lang = ConsoleLang(req);
  int code = status;
  std::string html = ctx.api.WithStore([&](Store& store) {
    auto org = GetOrganisation(store, id);
    if (!org.ok()) {
      code = 404;
      return NotFoundPage(lang, store.Meta("name"), s, org.status());
    }
    return OrgPage(store, lang, s, *org, notice, form);
  });
  SetConsolePage(res, code, std::move(html), lang);
}

}  // namespace

void RegisterConsoleOrgs(httplib::Server& svr, std::shared_ptr<ConsoleContext> owner) {
  svr.Get("/console/orgs", [owner](Req req, Res res) {
    ConsoleContext& ctx = *owner;
    const Lang lang = ConsoleLang(req);
    auto s = RequireSession(ctx, req, res);
    if (!s) return;
    if (!s->user.bureau()) return ConsoleDenied(ctx, req, res, *s, "organisations are bureau's");
    std::string query = req.get_param_value("q");
    auto page = ParsePageNumber(req.get_param_value("page"));
    std::string notice = page ? "" : BadPageBox(lang);
    if (query.size() > kMaxOrganisationQueryBytes) {
      notice += ErrorBox(lang, "查找内容太长（最多 100 字节），已截短。",
                         "The search is too long (at most 100 bytes); it was cut.");
      query = query.substr(0, kMaxOrganisationQueryBytes);
    }
    std::string html = ctx.api.WithReportStore([&](Store& store) {
      return OrgListPage(store, lang, *s, query, page.value_or(1), {}, notice);
    });
    SetConsolePage(res, notice.empty() ? 200 : 422, std::move(html), lang);
  });

  svr.Post("/console/orgs", [owner](Req req, Res res) {
    ConsoleContext& ctx = *owner;
    const Lang lang = ConsoleLang(req);
    auto s = RequireSession(ctx, req, res);
    if (!s || !CheckForm(ctx, req, res, &*s)) return;
    if (!s->user.bureau())
      return ConsoleDenied(ctx, req, res, *s, "only the bureau adds organisations");
    OrganisationInput in{req.get_param_value("name"), req.get_param_value("credit_code"),
                         req.get_param_value("kind"), req.get_param_value("region")};
    auto r =
        ctx.api.WithStore([&](Store& store) { return AddOrganisation(store, in, UserActor(*s)); });
    if (r.ok())
      return res.set_redirect(
          "/console/orgs/" + std::to_string(r->id) + LangSuffix(lang), 303);
    std::string html = ctx.api.WithStore([&](Store& store) {
      return OrgListPage(store, lang, *s, "", 1, in, StatusBox(lang, r.status()));
    });
    SetConsolePage(res, RefusalHttp(r.status()), std::move(html), lang);
  });

  svr.Get(R"(/console/orgs/(\d{1,18}))", [owner](Req req, Res res) {
    ConsoleContext& ctx = *owner;
    auto s = RequireSession(ctx, req, res);
    if (!s) return;
    const int64_t id = PathId(req);
    if (!s->user.bureau() && !(s->user.role == "manager" && s->user.org_id == id))
      return ConsoleDenied(ctx, req, res, *s, "another organisation's accounts");
    AnswerOrgPage(ctx, req, res, *s, id, 200, "");
  });

  svr.Post(R"(/console/orgs/(\d{1,18})/users)", [owner](Req req, Res res) {
    ConsoleContext& ctx = *owner;
    const Lang lang = ConsoleLang(req);
    auto s = RequireSession(ctx, req, res);
    if (!s || !CheckForm(ctx, req, res, &*s)) return;
    const int64_t id = PathId(req);
    AccountForm form{req.get_param_value("username"), req.get_param_value("role")};
    if (!MayManage(*s, id, form.role))
      return ConsoleDenied(
          ctx, req, res, *s,
          "add a " + form.role.substr(0, 20) + " to organisation " + std::to_string(id));
    // The slow hash runs outside the registry's lock.
    const std::string password = GeneratePassword();
    auto hash = HashPassword(password);
    if (!hash.ok())
      return AnswerOrgPage(ctx, req, res, *s, id, 500, StatusBox(lang, hash.status()), form);
    auto r = ctx.api.WithStore([&](Store& store) {
      return AddUser(store, {form.username, form.role, id}, *hash, true, UserActor(*s));
    });
    if (!r.ok())
      return AnswerOrgPage(ctx, req, res, *s, id, RefusalHttp(r.status()),
                           StatusBox(lang, r.status()), form);
    AnswerOrgPage(ctx, req, res, *s, id, 200,
                  PasswordNotice(lang, "已新建账号", "Account added:", form.username, password));
  });

  svr.Post(R"(/console/users/(\d{1,18})/(reset|disable))", [owner](Req req, Res res) {
    ConsoleContext& ctx = *owner;
    const Lang lang = ConsoleLang(req);
    auto s = RequireSession(ctx, req, res);
    if (!s || !CheckForm(ctx, req, res, &*s)) return;
    const int64_t uid = PathId(req);
    const std::string verb = req.matches[2];
    auto target = ctx.api.WithStore([&](Store& store) { return GetUser(store, uid); });
    if (!target.ok() || !MayManage(*s, target->org_id, target->role))
      return ConsoleDenied(ctx, req, res, *s, verb + " account " + std::to_string(uid));
    if (verb == "disable") {
      auto r = ctx.api.WithStore(
          [&](Store& store) { return DisableUser(store, target->username, UserActor(*s)); });
      if (!r.ok())
        return AnswerOrgPage(ctx, req, res, *s, target->org_id, RefusalHttp(r.status()),
                             StatusBox(lang, r.status()));
      if (target->id == s->user.id)
        return res.set_redirect("/console/login" + LangSuffix(lang), 303);
      return AnswerOrgPage(ctx, req, res, *s, target->org_id, 200,
                           "<p class=\"note\" role=\"status\">" + L(lang, "已停用 ", "Disabled ") +
                               HtmlEscape(target->username) +
                               L(lang, "，其登录已全部结束。", "; its sessions have ended.") +
                               "</p>");
    }
    const std::string password = GeneratePassword();
    auto hash = HashPassword(password);
    if (!hash.ok())
      return AnswerOrgPage(ctx, req, res, *s, target->org_id, 500, StatusBox(lang, hash.status()));
    auto r = ctx.api.WithStore(
        [&](Store& store) { return ResetPassword(store, target->username, *hash, UserActor(*s)); });
    if (!r.ok())
      return AnswerOrgPage(ctx, req, res, *s, target->org_id, RefusalHttp(r.status()),
                           StatusBox(lang, r.status()));
    AnswerOrgPage(ctx, req, res, *s, target->org_id, 200,
                  PasswordNotice(lang, "已重设密码并结束其登录：",
                                 "Password reset, sessions ended:", target->username, password));
  });
}

}  // namespace agritrace::http
