#include "http/log_api.h"

#include <httplib.h>

#include <string>

#include "http/http_response.h"
#include "http/json_writer.h"
#include "http/query_params.h"
#include "registry/encoding.h"

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

Status ReadFailed(const SQLite::Exception& e) {
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
  } catch (const SQLite::Exception& e) {
    lease->Discard();
    SetStatusProblem(res, ReadFailed(e), req.path);
  }
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

  svr.Get("/api/v1/log/proof/inclusion",
          [&pool](const httplib::Request& req, httplib::Response& res) {
            auto index = UintParam(req, res, "index", "?index=0&size=10");
            if (!index) return;
            auto size = UintParam(req, res, "size", "?index=0&size=10");
            if (!size) return;
            WithLease(pool, req, res, [&](ReaderPool::Lease& lease) {
              const uint64_t log_size = lease.lookup().log().Size();
              if (*size > log_size)
                return ParamOutOfRange(
                    res, req, "size=" + N(*size) + " 超过日志当前大小 " + N(log_size),
                    "size=" + N(*size) + " is beyond the log's " + N(log_size) + " events");
              if (*index >= *size)
                return ParamOutOfRange(
                    res, req, "index 应小于 size（index=" + N(*index) + "，size=" + N(*size) + "）",
                    "index must be below size (index=" + N(*index) + ", size=" + N(*size) + ")");
              auto proof = lease.lookup().log().InclusionProof(*index, *size);
              if (!proof.ok()) return SetStatusProblem(res, proof.status(), req.path);
              SetProof(res, *proof);
            });
          });

  svr.Get("/api/v1/log/proof/consistency", [&pool](const httplib::Request& req,
                                                   httplib::Response& res) {
    auto from = UintParam(req, res, "from", "?from=5&to=10");
    if (!from) return;
    auto to = UintParam(req, res, "to", "?from=5&to=10");
    if (!to) return;
    WithLease(pool, req, res, [&](ReaderPool::Lease& lease) {
      const uint64_t log_size = lease.lookup().log().Size();
      if (*to > log_size)
        return ParamOutOfRange(res, req, "to=" + N(*to) + " 超过日志当前大小 " + N(log_size),
                               "to=" + N(*to) + " is beyond the log's " + N(log_size) + " events");
      if (*from > *to)
        return ParamOutOfRange(
            res, req, "from 不能大于 to（from=" + N(*from) + "，to=" + N(*to) + "）",
            "from must not exceed to (from=" + N(*from) + ", to=" + N(*to) + ")");
      auto proof = lease.lookup().log().ConsistencyProof(*from, *to);
      if (!proof.ok()) return SetStatusProblem(res, proof.status(), req.path);
      SetProof(res, *proof);
    });
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
      SQLite::Statement q(lease.db(),
                          "SELECT idx, leaf FROM events WHERE idx >= ? ORDER BY idx LIMIT ?");
      q.bind(1, static_cast<int64_t>(*start));
      q.bind(2, static_cast<int64_t>(std::min(*count, kMaxLogEventsPerPage)));
      JsonWriter w;
      w.BeginArray();
      while (q.executeStep())
        w.BeginObject()
            .Member("index", q.getColumn(0).getInt64())
            .Member("leaf", q.getColumn(1).getString())
            .EndObject();
      w.EndArray();
      res.set_content(w.Take(), "application/json; charset=utf-8");
      res.set_header("Cache-Control", "no-store");
      res.set_header("Access-Control-Allow-Origin", "*");
    });
  });
}

}  // namespace agritrace::http
