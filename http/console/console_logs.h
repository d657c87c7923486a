// The bureau's two logs of people and tokens knocking where they may not, as console tables:
// failed sign-ins (registry/users.h) and access denials (registry/tokens.h).
#pragma once

#include <string>

#include "agritrace/http/language.h"
#include "agritrace/registry/store.h"

namespace agritrace::http {

// Rows of RecentSignInFailures / ListSignInFailures; "None" when empty.
std::string SignInFailureTable(Lang lang, const Json& failures);
// Rows of RecentAccessDenials / ListAccessDenials; "None" when empty.
std::string AccessDenialTable(Lang lang, const Json& denials);

}  // namespace agritrace::http
