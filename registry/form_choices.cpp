#include "agritrace/registry/form_choices.h"

#include <algorithm>

#include "agritrace/registry/regions.h"

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

void to_json(Json& j, const VillageChoice& v) {
  j = {{"code", v.code},
       {"name", v.name},
       {"full_name", v.full_name},
       {"poverty_registered", v.poverty_registered}};
}

void to_json(Json& j, const VillageChoices& v) {
  j = {{"villages", v.villages}, {"more", v.more}};
}

VillageChoices FindVillages(Store& store, const std::string& query, int64_t limit) {
  limit = std::clamp<int64_t>(limit, 1, kMaxVillageChoices);
  const std::string like = LikeEscaped(query);
  sql::Statement q(store.db(),
                   "SELECT r.code, r.name, r.poverty_registered FROM regions r "
                   "LEFT JOIN regions t ON t.code = r.parent "
                   "WHERE length(r.code) = 12 AND substr(r.code, 10) <> '000' AND "
                   "(r.code LIKE ? || '%' ESCAPE '\\' OR r.name LIKE '%' || ? || '%' "
                   "ESCAPE '\\' OR t.name LIKE '%' || ? || '%' ESCAPE '\\') "
                   "ORDER BY r.code LIMIT ?");
  for (int i = 1; i <= 3; ++i) q.Bind(i, like);
  q.Bind(4, limit + 1);
  VillageChoices out;
  while (q.Step()) {
    if (static_cast<int64_t>(out.villages.size()) == limit) {
      out.more = true;
      break;
    }
    const std::string code = q.Column(0).String();
    out.villages.push_back({code, q.Column(1).String(), RegionFullName(store, code),
                            q.Column(2).Int() != 0});
  }
  return out;
}

void to_json(Json& j, const CertificationChoice& c) {
  j = {{"number", c.number}, {"type", c.type}, {"valid_from", c.valid_from},
       {"products", c.products}};
  if (c.valid_to) j["valid_to"] = *c.valid_to;
  if (c.annual_output_kg) j["annual_output_kg"] = *c.annual_output_kg;
}

std::vector<CertificationChoice> ActiveCertificationsFor(Store& store, int64_t org_id,
                                                         int64_t product_id) {
  sql::Statement q(store.db(),
                   "SELECT c.id, c.number, c.type, c.valid_from, c.valid_to, "
                   "c.annual_output_kg FROM certifications c WHERE c.holder_org_id = ? AND "
                   "c.status = 'active' AND (? = 0 OR EXISTS (SELECT 1 FROM cert_products cp "
                   "WHERE cp.cert_id = c.id AND cp.product_id = ?)) ORDER BY c.id");
  q.Bind(1, org_id);
  q.Bind(2, product_id);
  q.Bind(3, product_id);
  sql::Statement p(store.db(),
                   "SELECT product_id FROM cert_products WHERE cert_id = ? ORDER BY 1");
  std::vector<CertificationChoice> out;
  while (q.Step()) {
    CertificationChoice c;
    c.number = q.Column(1).String();
    c.type = q.Column(2).String();
    c.valid_from = q.Column(3).String();
    if (!q.Column(4).IsNull()) c.valid_to = q.Column(4).String();
    if (!q.Column(5).IsNull()) c.annual_output_kg = q.Column(5).Int64();
    p.Reset();
    p.Bind(1, q.Column(0).Int64());
    while (p.Step()) c.products.push_back(p.Column(0).Int64());
    out.push_back(std::move(c));
  }
  return out;
}

}  // namespace agritrace
