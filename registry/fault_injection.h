// Crash points for recovery tests: when AGRITRACE_FAULT names a point, the process is killed
// there (SIGKILL, no clean-up), as a power cut or `kill -9` would. Unset in normal use.
#pragma once

namespace agritrace {

void CrashPoint(const char* name);

}  // namespace agritrace
