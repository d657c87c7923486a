// The alerts on the console's home page (issue 13), from the bureau's report queries
// (registry/audit_reports.h), so a clerk and an auditor see one rule: codes that look copied
// (the consumer page's scan thresholds), certificates expiring within 60 days, certificates whose
// lots are past their certified output this year. A clerk or manager sees its organisation's; the
// bureau the counts across organisations.
#pragma once

#include <string>

#include "agritrace/http/language.h"
#include "agritrace/registry/store.h"
#include "agritrace/registry/users.h"
#include "http/verify_service.h"

namespace agritrace::http {

// A <section id="alerts">, or a short "no alerts" section.
std::string ConsoleAlerts(Store& store, Lang lang, const Session& s, ScanThresholds thresholds);

}  // namespace agritrace::http
