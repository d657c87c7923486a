#include "http/label_download.h"

#include <fcntl.h>
#include <httplib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <limits>
#include <memory>

#include "agritrace/labeler/label_job.h"
#include "agritrace/registry/store.h"
#include "http/http_response.h"
#include "http/query_params.h"

namespace agritrace::http {
namespace {

namespace fs = std::filesystem;

struct FormatInfo {
  const char* extension;
  const char* content_type;
};

FormatInfo InfoOf(labeler::LabelFormat f) {
  switch (f) {
    case labeler::LabelFormat::kSvg:
      return {"svg", "image/svg+xml"};
    case labeler::LabelFormat::kPng:
      return {"png", "image/png"};
    case labeler::LabelFormat::kPdf:
      return {"pdf", "application/pdf"};
    case labeler::LabelFormat::kZpl:
      return {"zpl", "text/plain; charset=us-ascii"};  // text is drawn as ^GFA graphics
    case labeler::LabelFormat::kTspl:
      return {"tspl", "text/plain; charset=GBK"};  // TEXT lines in the printer's GBK font
  }
  return {"bin", "application/octet-stream"};
}

bool OneFilePerDocument(labeler::LabelFormat f) {
  return f == labeler::LabelFormat::kSvg || f == labeler::LabelFormat::kPng;
}

// The query as a print request, checked as `label print` checks its options.
Result<labeler::PrintRequest> ReadQuery(const httplib::Request& req, const std::string& lot_code) {
  QueryParams q(req);
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  labeler::PrintRequest p;
  p.lot_code = lot_code;
  std::string format = q.String("format", "pdf");
  std::string size = q.String("size", "50x30");
  int dpi = static_cast<int>(q.Int("dpi", 203, 1, 10000));
  std::string sheet = q.String("sheet");
  std::string ecc = q.String("ecc", "M");
  p.options.copies = static_cast<int>(q.Int("copies", 1, 1, 10000));
  p.from = q.Int("from", 0, 1, kMax);
  p.to = q.Int("to", 0, 1, kMax);
  p.lot_only = q.Bool("lot_only");
  p.hgz = q.String("hgz");
  p.offline_signed = q.Bool("offline_signed");
  if (Status s = q.Finish(); !s.ok()) return s;
  if (p.lot_only && (p.from || p.to))
    return Status::Invalid("lot_only 不能与 from/to 同用", "lot_only goes without from/to")
        .with_reason("query-parameter");
  auto fmt = labeler::ParseLabelFormat(format);
  if (!fmt.ok()) return fmt.status();
  auto geometry = labeler::ParseLabelGeometry(size, dpi);
  if (!geometry.ok()) return geometry.status();
  auto level = labeler::ParseEccLevel(ecc);
  if (!level.ok()) return level.status();
  p.format = *fmt;
  p.options.label = *geometry;
  p.options.ecc = *level;
  if (!sheet.empty()) {
    auto grid = labeler::ParseSheetGrid(sheet);
    if (!grid.ok()) return grid.status();
    p.options.sheet = *grid;
  }
  if (OneFilePerDocument(p.format)) {
    int64_t per_document = p.options.sheet ? p.options.sheet->cols * p.options.sheet->rows : 1;
    bool ranged = p.from && p.to;
    int64_t labels = p.lot_only                 ? p.options.copies
                     : ranged && p.to >= p.from ? (p.to - p.from + 1) * p.options.copies
                                                : 1;  // PrintLabels refuses a reversed range
    if ((!p.lot_only && !ranged) || labels > per_document)
      return Status::Invalid(
                 "SVG 和 PNG 每次只返回一个文件：不排版时用 from=to=序号 取一张标签（或 "
                 "lot_only=true），用 sheet 排版时所选标签（含份数）不超过一页的 列×行 个；"
                 "整批标签请用 format=pdf",
                 "SVG and PNG answer with one file: without a sheet pick one label with "
                 "from=to=SERIAL (or lot_only=true); with a sheet pick at most one page of labels, "
                 "copies included. For a whole lot use format=pdf")
          .with_reason("label-one-document");
  }
  return p;
}

// A folder under the system's temporary directory, removed with what is in it.
class TempFolder {
 public:
  TempFolder() {
    std::string tmpl = (fs::temp_directory_path() / "agritrace-labels-XXXXXX").string();
    if (mkdtemp(tmpl.data())) path_ = tmpl;
  }
  ~TempFolder() {
    std::error_code ignored;
    if (!path_.empty()) fs::remove_all(path_, ignored);
  }
  TempFolder(const TempFolder&) = delete;
  TempFolder& operator=(const TempFolder&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// An open file that the response streams from; closed when httplib drops the provider.
struct OpenFile {
  explicit OpenFile(int fd) : fd(fd) {}
  ~OpenFile() { close(fd); }
  OpenFile(const OpenFile&) = delete;
  OpenFile& operator=(const OpenFile&) = delete;
  int fd;
};

std::string FileName(const labeler::PrintRequest& p) {
  std::string name = p.lot_only ? "lot-" + p.lot_code : "labels-" + p.lot_code;
  if (p.from || p.to)
    name +=
        "-" + (p.from ? std::to_string(p.from) : "1") + "-" + (p.to ? std::to_string(p.to) : "end");
  return name + "." + InfoOf(p.format).extension;
}

Status IoFailure(const std::string& what_zh, const std::string& what_en) {
  return Status::Io("生成标签文件失败：" + what_zh, "producing the label file failed: " + what_en);
}

}  // namespace

void ServeLabelFile(const std::string& db_path, const std::string& lot_code,
                    const std::string& actor, const httplib::Request& req,
                    httplib::Response& res, bool preview) {
  auto print = ReadQuery(req, lot_code);
  if (!print.ok()) return SetStatusProblem(res, print.status(), req.path);
  TempFolder tmp;
  if (tmp.path().empty())
    return SetStatusProblem(res, IoFailure("无法创建临时目录", "cannot create a temporary folder"),
                            req.path);
  const bool folder = OneFilePerDocument(print->format);
  print->out =
      tmp.path() + (folder ? "/labels" : "/labels." + std::string(InfoOf(print->format).extension));

  print->actor = actor;
  print->destination = "download";
  print->record = !preview;
  auto store = Store::Open(db_path, OpenMode::kExisting);
  if (!store.ok()) return SetStatusProblem(res, store.status(), req.path);
  auto printed = labeler::PrintLabels(**store, *print);
  if (!printed.ok()) return SetStatusProblem(res, printed.status(), req.path);

  std::string path = print->out;
  if (folder) {
    // ReadQuery made sure the selection is one document: the folder holds one file.
    path.clear();
    for (const auto& entry : fs::directory_iterator(print->out)) path = entry.path().string();
  }
  int fd = path.empty() ? -1 : open(path.c_str(), O_RDONLY | O_CLOEXEC);
  struct stat st {};
  if (fd < 0 || fstat(fd, &st) != 0) {
    if (fd >= 0) close(fd);
    return SetStatusProblem(res, IoFailure("读不到生成的文件", "cannot read the rendered file"),
                            req.path);
  }
  // The folder goes when `tmp` does; the open descriptor keeps the bytes readable until sent.
  auto file = std::make_shared<OpenFile>(fd);
  res.status = 200;
  res.set_content_provider(static_cast<size_t>(st.st_size), InfoOf(print->format).content_type,
                           [file](size_t offset, size_t length, httplib::DataSink& sink) {
                             char buf[64 * 1024];
                             ssize_t n = pread(file->fd, buf, std::min(length, sizeof buf),
                                               static_cast<off_t>(offset));
                             if (n <= 0) return false;
                             return sink.write(buf, static_cast<size_t>(n));
                           });
  res.set_header("Content-Disposition", "attachment; filename=\"" + FileName(*print) + "\"");
  res.set_header("Cache-Control", "no-store");
  res.set_header("X-Agritrace-Print-Run", std::to_string(printed->run));
  res.set_header("X-Agritrace-Labels", std::to_string(printed->labels));
  std::string omitted;
  for (const std::string& t : printed->omitted)
    omitted += (omitted.empty() ? "" : ",") + PercentEncode(t);
  if (!omitted.empty()) res.set_header("X-Agritrace-Omitted", omitted);
}

}  // namespace agritrace::http
