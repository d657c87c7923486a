#include "registry/form_choices.h"

#include <algorithm>

#include "registry/regions.h"

namespace agritrace {
namespace {
// `text` for a LIKE pattern with ESCAPE '\': its own % and _ match only themselves.
std::string LikeEscaped(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '%' || c == '_' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}
}  // namespace

Json FindVillages(Store& store, const std::string& query, int64_t limit) {
  limit = std::clamp<int64_t>(limit, 1, kMaxVillageChoices);
  const std::string like = LikeEscaped(query);
  SQLite::Statement q(store.db(),
                      "SELECT r.code, r.name, r.poverty_registered FROM regions r "
                      "LEFT JOIN regions t ON t.code = r.parent "
                      "WHERE length(r.code) = 12 AND substr(r.code, 10) <> '000' AND "
                      "(r.code LIKE ? || '%' ESCAPE '\\' OR r.name LIKE '%' || ? || '%' "
                      "ESCAPE '\\' OR t.name LIKE '%' || ? || '%' ESCAPE '\\') "
                      "ORDER BY r.code LIMIT ?");
  for (int i = 1; i <= 3; ++i) q.bind(i, like);
  q.bind(4, limit + 1);
  Json villages = Json::array();
  bool more = false;
  while (q.executeStep()) {
    if (static_cast<int64_t>(villages.size()) == limit) {
      more = true;
      break;
    }
    const std::string code = q.getColumn(0).getString();
    villages.push_back({{"code", code},
                        {"name", q.getColumn(1).getString()},
                        {"full_name", RegionFullName(store, code)},
                        {"poverty_registered", q.getColumn(2).getInt() != 0}});
  }
  return {{"villages", villages}, {"more", more}};
}

Json ActiveCertificationsFor(Store& store, int64_t org_id, int64_t product_id) {
  SQLite::Statement q(store.db(),
                      "SELECT c.id, c.number, c.type, c.valid_from, c.valid_to, "
                      "c.annual_output_kg FROM certifications c WHERE c.holder_org_id = ? AND "
                      "c.status = 'active' AND (? = 0 OR EXISTS (SELECT 1 FROM cert_products cp "
                      "WHERE cp.cert_id = c.id AND cp.product_id = ?)) ORDER BY c.id");
  q.bind(1, org_id);
  q.bind(2, product_id);
  q.bind(3, product_id);
  SQLite::Statement p(store.db(),
                      "SELECT product_id FROM cert_products WHERE cert_id = ? ORDER BY 1");
  Json out = Json::array();
  while (q.executeStep()) {
    Json c = {{"number", q.getColumn(1).getString()},
              {"type", q.getColumn(2).getString()},
              {"valid_from", q.getColumn(3).getString()}};
    if (!q.getColumn(4).isNull()) c["valid_to"] = q.getColumn(4).getString();
    if (!q.getColumn(5).isNull()) c["annual_output_kg"] = q.getColumn(5).getInt64();
    Json products = Json::array();
    p.reset();
    p.bind(1, q.getColumn(0).getInt64());
    while (p.executeStep()) products.push_back(p.getColumn(0).getInt64());
    c["products"] = products;
    out.push_back(std::move(c));
  }
  return out;
}

}  // namespace agritrace
