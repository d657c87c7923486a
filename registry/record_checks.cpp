#include "registry/record_checks.h"

namespace agritrace {
namespace {
bool RowExists(Store& store, const char* sql, const std::string& key) {
  sql::Statement q(store.db(), sql);
  q.Bind(1, key);
  return q.Step();
}
bool RowExists(Store& store, const char* sql, int64_t key) {
  sql::Statement q(store.db(), sql);
  q.Bind(1, key);
  return q.Step();
}
}  // namespace

Status RequireRegion(Store& store, const std::string& code) {
  if (RowExists(store, "SELECT 1 FROM regions WHERE code = ?", code)) return Status::Ok();
  return Status::NotFound("行政区划 " + code + " 未登记；请先用 agritrace region add 或 region import 登记",
                          "region " + code + " is not registered; add it with agritrace region add or region import")
      .with_reason("region-unknown");
}

Status OrganisationNotFound(int64_t id) {
  return Status::NotFound("找不到编号为 " + std::to_string(id) + " 的主体；用 agritrace org add 登记",
                          "no organisation with id " + std::to_string(id) + "; add it with agritrace org add")
      .with_reason("organisation-unknown");
}

Status ProductNotFound(int64_t id) {
  return Status::NotFound("找不到编号为 " + std::to_string(id) + " 的产品；用 agritrace product add 登记",
                          "no product with id " + std::to_string(id) + "; add it with agritrace product add")
      .with_reason("product-unknown");
}

Status RequireOrganisation(Store& store, int64_t id) {
  return RowExists(store, "SELECT 1 FROM organisations WHERE id = ?", id) ? Status::Ok()
                                                                          : OrganisationNotFound(id);
}

Status RequireProduct(Store& store, int64_t id) {
  return RowExists(store, "SELECT 1 FROM products WHERE id = ?", id) ? Status::Ok()
                                                                     : ProductNotFound(id);
}

Status LogEvent(Store& store, std::string_view kind, const Json& data) {
  auto ev = store.AppendEvent(kind, data);
  return ev.ok() ? Status::Ok() : ev.status();
}

}  // namespace agritrace
