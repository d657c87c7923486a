// Products: an organisation's named goods with net content and an optional GTIN.
#pragma once

#include <optional>
#include <string>

#include "registry/store.h"

namespace agritrace {

struct ProductInput {
  int64_t org_id = 0;
  std::string name, category;
  int64_t net_content_g = 0;
  std::string gtin;  // empty: none
};

// A non-empty `actor` ("user:<username>" from the console) is named in the logged event.
Result<Json> AddProduct(Store& store, const ProductInput& product, const std::string& actor = "");
// Changes product `id`'s name, category, net content and GTIN (checked as on adding) and logs
// "product.updated" with the whole row. Lots already issued keep the product as they signed
// it. The organisation cannot change: a product.org_id other than the stored one is refused.
Result<Json> UpdateProduct(Store& store, int64_t id, const ProductInput& product,
                           const std::string& actor = "");
Result<Json> GetProduct(Store& store, int64_t id);
// The organisation's products by id, each as GetProduct's, with "brands": [{"id","name"}]
// naming the brands that list it.
Json ListOrganisationProducts(Store& store, int64_t org_id);

}  // namespace agritrace
