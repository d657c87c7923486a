#include "http/console/console_form.h"

#include <httplib.h>

#include "http/console/console_context.h"
#include "http/console/console_look.h"
#include "http/html_escape.h"

namespace agritrace::http {

std::string FormValue(const httplib::Request& req, const std::string& name) {
  // A multipart body (the lot form, for its CSV upload) arrives in `files`, fields and all.
  if (req.is_multipart_form_data() && req.has_file(name)) return req.get_file_value(name).content;
  return req.get_param_value(name);
}

std::vector<std::string> FormValues(const httplib::Request& req, const std::string& name) {
  std::vector<std::string> out;
  if (req.is_multipart_form_data()) {
    auto [from, to] = req.files.equal_range(name);
    for (auto it = from; it != to; ++it) out.push_back(it->second.content);
    return out;
  }
  auto [from, to] = req.params.equal_range(name);
  for (auto it = from; it != to; ++it) out.push_back(it->second);
  return out;
}

std::string TrimField(const std::string& s) {
  const size_t b = s.find_first_not_of(" \t\r\n");
  return b == std::string::npos ? "" : s.substr(b, s.find_last_not_of(" \t\r\n") + 1 - b);
}

std::optional<int64_t> ParseWhole(const std::string& text, size_t max_digits) {
  const size_t b = text.find_first_not_of(' ');
  if (b == std::string::npos) return std::nullopt;
  const std::string t = text.substr(b, text.find_last_not_of(' ') + 1 - b);
  if (t.empty() || t.size() > max_digits || max_digits > 18 ||
      t.find_first_not_of("0123456789") != std::string::npos)
    return std::nullopt;
  return std::stoll(t);
}

std::string FieldError(Lang lang, const Status& why) {
  if (why.ok()) return "";
  const std::string& first = lang == Lang::kZh ? why.zh() : why.en();
  const std::string& second = lang == Lang::kZh ? why.en() : why.zh();
  return "<small class=\"ferr\" role=\"alert\">" + HtmlEscape(first) + "<br>" + HtmlEscape(second) +
         "</small>";
}

std::string BadClass(const Status& why) { return why.ok() ? "" : " class=\"bad\""; }

std::string ConsoleActor(const Session& s) { return "user:" + s.user.username; }

bool ActsForOrganisation(const Session& s) { return !s.user.bureau() && s.user.org_id != 0; }

std::optional<Session> RequireOrganisationSession(ConsoleContext& ctx, const httplib::Request& req,
                                                  httplib::Response& res, bool changing,
                                                  const std::string& zh, const std::string& en) {
  auto s = RequireSession(ctx, req, res);
  if (!s || (changing && !CheckForm(ctx, req, res, &*s))) return std::nullopt;
  if (ActsForOrganisation(*s)) return s;
  const std::string name = ctx.api.WithStore([](Store& store) { return store.Meta("name"); });
  RefusalPage(res, ConsoleLang(req), name, *s, 403, zh, en);
  return std::nullopt;
}

void RefusalPage(httplib::Response& res, Lang lang, const std::string& registry_name,
                 const Session& s, int status, const std::string& zh, const std::string& en) {
  const std::string title =
      status == 404 ? L(lang, "找不到", "Not found") : L(lang, "不能这样操作", "Not allowed");
  SetConsolePage(res, status,
                 ConsoleHead(lang, title) + ConsoleBar(lang, registry_name, s) + "<section><h1>" +
                     title + "</h1>" + ErrorBox(lang, zh, en) + "<p><a href=\"/console/" +
                     LangSuffix(lang) + "\">" + L(lang, "返回控制台", "Back to the console") +
                     "</a></p></section>" + ConsoleTail(lang, "/console/"),
                 lang);
}

}  // namespace agritrace::http
