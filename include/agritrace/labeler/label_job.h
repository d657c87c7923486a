// Minting a lot's unit codes and printing its labels: what `agritrace label mint|print` and the
// cooperative API do, from the lot's signed record to printer-ready files.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "agritrace/labeler/render_options.h"
#include "agritrace/registry/organic_codes.h"
#include "agritrace/registry/store.h"

namespace agritrace::labeler {

// At most this many codes (count plus spare) in one mint: one transaction, one event.
inline constexpr int64_t kMaxMintCodes = 10000000;
// At most this many labels (serials times copies) in one print job.
inline constexpr int64_t kMaxPrintLabels = 10000000;

struct MintRequest {
  std::string lot_code;
  int64_t count = 0;  // regular codes: with those already minted, at most the lot's units
  int64_t spare = 0;  // extra codes recorded as spares (replacements for damaged labels)
  std::string actor;  // who mints, in the event when set ("user:<username>" from the console)
};

// A mint as "units.minted" logged it: serials first..last, the spares last.
struct MintedCodes {
  std::string lot_code;
  int64_t first_serial = 0, last_serial = 0;
  int64_t minted = 0, spares = 0;
  std::string codes_sha256;  // hex, of every code minted in serial order
  std::string actor;         // "" when the request named none
  int64_t event_index = 0;
};
// {"lot", "first_serial", "last_serial", "minted", "spares", "codes_sha256", "actor"?,
// "event_index"}: the event plus its index, the API's answer and `label mint --json`.
void to_json(Json& j, const MintedCodes& m);

// Mints fresh codes (75 CSPRNG bits each) and stores them with serials continuing the lot's,
// in one transaction with a "units.minted" event that commits to the codes by their SHA-256.
// Refuses an unknown lot, a recalled lot, a count beyond the lot's units, more than
// kMaxMintCodes at once and spares beyond SpareLimit over all the lot's mints.
Result<MintedCodes> MintUnitCodes(Store& store, const MintRequest& request);

// The spares a lot of `units` may have in all: a tenth, at least one.
int64_t SpareLimit(int64_t units);

enum class LabelFormat { kSvg, kPng, kPdf, kZpl, kTspl };
Result<LabelFormat> ParseLabelFormat(const std::string& name);

struct PrintRequest {
  std::string lot_code;
  int64_t from = 0, to = 0;  // serial range; 0, 0: every minted unit
  bool lot_only = false;     // one lot code QR instead of unit codes (承诺达标合格证 style)
  // With lot_only: the number of one of the lot's 承诺达标合格证 (registry/hgz.h). The label's
  // QR is then the certificate's (HgzUrl), whose page shows the certificate and then the lot:
  // one QR for both, the label titled 承诺达标合格证 as the rules ask of a merged mark.
  std::string hgz;
  // Unit QRs carry lot, serial and the registry's signature (offline_label.h) instead of the
  // unit code's URL, so that they can be checked with no network. Not with lot_only.
  bool offline_signed = false;
  LabelFormat format = LabelFormat::kPdf;
  RenderOptions options;
  std::string out;  // a file for PDF, ZPL and TSPL; a folder for SVG and PNG
  // Instead of `out`: a label printer, tcp://HOST[:PORT] or a device path (printer_connection.h),
  // sent ZPL or TSPL as it is rendered.
  std::string printer;
  int printer_timeout_seconds = 30;  // without progress, before the run stops
  // A printer run to continue (`label print --resume`): lot, format, options and the rest of its
  // range come from it, from the first serial it did not surely send; `printer` may name another
  // printer, else the run's own. lot_code, from, to, lot_only, offline_signed, format and options
  // are then ignored.
  int64_t resume = 0;
  // Who prints and how the print run record names the destination ("" for file:<out>).
  std::string actor = "unknown";
  std::string destination;
  // False for a preview shown on screen (the console's): no label leaves, so no run is recorded.
  bool record = true;
  // Called now and then with labels done and the total, for a progress line: rendered for
  // files, written to the connection for a printer.
  std::function<void(uint64_t done, uint64_t total)> progress;
  // Asked while waiting on a printer: true stops the run (Ctrl-C), which then ends as
  // interrupted with what was surely sent.
  std::function<bool()> stop;
};

// What a print job made.
struct PrintedLabels {
  std::string format;                // svg | png | pdf | zpl | tspl
  std::string out;                   // the file or folder; for a printer, its destination
  uint64_t labels = 0;               // serials times copies
  uint64_t pages = 0;                // PDF pages or sheets; 0 for rolls and printers
  uint64_t files = 0;                // 1 but for a folder of SVG/PNG; 0 for a printer
  std::vector<std::string> omitted;  // texts left off for lack of room
  int64_t run = 0;                   // the print run, 0 for an unrecorded preview
  std::string destination;
  // A printer's run only: its first serial (0 for a lot-only label) and the last surely sent.
  std::optional<int64_t> first_serial, sent_through;
};
// {"format", "out", "labels", "pages", "files", "omitted", "run", "destination"} and, for a
// printer, "first_serial", "sent_through": `label print --json`.
void to_json(Json& j, const PrintedLabels& p);

// Renders the labels, streaming: memory stays flat whatever the count. Every run is recorded
// (registry/print_runs.h) once the request is checked and the output opened, before the first
// label leaves, and ended with the serials surely sent: all for a complete file, none for one
// that failed (it is removed), for a printer those the connection confirmed. A printer run that
// stops early fails with Status::Io (reason "printer-interrupted") naming the serials surely
// sent, those that may have printed and those not sent, and the run to --resume.
Result<PrintedLabels> PrintLabels(Store& store, const PrintRequest& request);

// The serials from..to (0 for the first or last minted) of the lot's minted units, checked:
// Status::Invalid "no-units" when none are minted, "serial-range" outside them.
Result<std::pair<int64_t, int64_t>> MintedRange(Store& store, int64_t lot_id,
                                                 const std::string& lot_code, int64_t from,
                                                 int64_t to);

// The 有机码 of serials first..last of an organic lot (null for a lot that is not organic), for
// labels and code files alike. Status::Invalid (reason "organic-code-missing") when a unit of
// the range has none yet.
Result<std::unique_ptr<OrganicCodeReader>> OrganicCodesFor(Store& store, int64_t lot_id,
                                                           const std::string& lot_code,
                                                           int64_t first, int64_t last);

// A lot's label size as print runs record it: "50x30", "62.5x40".
std::string FormatLabelSize(const LabelGeometry& geometry);

}  // namespace agritrace::labeler
