// The cooperative's routes (docs/api.md): products, lots, trace events, recalls, unit codes and
// label files of its own organisation, and that organisation's record. The bureau may do the
// same for any organisation. Ownership: a product is its org_id's, a lot its product's.
#include <httplib.h>

#include "agritrace/labeler/label_job.h"
#include "agritrace/registry/lots.h"
#include "agritrace/registry/organisations.h"
#include "agritrace/registry/products.h"
#include "http/api_request.h"
#include "http/bearer_auth.h"
#include "http/http_response.h"
#include "http/json_body.h"
#include "http/label_download.h"
#include "http/management_api.h"

namespace agritrace::http {
namespace {

using Req = const httplib::Request&;
using Res = httplib::Response&;

std::optional<Principal> Member(ApiContext& api, Req req, Res res) {
  return Authorize(api, req, res, {"bureau", "cooperative"});
}

// A route on one lot, named by the first path group: the token, then the lot's organisation
// (404 or 403, logged), then `fn` with the normalised lot code.
using LotHandler = std::function<void(const std::string& code, Req req, Res res)>;
ApiRouter::Handler OnLot(ApiContext& api, LotHandler fn) {
  return [&api, fn = std::move(fn)](Req req, Res res) {
    auto who = Member(api, req, res);
    if (!who) return;
    std::string code = PathLotCode(req.matches[1]);
    if (!AllowLot(api, *who, code, req, res)) return;
    fn(code, req, res);
  };
}
// The same for a POST with a JSON body, parsed (415, 400, 422) before `fn` reads it.
using LotBodyHandler =
    std::function<void(const std::string& code, const Json& body, Req req, Res res)>;
ApiRouter::Handler OnLotWithBody(ApiContext& api, LotBodyHandler fn) {
  return OnLot(api, [fn = std::move(fn)](const std::string& code, Req req, Res res) {
    auto body = ParseJsonBody(req, res);
    if (body) fn(code, *body, req, res);
  });
}

// The body of POST /api/v1/lots as the registry's input; households and inspections as objects
// shaped like the signed record's.
Result<LotInput> ReadLot(const Json& body) {
  BodyFields f(body);
  LotInput lot;
  lot.product_id = f.Int("product_id");
  lot.origin = f.String("origin");
  lot.harvested = f.String("harvested");
  lot.packed = f.String("packed");
  lot.units = f.Int("units");
  lot.certs = f.Strings("certs", false);
  lot.brand_id = f.Int("brand_id", false);
  auto households = f.Objects("households", false);
  for (size_t i = 0; i < households.size(); ++i) {
    BodyFields h(*households[i], "households[" + std::to_string(i) + "].");
    lot.households.push_back({h.String("id"), h.Int("grams"), h.Bool("registered_poor")});
    f.Fail(h.Finish());
  }
  auto inspections = f.Objects("inspections", false);
  for (size_t i = 0; i < inspections.size(); ++i) {
    std::string where = "inspections[" + std::to_string(i) + "].";
    BodyFields in(*inspections[i], where);
    Inspection x{in.String("agency"), in.String("report"), in.String("result")};
    Status s = in.Finish();
    if (s.ok() && (x.agency.empty() || x.report.empty()))
      s = Status::Invalid("检测记录 inspections[" + std::to_string(i) +
                              "] 的 agency（机构）和 report（报告编号）不能为空",
                          "inspection inspections[" + std::to_string(i) +
                              "] needs an agency and a report number")
              .with_reason("inspection-format");
    if (s.ok() && x.result != "pass" && x.result != "fail")
      s = Status::Invalid(where + "result 应为 pass（合格）或 fail（不合格）：" + x.result,
                          where + "result must be pass or fail: " + x.result)
              .with_reason("inspection-format");
    f.Fail(s);
    lot.inspections.push_back(std::move(x));
  }
  if (Status s = f.Finish(); !s.ok()) return s;
  return lot;
}

void Products(ApiRouter& router, ApiContext& api) {
  router.Post("/api/v1/products", [&api](Req req, Res res) {
    auto who = Member(api, req, res);
    if (!who) return;
    auto body = ParseJsonBody(req, res);
    if (!body) return;
    BodyFields f(*body);
    ProductInput in;
    // A cooperative's products are its own organisation's unless it names another (refused).
    in.org_id = f.Int("org_id", who->role == "bureau", who->org_id);
    in.name = f.String("name");
    in.category = f.String("category");
    in.net_content_g = f.Int("net_content_g");
    in.gtin = f.String("gtin", false);
    if (Status s = f.Finish(); !s.ok()) return Refuse(res, req, s);
    if (!AllowOrganisation(api, *who, in.org_id, req, res)) return;
    auto r = api.WithStore([&](Store& store) { return AddProduct(store, in); });
    AnswerCreated(res, req, r,
                  r.ok() ? "/api/v1/products/" + std::to_string(r->product.id) : "");
  });

  router.Get(R"(/api/v1/products/([^/]+))", [&api](Req req, Res res) {
    auto who = Member(api, req, res);
    if (!who) return;
    auto id = PathId(req.matches[1]);
    if (!id) return NoSuchId(res, req);
    auto r = api.WithStore([&](Store& store) { return GetProduct(store, *id); });
    if (r.ok() && !AllowOrganisation(api, *who, r->org_id, req, res)) return;
    Answer(res, req, r);
  });
}

void Lots(ApiRouter& router, ApiContext& api) {
  router.Post("/api/v1/lots", [&api](Req req, Res res) {
    auto who = Member(api, req, res);
    if (!who) return;
    auto body = ParseJsonBody(req, res);
    if (!body) return;
    auto lot = ReadLot(*body);
    if (!lot.ok()) return Refuse(res, req, lot.status());
    // An unknown product is IssueLot's refusal (logged in refusals, like the CLI's).
    auto product = api.WithStore([&](Store& store) { return GetProduct(store, lot->product_id); });
    if (product.ok() && !AllowOrganisation(api, *who, product->org_id, req, res)) return;
    auto r = api.WithStore([&](Store& store) { return IssueLot(store, *lot); });
    AnswerCreated(res, req, r, r.ok() ? "/api/v1/lots/" + r->code : "");
  });

  router.Get(R"(/api/v1/lots/([^/]+))",
             OnLot(api, [&api](const std::string& code, Req req, Res res) {
               Answer(res, req,
                      api.WithStore([&](Store& store) { return GetLot(store, code); }));
             }));

  router.Post(
      R"(/api/v1/lots/([^/]+)/events)",
      OnLotWithBody(api, [&api](const std::string& code, const Json& body, Req req, Res res) {
        BodyFields f(body);
        std::string step = f.String("step"), at = f.String("at"), place = f.String("place", false),
                    actor = f.String("actor", false), note = f.String("note", false);
        Status s = f.Finish();
        if (s.ok() && step == "recall")
          s = Status::Invalid("召回请用 POST /api/v1/lots/" + code + "/recall",
                              "recall a lot with POST /api/v1/lots/" + code + "/recall")
                  .with_reason("use-recall");
        if (!s.ok()) return Refuse(res, req, s);
        auto r = api.WithStore(
            [&](Store& store) { return AddTraceEvent(store, code, step, at, place, actor, note); });
        AnswerCreated(res, req, r, "/api/v1/lots/" + code);
      }));

  router.Post(
      R"(/api/v1/lots/([^/]+)/recall)",
      OnLotWithBody(api, [&api](const std::string& code, const Json& body, Req req, Res res) {
        BodyFields f(body);
        std::string reason = f.String("reason");
        if (Status s = f.Finish(); !s.ok()) return Refuse(res, req, s);
        auto r = api.WithStore([&](Store& store) { return RecallLot(store, code, reason); });
        AnswerCreated(res, req, r, "/api/v1/lots/" + code);
      }));
}

void Labels(ApiRouter& router, ApiContext& api) {
  router.Post(
      R"(/api/v1/lots/([^/]+)/units)",
      OnLotWithBody(api, [&api](const std::string& code, const Json& body, Req req, Res res) {
        BodyFields f(body);
        labeler::MintRequest mint{code, f.Int("count"), f.Int("spare", false), ""};
        if (Status s = f.Finish(); !s.ok()) return Refuse(res, req, s);
        auto r = api.WithStore([&](Store& store) { return labeler::MintUnitCodes(store, mint); });
        AnswerCreated(res, req, r, "/api/v1/lots/" + code + "/labels");
      }));

  router.Get(R"(/api/v1/lots/([^/]+)/labels)", [&api](Req req, Res res) {
    auto who = Member(api, req, res);
    if (!who) return;
    std::string code = PathLotCode(req.matches[1]);
    if (!AllowLot(api, *who, code, req, res)) return;
    ServeLabelFile(api.db_path(), code, "token:" + std::to_string(who->token_id), req, res);
  });
}

void Organisations(ApiRouter& router, ApiContext& api) {
  router.Get(R"(/api/v1/organisations/([^/]+))", [&api](Req req, Res res) {
    auto who = Member(api, req, res);
    if (!who) return;
    auto id = PathId(req.matches[1]);
    if (!id) return NoSuchId(res, req);
    if (!AllowOrganisation(api, *who, *id, req, res)) return;
    Answer(res, req,
           api.WithStore([&](Store& store) { return GetOrganisation(store, *id); }));
  });
}

}  // namespace

void RegisterCooperativeApi(ApiRouter& router, ApiContext& api) {
  Products(router, api);
  Lots(router, api);
  Labels(router, api);
  Organisations(router, api);
}

}  // namespace agritrace::http
