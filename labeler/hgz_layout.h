// The printed 承诺达标合格证 (DESIGN.md §12): the title large across the top, the QR at the right
// under it, and every field as a paragraph that wraps beside the QR and then across the whole
// width below it. Unlike a product label nothing is cut or left off: the whole certificate is
// the legal text, so a label too small to hold it at the smallest legible size is refused with
// the market size that would hold it.
#pragma once

#include <string>
#include <vector>

#include "labeler/label_layout.h"

namespace agritrace::labeler {

// Smallest text sizes (em, mm) of a certificate's body and title on outline fonts; bitmap fonts
// (TSPL) go no smaller than their cell.
inline constexpr double kHgzBodyMinMm = 1.2;
inline constexpr double kHgzTitleMinMm = 2.6;

// Lays out `content.certificate` (title first, then paragraphs) with a QR of `qr_modules`.
// Title lines have role kProduct, body lines kBadge. Status::Invalid (reason
// "label-too-small") when it does not fit.
Result<LabelLayout> LayoutHgz(const LabelContent& content, int qr_modules,
                              const LabelGeometry& geometry, const TextMetrics& metrics);

}  // namespace agritrace::labeler
