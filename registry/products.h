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

Result<Json> AddProduct(Store& store, const ProductInput& product);
Result<Json> GetProduct(Store& store, int64_t id);

}  // namespace agritrace
