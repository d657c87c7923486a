// Minting a lot's unit codes and printing its labels: what `agritrace label mint|print` and the
// cooperative API do, from the lot's signed record to printer-ready files.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "labeler/render_options.h"
#include "registry/store.h"

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

// Mints fresh codes (75 CSPRNG bits each) and stores them with serials continuing the lot's,
// in one transaction with a "units.minted" event that commits to the codes by their SHA-256.
// Refuses an unknown lot, a recalled lot, a count beyond the lot's units, more than
// kMaxMintCodes at once and spares beyond SpareLimit over all the lot's mints.
Result<Json> MintUnitCodes(Store& store, const MintRequest& request);

// The spares a lot of `units` may have in all: a tenth, at least one.
int64_t SpareLimit(int64_t units);

enum class LabelFormat { kSvg, kPng, kPdf, kZpl, kTspl };
Result<LabelFormat> ParseLabelFormat(const std::string& name);

struct PrintRequest {
  std::string lot_code;
  int64_t from = 0, to = 0;  // serial range; 0, 0: every minted unit
  bool lot_only = false;     // one lot code QR instead of unit codes (承诺达标合格证 style)
  // Unit QRs carry lot, serial and the registry's signature (offline_label.h) instead of the
  // unit code's URL, so that they can be checked with no network. Not with lot_only.
  bool offline_signed = false;
  LabelFormat format = LabelFormat::kPdf;
  RenderOptions options;
  std::string out;  // a file for PDF, ZPL and TSPL; a folder for SVG and PNG
  // Called now and then with labels done and the total, for a progress line.
  std::function<void(uint64_t done, uint64_t total)> progress;
};

// Renders the labels, streaming: memory stays flat whatever the count. Returns
// {"format", "out", "labels", "pages", "files", "omitted"}.
Result<Json> PrintLabels(Store& store, const PrintRequest& request);

}  // namespace agritrace::labeler
