// Code files for print shops (码包, issue 11): `agritrace label export` writes a lot's unit codes
// for a packaging printer's variable-data software, one row per unit in serial order:
//   .csv  UTF-8 with a byte order mark, RFC 4180, CRLF: serial,code,code_printed,url and, for an
//         organic lot, organic_code (the 有机码 each label must carry)
//   .txt  the URLs alone, one per line (CRLF), for software that takes a list of QR contents
//   .zip  the .csv inside a zip archive encrypted with AES-256 (WinZip AES, libzip) under a
//         password: the file a print shop should be sent
// The URL is what the label's QR holds (the GS1 Digital Link when the product has a GTIN).
// Each export is recorded and logged (registry/code_exports.h); exporting serials again needs a
// reason. The file is written under a temporary name, hashed, recorded, then renamed: a refusal
// or a failure leaves no file.
#pragma once

#include <cstdint>
#include <string>

#include "agritrace/registry/code_exports.h"
#include "agritrace/registry/store.h"

namespace agritrace::labeler {

struct ExportRequest {
  std::string lot_code;
  int64_t from = 0, to = 0;  // serial range; 0, 0: every minted unit
  std::string out;           // its extension picks the format: .csv, .txt or .zip
  std::string password;      // .zip only, and required there (at least 8 characters)
  bool again = false;        // serials exported before: allowed with a reason
  std::string reason;
  std::string actor = "unknown";
};

// A code file written and recorded.
struct ExportedCodes {
  RecordedCodeExport recorded;
  int64_t rows = 0;  // one per unit code
};
// RecordCodeExport's JSON plus "rows": `label export --json`.
void to_json(Json& j, const ExportedCodes& e);

// Writes and records the file. Refused with nothing written: an unknown or recalled lot, a range
// outside the minted codes, an organic lot with units lacking their 有机码, an unknown
// extension, a zip without a password or a password for csv/txt, serials exported before
// without --again and --reason.
Result<ExportedCodes> ExportCodes(Store& store, const ExportRequest& request);

}  // namespace agritrace::labeler
