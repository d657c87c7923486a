#include "http/audit_api.h"

#include <httplib.h>

#include <functional>
#include <map>
#include <limits>

#include "agritrace/registry/code_exports.h"
#include "agritrace/registry/copied_codes.h"
#include "agritrace/registry/dates.h"
#include "agritrace/registry/print_runs.h"
#include "agritrace/registry/report_xlsx.h"
#include "http/bearer_auth.h"
#include "http/http_response.h"
#include "http/query_params.h"

namespace agritrace::http {
namespace {

// A report from the request's parameters, or nullopt after writing the problem.
using ReportFn =
    std::function<std::optional<Report>(const httplib::Request&, httplib::Response&, Store&,
                                        std::string& file_stem, ScanThresholds defaults)>;

std::optional<int> Threshold(const httplib::Request& req, httplib::Response& res, const char* name,
                             int fallback) {
  auto v = UintParam(req, res, name, "?threshold=5&networks=3", static_cast<uint64_t>(fallback));
  if (!v) return std::nullopt;
  if (*v > static_cast<uint64_t>(std::numeric_limits<int>::max())) {
    const std::string max = std::to_string(std::numeric_limits<int>::max());
    ParamOutOfRange(res, req, std::string("参数 ") + name + " 过大，最大为 " + max,
                    std::string("the parameter ") + name + " is too large; at most " + max);
    return std::nullopt;
  }
  return static_cast<int>(*v);
}

enum class Format { kJson, kCsv, kXlsx };

// ?format=json (the default; xlsx under /audit/xlsx/), csv or xlsx; anything else a 422 problem
// and nullopt.
std::optional<Format> WantedFormat(const httplib::Request& req, httplib::Response& res) {
  const bool xlsx_path = req.path.find("/audit/xlsx/") != std::string::npos;
  const std::string format = req.has_param("format") ? req.get_param_value("format")
                             : xlsx_path             ? "xlsx"
                                                     : "json";
  if (format == "json") return Format::kJson;
  if (format == "csv") return Format::kCsv;
  if (format == "xlsx") return Format::kXlsx;
  ParamOutOfRange(res, req, "format 只能是 json、csv 或 xlsx，收到 “" + QuotedParam(format) + "”",
                  "format must be json, csv or xlsx, got \"" + QuotedParam(format) + "\"");
  return std::nullopt;
}

void SendReport(const httplib::Request& req, httplib::Response& res, const Report& report,
                Format format, const std::string& file_stem) {
  if (format == Format::kJson) return SetJson(res, ReportJson(report));
  std::string body, type, extension;
  if (format == Format::kCsv) {
    body = ReportCsv(report);
    type = "text/csv; charset=utf-8";
    extension = ".csv";
  } else {
    Result<std::string> xlsx = ReportsXlsx({report});
    if (!xlsx.ok()) return SetStatusProblem(res, xlsx.status(), req.path);
    body = std::move(xlsx).value();
    type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    extension = ".xlsx";
  }
  res.status = 200;
  res.set_content(body, type);
  // The stem is built from checked parameters only (report name, YYYY, YYYY-MM).
  res.set_header("Content-Disposition", "attachment; filename=\"" + file_stem + extension + "\"");
  res.set_header("Cache-Control", "no-store");
}

std::optional<Report> Checked(const httplib::Request& req, httplib::Response& res,
                              const Status& s) {
  SetStatusProblem(res, s, req.path);
  return std::nullopt;
}

// Every report by its name in the routes.
const std::map<std::string, ReportFn>& Reports() {
  static const std::map<std::string, ReportFn> reports = {
      {"certs",
        [](const httplib::Request& req, httplib::Response& res, Store& store,
           std::string& stem, ScanThresholds) -> std::optional<Report> {
          std::string year =
              req.has_param("year") ? req.get_param_value("year") : TodayShanghai().substr(0, 4);
          if (Status s = CheckReportYear(year); !s.ok()) return Checked(req, res, s);
          stem += "-" + year;
          return CertificateReport(store, year);
        }},
      {"refusals",
        [](const httplib::Request&, httplib::Response&, Store& store,
           std::string&, ScanThresholds) -> std::optional<Report> { return RefusalReport(store); }},
      {"scans",
        [](const httplib::Request& req, httplib::Response& res, Store& store, std::string&,
           ScanThresholds defaults) -> std::optional<Report> {
          auto threshold = Threshold(req, res, "threshold", defaults.scans);
          if (!threshold) return std::nullopt;
          auto networks = Threshold(req, res, "networks", defaults.networks);
          if (!networks) return std::nullopt;
          if (Status s = CheckNetworkThreshold(*networks, "networks"); !s.ok()) {
            ParamOutOfRange(res, req, s.zh(), s.en());
            return std::nullopt;
          }
          return CopiedCodeReport(store, req.get_param_value("lot"), *threshold, *networks);
        }},
      {"unknown-scans",
        [](const httplib::Request&, httplib::Response&, Store& store,
           std::string&, ScanThresholds) -> std::optional<Report> { return UnknownScanReport(store); }},
      {"poverty",
        [](const httplib::Request&, httplib::Response&, Store& store,
           std::string&, ScanThresholds) -> std::optional<Report> { return PovertyReport(store); }},
      {"reprints",
        [](const httplib::Request&, httplib::Response&, Store& store,
           std::string&, ScanThresholds) -> std::optional<Report> { return ReprintReport(store); }},
      {"reexports",
        [](const httplib::Request&, httplib::Response&, Store& store,
           std::string&, ScanThresholds) -> std::optional<Report> { return ReexportReport(store); }},
      {"hgz",
        [](const httplib::Request&, httplib::Response&, Store& store,
           std::string&, ScanThresholds) -> std::optional<Report> { return HgzReport(store); }},
      {"lots-without-hgz",
        [](const httplib::Request&, httplib::Response&, Store& store, std::string&,
           ScanThresholds) -> std::optional<Report> { return LotsWithoutHgzReport(store); }},
      {"monthly",
        [](const httplib::Request& req, httplib::Response& res, Store& store,
           std::string& stem, ScanThresholds) -> std::optional<Report> {
          auto month = RequiredParam(req, res, "month", "?month=2026-04");
          if (!month) return std::nullopt;
          if (Status s = CheckReportMonth(*month); !s.ok()) return Checked(req, res, s);
          stem += "-" + *month;
          return MonthlyReport(store, *month);
        }},
  };
  return reports;
}

}  // namespace

std::string ReportCsvPath(const std::string& report, const std::string& query,
                          const std::string& base) {
  return base + "/csv/" + report + "?" + (query.empty() ? "" : query + "&") + "format=csv";
}

std::string ReportXlsxPath(const std::string& report, const std::string& query,
                           const std::string& base) {
  return base + "/xlsx/" + report + (query.empty() ? "" : "?" + query);
}

void AnswerAuditReport(ApiContext& api, ScanThresholds defaults, const std::string& name,
                       const httplib::Request& req, httplib::Response& res) {
  const auto& reports = Reports();
  auto it = reports.find(name);
  if (it == reports.end())
    return SetStatusProblem(res,
                            Status::NotFound("没有报表 " + name, "there is no report " + name),
                            req.path);
  auto format = WantedFormat(req, res);
  if (!format) return;
  std::string stem = "agritrace-" + name;
  std::optional<Report> report;
  try {
    report = api.WithReportStore(
        [&](Store& store) { return it->second(req, res, store, stem, defaults); });
  } catch (const sql::Error& e) {
    return SetStatusProblem(res,
                            Status::Io(std::string("读取报表失败：") + e.what(),
                                       std::string("reading the report failed: ") + e.what()),
                            req.path);
  }
  if (report) SendReport(req, res, *report, *format, stem);
}

void RegisterAuditApi(httplib::Server& svr, ApiContext& api, ScanThresholds defaults) {
  for (const auto& entry : Reports()) {
    const std::string name = entry.first;
    auto handler = [&api, defaults, name](const httplib::Request& req, httplib::Response& res) {
      // The page's downloads may use its cookie (GET only, SameSite=Strict); the API may not.
      const TokenSource source = req.path.rfind("/audit/", 0) == 0 ? TokenSource::kBearerOrCookie
                                                                   : TokenSource::kBearer;
      if (!Authorize(api, req, res, {"bureau"}, source)) return;
      AnswerAuditReport(api, defaults, name, req, res);
    };
    svr.Get("/api/v1/audit/" + name, handler);
    svr.Get("/audit/csv/" + name, handler);
    svr.Get("/audit/xlsx/" + name, handler);
  }
}

}  // namespace agritrace::http
