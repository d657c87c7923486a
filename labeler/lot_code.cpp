#include "agritrace/labeler/lot_code.h"

#include "agritrace/registry/crockford.h"

namespace agritrace::labeler {

std::string FormatLotCode(std::string_view code) { return crockford::Group(code, 5); }

}  // namespace agritrace::labeler
