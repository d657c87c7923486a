#include "agritrace/labeler/hgz_print.h"

#include <unistd.h>

#include <fstream>
#include <sstream>

#include "agritrace/labeler/code_url.h"
#include "agritrace/labeler/label_content.h"
#include "agritrace/registry/hgz.h"
#include "labeler/document_sink.h"
#include "labeler/pdf_renderer.h"
#include "labeler/png_renderer.h"
#include "labeler/svg_renderer.h"
#include "labeler/tspl_renderer.h"
#include "labeler/zpl_renderer.h"

namespace agritrace::labeler {
namespace {

// SVG and PNG renderers hand over documents; a certificate (or its one A4 sheet) is one.
class OneFileSink final : public DocumentSink {
 public:
  Status Put(std::string_view, std::string_view bytes) override {
    if (++count_ > 1)
      return Status::Invalid("一次打印只写一个文件：请减少份数，使其印在一页上",
                             "one file per print: use fewer copies, so that they fit on one page");
    bytes_ = std::string(bytes);
    return Status::Ok();
  }
  const std::string& bytes() const { return bytes_; }

 private:
  int count_ = 0;
  std::string bytes_;
};

}  // namespace

Status ApplyHgzPaper(const std::string& size, RenderOptions* o) {
  o->sheet.reset();
  if (size == "100x70") {
    o->label.width_mm = 100, o->label.height_mm = 70;
  } else if (size == "80x60") {
    o->label.width_mm = 80, o->label.height_mm = 60;
  } else if (size == "50x30") {
    o->label.width_mm = 50, o->label.height_mm = 30;
  } else if (size == "a5" || size == "A5") {
    o->label.width_mm = 148, o->label.height_mm = 210;
  } else if (size == "a4:2x3" || size == "A4:2x3") {
    o->label.width_mm = 100, o->label.height_mm = 95;
    o->sheet = SheetGrid{2, 3};
  } else {
    return Status::Invalid("合格证尺寸应为 100x70、80x60、50x30（热敏标签，毫米）、a5 或 a4:2x3（A4 "
                           "一页六张）：" + size,
                           "the certificate size must be 100x70, 80x60, 50x30 (thermal labels, "
                           "mm), a5 or a4:2x3 (six on an A4 sheet): " + size)
        .with_reason("hgz-size");
  }
  return Status::Ok();
}

LabelContent HgzLabelContent(const Json& record, const std::string& base_url) {
  LabelContent c;
  c.qr_text = HgzUrl(base_url, record["number"].get<std::string>());
  c.certificate.emplace_back(kHgzTitle);
  for (const HgzField& f : HgzFields(record)) c.certificate.push_back(f.zh + "：" + f.value_zh);
  return c;
}

Result<HgzRendering> RenderHgz(Store& store, const HgzPrintRequest& req) {
  auto hgz = GetHgz(store, req.number);
  if (!hgz.ok()) return hgz.status();
  if (hgz->lot_recalled)
    return Status::Invalid("合格证 " + req.number + " 的批次已召回，不能再打印",
                           "the lot of certificate " + req.number + " is recalled: no printing")
        .with_reason("lot-recalled");
  const LabelContent content = HgzLabelContent(hgz->record, store.Meta("base_url"));

  std::ostringstream stream;
  OneFileSink sink;
  std::unique_ptr<LabelRenderer> renderer;
  switch (req.format) {
    case LabelFormat::kSvg: renderer = std::make_unique<SvgRenderer>(req.options, &sink); break;
    case LabelFormat::kPng: renderer = std::make_unique<PngRenderer>(req.options, &sink); break;
    case LabelFormat::kPdf: renderer = std::make_unique<PdfRenderer>(req.options, &stream); break;
    case LabelFormat::kZpl: renderer = std::make_unique<ZplRenderer>(req.options, &stream); break;
    case LabelFormat::kTspl: renderer = std::make_unique<TsplRenderer>(req.options, &stream); break;
  }
  Status s = renderer->Begin();
  if (s.ok()) s = renderer->Add(content);  // copies: the renderer repeats it
  if (s.ok()) s = renderer->Finish();
  renderer.reset();
  if (!s.ok()) return s;
  const bool document = req.format == LabelFormat::kSvg || req.format == LabelFormat::kPng;
  return HgzRendering{document ? sink.bytes() : stream.str(), content.qr_text};
}

void to_json(Json& j, const PrintedHgz& p) {
  j = {{"number", p.number}, {"format", p.format}, {"out", p.out}, {"url", p.url},
       {"labels", p.labels}};
}

Result<PrintedHgz> PrintHgz(Store& store, const HgzPrintRequest& req) {
  auto r = RenderHgz(store, req);
  if (!r.ok()) return r.status();
  // Written under a temporary name and renamed: a failure leaves no half file.
  const std::string part = req.out + ".part";
  {
    std::ofstream f(part, std::ios::binary | std::ios::trunc);
    f << r->bytes;
    if (!f.flush()) {
      unlink(part.c_str());
      return Status::Io("无法写入 " + req.out, "cannot write " + req.out);
    }
  }
  if (rename(part.c_str(), req.out.c_str()) != 0) {
    unlink(part.c_str());
    return Status::Io("无法写入 " + req.out, "cannot write " + req.out);
  }
  return PrintedHgz{req.number, HgzFileExtension(req.format), req.out, r->url,
                    req.options.copies};
}

std::string HgzFileExtension(LabelFormat format) {
  static const char* kNames[] = {"svg", "png", "pdf", "zpl", "tspl"};
  return kNames[static_cast<int>(format)];
}

std::string HgzMimeType(LabelFormat format) {
  switch (format) {
    case LabelFormat::kSvg: return "image/svg+xml";
    case LabelFormat::kPng: return "image/png";
    case LabelFormat::kPdf: return "application/pdf";
    default: return "application/octet-stream";  // printer commands, sent to the printer as is
  }
}

}  // namespace agritrace::labeler
