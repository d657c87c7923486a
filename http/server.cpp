#include "agritrace/http/server.h"

#include <httplib.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <mutex>
#include <optional>
#include <regex>

#include "agritrace/http/language.h"
#include "agritrace/labeler/code_parser.h"
#include "agritrace/registry/ed25519.h"
#include "agritrace/registry/encoding.h"
#include "agritrace/registry/scan_store.h"
#include "agritrace/registry/store.h"
#include "agritrace/registry/tokens.h"
#include "http/api_context.h"
#include "http/audit_api.h"
#include "http/audit_page.h"
#include "http/bearer_auth.h"
#include "http/client_network.h"
#include "http/console/console.h"
#include "http/consumer_page.h"
#include "http/event_loop_server.h"
#include "http/hgz_page.h"
#include "http/http_response.h"
#include "http/log_api.h"
#include "http/management_api.h"
#include "http/problem_json.h"
#include "http/reader_pool.h"
#include "http/verify_response.h"
#include "http/verify_service.h"

namespace agritrace::http {
namespace {

using Clock = std::chrono::steady_clock;

// Set when routing starts, read by the logger when the response is written. A pool thread
// serves one request at a time, so a thread-local is the request's own.
thread_local Clock::time_point t_request_start{};

// How long an httplib handler waits for its scan to reach the journal before it answers 503
// instead (the scan may still be stored; the answer never claims one that is not).
constexpr std::chrono::milliseconds kDurableWait{5000};

// GS1 Digital Link paths this server answers: /01/{GTIN}[/22/x][/10/x][/21/x]. Anything else
// under /01/ is not a label of ours and gets a 404 problem.
const std::regex kDigitalLinkPath(R"(/01/\d{8,14}(/(22|10|21)/[^/]+)*/?)");

// Rate limits guard the routes anyone may call; token holders and the operator's probes are not
// throttled.
bool IsPublic(Route r) {
  return r != Route::kHealth && r != Route::kMetrics && r != Route::kManagementApi &&
         r != Route::kAudit;
}

// The routes behind a bearer token (DESIGN.md §9).
bool NeedsToken(Route r) { return r == Route::kManagementApi || r == Route::kAudit; }

// What a read-only server refuses: the token routes and the console, whose writes, sign-ins
// and denial records all need a writable registry.
bool RefusedReadOnly(std::string_view path) {
  return NeedsToken(RouteOf(path)) || path == "/console" || path.rfind("/console/", 0) == 0;
}

void SetReadOnlyProblem(httplib::Response& res, std::string_view path) {
  SetProblem(res,
             {503, "read-only", "只读模式", "Read-only mode",
              "登记库以只读方式打开，不能写入、登录或管理；请在可写的登记库上不带 --read-only "
              "启动服务",
              "the registry is opened read-only: nothing can be written, signed in or managed "
              "here; start serve without --read-only on a writable registry"},
             path);
}

// Whether `db_path` or its folder cannot be written (a read-only file or mount). As root only a
// read-only mount shows here: root may write a 0444 file.
bool NotWritable(const std::string& db_path) {
  std::filesystem::path dir = std::filesystem::path(db_path).parent_path();
  if (dir.empty()) dir = ".";
  return access(db_path.c_str(), W_OK) != 0 || access(dir.c_str(), W_OK) != 0;
}

Lang LangOf(const httplib::Request& req) {
  return ChooseLanguage(req.get_param_value("lang"), req.get_header_value("Accept-Language"));
}

// Sent with every answer, by httplib and by the event loops' fast path alike.
httplib::Headers DefaultHeaders() {
  return {{"X-Content-Type-Options", "nosniff"}, {"Referrer-Policy", "no-referrer"}};
}

// The value of `key` in a query of plain `k=v&k2=v2` pairs; nullopt when the query holds
// anything httplib would decode ('%' or '+'), so that such a request is left to httplib.
std::optional<std::string> PlainQueryParam(std::string_view query, std::string_view key) {
  if (query.find_first_of("%+") != std::string_view::npos) return std::nullopt;
  std::string value;
  for (size_t pos = 0; pos <= query.size();) {
    size_t amp = query.find('&', pos);
    if (amp == std::string_view::npos) amp = query.size();
    std::string_view pair = query.substr(pos, amp - pos);
    size_t eq = pair.find('=');
    if (pair.substr(0, eq) == key && value.empty())
      value = eq == std::string_view::npos ? "" : std::string(pair.substr(eq + 1));
    pos = amp + 1;
  }
  return value;
}

// 429 with the wait, counted: the same answer on httplib's path and the event loops' fast path.
void AnswerRateLimited(const RateLimiter::Decision& d, std::string_view path, Metrics& metrics,
                       httplib::Response& res) {
  metrics.RateLimited();
  SetProblem(res, ProblemForStatus(429), path);
  res.set_header("Retry-After", std::to_string(d.retry_after_seconds));
}

// Answered on an event loop: GET routes that only read and do not wait on the registry's writer
// (the consumer page, the verify API, keys, proofs, the operator's probes). The rest (API writes,
// label files, reports, checkpoint signing) goes to a worker thread.
bool InlineRoute(std::string_view, std::string_view path) {
  switch (RouteOf(path)) {
    case Route::kHome:
    case Route::kLookup:
    case Route::kConsumerPage:
    case Route::kDigitalLink:
    case Route::kVerifyApi:
    case Route::kKeys:
    case Route::kHealth:
    case Route::kMetrics:
      return true;
    case Route::kLogApi:  // proofs only: the checkpoint may have to be signed
      return path.rfind("/api/v1/log/proof/", 0) == 0;
    default:
      return false;
  }
}

}  // namespace

struct Server::Impl {
  // `read_path`: where the reader pool reads (the registry, or serve --read-db's replica).
  Impl(const std::string& read_path, std::string salt, ScanRecorder* recorder,
       const ServerOptions& options, std::unique_ptr<ApiContext> api_context,
       std::string read_only_name)
      : api(std::move(api_context)),
        checkpoints(*api, !options.read_only),
        // Idle read connections: one for each thread that answers requests.
        pool(read_path, &signatures, static_cast<size_t>(std::max(options.threads, 1)) + 8,
             std::move(read_only_name)),
        lots(options.lot_cache, &checkpoints),
        service(pool, lots, recorder, std::move(salt),
                {options.scan_threshold, options.distinct_network_threshold}),
        limiter(options.rate_limit),
        auth_failures(options.auth_failure_limit) {}
  // The head gate's token lookups, on a connection of their own: never behind an API write.
  std::unique_ptr<Store> gate_store;
  std::mutex gate_mu;
  std::unique_ptr<ApiContext> api;  // the authenticated routes' read-write connection
  CheckpointCache checkpoints;      // signs through `api`
  SignatureCache signatures;
  ReaderPool pool;
  // serve --read-db: the primary, for codes the replica does not know yet (VerifyService).
  std::unique_ptr<ReaderPool> primary_pool;
  LotCache lots;
  VerifyService service;
  RateLimiter limiter;
  RateLimiter auth_failures;  // takes a token per 401, checked before each token route
};

Server::Server(ServerOptions options) : options_(std::move(options)) {}

Server::~Server() { Stop(); }

Result<std::unique_ptr<Server>> Server::Open(const std::string& db_path, ServerOptions options) {
  std::string salt, read_only_name;
  const bool postgresql = IsPostgresqlRegistry(db_path);
  if (!options.read_db.empty()) {
    if (!postgresql || !IsPostgresqlRegistry(options.read_db))
      return Status::Invalid("--read-db 只用于 PostgreSQL 登记库：--db 和 --read-db 都应是 postgresql:// 地址",
                             "--read-db is for a PostgreSQL registry: both --db and --read-db must "
                             "be postgresql:// URLs")
          .with_reason("read-db-not-postgresql");
    // The replica must hold this registry (a schema this binary reads) before it serves pages.
    auto replica = Store::Open(options.read_db, OpenMode::kReadOnly);
    if (!replica.ok()) return replica.status();
  }
  if (!options.read_only && !postgresql && NotWritable(db_path)) {
    options.read_only = true;
    std::fprintf(stderr,
                 "agritrace serve: 登记库或其目录不可写，以只读模式服务，扫码不记录 / the registry "
                 "or its folder is not writable: serving read-only, scans are not recorded\n");
  }
  const OpenMode mode = options.read_only ? OpenMode::kReadOnly : OpenMode::kExisting;
  {
    // Store::Open applies pending migrations; the server then keeps its own connections.
    auto store = Store::Open(db_path, mode);
    if (!store.ok()) return store.status();
    if (options.read_only) {
      // The path, or its immutable=1 URI on a read-only mount: the pool opens the same.
      read_only_name = (*store)->open_name();
    } else {
      auto s = ScanSalt((*store)->db());
      if (!s.ok()) return s.status();
      salt = *s;
    }
  }
  std::unique_ptr<Server> server(new Server(std::move(options)));
  ServerOptions& o = server->options_;
  // The tally must tell K+1 networks apart to see "more than K".
  o.scans.nets_tracked = std::max(
      o.scans.nets_tracked, static_cast<size_t>(std::max(o.distinct_network_threshold, 0)) + 1);
  if (!o.read_only) {
    auto recorder = ScanRecorder::Open(db_path, o.scans, &server->metrics_);
    if (!recorder.ok()) return recorder.status();
    server->recorder_ = std::move(recorder).value();
  }
  auto api = ApiContext::Open(db_path, mode);
  if (!api.ok()) return api.status();
  server->impl_ = std::make_unique<Impl>(o.read_db.empty() ? db_path : o.read_db, salt,
                                         server->recorder_.get(), o,
                                         std::move(api).value(), std::move(read_only_name));
  if (!o.read_db.empty()) {
    Impl& impl = *server->impl_;
    impl.primary_pool = std::make_unique<ReaderPool>(db_path, &impl.signatures, 8);
    impl.service.SetPrimaryPool(impl.primary_pool.get());
  }
  auto gate_store = Store::Open(db_path, mode);
  if (!gate_store.ok()) return gate_store.status();
  server->impl_->gate_store = std::move(gate_store).value();
  size_t loops = o.event_loops > 0 ? static_cast<size_t>(o.event_loops)
                                   : std::clamp<size_t>(std::thread::hardware_concurrency(), 1, 8);
  Server* self = server.get();
  EventLoopOptions loop_options;
  loop_options.loops = loops;
  loop_options.workers = static_cast<size_t>(std::max(o.threads, 1));
  loop_options.inline_route = InlineRoute;
  loop_options.fast_route = [self](const FastRequest& req, httplib::Response& res,
                                   uint64_t& ticket) { return self->FastScan(req, res, ticket); };
  loop_options.durable = [self] {
    // Read-only: no scan is held (tickets are 0).
    return self->recorder_ ? self->recorder_->durable() : ~uint64_t{0};
  };
  loop_options.head_gate = [self](const RequestHead& head, std::string_view remote_ip) {
    return self->GateHead(head, remote_ip);
  };
  loop_options.head_limits = {o.max_request_line_bytes, o.max_head_bytes, o.max_headers};
  loop_options.max_body_bytes = o.payload_max_bytes;
  loop_options.request_timeout_seconds = o.request_timeout_seconds;
  loop_options.max_pending_per_network = o.max_pending_per_network;
  // Behind a trusted proxy every client shares the proxy's address; the proxy bounds its own
  // clients' requests, so its connections are not counted.
  loop_options.network_of = [proxies = o.trusted_proxies](std::string_view ip) {
    if (std::find(proxies.begin(), proxies.end(), ip) != proxies.end()) return std::string();
    return NetworkOf(ip);
  };
  loop_options.default_headers = DefaultHeaders();
  loop_options.on_refusal = [self](std::string_view path, int status) {
    self->metrics_.ObserveRequest(RouteOf(path), status, -1);
  };
  server->svr_ = std::make_unique<EventLoopServer>(std::move(loop_options));
  // Answers held for their scans go out when the journal has them.
  auto* loops_server = static_cast<EventLoopServer*>(server->svr_.get());
  if (server->recorder_)
    server->recorder_->OnDurable([loops_server] { loops_server->NotifyDurable(); });
  server->Routes();
  return server;
}

void Server::Routes() {
  httplib::Server& svr = *svr_;
  // httplib's own pool only hands accepted sockets to the event loops (event_loop_server.h).
  svr.new_task_queue = [] { return new httplib::ThreadPool(2); };
  svr.set_tcp_nodelay(true);
  svr.set_keep_alive_timeout(options_.keep_alive_timeout_seconds);
  svr.set_keep_alive_max_count(std::max<size_t>(options_.keep_alive_max_requests, 1));
  svr.set_read_timeout(options_.read_timeout_seconds, 0);
  svr.set_write_timeout(options_.write_timeout_seconds, 0);
  svr.set_payload_max_length(options_.payload_max_bytes);
  svr.set_default_headers(DefaultHeaders());

  Impl& impl = *impl_;
  const std::vector<std::string> proxies = options_.trusted_proxies;
  auto network_of = [proxies](const httplib::Request& req) {
    return NetworkOf(
        ClientAddress(req.remote_addr, req.get_header_value("X-Forwarded-For"), proxies));
  };

  // Rate limits are checked before routing, so a refused request costs no body read and no
  // database work.
  svr.set_pre_routing_handler(
      [this, &impl, network_of](const httplib::Request& req, httplib::Response& res) {
        t_request_start = Clock::now();
        const Route route = RouteOf(req.path);
        if (options_.read_only && RefusedReadOnly(req.path)) {
          SetReadOnlyProblem(res, req.path);
          return httplib::Server::HandlerResponse::Handled;
        }
        RateLimiter::Decision d;
        if (IsPublic(route) && impl.limiter.enabled())
          d = impl.limiter.Take(network_of(req));
        else if (NeedsToken(route) && impl.auth_failures.enabled())
          d = impl.auth_failures.Peek(network_of(req));
        if (d.allowed) return httplib::Server::HandlerResponse::Unhandled;
        AnswerRateLimited(d, req.path, metrics_, res);
        return httplib::Server::HandlerResponse::Handled;
      });

  // Counted just before the response is written, not in the logger after it: a client that
  // reads /metrics right after its previous answer must see that answer counted.
  svr.set_post_routing_handler([this, &impl, network_of](const httplib::Request& req,
                                                        httplib::Response& res) {
    const Route route = RouteOf(req.path);
    if (res.status == 401 && NeedsToken(route)) impl.auth_failures.Take(network_of(req));
    double seconds = -1;
    if (t_request_start != Clock::time_point{}) {
      seconds = std::chrono::duration<double>(Clock::now() - t_request_start).count();
      t_request_start = Clock::time_point{};
    }
    metrics_.ObserveRequest(route, res.status, seconds);
  });

  // Whatever ends in an error status without a body (404 route, 413, 414, 400 parse error)
  // gets a problem+json body.
  svr.set_error_handler(
      httplib::Server::HandlerWithResponse([](const httplib::Request& req, httplib::Response& res) {
        if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
        int status = res.status;
        SetProblem(res, ProblemForStatus(status), req.path);
        if (status == 405) res.set_header("Allow", "GET, HEAD");
        return httplib::Server::HandlerResponse::Handled;
      }));

  svr.set_exception_handler(
      [](const httplib::Request& req, httplib::Response& res, std::exception_ptr ep) {
        std::string what = "unknown";
        try {
          if (ep) std::rethrow_exception(ep);
        } catch (const std::exception& e) {
          what = e.what();
        } catch (...) {
        }
        std::fprintf(stderr, "agritrace serve: %s %s failed: %s\n", req.method.c_str(),
                     req.path.c_str(), what.c_str());
        SetProblem(res, ProblemForStatus(500), req.path);
      });

  auto verify = [this, network_of](const httplib::Request& req, httplib::Response& res,
                                   std::string input, bool json) {
    // httplib answers HEAD with the GET handler: a HEAD is answered alike but is no scan.
    uint64_t ticket = AnswerScan(std::move(input), json,
                                 json ? Lang::kZh
                                      : ChooseLanguage(req.get_param_value("lang"),
                                                       req.get_header_value("Accept-Language")),
                                 network_of(req), req.path, res, req.method != "HEAD");
    // Answered only once the scan is durable (the fast path's loops hold theirs instead).
    if (ticket != 0 && recorder_ && !recorder_->WaitDurable(ticket, kDurableWait)) {
      res = httplib::Response();
      res.headers = DefaultHeaders();
      SetProblem(res, ProblemForStatus(503), req.path);
    }
  };

  svr.Get("/", [](const httplib::Request& req, httplib::Response& res) {
    Lang lang = LangOf(req);
    SetPage(res, 200, RenderHomePage(lang), lang);
    res.set_header("Cache-Control", "public, max-age=300");
  });

  // The manual-entry form: a good code goes to its /q/ page (which records the scan); a typo
  // is answered here, with the reason.
  svr.Get("/lookup", [verify](const httplib::Request& req, httplib::Response& res) {
    std::string input = req.get_param_value("code");
    std::string lang = req.get_param_value("lang") == "en" ? "?lang=en" : "";
    bool blank = input.find_first_not_of(" \t\r\n") == std::string::npos;
    if (blank) {
      res.set_redirect("/" + lang, 303);
      return;
    }
    auto parsed = labeler::ParseCode(input);
    if (parsed.ok() && parsed->kind == labeler::CodeKind::kOfflineSigned) {
      res.set_redirect("/S/" + labeler::OfflineLabelSegment(parsed->offline) + lang, 303);
      return;
    }
    if (parsed.ok()) {
      res.set_redirect("/q/" + PercentEncode(parsed->code) + lang, 303);
      return;
    }
    verify(req, res, input, false);
  });

  auto page = [verify](const httplib::Request& req, httplib::Response& res) {
    verify(req, res, req.matches[1].str(), false);
  };
  svr.Get(R"(/[qQ]/([^/]+))", page);
  // Offline-signed labels (labeler/offline_label.h): the same page and JSON, once the
  // signature is checked.
  svr.Get(R"(/[sS]/([^/]+))", [verify](const httplib::Request& req, httplib::Response& res) {
    verify(req, res, "/S/" + req.matches[1].str(), false);
  });
  svr.Get(R"(/api/v1/verify/[sS]/([^/]+))",
          [verify](const httplib::Request& req, httplib::Response& res) {
            verify(req, res, "/S/" + req.matches[1].str(), true);
          });

  svr.Get(R"(/01/.*)", [verify](const httplib::Request& req, httplib::Response& res) {
    if (!std::regex_match(req.path, kDigitalLinkPath)) {
      SetProblem(res, ProblemForStatus(404), req.path);
      return;
    }
    verify(req, res, req.path, false);
  });

  svr.Get(R"(/api/v1/verify/([^/]+))",
          [verify](const httplib::Request& req, httplib::Response& res) {
            verify(req, res, req.matches[1].str(), true);
          });

  svr.Get("/.well-known/agritrace/keys.json", [&impl](const httplib::Request& req,
                                                      httplib::Response& res) {
    auto lease = impl.pool.Acquire();
    if (!lease.ok()) return SetProblem(res, ProblemFromStatus(lease.status()), req.path);
    Json keys = Json::array();
    std::string name;
    try {
      for (const auto& k : lease->lookup().PublicKeys()) {
        keys.push_back({{"kid", k.kid},
                        {"public_key", Base64Encode(k.public_key)},
                        {"public_key_pem", Ed25519PublicKeyToPem(k.public_key)},
                        {"created_at", k.created_at},
                        {"retired_at", k.retired_at.empty() ? Json() : Json(k.retired_at)},
                        {"current", k.retired_at.empty()}});
      }
      name = lease->lookup().RegistryName();
    } catch (const sql::Error& e) {
      lease->Discard();
      return SetProblem(
          res,
          ProblemFromStatus(Status::Io(std::string("读取密钥失败：") + e.what(),
                                       std::string("reading keys failed: ") + e.what())),
          req.path);
    }
    res.set_content(DumpJson({{"registry", name}, {"algorithm", "Ed25519"}, {"keys", keys}}),
                    "application/json; charset=utf-8");
    res.set_header("Cache-Control", "public, max-age=300");
    res.set_header("Access-Control-Allow-Origin", "*");
  });

  svr.Get("/healthz", [this, &impl](const httplib::Request& req, httplib::Response& res) {
    if (stopped_) return SetProblem(res, ProblemForStatus(503), req.path);
    auto lease = impl.pool.Acquire();
    bool db_ok = lease.ok();
    if (db_ok) {
      try {
        db_ok = CanReadRegistry(lease->db());
      } catch (const sql::Error&) {
        lease->Discard();
        db_ok = false;
      }
    }
    if (!db_ok) return SetProblem(res, ProblemForStatus(503), req.path);
    res.set_content(DumpJson({{"status", "ok"},
                              {"scan_queue_depth", recorder_ ? recorder_->QueueDepth() : 0},
                              {"read_only", options_.read_only}}),
                    "application/json");
    res.set_header("Cache-Control", "no-store");
  });

  svr.Get("/metrics", [this](const httplib::Request&, httplib::Response& res) {
    res.set_content(metrics_.Render(recorder_ ? recorder_->QueueDepth() : 0),
                    "text/plain; version=0.0.4");
    res.set_header("Cache-Control", "no-store");
  });

  // The authenticated API, the log and the bureau's page each have their own file; they are
  // registered before the catch-alls below, which answer anything else.
  const ScanThresholds thresholds{options_.scan_threshold, options_.distinct_network_threshold};
  RegisterHgzRoutes(svr, *impl.api, impl.pool);
  RegisterManagementApi(svr, *impl.api);
  RegisterLogApi(svr, impl.pool, impl.checkpoints);
  RegisterAuditApi(svr, *impl.api, thresholds);
  RegisterAuditPage(svr, *impl.api, thresholds);
  // The console shares the token routes' failed-login limiter (one throttle for both).
  RegisterConsole(svr, *impl.api, impl.auth_failures, network_of, thresholds);

  // Every other path is read-only: other methods are refused before any body is used.
  auto not_allowed = [](const httplib::Request&, httplib::Response& res) {
    res.status = 405;  // the error handler writes the problem and Allow
  };
  svr.Post(".*", not_allowed);
  svr.Put(".*", not_allowed);
  svr.Patch(".*", not_allowed);
  svr.Delete(".*", not_allowed);
}

uint64_t Server::AnswerScan(std::string input, bool json, Lang lang, const std::string& network,
                            std::string_view path, httplib::Response& res, bool record) {
  auto v = impl_->service.Verify({std::move(input), network, record});
  if (!v.ok()) {
    SetProblem(res, ProblemFromStatus(v.status()), path);
    return 0;
  }
  if (v->read_only) metrics_.ScanUnrecorded();
  if (json) {
    res.status = 200;
    res.set_content(VerifyResponseBody(*v), "application/json; charset=utf-8");
    res.set_header("Cache-Control", "no-store");
  } else {
    SetPage(res, ConsumerPageStatus(*v), RenderConsumerPage(*v, lang), lang);
  }
  return v->tally.ticket;
}

bool Server::FastScan(const FastRequest& req, httplib::Response& res, uint64_t& ticket) {
  // Only the scan routes, and only what httplib would not have decoded differently.
  bool json = req.path.substr(0, 15) == "/api/v1/verify/";
  if (!json && req.path.substr(0, 3) != "/q/" && req.path.substr(0, 3) != "/Q/") return false;
  std::string_view code = req.path.substr(json ? 15 : 3);
  if (code.empty() || code.find_first_of("/%+") != std::string_view::npos) return false;
  auto lang_param = PlainQueryParam(req.query, "lang");
  if (!lang_param) return false;
  const auto start = Clock::now();
  const Route route = json ? Route::kVerifyApi : Route::kConsumerPage;
  const std::string path(req.path);
  for (const auto& h : DefaultHeaders()) res.set_header(h.first, h.second);
  try {
    const std::string network = NetworkOf(ClientAddress(
        std::string(req.remote_ip), std::string(req.forwarded_for), options_.trusted_proxies));
    RateLimiter::Decision d = impl_->limiter.Take(network);  // allowed when limits are off
    if (!d.allowed) {
      AnswerRateLimited(d, path, metrics_, res);
    } else {
      ticket = AnswerScan(std::string(code), json,
                          json ? Lang::kZh : ChooseLanguage(*lang_param, req.accept_language),
                          network, path, res);
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "agritrace serve: GET %s failed: %s\n", path.c_str(), e.what());
    res = httplib::Response();
    for (const auto& h : DefaultHeaders()) res.set_header(h.first, h.second);
    SetProblem(res, ProblemForStatus(500), path);
    ticket = 0;  // an error page says nothing of the scan: no need to hold it
  }
  metrics_.ObserveRequest(route, res.status,
                          std::chrono::duration<double>(Clock::now() - start).count());
  return true;
}

std::optional<httplib::Response> Server::GateHead(const RequestHead& head,
                                                  std::string_view remote_ip) {
  // Classified as httplib will route it: by the percent-decoded path.
  std::string decoded;
  std::string_view path = head.path;
  if (path.find('%') != std::string_view::npos) {
    decoded = httplib::detail::decode_url(std::string(path), false);
    path = decoded;
  }
  const Route route = RouteOf(path);
  if (options_.read_only && RefusedReadOnly(path)) {
    // Refused from the head: no body is read, no token looked up.
    httplib::Response res;
    res.headers = DefaultHeaders();
    SetReadOnlyProblem(res, path);
    metrics_.ObserveRequest(route, res.status, -1);
    return res;
  }
  if (route != Route::kManagementApi) return std::nullopt;
  const auto start = Clock::now();
  Impl& impl = *impl_;
  const std::string network = NetworkOf(ClientAddress(
      std::string(remote_ip), std::string(head.forwarded_for), options_.trusted_proxies));
  httplib::Response res;
  res.headers = DefaultHeaders();
  auto answer = [&]() -> std::optional<httplib::Response> {
    metrics_.ObserveRequest(route, res.status,
                            std::chrono::duration<double>(Clock::now() - start).count());
    return std::move(res);
  };
  // The same order as on httplib's path: the failed-login throttle, then the token.
  if (impl.auth_failures.enabled()) {
    RateLimiter::Decision d = impl.auth_failures.Peek(network);
    if (!d.allowed) {
      AnswerRateLimited(d, path, metrics_, res);
      return answer();
    }
  }
  const std::string token = PresentedToken(head.authorization, head.cookie);
  if (!token.empty()) {
    try {
      std::lock_guard<std::mutex> lock(impl.gate_mu);
      if (Authenticate(*impl.gate_store, token)) return std::nullopt;  // the route checks roles
    } catch (const sql::Error&) {
      return std::nullopt;  // the route's own lookup answers the failure
    }
  }
  SetUnauthorized(res, path, !token.empty());
  impl.auth_failures.Take(network);
  return answer();
}

Status Server::Start() {
  if (port_ >= 0) return Status::Conflict("服务已启动", "the server is already started");
  bool bound;
  if (options_.port == 0) {
    port_ = svr_->bind_to_any_port(options_.host);
    bound = port_ > 0;
  } else {
    bound = svr_->bind_to_port(options_.host, options_.port);
    port_ = options_.port;
  }
  if (!bound) {
    port_ = -1;
    std::string where = options_.host + ":" + std::to_string(options_.port);
    return Status::Io("无法监听 " + where + "：地址被占用或无权限，请换一个端口（--port）",
                      "cannot listen on " + where +
                          ": the address is in use or not permitted; choose another --port");
  }
  static_cast<EventLoopServer&>(*svr_).RaiseBacklog(1024);
  listener_ = std::thread([this] { svr_->listen_after_bind(); });
  // stop() is a no-op until the accept loop runs, so wait for it before returning.
  for (int i = 0; i < 5000 && !svr_->is_running(); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  return Status::Ok();
}

uint64_t Server::fast_answers() const {
  return svr_ ? static_cast<const EventLoopServer&>(*svr_).fast_answers() : 0;
}

bool Server::running() const { return svr_ && svr_->is_running(); }

void Server::Settle() {
  if (recorder_) recorder_->Flush();
  impl_->checkpoints.WaitIdle();
}

void Server::Stop() {
  if (stopped_.exchange(true)) return;
  if (svr_) svr_->stop();
  // The listener returns after the pool has finished every connection it accepted.
  if (listener_.joinable()) listener_.join();
  // Requests in flight finish (and record their scans) before the scan queue is drained.
  if (svr_) static_cast<EventLoopServer&>(*svr_).StopConnections();
  if (recorder_) recorder_->Close();
}

int RunServer(const std::string& db_path, ServerOptions options) {
  PrepareStoreForThreads();
  // Block the stop signals before any thread starts, so every thread inherits the mask and
  // this thread alone takes them with sigtimedwait: no work inside a signal handler.
  sigset_t stop_signals, old_mask;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, &old_mask);
  signal(SIGPIPE, SIG_IGN);
  struct RestoreMask {
    sigset_t* mask;
    ~RestoreMask() { pthread_sigmask(SIG_SETMASK, mask, nullptr); }
  } restore{&old_mask};

  auto on_listening = options.on_listening;
  auto server = Server::Open(db_path, std::move(options));
  if (!server.ok()) {
    std::fprintf(stderr, "agritrace serve: %s\n", server.status().message().c_str());
    return 1;
  }
  Server& s = **server;
  if (Status st = s.Start(); !st.ok()) {
    std::fprintf(stderr, "agritrace serve: %s\n", st.message().c_str());
    return 1;
  }
  std::fprintf(stderr, "agritrace serve: 正在监听 / listening on port %d\n", s.port());
  if (on_listening) on_listening(s.port());

  bool failed = false;
  for (;;) {
    timespec wait{0, 200 * 1000 * 1000};
    int sig = sigtimedwait(&stop_signals, nullptr, &wait);
    if (sig == SIGTERM || sig == SIGINT) break;
    if (!s.running()) {
      failed = true;
      break;
    }
  }
  s.Stop();
  std::fprintf(stderr,
               "agritrace serve: 已停止，保存扫码 %llu 条，未保存 %llu 条 / stopped: %llu scans "
               "stored, %llu dropped\n",
               static_cast<unsigned long long>(s.metrics().scans_stored()),
               static_cast<unsigned long long>(s.metrics().scans_dropped()),
               static_cast<unsigned long long>(s.metrics().scans_stored()),
               static_cast<unsigned long long>(s.metrics().scans_dropped()));
  if (s.read_only())
    std::fprintf(stderr,
                 "agritrace serve: 只读模式，未记录扫码 %llu 条 / read-only: %llu scans answered "
                 "without recording\n",
                 static_cast<unsigned long long>(s.metrics().scans_unrecorded()),
                 static_cast<unsigned long long>(s.metrics().scans_unrecorded()));
  return failed ? 1 : 0;
}

}  // namespace agritrace::http
