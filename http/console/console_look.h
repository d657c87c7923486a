// The console's page shell: the consumer page's look (colours, type, cards), wider for tables,
// Chinese first. No scripts, no external requests: one inline style sheet under kPageCsp.
#pragma once

#include <string>
#include <string_view>

#include "agritrace/http/language.h"
#include "agritrace/registry/users.h"

namespace agritrace::http {

// `zh` or `en` by `lang`.
std::string L(Lang lang, std::string_view zh, std::string_view en);
// <!doctype html> … <main>, with `title` escaped.
std::string ConsoleHead(Lang lang, const std::string& title);
// The bar on every signed-in page: registry name, who is signed in, sign-out form, language.
std::string ConsoleBar(Lang lang, const std::string& registry_name, const Session& s);
// The links under the bar (ConsoleBar adds them): a clerk's lots, lot form, products and 合格证, plus a
// manager's accounts; the bureau's overview, organisations, certifications and audit.
std::string ConsoleNav(Lang lang, const Session& s);
// </main></body></html> with the language switch for `path`.
std::string ConsoleTail(Lang lang, const std::string& path);
// A hidden input carrying the session's CSRF token.
std::string CsrfInput(const Session& s);
std::string RoleName(Lang lang, const std::string& role);
// An error box: `zh` and `en` escaped, the page's language first.
std::string ErrorBox(Lang lang, const std::string& zh, const std::string& en);

}  // namespace agritrace::http
