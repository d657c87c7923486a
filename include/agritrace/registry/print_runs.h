// Print runs (issue 11; schemas/sql/009_print_runs.sql): every production of a lot's labels, to a
// file, an API download or straight to a label printer, is recorded before its first label
// leaves ("labels.print-started") and ended with the serials that surely reached the destination
// ("labels.print-ended"), each one transaction with its log event. labeler/label_job.h records
// them for every caller (CLI, API, console), so no print goes unrecorded.
//
// Printing a serial again is allowed but is a reprint: a serial that an earlier run of the lot
// printed. What a run printed: its serials up to sent_through once ended; every serial of its
// range while it has no end (it is still sending, or the program died: any label may have
// printed). A run that resumes another (`label print --resume`) starts after what that run surely
// sent; the serials of the uncertain window it sends again are not counted as reprints, since the
// run it resumes never surely sent them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "agritrace/registry/audit_reports.h"
#include "agritrace/registry/store.h"

namespace agritrace {

struct PrintRunStart {
  std::string lot_code;
  bool lot_only = false;
  int64_t first_serial = 0, last_serial = 0;  // 0, 0 for a lot-only label
  std::string format;                         // svg | png | pdf | zpl | tspl
  Json options = Json::object();              // strings, integers and booleans only (it is logged)
  std::string destination;  // file:PATH | download | tcp://HOST:PORT | device:PATH
  std::string actor;        // cli:<login> | token:<id> | user:<username>
  int64_t resumes = 0;      // the run this one continues, 0 for none
};

enum class PrintOutcome { kComplete, kInterrupted, kFailed };

struct PrintRun {
  int64_t id = 0;
  std::string lot_code;
  bool lot_only = false;
  int64_t first_serial = 0, last_serial = 0;
  std::string format;
  Json options;
  std::string destination, actor;
  int64_t resumes = 0;
  std::string started_at;
  std::string outcome;                  // "" while not ended
  std::optional<int64_t> sent_through;  // none while not ended
  std::string ended_at;
  bool ended() const { return !outcome.empty(); }
};

// Records a run's start: the row and "labels.print-started" in one transaction. The lot must
// exist. Returns the run's id.
Result<int64_t> StartPrintRun(Store& store, const PrintRunStart& run);
// A run's end as "labels.print-ended" logged it.
struct EndedPrintRun {
  int64_t id = 0;
  std::string lot_code;
  std::string outcome;  // complete | interrupted | failed
  int64_t sent_through = 0;
  std::string ended_at;
  int64_t event_index = 0;
};
// {"id", "lot", "outcome", "sent_through", "ended_at", "event_index"}: the event plus its index.
void to_json(Json& j, const EndedPrintRun& e);

// Records its end, once: `sent_through` is the last serial surely sent (first_serial - 1 for
// none; for a lot-only label 1 when sent, 0 when not). Conflict when the run already ended.
Result<EndedPrintRun> EndPrintRun(Store& store, int64_t id, PrintOutcome outcome,
                                  int64_t sent_through);

// NotFound (reason "print-run-unknown") when there is no such run.
Result<PrintRun> GetPrintRun(Store& store, int64_t id);
// The run that resumed run `id`, 0 when none did.
int64_t ResumedBy(Store& store, int64_t id);

// A run that printed serials some earlier run of its lot had printed, or printed copies.
struct Reprint {
  PrintRun run;
  std::vector<std::pair<int64_t, int64_t>> ranges;  // the serials printed before, merged
  int64_t serials = 0;                              // how many
};
// Every reprint, by lot then run; `lot_code` "" for every lot.
std::vector<Reprint> FindReprints(Store& store, const std::string& lot_code = "");

// A lot's printing, for its details page.
struct PrintSummary {
  int64_t runs = 0, unfinished_runs = 0;
  int64_t serials_printed = 0;  // distinct serials any run printed
  int64_t reprinted_serials = 0, reprint_runs = 0;
  std::optional<PrintRun> last_run;  // none before the first run
};
// {"runs", "unfinished_runs", "serials_printed", "reprinted_serials", "reprint_runs",
// "last_run"?: {"id", "started_at", "destination", "actor", "outcome" ("unfinished" until it
// ends)}}: `lot show --json`'s "printing".
void to_json(Json& j, const PrintSummary& s);

PrintSummary LotPrintSummary(Store& store, const std::string& lot_code);

// The bureau's report of reprints (and runs of several copies of unit labels).
Report ReprintReport(Store& store);

// "3–5, 9" for a person.
std::string RangesText(const std::vector<std::pair<int64_t, int64_t>>& ranges);

}  // namespace agritrace
