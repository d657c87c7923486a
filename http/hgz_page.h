// A 承诺达标合格证's public answers (DESIGN.md §7, §12): GET /h/{NUMBER} (and /H/, as its QR
// reads) is a page that shows the certificate first as the paper reads — title, every field, the
// commitment, the basis, the signature check — then the lot's provenance as the consumer page
// shows it; GET /api/v1/hgz/{NUMBER} is the same as JSON. Answered on a worker thread: reads
// only, but no fast path (certificates are scanned far less than unit codes).
#pragma once

#include <httplib.h>

#include "agritrace/http/language.h"
#include "agritrace/registry/hgz.h"
#include "agritrace/registry/verify_lookup.h"
#include "http/api_context.h"
#include "http/reader_pool.h"

namespace agritrace::http {

// `lot` is the certificate's lot, or null when it could not be read.
std::string RenderHgzPage(const Hgz& hgz, const LotLookup* lot, Lang lang);
// The page for a number that is mistyped (`typo`) or that no certificate has.
std::string RenderHgzMissingPage(const std::string& number, bool typo, Lang lang);
// The API answer (schemas/hgz.schema.json).
Json HgzAnswer(const Hgz& hgz);

void RegisterHgzRoutes(httplib::Server& svr, ApiContext& api, ReaderPool& pool);

}  // namespace agritrace::http
