#include "labeler/pdf_writer.h"

#include <unistd.h>
#include <zlib.h>

#include <cstring>

#include "labeler/text_writer.h"

namespace agritrace::labeler {
namespace {

// Offsets have 10 digits in the cross-reference table.
constexpr uint64_t kMaxOffset = 9999999999ull;

}  // namespace

PdfWriter::~PdfWriter() {
  if (xref_) std::fclose(xref_);
}

Status PdfWriter::Failed() const {
  return Status::Io("PDF 写入失败（磁盘满？）", "writing the PDF failed (disk full?)");
}

Status PdfWriter::Put(std::string_view bytes) {
  out_->write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  offset_ += bytes.size();
  if (!out_->good()) io_failed_ = true;
  return io_failed_ ? Failed() : Status::Ok();
}

Status PdfWriter::Begin() {
  xref_ = std::tmpfile();
  if (!xref_) {
    return Status::Io("无法创建临时文件（PDF 交叉引用表）",
                      "cannot create a temporary file (the PDF cross-reference table)");
  }
  // The comment of bytes above 127 tells transfer programs the file is binary.
  return Put("%PDF-1.7\n%\xE2\xE3\xCF\xD3\n");
}

Status PdfWriter::BeginObject(int number) {
  if (offset_ > kMaxOffset) {
    return Status::Io("PDF 超过 10 GB，请分批打印（--from/--to）",
                      "the PDF would pass 10 GB: print in parts (--from/--to)");
  }
  char entry[21];
  snprintf(entry, sizeof entry, "%010llu 00000 n \n", static_cast<unsigned long long>(offset_));
  if (pwrite(fileno(xref_), entry, 20, static_cast<off_t>(number - 1) * 20) != 20) {
    return Status::Io("无法写入临时文件（PDF 交叉引用表）",
                      "cannot write a temporary file (the PDF cross-reference table)");
  }
  ++written_;
  std::string head;
  AppendInt(&head, number);
  head.append(" 0 obj\n");
  return Put(head);
}

Status PdfWriter::Object(int number, std::string_view body) {
  Status s = BeginObject(number);
  if (s.ok()) s = Put(body);
  if (s.ok()) s = Put("\nendobj\n");
  return s;
}

Status PdfWriter::Stream(int number, std::string_view dict, std::string_view data) {
  uLongf length = compressBound(static_cast<uLong>(data.size()));
  if (deflated_.size() < length) deflated_.resize(length);
  if (compress2(reinterpret_cast<Bytef*>(deflated_.data()), &length,
                reinterpret_cast<const Bytef*>(data.data()), static_cast<uLong>(data.size()),
                Z_DEFAULT_COMPRESSION) != Z_OK) {
    return Status::Io("PDF 压缩失败（内存不足？）", "compressing the PDF failed (out of memory?)");
  }
  std::string head = "<< /Length ";
  AppendInt(&head, static_cast<long long>(length));
  head.append(" /Filter /FlateDecode");
  if (!dict.empty()) {
    head.push_back(' ');
    head.append(dict);
  }
  head.append(" >>\nstream\n");
  Status s = BeginObject(number);
  if (s.ok()) s = Put(head);
  if (s.ok()) s = Put(std::string_view(deflated_.data(), length));
  if (s.ok()) s = Put("\nendstream\nendobj\n");
  return s;
}

Status PdfWriter::AddPage(double width_pt, double height_pt, std::string_view content,
                          int resources) {
  if (leaf_ == 0) leaf_ = Reserve();
  const int contents = Reserve(), page = Reserve();
  Status s = Stream(contents, {}, content);
  if (!s.ok()) return s;
  std::string body = "<< /Type /Page /Parent ";
  AppendInt(&body, leaf_);
  body.append(" 0 R /MediaBox [0 0 ");
  AppendDecimal(&body, width_pt, 4);
  body.push_back(' ');
  AppendDecimal(&body, height_pt, 4);
  body.append("] /Resources ");
  AppendInt(&body, resources);
  body.append(" 0 R /Contents ");
  AppendInt(&body, contents);
  body.append(" 0 R >>");
  s = Object(page, body);
  if (!s.ok()) return s;
  ++pages_;
  leaf_kids_.push_back(page);
  if (leaf_kids_.size() == kPagesPerLeaf) return CloseLeaf();
  return Status::Ok();
}

Status PdfWriter::CloseLeaf() {
  std::string body = "<< /Type /Pages /Parent 2 0 R /Count ";
  AppendInt(&body, static_cast<long long>(leaf_kids_.size()));
  body.append(" /Kids [");
  for (int kid : leaf_kids_) {
    AppendInt(&body, kid);
    body.append(" 0 R ");
  }
  body.append("] >>");
  Status s = Object(leaf_, body);
  leaves_.push_back(leaf_);
  leaf_ = 0;
  leaf_kids_.clear();
  return s;
}

Status PdfWriter::Finish(std::string_view info) {
  Status s = leaf_kids_.empty() ? Status::Ok() : CloseLeaf();
  if (!s.ok()) return s;
  std::string root = "<< /Type /Pages /Count ";
  AppendInt(&root, static_cast<long long>(pages_));
  root.append(" /Kids [");
  for (int leaf : leaves_) {
    AppendInt(&root, leaf);
    root.append(" 0 R ");
  }
  root.append("] >>");
  const int info_object = Reserve();
  s = Object(2, root);
  if (s.ok()) s = Object(1, "<< /Type /Catalog /Pages 2 0 R >>");
  if (s.ok()) s = Object(info_object, info);
  if (!s.ok()) return s;
  if (written_ != last_object_) {
    return Status::Io("内部错误：PDF 对象未全部写出", "internal: a PDF object was never written");
  }
  const uint64_t xref_at = offset_;
  std::string table = "xref\n0 ";
  AppendInt(&table, last_object_ + 1);
  table.append("\n0000000000 65535 f \n");
  s = Put(table);
  // The entries, in order, from the temporary file.
  std::string block(20 * 4096, '\0');
  for (off_t at = 0; s.ok() && at < static_cast<off_t>(last_object_) * 20;) {
    const size_t want = std::min<size_t>(block.size(), last_object_ * 20ull - at);
    if (pread(fileno(xref_), block.data(), want, at) != static_cast<ssize_t>(want)) {
      return Status::Io("无法读取临时文件（PDF 交叉引用表）",
                        "cannot read a temporary file (the PDF cross-reference table)");
    }
    s = Put(std::string_view(block.data(), want));
    at += static_cast<off_t>(want);
  }
  if (!s.ok()) return s;
  std::string trailer = "trailer\n<< /Size ";
  AppendInt(&trailer, last_object_ + 1);
  trailer.append(" /Root 1 0 R /Info ");
  AppendInt(&trailer, info_object);
  trailer.append(" 0 R >>\nstartxref\n");
  AppendInt(&trailer, static_cast<long long>(xref_at));
  trailer.append("\n%%EOF\n");
  s = Put(trailer);
  out_->flush();
  if (!out_->good()) return Failed();
  return s;
}

}  // namespace agritrace::labeler
