// The bureau's two logs of people and tokens knocking where they may not, as console tables:
// failed sign-ins (registry/users.h) and access denials (registry/tokens.h).
#pragma once

#include <string>
#include <vector>

#include "agritrace/http/language.h"
#include "agritrace/registry/store.h"
#include "agritrace/registry/tokens.h"
#include "agritrace/registry/users.h"

namespace agritrace::http {

// Rows of RecentSignInFailures / ListSignInFailures; "None" when empty.
std::string SignInFailureTable(Lang lang, const std::vector<SignInFailure>& failures);
// Rows of RecentAccessDenials / ListAccessDenials; "None" when empty.
std::string AccessDenialTable(Lang lang, const std::vector<AccessDenial>& denials);

}  // namespace agritrace::http
