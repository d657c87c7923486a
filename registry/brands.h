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
// The brands an organisation's products may carry: those whose region and the organisation's
// lie one inside the other (a county's brand for a cooperative in it, a village's brand for a
// cooperative of its county). Each as GetBrand's.
Json BrandsForOrganisation(Store& store, int64_t org_id);
// Lists product `product_id` under brand `brand_id` and logs "brand.product-linked". Refused:
// a brand open to every product (its list is empty: listing one would close it to the rest), a
// brand outside the product's organisation's area, a product already listed.
Result<Json> LinkBrandProduct(Store& store, int64_t brand_id, int64_t product_id,
                              const std::string& actor = "");

}  // namespace agritrace
