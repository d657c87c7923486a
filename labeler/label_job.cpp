#include "agritrace/labeler/label_job.h"

#include <openssl/evp.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <tuple>
#include <utility>

#include "agritrace/labeler/code_url.h"
#include "agritrace/labeler/label_content.h"
#include "agritrace/labeler/lot_code.h"
#include "agritrace/labeler/offline_label.h"
#include "agritrace/labeler/unit_code.h"
#include "agritrace/registry/checked_math.h"
#include "agritrace/registry/encoding.h"
#include "agritrace/registry/hgz.h"
#include "agritrace/registry/key_ring.h"
#include "agritrace/registry/lots.h"
#include "agritrace/registry/organic_codes.h"
#include "agritrace/registry/print_runs.h"
#include "agritrace/registry/unit_store.h"
#include "labeler/document_sink.h"
#include "labeler/pdf_renderer.h"
#include "labeler/png_renderer.h"
#include "labeler/printer_connection.h"
#include "labeler/printer_stream.h"
#include "labeler/svg_renderer.h"
#include "labeler/tspl_renderer.h"
#include "labeler/zpl_renderer.h"

namespace agritrace::labeler {
namespace {

struct LotInfo {
  int64_t id = 0, units = 0;
  Json record;
  bool recalled = false;
};

Result<LotInfo> FindLot(Store& store, const std::string& code) {
  auto lot = GetLot(store, code);
  if (!lot.ok()) return lot.status();
  auto capacity = GetLotCapacity(store, code);
  if (!capacity.ok()) return capacity.status();
  return LotInfo{capacity->id, capacity->units, lot->record, lot->recalled};
}

Status RefuseRecalled(const std::string& code) {
  return Status::Invalid("批次 " + FormatLotCode(code) + " 已召回，不能再发码或打印标签",
                         "lot " + FormatLotCode(code) + " is recalled: no more codes or labels")
      .with_reason("lot-recalled");
}

// Badge text per certification type, as printed on packaging.
std::string Badge(const Json& cert) {
  std::string type = cert["type"], number = cert["number"];
  if (type == "green-food") return "绿色食品 " + number;
  if (type == "organic") return "有机产品 " + number;
  if (type == "geographic-indication") return "地理标志 " + number;
  if (type == "pollution-free") return "承诺达标 " + number;
  return number;  // SC licences print as their number: "SC…"
}

LabelContent BaseContent(const LotInfo& lot, const std::string& lot_code) {
  const Json& r = lot.record;
  LabelContent c;
  c.product_name = r["product"]["name"];
  if (r.contains("brand")) c.brand = r["brand"]["name"];
  for (const auto& cert : r["certifications"]) c.badges.push_back(Badge(cert));
  c.lot_code = FormatLotCode(lot_code);
  c.packed = r["packed"];
  c.origin = r["origin"]["name"];
  return c;
}

// Remembers what it wrote so that a failed run can take it all back: a refused print leaves
// nothing behind.
class RecordingSink final : public DocumentSink {
 public:
  explicit RecordingSink(std::string dir) : dir_(std::move(dir)), inner_(dir_) {}
  Status Put(std::string_view name, std::string_view bytes) override {
    written_.emplace_back(name);
    return inner_.Put(name, bytes);
  }
  void Discard(bool remove_dir) {
    for (const auto& n : written_) unlink((dir_ + "/" + n).c_str());
    if (remove_dir) rmdir(dir_.c_str());
  }

 private:
  std::string dir_;
  DirectorySink inner_;
  std::vector<std::string> written_;
};
}  // namespace

int64_t SpareLimit(int64_t units) { return std::max<int64_t>(1, units / 10); }

Result<LabelFormat> ParseLabelFormat(const std::string& name) {
  if (name == "svg") return LabelFormat::kSvg;
  if (name == "png") return LabelFormat::kPng;
  if (name == "pdf") return LabelFormat::kPdf;
  if (name == "zpl") return LabelFormat::kZpl;
  if (name == "tspl") return LabelFormat::kTspl;
  return Status::Invalid(
      "标签格式应为 svg、png、pdf、zpl（斑马打印机）或 tspl（TSC/佳博/芯烨打印机）：" + name,
      "format must be svg, png, pdf, zpl (Zebra) or tspl (TSC, Gprinter, Xprinter): " + name);
}

void to_json(Json& j, const MintedCodes& m) {
  j = {{"lot", m.lot_code},
       {"first_serial", m.first_serial},
       {"last_serial", m.last_serial},
       {"minted", m.minted},
       {"spares", m.spares},
       {"codes_sha256", m.codes_sha256},
       {"event_index", m.event_index}};
  if (!m.actor.empty()) j["actor"] = m.actor;
}

void to_json(Json& j, const PrintedLabels& p) {
  j = {{"format", p.format},
       {"out", p.out},
       {"labels", p.labels},
       {"pages", p.pages},
       {"files", p.files},
       {"omitted", p.omitted},
       {"run", p.run},
       {"destination", p.destination}};
  if (p.sent_through) {
    j["first_serial"] = p.first_serial.value_or(0);
    j["sent_through"] = *p.sent_through;
  }
}

Result<MintedCodes> MintUnitCodes(Store& store, const MintRequest& req) {
  // Each number is checked alone first, so that the sum below cannot overflow and a hostile
  // request is refused before the write lock is taken.
  if (req.count < 0 || req.spare < 0 || !SumWithin(req.count, req.spare, kMaxMintCodes) ||
      req.count + req.spare == 0)
    return Status::Invalid("发码数量（--count 加 --spare）应为 1 到 1000 万之间：count " +
                               std::to_string(req.count) + "，spare " + std::to_string(req.spare),
                           "mint between 1 and 10,000,000 codes (count plus spare): count " +
                               std::to_string(req.count) + ", spare " + std::to_string(req.spare))
        .with_reason("mint-count");
  MintedCodes out;
  Status s = store.Transact([&]() -> Status {
    auto lot = FindLot(store, req.lot_code);
    if (!lot.ok()) return lot.status();
    if (lot->recalled) return RefuseRecalled(req.lot_code);
    auto counts = CountUnits(store.db(), lot->id);
    if (!counts.ok()) return counts.status();
    int64_t regular = counts->units - counts->spares;
    if (!SumWithin(regular, req.count, lot->units))
      return Status::Invalid("批次共 " + std::to_string(lot->units) + " 件，已发 " +
                                 std::to_string(regular) + " 个码，最多还能发 " +
                                 std::to_string(lot->units - regular) +
                                 " 个；补打损坏的标签请用 --spare",
                             "the lot has " + std::to_string(lot->units) + " units and " +
                                 std::to_string(regular) + " codes already; at most " +
                                 std::to_string(lot->units - regular) +
                                 " more. Use --spare for replacement labels")
          .with_reason("units-exceeded");
    // Spares replace damaged labels: a tenth of the lot (at least one) over all its mints.
    const int64_t max_spares = SpareLimit(lot->units);
    if (!SumWithin(counts->spares, req.spare, max_spares)) {
      const int64_t left = std::max<int64_t>(0, max_spares - counts->spares);
      return Status::Invalid(
                 "备用码最多为批次件数的 10%（至少 1 个）：批次共 " + std::to_string(lot->units) +
                     " 件，备用码上限 " + std::to_string(max_spares) + " 个，已有 " +
                     std::to_string(counts->spares) + " 个，最多还能发 " + std::to_string(left) +
                     " 个",
                 "spares are at most 10% of the lot's units (at least 1): the lot "
                 "has " +
                     std::to_string(lot->units) + " units, so " + std::to_string(max_spares) +
                     " spares, " + std::to_string(counts->spares) + " already; at most " +
                     std::to_string(left) + " more")
          .with_reason("spares-exceeded");
    }
    auto writer = UnitWriter::Open(store.db(), lot->id);
    if (!writer.ok()) return writer.status();
    int64_t first = (*writer)->next_serial();
    // The event commits to every code minted without listing a million of them.
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> sha(EVP_MD_CTX_new(), EVP_MD_CTX_free);
    EVP_DigestInit_ex(sha.get(), EVP_sha256(), nullptr);
    std::vector<std::string> batch;
    for (int pass = 0; pass < 2; ++pass) {
      int64_t n = pass == 0 ? req.count : req.spare;
      for (int64_t done = 0; done < n;) {
        batch.clear();
        for (; done < n && batch.size() < 10000; ++done) {
          batch.push_back(MintUnitCode());
          EVP_DigestUpdate(sha.get(), batch.back().data(), batch.back().size());
        }
        if (Status st = (*writer)->Add(batch, pass == 1); !st.ok()) return st;
      }
    }
    unsigned char md[32];
    unsigned int md_len = 0;
    EVP_DigestFinal_ex(sha.get(), md, &md_len);
    out = {req.lot_code,
           first,
           (*writer)->next_serial() - 1,
           req.count,
           req.spare,
           HexEncode(std::string(reinterpret_cast<char*>(md), md_len)),
           req.actor,
           0};
    Json event = out;
    event.erase("event_index");  // the event's own index is not known until it is appended
    auto ev = store.AppendEvent("units.minted", event);
    if (!ev.ok()) return ev.status();
    out.event_index = *ev;
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return out;
}

namespace {

const char* FormatName(LabelFormat f) {
  static const char* kNames[] = {"svg", "png", "pdf", "zpl", "tspl"};
  return kNames[static_cast<int>(f)];
}

// What --resume repeats, as the print run records it (integers and strings: it is logged).
Json OptionsRecord(const PrintRequest& r) {
  Json o = {{"size", FormatLabelSize(r.options.label)},
            {"dpi", r.options.label.dpi},
            {"ecc", std::string(1, EccLetter(r.options.ecc))},
            {"copies", r.options.copies},
            {"offline_signed", r.offline_signed}};
  if (!r.hgz.empty()) o["hgz"] = r.hgz;
  if (r.options.sheet)
    o["sheet"] = "a4:" + std::to_string(r.options.sheet->cols) + "x" +
                 std::to_string(r.options.sheet->rows);
  return o;
}

bool IsPrinterDestination(const std::string& destination) {
  return destination.rfind("tcp://", 0) == 0 || destination.rfind("device:", 0) == 0;
}

// Turns `req` into the rest of print run `req->resume`; sets `resumes`.
Status ApplyResume(Store& store, PrintRequest* req) {
  auto run = GetPrintRun(store, req->resume);
  if (!run.ok()) return run.status();
  const std::string id = std::to_string(run->id);
  if (!IsPrinterDestination(run->destination))
    return Status::Invalid("打印任务 " + id + " 是写文件（" + run->destination +
                               "），文件要么完整写出、要么不留下，无需续打；需要时请重新打印",
                           "print run " + id + " wrote a file (" + run->destination +
                               "), which is written whole or not at all: nothing to resume")
        .with_reason("resume-not-printer");
  if (run->lot_only)
    return Status::Invalid("打印任务 " + id + " 只打印一个批次码标签，请直接重新打印",
                           "print run " + id + " printed one lot-code label: print it again")
        .with_reason("resume-lot-only");
  if (int64_t later = ResumedBy(store, run->id))
    return Status::Conflict("打印任务 " + id + " 已由任务 " + std::to_string(later) +
                                " 续打过；如仍未打完，请续打最新的任务：--resume " +
                                std::to_string(later),
                            "print run " + id + " was already resumed by run " +
                                std::to_string(later) + "; resume the latest: --resume " +
                                std::to_string(later))
        .with_reason("resume-taken");
  const int64_t from = run->ended() ? *run->sent_through + 1 : run->first_serial;
  if (from > run->last_serial)
    return Status::Conflict("打印任务 " + id + " 的标签已全部确认送达，无需续打",
                            "print run " + id + " delivered every label: nothing to resume")
        .with_reason("resume-complete");
  const Json& o = run->options;
  auto format = ParseLabelFormat(run->format);
  if (!format.ok()) return format.status();
  auto geometry = ParseLabelGeometry(o.value("size", ""), o.value("dpi", 0));
  if (!geometry.ok()) return geometry.status();
  auto ecc = ParseEccLevel(o.value("ecc", ""));
  if (!ecc.ok()) return ecc.status();
  req->lot_code = run->lot_code;
  req->lot_only = false;
  req->from = from;
  req->to = run->last_serial;
  req->format = *format;
  req->options.label = *geometry;
  req->options.ecc = *ecc;
  req->options.copies = o.value("copies", 1);
  req->options.sheet.reset();
  req->offline_signed = o.value("offline_signed", false);
  if (req->printer.empty())
    req->printer = run->destination.rfind("device:", 0) == 0 ? run->destination.substr(7)
                                                             : run->destination;
  return Status::Ok();
}

std::string Range(int64_t a, int64_t b) {
  return a == b ? std::to_string(a) : std::to_string(a) + "–" + std::to_string(b);
}

// The failure of a printer run, saying which serials surely reached the printer, which may
// have and which were not sent, and how to go on.
Status Interrupted(const Status& why, int64_t run, bool lot_only, int64_t first, int64_t last,
                   uint64_t confirmed, uint64_t written) {
  const std::string id = std::to_string(run);
  std::string zh = "打印中断：" + why.zh() + "。打印任务 " + id + "：",
              en = "printing stopped: " + why.en() + ". Print run " + id + ": ";
  if (lot_only) {
    zh += confirmed ? "批次码标签已确认送达打印机。" : "批次码标签未确认送达，请检查后重新打印。";
    en += confirmed ? "the lot-code label surely reached the printer."
                    : "the lot-code label is not sure to have reached the printer; check and "
                      "print it again.";
    return Status::Io(zh, en).with_reason("printer-interrupted");
  }
  const int64_t sure_end = first + static_cast<int64_t>(confirmed) - 1;
  const int64_t sent_end = first + static_cast<int64_t>(written) - 1;
  if (confirmed > 0) {
    zh += "序号 " + Range(first, sure_end) + " 已确认送达打印机；";
    en += "serials " + Range(first, sure_end) + " surely reached the printer; ";
  } else {
    zh += "没有标签确认送达打印机；";
    en += "no label surely reached the printer; ";
  }
  if (sent_end > sure_end) {
    zh += "序号 " + Range(sure_end + 1, sent_end) + " 已发出但打印机未确认收到，可能已打印也可能没有；";
    en += "serials " + Range(sure_end + 1, sent_end) +
          " were sent but not acknowledged: they may or may not have printed; ";
  }
  if (last > sent_end) {
    zh += "序号 " + Range(sent_end + 1, last) + " 未发出。";
    en += "serials " + Range(sent_end + 1, last) + " were not sent. ";
  } else {
    zh += "没有未发出的标签。";
    en += "every label was sent. ";
  }
  zh += "排除故障后继续：agritrace label print --resume " + id + "（从序号 " +
        std::to_string(sure_end + 1) + " 开始" +
        (sent_end > sure_end ? "；序号 " + Range(sure_end + 1, sent_end) +
                                   " 若已打出会再打一次，请撕掉重复的"
                             : std::string()) +
        "）";
  en += "Clear the fault and go on with agritrace label print --resume " + id +
        " (it starts at serial " + std::to_string(sure_end + 1) +
        (sent_end > sure_end ? "; serials " + Range(sure_end + 1, sent_end) +
                                   " print twice if they already printed: remove the duplicates"
                             : std::string()) +
        ")";
  return Status::Io(zh, en).with_reason("printer-interrupted");
}

}  // namespace

Result<std::pair<int64_t, int64_t>> MintedRange(Store& store, int64_t lot_id,
                                                 const std::string& lot_code, int64_t from,
                                                 int64_t to) {
  auto counts = CountUnits(store.db(), lot_id);
  if (!counts.ok()) return counts.status();
  if (counts->units == 0)
    return Status::Invalid("批次 " + FormatLotCode(lot_code) +
                               " 还没有发码；先运行 agritrace label mint --lot " +
                               FormatLotCode(lot_code) + " --count N（打印时也可用 --lot-only 打印批次码）",
                           "lot " + FormatLotCode(lot_code) +
                               " has no unit codes yet; run agritrace label mint first (or print "
                               "one lot-code label with --lot-only)")
        .with_reason("no-units");
  const int64_t first = from ? from : 1, last = to ? to : counts->units;
  if (first < 1 || last < first || last > counts->units)
    return Status::Invalid("序号范围 " + std::to_string(first) + "–" + std::to_string(last) +
                               " 不对：本批次已发码 1–" + std::to_string(counts->units),
                           "serial range " + std::to_string(first) + "-" + std::to_string(last) +
                               " is outside the minted codes 1-" + std::to_string(counts->units))
        .with_reason("serial-range");
  return std::make_pair(first, last);
}

Result<std::unique_ptr<OrganicCodeReader>> OrganicCodesFor(Store& store, int64_t lot_id,
                                                           const std::string& lot_code,
                                                           int64_t first, int64_t last) {
  Result<std::string> cert = OrganicCertificate(store.db(), lot_id);
  if (!cert.ok()) return cert.status();
  if (cert->empty()) return std::unique_ptr<OrganicCodeReader>();
  Result<int64_t> missing = CountUnitsWithoutOrganicCode(store.db(), lot_id, first, last);
  if (!missing.ok()) return missing.status();
  if (*missing > 0) {
    const std::string range = std::to_string(first) + "–" + std::to_string(last);
    const std::string lot_text = FormatLotCode(lot_code);
    return Status::Invalid("序号 " + range + " 中有 " + std::to_string(*missing) +
                               " 个追溯码还没有有机码：有机产品（证书 " + *cert +
                               "）的每个标签都要印有机码；先运行 agritrace label "
                               "organic-codes --lot " +
                               lot_text + " 有机码清单文件",
                           std::to_string(*missing) + " unit codes of serials " + range +
                               " have no 有机码 (organic code), which every label of an "
                               "organic product (certificate " +
                               *cert +
                               ") must carry; load the certifier's list first: agritrace "
                               "label organic-codes --lot " +
                               lot_text + " FILE")
        .with_reason("organic-code-missing");
  }
  return OrganicCodeReader::Open(store.db(), lot_id, first, last);
}

std::string FormatLabelSize(const LabelGeometry& g) {
  auto mm = [](double v) {
    char buf[32];
    snprintf(buf, sizeof buf, "%.3f", v);
    std::string s = buf;
    while (s.back() == '0') s.pop_back();
    if (s.back() == '.') s.pop_back();
    return s;
  };
  return mm(g.width_mm) + "x" + mm(g.height_mm);
}

Result<PrintedLabels> PrintLabels(Store& store, const PrintRequest& request) {
  PrintRequest req = request;
  if (req.resume)
    if (Status s = ApplyResume(store, &req); !s.ok()) return s;
  std::optional<PrinterAddress> printer;
  if (!req.printer.empty()) {
    if (req.format != LabelFormat::kZpl && req.format != LabelFormat::kTspl)
      return Status::Invalid("直接发送到打印机只支持 --format tspl（TSC/佳博/芯烨）或 zpl（斑马）",
                             "sending to a printer takes --format tspl (TSC, Gprinter, Xprinter) "
                             "or zpl (Zebra)")
          .with_reason("printer-format");
    if (!req.out.empty())
      return Status::Invalid("--printer 与 --out 只能选一个", "give --printer or --out, not both")
          .with_reason("printer-and-out");
    auto address = ParsePrinterAddress(req.printer);
    if (!address.ok()) return address.status();
    printer = *address;
  }
  auto lot = FindLot(store, req.lot_code);
  if (!lot.ok()) return lot.status();
  if (lot->recalled) return RefuseRecalled(req.lot_code);
  std::string base = store.Meta("base_url");
  std::optional<SigningKey> signer;
  if (req.offline_signed) {
    if (req.lot_only)
      return Status::Invalid("离线签名只用于单品码标签，不能与 --lot-only 同用",
                             "offline signatures are for unit labels; drop --lot-only")
          .with_reason("offline-lot-only");
    auto key = CurrentSigningKey(store);
    if (!key.ok()) return key.status();
    signer = std::move(key).value();
  }
  std::string hgz_number;  // normalised, checked to be this lot's
  if (!req.hgz.empty()) {
    if (!req.lot_only)
      return Status::Invalid("合格证二维码只能印在批次码标签上（命令行加 --lot-only，接口加 "
                             "lot_only=true）：单品标签的二维码是各自的单品码",
                             "a certificate's QR goes on the lot-code label only (--lot-only, or "
                             "lot_only=true in the API): a unit label's QR is its own unit code")
          .with_reason("hgz-lot-only");
    auto number = NormalizeHgzNumber(req.hgz);
    if (!number.ok()) return number.status();
    auto hgz = GetHgz(store, *number);
    if (!hgz.ok()) return hgz.status();
    const std::string of_lot = hgz->record.value("lot", "");
    if (of_lot != req.lot_code)
      return Status::Invalid("合格证 " + *number + " 是批次 " + FormatLotCode(of_lot) +
                                 " 的，不是批次 " + FormatLotCode(req.lot_code) +
                                 " 的；本批次的合格证见控制台的合格证页，或 agritrace hgz list --lot " +
                                 FormatLotCode(req.lot_code),
                             "certificate " + *number + " belongs to lot " + FormatLotCode(of_lot) +
                                 ", not " + FormatLotCode(req.lot_code) +
                                 "; this lot's are on the console's certificate page, or in "
                                 "agritrace hgz list --lot " + FormatLotCode(req.lot_code))
          .with_reason("hgz-other-lot");
    hgz_number = *number;
    req.hgz = hgz_number;  // the print run records it as the certificate shows it
  }
  const Json& record = lot->record;
  std::string gtin = record["product"].value("gtin", "");

  int64_t first = 1, last = 0;
  if (!req.lot_only) {
    auto range = MintedRange(store, lot->id, req.lot_code, req.from, req.to);
    if (!range.ok()) return range.status();
    std::tie(first, last) = *range;
  }

  // Copies multiply the labels written (SVG/PNG/PDF pages): bound the product before any file.
  const int64_t serials = req.lot_only ? 1 : last - first + 1;
  if (req.options.copies > 0 && !ProductWithin(serials, req.options.copies, kMaxPrintLabels))
    return Status::Invalid("一次最多打印 1000 万张标签：" + std::to_string(serials) + " 个序号 × " +
                               std::to_string(req.options.copies) +
                               " 份超出了；请用 --from/--to 分几次打印或减少 --copies",
                           "at most 10,000,000 labels a print job: " + std::to_string(serials) +
                               " serials x " + std::to_string(req.options.copies) +
                               " copies is more; print in parts with --from/--to or fewer "
                               "--copies")
        .with_reason("print-too-many");

  // Every unit label of an organic lot carries its own 有机码: refuse before anything is written
  // when one of the range has none.
  std::unique_ptr<OrganicCodeReader> organic;
  if (!req.lot_only) {
    auto reader = OrganicCodesFor(store, lot->id, req.lot_code, first, last);
    if (!reader.ok()) return reader.status();
    organic = std::move(reader).value();
  }

  // Files are written under a temporary name and renamed when complete; folders keep a list of
  // what was written. Either way a failure leaves nothing behind. A printer gets the bytes as
  // they are rendered, once the run is recorded.
  std::unique_ptr<std::ofstream> file;
  std::unique_ptr<RecordingSink> sink;
  std::unique_ptr<PrinterConnection> connection;
  std::unique_ptr<PrinterStream> printer_stream;
  std::unique_ptr<std::ostream> printer_out;
  std::unique_ptr<LabelRenderer> renderer;
  std::string part = req.out + ".part";
  bool folder = req.format == LabelFormat::kSvg || req.format == LabelFormat::kPng;
  bool made_dir = false;
  if (printer) {
    folder = false;
    auto opened = PrinterConnection::Open(*printer, req.printer_timeout_seconds, req.stop);
    if (!opened.ok()) return opened.status();
    connection = std::move(opened).value();
    printer_stream = std::make_unique<PrinterStream>(connection.get());
    printer_out = std::make_unique<std::ostream>(printer_stream.get());
    std::unique_ptr<PrinterRenderer> r;
    if (req.format == LabelFormat::kZpl)
      r = std::make_unique<ZplRenderer>(req.options, printer_out.get());
    else
      r = std::make_unique<TsplRenderer>(req.options, printer_out.get());
    r->OnLabelWritten([s = printer_stream.get()] { s->LabelEnd(); });
    renderer = std::move(r);
  } else if (folder) {
    made_dir = mkdir(req.out.c_str(), 0755) == 0;
    if (!made_dir && errno != EEXIST)
      return Status::Io("无法创建输出目录 " + req.out, "cannot create output folder " + req.out);
    sink = std::make_unique<RecordingSink>(req.out);
    if (req.format == LabelFormat::kSvg)
      renderer = std::make_unique<SvgRenderer>(req.options, sink.get());
    else
      renderer = std::make_unique<PngRenderer>(req.options, sink.get());
  } else {
    file = std::make_unique<std::ofstream>(part, std::ios::binary | std::ios::trunc);
    if (!*file) return Status::Io("无法写入 " + req.out, "cannot write " + req.out);
    if (req.format == LabelFormat::kPdf)
      renderer = std::make_unique<PdfRenderer>(req.options, file.get());
    else if (req.format == LabelFormat::kZpl)
      renderer = std::make_unique<ZplRenderer>(req.options, file.get());
    else
      renderer = std::make_unique<TsplRenderer>(req.options, file.get());
  }
  Status s = renderer->Begin();
  LabelContent content = BaseContent(*lot, req.lot_code);
  uint64_t total = static_cast<uint64_t>(serials);

  // The run is recorded once the options are known good and before any label leaves.
  int64_t run = 0;
  std::string destination =
      printer ? printer->Text()
              : !req.destination.empty() ? req.destination
                                         : "file:" + std::filesystem::absolute(req.out).string();
  if (s.ok() && req.record) {
    PrintRunStart start{req.lot_code, req.lot_only, req.lot_only ? 0 : first,
                        req.lot_only ? 0 : last,  FormatName(req.format), OptionsRecord(req),
                        destination,  req.actor,  req.resume};
    auto started = StartPrintRun(store, start);
    if (started.ok()) {
      run = *started;
      if (printer_stream) printer_stream->Arm();
    } else {
      s = started.status();
    }
  }
  uint64_t reported = 0;
  if (printer_stream && req.progress)
    printer_stream->on_progress = [&](uint64_t done) {
      if (done != reported) req.progress(reported = done, total);
    };

  if (!s.ok()) {
    // Refused before the first label (size, sheet) or not recorded: fall through to the
    // clean-up below.
  } else if (req.lot_only) {
    content.qr_text = LotUrl(base, req.lot_code);
    content.code_display = FormatLotCode(req.lot_code);
    if (!hgz_number.empty()) {  // the certificate's QR and title; its page leads to the lot
      content.qr_text = HgzUrl(base, hgz_number);
      content.code_display = hgz_number;  // under the QR, as the code it carries
      // The title prominent, as the rules ask of a merged mark: it takes the largest line, the
      // product moves to the next (in place of the brand, which is the least kept line).
      content.brand = content.product_name;
      content.product_name = std::string(kHgzTitle);
    }
    s = renderer->Add(content);
  } else {
    uint64_t done = 0;
    Status each = ForEachUnit(store.db(), lot->id, first, last, [&](const UnitRow& u) {
      if (req.stop && req.stop()) {
        s = Status::Io("已按要求停止", "stopped as asked").with_reason("printer-stopped");
        return false;
      }
      if (signer)
        content.qr_text = OfflineLabelUrl(
            base, SignOfflineLabel(base, req.lot_code, u.serial, signer->kid, signer->key));
      else
        content.qr_text = gtin.empty() ? UnitUrl(base, u.code)
                                       : Gs1DigitalLinkUrl(base, gtin, req.lot_code, u.code);
      content.code_display = FormatUnitCode(u.code);
      if (organic) {
        Result<std::string> code = organic->For(u.serial);
        if (!code.ok()) {
          s = code.status();
          return false;
        }
        content.organic_code = std::move(code).value();
      }
      s = renderer->Add(content);
      if (!printer && req.progress && (++done % 1000 == 0 || done == total))
        req.progress(done, total);
      return s.ok();
    });
    if (s.ok()) s = each;
  }
  if (s.ok()) s = renderer->Finish();
  if (printer_stream) {
    if (s.ok()) s = printer_stream->Finish();
    // The connection's own failure says more than the renderer's "writing failed".
    if (!printer_stream->status().ok()) s = printer_stream->status();
    std::vector<std::string> omitted(renderer->omitted().begin(), renderer->omitted().end());
    renderer.reset();
    const uint64_t confirmed = s.ok() ? total : printer_stream->labels_confirmed();
    const uint64_t written = s.ok() ? total : printer_stream->labels_written();
    if (!s.ok()) connection->Abort();
    if (!run) return s;
    const int64_t sent_through =
        req.lot_only ? (confirmed ? 1 : 0) : first - 1 + static_cast<int64_t>(confirmed);
    auto ended = EndPrintRun(store, run, s.ok() ? PrintOutcome::kComplete
                                                : PrintOutcome::kInterrupted,
                             sent_through);
    if (!s.ok()) return Interrupted(s, run, req.lot_only, first, last, confirmed, written);
    if (!ended.ok()) return ended.status();
    if (req.progress && reported != total) req.progress(total, total);
    return PrintedLabels{FormatName(req.format),
                         destination,
                         total * static_cast<uint64_t>(req.options.copies),
                         0,
                         0,
                         std::move(omitted),
                         run,
                         destination,
                         req.lot_only ? 0 : first,
                         sent_through};
  }
  if (s.ok() && file && !file->flush())
    s = Status::Io("写入 " + req.out + " 失败（磁盘满？）",
                   "writing " + req.out + " failed (disk full?)");
  std::vector<std::string> omitted(renderer->omitted().begin(), renderer->omitted().end());
  if (!s.ok()) renderer.reset();  // it may still write to `file` while it closes
  if (file) {
    file.reset();
    if (s.ok() && rename(part.c_str(), req.out.c_str()) != 0)
      s = Status::Io("无法写入 " + req.out, "cannot write " + req.out);
    if (!s.ok()) unlink(part.c_str());
  }
  if (!s.ok()) {
    if (sink) sink->Discard(made_dir);
    // A recorded run that left nothing behind sent nothing.
    if (run) EndPrintRun(store, run, PrintOutcome::kFailed, req.lot_only ? 0 : first - 1);
    return s;
  }
  if (run) {
    auto ended = EndPrintRun(store, run, PrintOutcome::kComplete, req.lot_only ? 1 : last);
    if (!ended.ok()) return ended.status();
  }
  uint64_t labels = total * static_cast<uint64_t>(req.options.copies);
  uint64_t per_page = req.options.sheet
                          ? static_cast<uint64_t>(req.options.sheet->cols * req.options.sheet->rows)
                          : 1;
  uint64_t pages = req.options.sheet ? (labels + per_page - 1) / per_page
                                     : (req.format == LabelFormat::kPdf ? labels : 0);
  return PrintedLabels{FormatName(req.format),
                       req.out,
                       labels,
                       pages,
                       folder ? (req.options.sheet ? pages : labels) : 1,
                       std::move(omitted),
                       run,
                       destination,
                       std::nullopt,
                       std::nullopt};
}

}  // namespace agritrace::labeler
