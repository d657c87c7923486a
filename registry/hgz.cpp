#include "agritrace/registry/hgz.h"

#include <algorithm>
#include <map>
#include <regex>
#include <set>

#include "agritrace/registry/checked_math.h"
#include "agritrace/registry/crockford.h"
#include "agritrace/registry/dates.h"
#include "agritrace/registry/ed25519.h"
#include "agritrace/registry/encoding.h"
#include "agritrace/registry/key_ring.h"
#include "agritrace/registry/lots.h"
#include "registry/fault_injection.h"
#include "registry/signed_record_row.h"

namespace agritrace {
namespace {

constexpr size_t kMaxReportBytes = 64;

Status Refuse(std::string reason, std::string zh, std::string en) {
  return Status::Invalid(std::move(zh), std::move(en)).with_reason(std::move(reason));
}

Status HgzNotFound(const std::string& number) {
  return Status::NotFound("找不到合格证 " + number + "；请核对合格证编号",
                          "no certificate " + number + "; check the certificate number")
      .with_reason("hgz-unknown");
}


// The checks that need no database: quantity, basis and report, contact, style.
Status CheckInput(const HgzInput& in) {
  if ((in.weight_g > 0) == (in.pieces > 0) || in.weight_g < 0 || in.pieces < 0)
    return Refuse("hgz-quantity", "请给出重量（--weight-kg，大于 0）或件数（--pieces，大于 0），二者选一",
                  "give either a weight (--weight-kg, above 0) or pieces (--pieces, above 0), "
                  "not both");
  if (in.basis != "control" && in.basis != "self-test" && in.basis != "commissioned-test")
    return Refuse("hgz-basis",
                  "承诺依据应为 control（质量安全控制符合要求）、self-test（自行检测合格）或 "
                  "commissioned-test（委托检测合格）：" + in.basis,
                  "the basis must be control, self-test or commissioned-test: " + in.basis);
  if (in.basis == "control" && !in.report.empty())
    return Refuse("hgz-report", "承诺依据为质量安全控制时不填检测报告编号；检测合格请用 self-test 或 commissioned-test",
                  "a control basis takes no report number; for a test use self-test or "
                  "commissioned-test");
  if (in.basis != "control") {
    bool printable = !in.report.empty() && in.report.size() <= kMaxReportBytes;
    for (unsigned char c : in.report) printable = printable && c >= 0x20 && c != 0x7f;
    if (!printable)
      return Refuse("hgz-report",
                    "自行检测或委托检测合格须用 --report 写明检测报告编号（1 到 64 字节，不含控制字符）",
                    "a self-test or commissioned-test basis needs the test report number in "
                    "--report (1 to 64 bytes, no control characters)");
  }
  // Mainland mobile numbers, or landlines with their area code (010, 0898-…).
  static const std::regex kPhone(R"(1[3-9][0-9]{9}|0[1-9][0-9]{1,2}-?[1-9][0-9]{6,7})");
  if (!std::regex_match(in.contact, kPhone))
    return Refuse("hgz-contact",
                  "联系电话应为 11 位手机号（如 13800138000）或带区号的固定电话（如 0898-12345678）：" +
                      in.contact,
                  "the contact must be an 11-digit mobile number (e.g. 13800138000) or a "
                  "landline with its area code (e.g. 0898-12345678): " + in.contact);
  if (in.style != "producer" && in.style != "collector")
    return Refuse("hgz-style", "样式应为 producer（生产者）或 collector（收购者）：" + in.style,
                  "the style must be producer or collector: " + in.style);
  if (in.style == "producer" && !in.from.empty())
    return Refuse("hgz-from", "只有收购者（--style collector）的合格证列出收取的合格证（--from-hgz）",
                  "only a collector's certificate (--style collector) lists certificates "
                  "received (--from-hgz)");
  if (in.from.size() > kMaxReceivedHgz)
    return Refuse("hgz-from", "一张合格证最多列出 " + std::to_string(kMaxReceivedHgz) + " 张收取的合格证",
                  "a certificate lists at most " + std::to_string(kMaxReceivedHgz) +
                      " certificates received");
  return Status::Ok();
}

std::string NewNumber() {
  std::string payload = crockford::Random(9);
  return "H" + payload + crockford::CheckChar(payload);
}

}  // namespace

std::string FormatKilograms(int64_t grams) {
  std::string s = std::to_string(grams / 1000);
  if (int64_t g = grams % 1000) {
    std::string frac = std::to_string(1000 + g).substr(1);
    while (frac.back() == '0') frac.pop_back();
    s += "." + frac;
  }
  return s;
}

Result<int64_t> ParseHgzWeightKg(std::string_view text) {
  auto g = ParseKilograms(std::string(text));
  if (!g.ok() || *g == 0)
    return Refuse("hgz-quantity",
                  "重量应为大于 0 的公斤数，最多 3 位小数，如 120.5：" + std::string(text),
                  "the weight must be kilograms above 0 with up to 3 decimals, e.g. 120.5: " +
                      std::string(text));
  return *g;
}

std::string HgzBasisText(std::string_view basis) {
  if (basis == "control") return "质量安全控制符合要求";
  if (basis == "self-test") return "自行检测合格";
  if (basis == "commissioned-test") return "委托检测合格";
  return std::string(basis);
}

std::vector<HgzField> HgzFields(const Json& r) {
  std::vector<HgzField> f;
  const auto add = [&](std::string zh, std::string en, std::string vzh, std::string ven) {
    f.push_back({std::move(zh), std::move(en), std::move(vzh), std::move(ven)});
  };
  const auto same = [&](std::string zh, std::string en, const std::string& v) { add(zh, en, v, v); };
  same("编号", "Number", r.value("number", ""));
  same("产品名称", "Product", r["product"].value("name", ""));
  if (r.contains("pieces")) {
    const std::string n = std::to_string(r["pieces"].get<int64_t>());
    add("数量", "Quantity", n + " 件", n + " pieces");
  } else {
    const std::string kg = FormatKilograms(r.value("weight_g", int64_t{0}));
    add("重量", "Weight", kg + " 公斤", kg + " kg");
  }
  same("产地", "Origin", r["origin"].value("full_name", ""));
  const bool collector = r.value("style", "") == "collector";
  same(collector ? "承诺主体（收购者）" : "承诺主体（生产者）",
       collector ? "Committing party (collector)" : "Committing party (producer)",
       r["party"].value("name", ""));
  same("统一社会信用代码", "Credit code", r["party"].value("credit_code", ""));
  same("联系电话", "Contact", r.value("contact", ""));
  same("开具日期", "Issued", r.value("issued_on", ""));
  const std::string basis = r.value("basis", "");
  static const std::map<std::string, std::string> kBasisEn = {
      {"control", "quality and safety controls met"},
      {"self-test", "passed own testing"},
      {"commissioned-test", "passed commissioned testing"}};
  std::string vzh = HgzBasisText(basis), ven = kBasisEn.count(basis) ? kBasisEn.at(basis) : basis;
  if (r.contains("report")) {
    vzh += "（检测报告编号 " + r["report"].get<std::string>() + "）";
    ven += " (report " + r["report"].get<std::string>() + ")";
  }
  add("承诺依据", "Basis", vzh, ven);
  same("承诺内容", "Commitment", r.value("commitment", ""));
  if (collector) {
    std::string list;
    for (const auto& n : r.value("received", Json::array()))
      list += (list.empty() ? "" : "、") + n.get<std::string>();
    add("收取的合格证", "Certificates received", list.empty() ? "无（持其他质量安全合格证明）" : list,
        list.empty() ? "none (other quality and safety proofs held)" : list);
  }
  same("批次", "Lot", crockford::Group(r.value("lot", ""), 5));
  return f;
}

Result<std::string> NormalizeHgzNumber(std::string_view text) {
  std::string n = crockford::Normalize(text);
  bool shape = n.size() == 11 && n[0] == 'H';
  for (size_t i = 1; shape && i < n.size(); ++i) shape = crockford::Value(n[i]) >= 0;
  if (!shape)
    return Refuse("hgz-number",
                  "合格证编号应为 H 加 10 位字母数字（如 H7KQ2M-9XW40），而不是「" + std::string(text) + "」",
                  "a certificate number is H and 10 letters or digits (e.g. H7KQ2M-9XW40), not '" +
                      std::string(text) + "'");
  if (!crockford::CheckValid(std::string_view(n).substr(1)))
    return Refuse("hgz-number", "合格证编号 " + std::string(text) + " 校验位不符：有字符抄错了，请核对",
                  "certificate number " + std::string(text) +
                      " fails its check character: a character is mistyped");
  return n;
}

Result<IssuedHgz> IssueHgz(Store& store, const HgzInput& in) {
  if (Status s = CheckInput(in); !s.ok()) return s;
  std::vector<std::string> from;
  for (const auto& f : in.from) {
    auto n = NormalizeHgzNumber(f);
    if (!n.ok()) return n.status();
    if (std::find(from.begin(), from.end(), *n) != from.end())
      return Refuse("hgz-from", "收取的合格证 " + *n + " 列了两次", "certificate received " + *n +
                                                                  " is listed twice");
    from.push_back(*n);
  }
  auto key = CurrentSigningKey(store);
  if (!key.ok()) return key.status();
  IssuedHgz out;
  Status s = store.Transact([&]() -> Status {
    auto lot = GetLot(store, in.lot);
    if (!lot.ok()) return lot.status();
    if (lot->recalled)
      return Refuse("lot-recalled", "批次 " + in.lot + " 已召回，不能再开具合格证",
                    "lot " + in.lot + " is recalled: no more certificates");
    const Json& lr = lot->record;
    const int64_t lot_id = *LotId(store, in.lot);
    const int64_t total_g = lr["total_g"], net_g = lr["net_content_g"], units = lr["units"];

    // What this certificate covers, and what the lot's earlier ones do, in grams: a piece is
    // one unit of the lot's net content. Every step is checked: the inputs come from outside.
    std::optional<int64_t> covered =
        in.weight_g > 0 ? std::optional<int64_t>(in.weight_g) : CheckedMul(in.pieces, net_g);
    std::optional<int64_t> used = 0;
    sql::Statement q(store.db(), "SELECT covered_g FROM hgz WHERE lot_id = ?");
    q.Bind(1, lot_id);
    while (used && q.Step()) used = CheckedAdd(*used, q.Column(0).Int64());
    if (!used) return Status::Corruption("批次合格证的重量合计溢出", "the lot's certificate weights overflow");
    if (!covered || !SumWithin(*used, *covered, total_g)) {
      const int64_t left_g = std::max<int64_t>(0, total_g - *used);
      return Refuse("hgz-over-lot",
                    "超出批次数量：批次共 " + FormatKilograms(total_g) + " 公斤（" + std::to_string(units) +
                        " 件 × " + std::to_string(net_g) + " 克），已开合格证 " + FormatKilograms(*used) +
                        " 公斤，最多还能开 " + FormatKilograms(left_g) + " 公斤（" +
                        std::to_string(left_g / net_g) + " 件）",
                    "more than the lot holds: the lot has " + FormatKilograms(total_g) + " kg (" +
                        std::to_string(units) + " units of " + std::to_string(net_g) +
                        " g), certificates cover " + FormatKilograms(*used) + " kg already; at most " +
                        FormatKilograms(left_g) + " kg (" + std::to_string(left_g / net_g) + " units) more");
    }

    std::vector<int64_t> from_ids;
    sql::Statement fq(store.db(), "SELECT id FROM hgz WHERE number = ?");
    for (const auto& n : from) {
      fq.Reset();
      fq.Bind(1, n);
      if (!fq.Step()) return HgzNotFound(n).with_reason("hgz-from-unknown");
      from_ids.push_back(fq.Column(0).Int64());
    }

    std::string number;
    sql::Statement taken(store.db(), "SELECT 1 FROM hgz WHERE number = ?");
    do {
      number = NewNumber();
      taken.Reset();
      taken.Bind(1, number);
    } while (taken.Step());

    const Json& producer = lr["producer"];
    const std::string now = NowUtc(), today = TodayShanghai();
    Json record = {{"schema", "agritrace.hgz.v1"},
                   {"registry", store.Meta("name")},
                   {"number", number},
                   {"issued_at", now},
                   {"issued_on", today},
                   {"kid", key->kid},
                   {"lot", in.lot},
                   {"product", {{"id", lr["product"]["id"]}, {"name", lr["product"]["name"]}}},
                   {"origin", lr["origin"]},
                   {"party",
                    {{"id", producer["id"]},
                     {"name", producer["name"]},
                     {"credit_code", producer["credit_code"]}}},
                   {"contact", in.contact},
                   {"style", in.style},
                   {"commitment", std::string(in.style == "producer" ? kProducerCommitment
                                                                     : kCollectorCommitment)},
                   {"basis", in.basis},
                   {"basis_text", HgzBasisText(in.basis)},
                   {"covered_g", *covered}};
    if (in.weight_g > 0) record["weight_g"] = in.weight_g; else record["pieces"] = in.pieces;
    if (!in.report.empty()) record["report"] = in.report;
    if (in.style == "collector") record["received"] = from;
    auto canonical = CanonicalJson(record);
    if (!canonical.ok()) return canonical.status();
    const std::string signature = Base64UrlEncode(key->key.Sign(*canonical));

    auto& db = store.db();
    sql::Statement ins(db,
                       "INSERT INTO hgz(number, lot_id, org_id, style, basis, report, weight_g, "
                       "pieces, covered_g, contact, issued_on, record_json, signature, kid, "
                       "event_index, issued_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,-1,?)");
    ins.Bind(1, number);
    ins.Bind(2, lot_id);
    ins.Bind(3, producer["id"].get<int64_t>());
    ins.Bind(4, in.style);
    ins.Bind(5, in.basis);
    if (in.report.empty()) ins.Bind(6); else ins.Bind(6, in.report);
    if (in.weight_g > 0) ins.Bind(7, in.weight_g); else ins.Bind(7);
    if (in.pieces > 0) ins.Bind(8, in.pieces); else ins.Bind(8);
    ins.Bind(9, *covered);
    ins.Bind(10, in.contact);
    ins.Bind(11, today);
    ins.Bind(12, *canonical);
    ins.Bind(13, signature);
    ins.Bind(14, key->kid);
    ins.Bind(15, now);
    ins.Exec();
    const int64_t id = db.LastInsertId();
    sql::Statement rec(db, "INSERT INTO hgz_received(hgz_id, received_id) VALUES (?, ?)");
    for (int64_t r : from_ids) {
      rec.Reset();
      rec.Bind(1, id);
      rec.Bind(2, r);
      rec.Exec();
    }
    CrashPoint("hgz-issue-before-event");
    auto ev = store.AppendEvent("hgz.issued",
                                {{"record", record}, {"signature", signature}, {"kid", key->kid}});
    if (!ev.ok()) return ev.status();
    sql::Statement idx(db, "UPDATE hgz SET event_index = ? WHERE id = ?");
    idx.Bind(1, *ev);
    idx.Bind(2, id);
    idx.Exec();
    static_cast<SignedRecord&>(out) = {record, *canonical, signature, key->kid, *ev};
    out.number = number;
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return out;
}

Result<Hgz> GetHgz(Store& store, const std::string& number) {
  sql::Statement q(store.db(),
                   "SELECT lot_id, record_json, signature, kid, event_index FROM hgz "
                   "WHERE number = ?");
  q.Bind(1, number);
  if (!q.Step()) return HgzNotFound(number);
  Hgz h;
  static_cast<SignedRecord&>(h) = ReadSignedRecord(q, 1);
  h.number = number;
  auto pub = PublicKeyOf(store, h.kid);
  auto sig = Base64UrlDecode(h.signature);
  h.signature_valid = pub.ok() && sig && Ed25519Verify(*pub, h.record_canonical, *sig);
  h.lot_recalled = IsRecalled(store, q.Column(0).Int64());
  return h;
}

Result<std::vector<HgzSummary>> ListHgz(Store& store, const std::string& lot) {
  int64_t lot_id = 0;
  if (!lot.empty()) {
    auto id = LotId(store, lot);
    if (!id.ok()) return id.status();
    lot_id = *id;
  }
  sql::Statement q(store.db(),
                   "SELECT h.number, l.code, h.issued_on, h.style, h.basis, h.weight_g, "
                   "h.pieces, h.covered_g, o.name FROM hgz h JOIN lots l ON l.id = h.lot_id "
                   "JOIN organisations o ON o.id = h.org_id WHERE ? = 0 OR h.lot_id = ? "
                   "ORDER BY h.id DESC");
  q.Bind(1, lot_id);
  q.Bind(2, lot_id);
  std::vector<HgzSummary> out;
  while (q.Step()) {
    HgzSummary h;
    h.number = q.Column(0).String();
    h.lot = q.Column(1).String();
    h.issued_on = q.Column(2).String();
    h.style = q.Column(3).String();
    h.basis = q.Column(4).String();
    if (!q.Column(5).IsNull()) h.weight_g = q.Column(5).Int64();
    if (!q.Column(6).IsNull()) h.pieces = q.Column(6).Int64();
    h.covered_g = q.Column(7).Int64();
    h.party = q.Column(8).String();
    out.push_back(std::move(h));
  }
  return out;
}

void to_json(Json& j, const IssuedHgz& h) {
  j = static_cast<const SignedRecord&>(h);
  j["number"] = h.number;
}

void to_json(Json& j, const Hgz& h) {
  j = static_cast<const SignedRecord&>(h);
  j["number"] = h.number;
  j["record_canonical"] = h.record_canonical;
  j["signature_valid"] = h.signature_valid;
  j["lot_recalled"] = h.lot_recalled;
}

void to_json(Json& j, const HgzSummary& h) {
  j = {{"number", h.number}, {"lot", h.lot},        {"issued_on", h.issued_on},
       {"style", h.style},   {"basis", h.basis},    {"covered_g", h.covered_g},
       {"party", h.party}};
  if (h.weight_g) j["weight_g"] = *h.weight_g;
  if (h.pieces) j["pieces"] = *h.pieces;
}

}  // namespace agritrace
