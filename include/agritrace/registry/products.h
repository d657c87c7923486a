// Products: an organisation's named goods with net content and an optional GTIN.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "agritrace/registry/store.h"

namespace agritrace {

struct ProductInput {
  int64_t org_id = 0;
  std::string name, category;
  int64_t net_content_g = 0;
  std::string gtin;  // empty: none
};

// A product as stored.
struct Product {
  int64_t id = 0, org_id = 0;
  std::string name, category;
  int64_t net_content_g = 0;
  std::optional<std::string> gtin;  // GTIN-14; none when the product has no barcode
  std::string created_at;           // UTC, 2024-05-01T08:00:00Z
};
// {"id","org_id","name","category","net_content_g","created_at"} and "gtin" when there is one:
// the API's and `product add|edit --json`'s form.
void to_json(Json& j, const Product& p);

// A product as a write left it, with the actor the write names (as logged).
struct SavedProduct {
  Product product;
  std::string actor;  // empty: none given (no "actor" key)
};
void to_json(Json& j, const SavedProduct& p);

// A brand that lists a product: its id and name.
struct LinkedBrand {
  int64_t id = 0;
  std::string name;
};
void to_json(Json& j, const LinkedBrand& b);

// A product of an organisation's list, with the brands that list it (by brand id).
struct ListedProduct {
  Product product;
  std::vector<LinkedBrand> brands;
};
// The product's keys and "brands": [{"id","name"}].
void to_json(Json& j, const ListedProduct& p);

// A non-empty `actor` ("user:<username>" from the console) is named in the logged event and in
// the product returned.
Result<SavedProduct> AddProduct(Store& store, const ProductInput& product,
                                const std::string& actor = "");
// Changes product `id`'s name, category, net content and GTIN (checked as on adding) and logs
// "product.updated" with the whole row. Lots already issued keep the product as they signed
// it. The organisation cannot change: a product.org_id other than the stored one is refused.
// Returns the product as changed.
Result<SavedProduct> UpdateProduct(Store& store, int64_t id, const ProductInput& product,
                                   const std::string& actor = "");
Result<Product> GetProduct(Store& store, int64_t id);
// The organisation's products by id, each with the brands that list it.
std::vector<ListedProduct> ListOrganisationProducts(Store& store, int64_t org_id);

}  // namespace agritrace
