// Brands: 一村一品 / 一乡一品 / 一县一品 village brands and regional public brands.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "agritrace/registry/store.h"

namespace agritrace {

struct BrandInput {
  std::string name, scheme, region, level, recognised_by;
  int year = 0;
  std::vector<int64_t> products;
};

// A brand as stored.
struct Brand {
  int64_t id = 0;
  std::string name, scheme, region, level;
  int year = 0;                               // recognised in
  std::optional<std::string> recognised_by;   // the recognising body, when named
  std::vector<int64_t> products;              // the products it lists; empty: open to every product
};
// {"id","name","scheme","region","level","year","products"} and "recognised_by" when named.
void to_json(Json& j, const Brand& b);

// A brand just added, with the time it was added.
struct AddedBrand {
  Brand brand;
  std::string created_at;  // UTC, 2024-05-01T08:00:00Z
};
// The brand's keys and "created_at": `brand add --json`'s form.
void to_json(Json& j, const AddedBrand& b);

// A product listed under a brand, and who listed it (as logged).
struct BrandProductLink {
  int64_t brand_id = 0, product_id = 0;
  std::string actor;  // empty: none given (no "actor" key)
};
// {"brand_id","product_id"} and "actor" when given.
void to_json(Json& j, const BrandProductLink& l);

// Returns the brand as added, its products as given.
Result<AddedBrand> AddBrand(Store& store, const BrandInput& brand);
Result<Brand> GetBrand(Store& store, int64_t id);
// The brands an organisation's products may carry: those whose region and the organisation's
// lie one inside the other (a county's brand for a cooperative in it, a village's brand for a
// cooperative of its county), by id. None for an unknown organisation.
std::vector<Brand> BrandsForOrganisation(Store& store, int64_t org_id);
// Lists product `product_id` under brand `brand_id` and logs "brand.product-linked". Refused:
// a brand open to every product (its list is empty: listing one would close it to the rest), a
// brand outside the product's organisation's area, a product already listed. Returns the link.
Result<BrandProductLink> LinkBrandProduct(Store& store, int64_t brand_id, int64_t product_id,
                                          const std::string& actor = "");

}  // namespace agritrace
