// GET /api/v1/lots/{code}/labels: the files `agritrace label print` writes, rendered by the same
// labeler::PrintLabels into a temporary folder and streamed back from an unlinked file, so that
// nothing stays on disk and memory does not grow with the number of labels.
//
// Query parameters are the CLI's options: format=pdf|zpl|tspl|svg|png (default pdf),
// size=WxH mm (50x30), dpi=203|300, sheet=a4:COLSxROWS, ecc=L|M|Q|H (M), copies (1),
// from/to (serials; default every minted code), lot_only=true (one lot-code label),
// offline_signed=true (QRs carrying the registry's signature, labeler/offline_label.h).
// PDF, ZPL and TSPL answer with the whole selection in one file. SVG and PNG are one file per
// label or per sheet in the CLI; an HTTP answer is one document, so the selection must make
// exactly one: a single label (from=to=N, or lot_only) or, with a sheet, at most one page of
// labels counting copies (e.g. sheet=a4:3x8&from=25&to=48 is the second page).
#pragma once

#include <string>

namespace httplib {
struct Request;
struct Response;
}  // namespace httplib

namespace agritrace::http {

// Renders the labels of `lot_code` from the registry at `db_path` (on a connection of its own:
// a long print does not hold the API's write connection) and writes the answer: the file with
// its Content-Type and Content-Disposition, or a problem. The caller has checked the token.
// The download is a print run like any other (registry/print_runs.h), recorded with
// destination "download" and `actor` ("token:<id>", "user:<username>"); the X-Agritrace-Print-Run
// header names it. A `preview` (the console's picture of a label) is not a print: not recorded.
void ServeLabelFile(const std::string& db_path, const std::string& lot_code,
                    const std::string& actor, const httplib::Request& req,
                    httplib::Response& res, bool preview = false);

}  // namespace agritrace::http
