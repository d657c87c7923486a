// What the cooperative's console forms share: reading a field from an urlencoded or multipart
// body alike, whole numbers typed by people, a refusal shown beside its field, and the pages
// that answer a request the user may not make.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "agritrace/http/language.h"
#include "agritrace/registry/status.h"
#include "agritrace/registry/users.h"
#include "http/console/console_context.h"

namespace httplib {
struct Request;
struct Response;
}  // namespace httplib

namespace agritrace::http {

// A form field's value ("" when absent), from a query, an urlencoded body or a multipart body.
std::string FormValue(const httplib::Request& req, const std::string& name);
// Every value of a repeated field (checkboxes), in the order sent.
std::vector<std::string> FormValues(const httplib::Request& req, const std::string& name);
// `s` without spaces, tabs and line breaks around it.
std::string TrimField(const std::string& s);
// A whole number of at most `max_digits` digits (spaces around allowed), or nullopt.
std::optional<int64_t> ParseWhole(const std::string& text, size_t max_digits = 12);

// A refusal beside a field: both languages, the page's first; "" for an ok status.
std::string FieldError(Lang lang, const Status& why);
// " class=\"bad\"" when `why` is a refusal (the field's border turns red), else "".
std::string BadClass(const Status& why);
// The actor of a console change in its log event.
std::string ConsoleActor(const Session& s);
// True for the roles that change their organisation's records (clerk, manager).
bool ActsForOrganisation(const Session& s);

// The session of a clerk or manager, for pages that act for their organisation; `changing`:
// a POST, whose CSRF token and Origin are checked too. Otherwise the refusal is written (sign-in
// redirect, 403 for a stale form, or 403 with `zh`/`en` for bureau staff) and nullopt returned.
std::optional<Session> RequireOrganisationSession(ConsoleContext& ctx, const httplib::Request& req,
                                                  httplib::Response& res, bool changing,
                                                  const std::string& zh, const std::string& en);

// A whole page saying why the request is refused (403) or what is not there (404), with a way
// back; `registry_name` for the bar.
void RefusalPage(httplib::Response& res, Lang lang, const std::string& registry_name,
                 const Session& s, int status, const std::string& zh, const std::string& en);

}  // namespace agritrace::http
