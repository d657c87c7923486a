#include "http/log_api.h"

#include <httplib.h>

#include <string>

#include "agritrace/registry/encoding.h"
#include "http/http_response.h"
#include "http/json_writer.h"
#include "http/query_params.h"

namespace agritrace::http {
namespace {

std::string N(uint64_t v) { return std::to_string(v); }

void SetProof(httplib::Response& res, const std::vector<std::string>& proof) {
  JsonWriter w;
  w.BeginObject().Key("proof").BeginArray();
  for (const auto& h : proof) w.String(Base64Encode(h));
  w.EndArray().EndObject();
  res.set_content(w.Take(), "application/json; charset=utf-8");
  // The log is append-only: the proof for given sizes never changes.
  res.set_header("Cache-Control", "public, max-age=86400, immutable");
  res.set_header("Access-Control-Allow-Origin", "*");
}

Status ReadFailed(const sql::Error& e) {
  return Status::Io(std::string("读取日志失败：") + e.what(),
                    std::string("reading the log failed: ") + e.what());
}

// Runs `fn(lease)` on a pooled read connection; a database exception becomes a 500 problem and
// the connection is not reused.
template <typename Fn>
void WithLease(ReaderPool& pool, const httplib::Request& req, httplib::Response& res, Fn&& fn) {
  auto lease = pool.Acquire();
  if (!lease.ok()) return SetStatusProblem(res, lease.status(), req.path);
  try {
    fn(*lease);
  } catch (const sql::Error& e) {
    lease->Discard();
    SetStatusProblem(res, ReadFailed(e), req.path);
  }
}

// The two proof routes: parameters `first` and `second`, `second` a tree size within the log and
// `first` below it (inclusion: index < size) or not above it (consistency: from <= to).
struct ProofRoute {
  const char* first;
  const char* second;
  const char* example;
  bool first_below;  // first < second rather than first <= second
  Result<std::vector<std::string>> (MerkleLog::*prove)(uint64_t, uint64_t);
};

void ServeProof(ReaderPool& pool, const ProofRoute& route, const httplib::Request& req,
                httplib::Response& res) {
  auto a = UintParam(req, res, route.first, route.example);
  if (!a) return;
  auto b = UintParam(req, res, route.second, route.example);
  if (!b) return;
  WithLease(pool, req, res, [&](ReaderPool::Lease& lease) {
    MerkleLog& log = lease.lookup().log();
    const uint64_t log_size = log.Size();
    const std::string first = route.first, second = route.second;
    const std::string both = first + "=" + N(*a) + ", " + second + "=" + N(*b);
    if (*b > log_size)
      return ParamOutOfRange(
          res, req, second + "=" + N(*b) + " 超过日志当前大小 " + N(log_size),
          second + "=" + N(*b) + " is beyond the log's " + N(log_size) + " events");
    if (route.first_below ? *a >= *b : *a > *b)
      return ParamOutOfRange(
          res, req,
          first + (route.first_below ? " 应小于 " : " 不能大于 ") + second + "（" + both + "）",
          first + (route.first_below ? " must be below " : " must not exceed ") + second + " (" +
              both + ")");
    auto proof = (log.*route.prove)(*a, *b);
    if (!proof.ok()) return SetStatusProblem(res, proof.status(), req.path);
    SetProof(res, *proof);
  });
}

}  // namespace

void RegisterLogApi(httplib::Server& svr, ReaderPool& pool, CheckpointCache& checkpoints) {
  svr.Get("/api/v1/log/checkpoint",
          [&pool, &checkpoints](const httplib::Request& req, httplib::Response& res) {
            WithLease(pool, req, res, [&](ReaderPool::Lease& lease) {
              // Every event committed before this request is covered.
              auto cp = checkpoints.Covering(lease.lookup().log().Size());
              if (!cp.ok()) return SetStatusProblem(res, cp.status(), req.path);
              res.set_content((*cp)->note, "text/plain; charset=utf-8");
              res.set_header("Cache-Control", "no-store");
              res.set_header("Access-Control-Allow-Origin", "*");
            });
          });

  svr.Get(
      "/api/v1/log/proof/inclusion", [&pool](const httplib::Request& req, httplib::Response& res) {
        ServeProof(pool, {"index", "size", "?index=0&size=10", true, &MerkleLog::InclusionProof},
                   req, res);
      });
  svr.Get("/api/v1/log/proof/consistency",
          [&pool](const httplib::Request& req, httplib::Response& res) {
            ServeProof(pool, {"from", "to", "?from=5&to=10", false, &MerkleLog::ConsistencyProof},
                       req, res);
          });

  svr.Get("/api/v1/log/events", [&pool](const httplib::Request& req, httplib::Response& res) {
    auto start = UintParam(req, res, "start", "?start=0&count=100");
    if (!start) return;
    auto count = UintParam(req, res, "count", "?start=0&count=100", kMaxLogEventsPerPage);
    if (!count) return;
    if (*count == 0)
      return ParamOutOfRange(res, req,
                             "count 应在 1 到 " + N(kMaxLogEventsPerPage) + " 之间（更大的值按 " +
                                 N(kMaxLogEventsPerPage) + " 处理）",
                             "count must be 1 to " + N(kMaxLogEventsPerPage) +
                                 " (larger values are served as " + N(kMaxLogEventsPerPage) + ")");
    WithLease(pool, req, res, [&](ReaderPool::Lease& lease) {
      JsonWriter w;
      w.BeginArray();
      for (const StoredEvent& e :
           EventsFrom(lease.db(), *start, std::min(*count, kMaxLogEventsPerPage)))
        w.BeginObject().Member("index", e.index).Member("leaf", e.leaf).EndObject();
      w.EndArray();
      res.set_content(w.Take(), "application/json; charset=utf-8");
      res.set_header("Cache-Control", "no-store");
      res.set_header("Access-Control-Allow-Origin", "*");
    });
  });
}

}  // namespace agritrace::http
