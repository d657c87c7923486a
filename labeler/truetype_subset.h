// The label font cut down for embedding in a PDF (ISO 32000-1 §9.9, FontFile2): a TrueType font
// that keeps every glyph id but the outlines of only the glyphs a document draws (with the
// glyphs their composites are made of, and .notdef). Glyph ids staying put lets the PDF name
// glyphs by id (CIDToGIDMap /Identity) while pages are written, before the subset exists.
//
// Tables kept: head, hhea, maxp, OS/2, name, cvt, fpgm, prep (as they are), glyf and loca (unused
// glyphs emptied), hmtx (unused glyphs' metrics zeroed), post (version 3: no glyph names) and an
// empty cmap (a PDF CID font maps codes to glyphs itself). A font that is not TrueType (CFF
// outlines) is refused with Status::Io.
#pragma once

#include <string>
#include <vector>

#include "agritrace/registry/status.h"
#include "labeler/label_font.h"

namespace agritrace::labeler {

// `used[g]` is true for every glyph id drawn; ids past the font's glyph count are ignored.
Result<std::string> SubsetTrueType(const LabelFont& font, const std::vector<bool>& used);

}  // namespace agritrace::labeler
