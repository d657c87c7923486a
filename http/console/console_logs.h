// The bureau's two logs of people and tokens knocking where they may not, as console tables:
// failed sign-ins (registry/users.h) and access denials (registry/tokens.h).
#pragma once

#include <string>
#include <vector>

#include "http/language.h"
#include "registry/tokens.h"
#include "registry/users.h"

namespace agritrace::http {

// Rows of RecentSignInFailures / ListSignInFailures; "None" when empty.
std::string SignInFailureTable(Lang lang, const std::vector<SignInFailure>& failures);
// Rows of RecentAccessDenials / ListAccessDenials; "None" when empty.
std::string AccessDenialTable(Lang lang, const std::vector<AccessDenial>& denials);

}  // namespace agritrace::http
