#include "agritrace/labeler/code_export.h"

#include <openssl/evp.h>
#include <unistd.h>
#include <zip.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <memory>

#include "agritrace/labeler/code_url.h"
#include "agritrace/labeler/label_job.h"
#include "agritrace/labeler/lot_code.h"
#include "agritrace/labeler/unit_code.h"
#include "agritrace/registry/checked_math.h"
#include "agritrace/registry/code_exports.h"
#include "agritrace/registry/encoding.h"
#include "agritrace/registry/lots.h"
#include "agritrace/registry/organic_codes.h"
#include "agritrace/registry/unit_store.h"
#include "agritrace/registry/users.h"

namespace agritrace::labeler {
namespace {

enum class CodeFileFormat { kCsv, kTxt, kZip };

Result<CodeFileFormat> FormatOf(const std::string& out) {
  auto ends = [&](const char* ext) {
    const std::string e = ext;
    if (out.size() <= e.size()) return false;
    std::string tail = out.substr(out.size() - e.size());
    for (char& c : tail) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return tail == e;
  };
  if (ends(".csv")) return CodeFileFormat::kCsv;
  if (ends(".txt")) return CodeFileFormat::kTxt;
  if (ends(".zip")) return CodeFileFormat::kZip;
  return Status::Invalid("码包文件名应以 .csv、.txt 或 .zip（加密）结尾：" + out,
                         "the code file must end in .csv, .txt or .zip (encrypted): " + out)
      .with_reason("export-format");
}

// The rows of a code file, produced a few at a time so that a million codes take no memory.
class CodeRows {
 public:
  CodeRows(std::unique_ptr<UnitCursor> units, std::unique_ptr<OrganicCodeReader> organic,
           std::string base, std::string gtin, std::string lot, bool csv)
      : units_(std::move(units)),
        organic_(std::move(organic)),
        base_(std::move(base)),
        gtin_(std::move(gtin)),
        lot_(std::move(lot)),
        csv_(csv) {}

  // Appends rows to `out` until it holds at least `want` bytes or the rows end; false at the
  // end. Status on a database failure.
  Result<bool> Fill(std::string* out, size_t want) {
    if (!started_) {
      started_ = true;
      if (csv_)
        *out += std::string("\xEF\xBB\xBF") + "serial,code,code_printed,url" +
                (organic_ ? ",organic_code" : "") + "\r\n";
    }
    UnitRow u;
    while (out->size() < want) {
      Result<bool> more = units_->Next(&u);
      if (!more.ok()) return more.status();
      if (!*more) return false;
      ++rows_;
      const std::string url =
          gtin_.empty() ? UnitUrl(base_, u.code) : Gs1DigitalLinkUrl(base_, gtin_, lot_, u.code);
      if (!csv_) {
        *out += url + "\r\n";
        continue;
      }
      *out += std::to_string(u.serial) + "," + u.code + "," + FormatUnitCode(u.code) + "," + url;
      if (organic_) {
        Result<std::string> code = organic_->For(u.serial);
        if (!code.ok()) return code.status();
        *out += "," + *code;
      }
      *out += "\r\n";
    }
    return true;
  }
  int64_t rows() const { return rows_; }

 private:
  std::unique_ptr<UnitCursor> units_;
  std::unique_ptr<OrganicCodeReader> organic_;
  std::string base_, gtin_, lot_;
  bool csv_;
  bool started_ = false;
  int64_t rows_ = 0;
};

// What ExportCodes needs to make the rows again (a zip archive may open its entry twice).
struct RowSource {
  Store* store;
  int64_t lot_id, first, last;
  bool organic;
  std::string base, gtin, lot;
  Result<std::unique_ptr<CodeRows>> Open(bool csv) const {
    auto units = UnitCursor::Open(store->db(), lot_id, first, last);
    if (!units.ok()) return units.status();
    std::unique_ptr<OrganicCodeReader> reader;
    if (organic && csv) {
      auto r = OrganicCodeReader::Open(store->db(), lot_id, first, last);
      if (!r.ok()) return r.status();
      reader = std::move(r).value();
    }
    return std::make_unique<CodeRows>(std::move(units).value(), std::move(reader), base, gtin, lot,
                                      csv);
  }
};

constexpr size_t kBlock = 64 * 1024;

Status WritePlain(const RowSource& src, bool csv, std::ofstream& out, int64_t* rows) {
  auto gen = src.Open(csv);
  if (!gen.ok()) return gen.status();
  std::string block;
  for (;;) {
    block.clear();
    Result<bool> more = (*gen)->Fill(&block, kBlock);
    if (!more.ok()) return more.status();
    out.write(block.data(), static_cast<std::streamsize>(block.size()));
    if (!*more) break;
  }
  *rows = (*gen)->rows();
  return Status::Ok();
}

// libzip pulls the CSV through this source: no plain copy of the codes touches the disk.
struct ZipFeed {
  const RowSource* src;
  std::unique_ptr<CodeRows> rows;
  std::string buf;
  size_t pos = 0;
  bool done = false;
  Status status;
  zip_error_t error;
  int64_t count = 0;
};

zip_int64_t FeedCallback(void* user, void* data, zip_uint64_t len, zip_source_cmd_t cmd) {
  auto* f = static_cast<ZipFeed*>(user);
  switch (cmd) {
    case ZIP_SOURCE_OPEN: {
      auto rows = f->src->Open(true);
      if (!rows.ok()) {
        f->status = rows.status();
        zip_error_set(&f->error, ZIP_ER_READ, 0);
        return -1;
      }
      f->rows = std::move(rows).value();
      f->buf.clear();
      f->pos = 0;
      f->done = false;
      return 0;
    }
    case ZIP_SOURCE_READ: {
      while (!f->done && f->buf.size() - f->pos < len) {
        f->buf.erase(0, f->pos);
        f->pos = 0;
        Result<bool> more = f->rows->Fill(&f->buf, std::max<size_t>(kBlock, len));
        if (!more.ok()) {
          f->status = more.status();
          zip_error_set(&f->error, ZIP_ER_READ, 0);
          return -1;
        }
        f->done = !*more;
      }
      const size_t n = std::min<size_t>(len, f->buf.size() - f->pos);
      memcpy(data, f->buf.data() + f->pos, n);
      f->pos += n;
      return static_cast<zip_int64_t>(n);
    }
    case ZIP_SOURCE_CLOSE:
      if (f->rows) f->count = f->rows->rows();
      return 0;
    case ZIP_SOURCE_STAT: {
      auto* st = static_cast<zip_stat_t*>(data);
      zip_stat_init(st);
      st->mtime = time(nullptr);
      st->valid |= ZIP_STAT_MTIME;
      return sizeof(zip_stat_t);
    }
    case ZIP_SOURCE_ERROR:
      return zip_error_to_data(&f->error, data, len);
    case ZIP_SOURCE_FREE:
      return 0;
    case ZIP_SOURCE_SUPPORTS:
      return zip_source_make_command_bitmap(ZIP_SOURCE_OPEN, ZIP_SOURCE_READ, ZIP_SOURCE_CLOSE,
                                            ZIP_SOURCE_STAT, ZIP_SOURCE_ERROR, ZIP_SOURCE_FREE, -1);
    default:
      zip_error_set(&f->error, ZIP_ER_OPNOTSUPP, 0);
      return -1;
  }
}

Status WriteZip(const RowSource& src, const std::string& path, const std::string& entry,
                const std::string& password, int64_t* rows) {
  auto failed = [&](const std::string& why) {
    return Status::Io("写加密压缩包失败：" + why, "writing the encrypted zip failed: " + why);
  };
  int err = 0;
  zip_t* za = zip_open(path.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &err);
  if (!za) return failed("zip_open " + std::to_string(err));
  ZipFeed feed{&src, nullptr, {}, 0, false, Status::Ok(), {}, 0};
  zip_error_init(&feed.error);
  zip_source_t* source = zip_source_function(za, FeedCallback, &feed);
  zip_int64_t index = source ? zip_file_add(za, entry.c_str(), source, ZIP_FL_ENC_UTF_8) : -1;
  if (index < 0) {
    if (source) zip_source_free(source);
    std::string why = zip_strerror(za);
    zip_discard(za);
    zip_error_fini(&feed.error);
    return failed(why);
  }
  if (zip_file_set_encryption(za, static_cast<zip_uint64_t>(index), ZIP_EM_AES_256,
                              password.c_str()) != 0) {
    std::string why = zip_strerror(za);
    zip_discard(za);
    zip_error_fini(&feed.error);
    return failed(why);
  }
  Status s = Status::Ok();
  if (zip_close(za) != 0) {
    s = feed.status.ok() ? failed(zip_strerror(za)) : feed.status;
    zip_discard(za);
  }
  zip_error_fini(&feed.error);
  *rows = feed.count;
  return s;
}

Result<std::pair<std::string, int64_t>> HashFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::Io("读不回写出的文件 " + path, "cannot read back " + path);
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> sha(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  EVP_DigestInit_ex(sha.get(), EVP_sha256(), nullptr);
  char buf[64 * 1024];
  int64_t bytes = 0;
  while (in.read(buf, sizeof buf) || in.gcount() > 0) {
    EVP_DigestUpdate(sha.get(), buf, static_cast<size_t>(in.gcount()));
    bytes += in.gcount();
  }
  unsigned char md[32];
  unsigned int len = 0;
  EVP_DigestFinal_ex(sha.get(), md, &len);
  return std::make_pair(HexEncode(std::string(reinterpret_cast<char*>(md), len)), bytes);
}

}  // namespace

void to_json(Json& j, const ExportedCodes& e) {
  j = e.recorded;
  j["rows"] = e.rows;
}

Result<ExportedCodes> ExportCodes(Store& store, const ExportRequest& req) {
  auto format = FormatOf(req.out);
  if (!format.ok()) return format.status();
  if (*format == CodeFileFormat::kZip) {
    if (req.password.empty())
      return Status::Invalid("加密压缩包需要密码：用 --password-stdin 从标准输入读入",
                             "an encrypted zip needs a password: give it on stdin with "
                             "--password-stdin")
          .with_reason("export-password-missing");
    if (Status s = CheckNewPassword(req.password); !s.ok()) return s;
  } else if (!req.password.empty()) {
    return Status::Invalid("只有 .zip 会加密：.csv/.txt 不用密码（发给印刷厂请用 .zip）",
                           "only a .zip is encrypted: a .csv or .txt takes no password (send "
                           "print shops the .zip)")
        .with_reason("export-password-unused");
  }
  if (req.again != !req.reason.empty())
    return Status::Invalid("--again 与 --reason 要一起给出", "give --again and --reason together")
        .with_reason("export-again-reason");
  auto lot = GetLot(store, req.lot_code);
  if (!lot.ok()) return lot.status();
  if (lot->recalled)
    return Status::Invalid(
               "批次 " + FormatLotCode(req.lot_code) + " 已召回，不能再导出码包",
               "lot " + FormatLotCode(req.lot_code) + " is recalled: no more code files")
        .with_reason("lot-recalled");
  auto lot_id = LotId(store, req.lot_code);
  if (!lot_id.ok()) return lot_id.status();
  auto range = MintedRange(store, *lot_id, req.lot_code, req.from, req.to);
  if (!range.ok()) return range.status();
  const auto [first, last] = *range;
  auto organic = OrganicCodesFor(store, *lot_id, req.lot_code, first, last);
  if (!organic.ok()) return organic.status();
  if (Status s = CheckExportAgain(store, req.lot_code, first, last, req.again, req.reason); !s.ok())
    return s;

  const Json& record = lot->record;
  RowSource src{&store,
                *lot_id,
                first,
                last,
                *organic != nullptr,
                store.Meta("base_url"),
                record["product"].value("gtin", ""),
                req.lot_code};
  const std::string part = req.out + ".part";
  int64_t rows = 0;
  Status s;
  if (*format == CodeFileFormat::kZip) {
    s = WriteZip(
        src, part,
        "codes-" + req.lot_code + "-" + std::to_string(first) + "-" + std::to_string(last) + ".csv",
        req.password, &rows);
  } else {
    std::ofstream out(part, std::ios::binary | std::ios::trunc);
    if (!out) {
      s = Status::Io("无法写入 " + req.out, "cannot write " + req.out);
    } else {
      s = WritePlain(src, *format == CodeFileFormat::kCsv, out, &rows);
      if (s.ok() && !out.flush())
        s = Status::Io("写入 " + req.out + " 失败（磁盘满？）",
                       "writing " + req.out + " failed (disk full?)");
    }
  }
  Result<std::pair<std::string, int64_t>> hash =
      s.ok() ? HashFile(part) : Result<std::pair<std::string, int64_t>>(s);
  if (!hash.ok()) {
    unlink(part.c_str());
    return hash.status();
  }
  static const char* kNames[] = {"csv", "txt", "zip"};
  CodeExport e;
  e.lot_code = req.lot_code;
  e.first_serial = first;
  e.last_serial = last;
  e.format = kNames[static_cast<int>(*format)];
  e.file = std::filesystem::absolute(req.out).string();
  e.sha256 = hash->first;
  e.bytes = hash->second;
  e.actor = req.actor;
  e.again_reason = req.reason;
  // Recorded before the file takes its name: a file that exists was recorded.
  auto recorded = RecordCodeExport(store, e, req.again);
  if (!recorded.ok()) {
    unlink(part.c_str());
    return recorded.status();
  }
  if (rename(part.c_str(), req.out.c_str()) != 0) {
    unlink(part.c_str());
    return Status::Io(
        "无法写入 " + req.out + "（导出已记录为 " + std::to_string(recorded->code_export.id) + "）",
        "cannot write " + req.out + " (export " + std::to_string(recorded->code_export.id) +
            " was recorded)");
  }
  return ExportedCodes{std::move(recorded).value(), rows};
}

}  // namespace agritrace::labeler
