// Brands: 一村一品 / 一乡一品 / 一县一品 village brands and regional public brands.
#pragma once

#include <string>
#include <vector>

#include "registry/store.h"

namespace agritrace {

struct BrandInput {
  std::string name, scheme, region, level, recognised_by;
  int year = 0;
  std::vector<int64_t> products;
};

Result<Json> AddBrand(Store& store, const BrandInput& brand);
Result<Json> GetBrand(Store& store, int64_t id);

}  // namespace agritrace
