// The bureau's routes (docs/api.md): organisations, everything of `agritrace cert`, the lots
// issued under a certificate, the scans of a lot and the log of refused token accesses.
#include <httplib.h>

#include <limits>

#include "agritrace/registry/certifications.h"
#include "agritrace/registry/lots.h"
#include "agritrace/registry/organisations.h"
#include "agritrace/registry/scan_store.h"
#include "agritrace/registry/tokens.h"
#include "http/api_request.h"
#include "http/bearer_auth.h"
#include "http/http_response.h"
#include "http/json_body.h"
#include "http/management_api.h"
#include "http/query_params.h"

namespace agritrace::http {
namespace {

using Req = const httplib::Request&;
using Res = httplib::Response&;

constexpr int64_t kPageMax = 10000, kPageDefault = 1000;

std::optional<Principal> Bureau(ApiContext& api, Req req, Res res) {
  return Authorize(api, req, res, {"bureau"});
}

// The actor a token's changes name in their log events.
std::string TokenActor(const Principal& who) { return "token:" + std::to_string(who.token_id); }

// Paging of the growing lists: rows with id > after, at most limit of them.
struct Page {
  int64_t after = 0, limit = kPageDefault;
};
std::optional<Page> ReadPage(Req req, Res res) {
  QueryParams q(req);
  Page p{q.Int("after", 0, 0, std::numeric_limits<int64_t>::max()),
         q.Int("limit", kPageDefault, 1, kPageMax)};
  if (Status s = q.Finish(); !s.ok()) {
    SetStatusProblem(res, s, req.path);
    return std::nullopt;
  }
  return p;
}
// The cursor of the next page: the last id when the page is full, else null.
Json NextAfter(const Page& page, size_t rows, int64_t last_id) {
  return rows == static_cast<size_t>(page.limit) ? Json(last_id) : Json();
}

void Organisations(ApiRouter& router, ApiContext& api) {
  router.Post("/api/v1/organisations", [&api](Req req, Res res) {
    auto who = Bureau(api, req, res);
    if (!who) return;
    auto body = ParseJsonBody(req, res);
    if (!body) return;
    BodyFields f(*body);
    OrganisationInput in{f.String("name"), f.String("credit_code"), f.String("kind"),
                         f.String("region")};
    if (Status s = f.Finish(); !s.ok()) return Refuse(res, req, s);
    auto r =
        api.WithStore([&](Store& store) { return AddOrganisation(store, in, TokenActor(*who)); });
    AnswerCreated(res, req, r,
                  r.ok() ? "/api/v1/organisations/" + std::to_string(r->id) : "");
  });
}

void Certifications(ApiRouter& router, ApiContext& api) {
  router.Post("/api/v1/certifications", [&api](Req req, Res res) {
    auto who = Bureau(api, req, res);
    if (!who) return;
    auto body = ParseJsonBody(req, res);
    if (!body) return;
    BodyFields f(*body);
    CertificationInput in;
    in.type = f.String("type");
    in.number = f.String("number");
    in.issuer = f.String("issuer");
    in.holder = f.Int("holder");
    in.products = f.Ints("products");
    in.valid_from = f.String("valid_from");
    in.valid_to = f.String("valid_to", false);
    in.annual_output_kg = f.Int("annual_output_kg", false, -1);
    in.area = f.Strings("area", false);
    if (Status s = f.Finish(); !s.ok()) return Refuse(res, req, s);
    auto r = api.WithStore(
        [&](Store& store) { return AddCertification(store, in, TokenActor(*who)); });
    AnswerCreated(res, req, r, "/api/v1/certifications/" + PercentEncode(in.number));
  });

  router.Get("/api/v1/certifications", [&api](Req req, Res res) {
    if (!Bureau(api, req, res)) return;
    SetJson(res, api.WithStore([](Store& store) { return Json(ListCertifications(store)); }));
  });

  router.Get(R"(/api/v1/certifications/([^/]+))", [&api](Req req, Res res) {
    if (!Bureau(api, req, res)) return;
    std::string number = req.matches[1];
    Answer(res, req,
           api.WithStore([&](Store& store) { return GetCertification(store, number); }));
  });

  router.Post(R"(/api/v1/certifications/([^/]+)/(suspend|revoke|reinstate))",
              [&api](Req req, Res res) {
                auto who = Bureau(api, req, res);
                if (!who) return;
                std::string number = req.matches[1], action = req.matches[2];
                auto body = ParseJsonBody(req, res);
                if (!body) return;
                BodyFields f(*body);
                std::string reason = f.String("reason");
                if (Status s = f.Finish(); !s.ok()) return Refuse(res, req, s);
                // The certificate is the address: unknown is a 404 here.
                Answer(res, req, api.WithStore([&](Store& store) {
                  return ChangeCertificationStatus(store, number, action, reason,
                                                   TokenActor(*who));
                }));
              });

  router.Get(R"(/api/v1/certifications/([^/]+)/lots)", [&api](Req req, Res res) {
    if (!Bureau(api, req, res)) return;
    std::string number = req.matches[1];
    Answer(res, req,
           api.WithStore(
               [&](Store& store) { return ListCertificationLots(store, number); }));
  });
}

void Audit(ApiRouter& router, ApiContext& api) {
  router.Get(R"(/api/v1/lots/([^/]+)/scans)", [&api](Req req, Res res) {
    if (!Bureau(api, req, res)) return;
    std::string code = PathLotCode(req.matches[1]);
    auto page = ReadPage(req, res);
    if (!page) return;
    auto r = api.WithStore([&](Store& store) -> Result<Json> {
      if (auto lot = LotId(store, code); !lot.ok()) return lot.status();
      auto rows = ScansOfLot(store.db(), code, page->after, page->limit);
      Json scans = Json::array();
      for (const auto& s : rows) {
        Json j = {{"id", s.id},
                  {"code", s.row.code},
                  {"kind", s.row.kind},
                  {"at", s.row.at},
                  {"net", s.row.net}};
        if (s.serial) j["serial"] = s.serial;
        scans.push_back(j);
      }
      return Json{{"lot", code},
                  {"scans", scans},
                  {"next_after", NextAfter(*page, rows.size(), rows.empty() ? 0 : rows.back().id)}};
    });
    Answer(res, req, r);
  });

  router.Get("/api/v1/access-denials", [&api](Req req, Res res) {
    if (!Bureau(api, req, res)) return;
    auto page = ReadPage(req, res);
    if (!page) return;
    const std::vector<AccessDenial> denials = api.WithStore(
        [&](Store& store) { return ListAccessDenials(store, page->after, page->limit); });
    const int64_t last = denials.empty() ? 0 : denials.back().id;
    SetJson(res, {{"denials", denials}, {"next_after", NextAfter(*page, denials.size(), last)}});
  });
}

}  // namespace

void RegisterBureauApi(ApiRouter& router, ApiContext& api) {
  Organisations(router, api);
  Certifications(router, api);
  Audit(router, api);
}

}  // namespace agritrace::http
