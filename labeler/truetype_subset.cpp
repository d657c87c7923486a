#include "labeler/truetype_subset.h"

#include <algorithm>
#include <map>
#include <utility>

namespace agritrace::labeler {
namespace {

constexpr uint32_t Tag(const char (&s)[5]) {
  return static_cast<uint32_t>(static_cast<unsigned char>(s[0])) << 24 |
         static_cast<uint32_t>(static_cast<unsigned char>(s[1])) << 16 |
         static_cast<uint32_t>(static_cast<unsigned char>(s[2])) << 8 |
         static_cast<uint32_t>(static_cast<unsigned char>(s[3]));
}

// Composite glyph flags (OpenType 'glyf' table).
constexpr uint16_t kArgsAreWords = 0x0001, kHaveScale = 0x0008, kMoreComponents = 0x0020,
                   kHaveXYScale = 0x0040, kHaveTwoByTwo = 0x0080;

uint16_t U16(const std::string& b, size_t at) {
  return static_cast<uint16_t>(static_cast<unsigned char>(b[at]) << 8 |
                               static_cast<unsigned char>(b[at + 1]));
}
uint32_t U32(const std::string& b, size_t at) {
  return static_cast<uint32_t>(U16(b, at)) << 16 | U16(b, at + 2);
}
void Put16(std::string* b, size_t at, uint32_t v) {
  (*b)[at] = static_cast<char>(v >> 8 & 0xFF);
  (*b)[at + 1] = static_cast<char>(v & 0xFF);
}
void Put32(std::string* b, size_t at, uint32_t v) {
  Put16(b, at, v >> 16);
  Put16(b, at + 2, v & 0xFFFF);
}
void Append16(std::string* b, uint32_t v) {
  b->push_back(static_cast<char>(v >> 8 & 0xFF));
  b->push_back(static_cast<char>(v & 0xFF));
}
void Append32(std::string* b, uint32_t v) {
  Append16(b, v >> 16);
  Append16(b, v & 0xFFFF);
}
void PadTo4(std::string* b) {
  while (b->size() % 4) b->push_back('\0');
}

// The sum of the big-endian 32-bit words of `b`, zero-padded (OpenType table checksum).
uint32_t Checksum(const std::string& b) {
  uint32_t sum = 0;
  for (size_t i = 0; i < b.size(); i += 4) {
    uint32_t word = 0;
    for (size_t k = 0; k < 4; ++k) {
      word = word << 8 | (i + k < b.size() ? static_cast<unsigned char>(b[i + k]) : 0);
    }
    sum += word;
  }
  return sum;
}

Status Unusable(const LabelFont& font, const std::string& why_zh, const std::string& why_en) {
  return Status::Io("字体 " + font.file() + " 无法嵌入 PDF：" + why_zh +
                        "；请安装 fonts-wqy-microhei，或改用 --format png",
                    "the font " + font.file() + " cannot be embedded in a PDF: " + why_en +
                        "; install fonts-wqy-microhei, or print --format png");
}

Result<std::string> ReadTable(const LabelFont& font, uint32_t tag) {
  return font.SfntRead(tag, 0, font.SfntLength(tag));
}

// An empty format 4 cmap: only the segment that ends every format 4 table.
std::string EmptyCmap() {
  std::string t;
  for (uint32_t v : {0u, 1u, 3u, 1u}) Append16(&t, v);  // version, tables, (3, 1) Unicode BMP
  Append32(&t, 12);                                     // subtable offset
  for (uint32_t v : {4u, 24u, 0u, 2u, 2u, 0u, 0u, 0xFFFFu, 0u, 0xFFFFu, 1u, 0u}) Append16(&t, v);
  return t;
}

// Glyph ids a composite glyph is made of.
bool ComponentsOf(const std::string& glyph, std::vector<uint32_t>* out) {
  size_t p = 10;  // numberOfContours and the bounding box
  for (;;) {
    if (p + 4 > glyph.size()) return false;
    const uint16_t flags = U16(glyph, p);
    out->push_back(U16(glyph, p + 2));
    p += 4 + ((flags & kArgsAreWords) ? 4 : 2);
    if (flags & kHaveScale) {
      p += 2;
    } else if (flags & kHaveXYScale) {
      p += 4;
    } else if (flags & kHaveTwoByTwo) {
      p += 8;
    }
    if (!(flags & kMoreComponents)) return true;
  }
}

}  // namespace

Result<std::string> SubsetTrueType(const LabelFont& font, const std::vector<bool>& used) {
  for (uint32_t tag :
       {Tag("head"), Tag("hhea"), Tag("maxp"), Tag("loca"), Tag("glyf"), Tag("hmtx")}) {
    if (font.SfntLength(tag) == 0) {
      return Unusable(font, "不是 TrueType 轮廓字体", "it has no TrueType outlines");
    }
  }
  Result<std::string> head = ReadTable(font, Tag("head"));
  Result<std::string> hhea = ReadTable(font, Tag("hhea"));
  Result<std::string> maxp = ReadTable(font, Tag("maxp"));
  Result<std::string> loca = ReadTable(font, Tag("loca"));
  Result<std::string> hmtx = ReadTable(font, Tag("hmtx"));
  for (const Result<std::string>* t : {&head, &hhea, &maxp, &loca, &hmtx}) {
    if (!t->ok()) return t->status();
  }
  if (head->size() < 54 || hhea->size() < 36 || maxp->size() < 6) {
    return Unusable(font, "表头太短", "its header tables are truncated");
  }
  const uint32_t num_glyphs = U16(*maxp, 4);
  const bool long_loca = U16(*head, 50) != 0;
  const uint32_t glyf_length = font.SfntLength(Tag("glyf"));
  if (loca->size() < (num_glyphs + 1) * (long_loca ? 4 : 2)) {
    return Unusable(font, "loca 表太短", "its loca table is truncated");
  }
  std::vector<uint32_t> offsets(num_glyphs + 1);
  for (uint32_t g = 0; g <= num_glyphs; ++g) {
    offsets[g] = long_loca ? U32(*loca, 4 * g) : 2u * U16(*loca, 2 * g);
    if (offsets[g] > glyf_length || (g > 0 && offsets[g] < offsets[g - 1])) {
      return Unusable(font, "loca 表与 glyf 表不符", "its loca table does not match glyf");
    }
  }

  // The glyphs to keep: those drawn, .notdef, and the components of composites among them.
  std::vector<bool> keep(num_glyphs, false);
  std::vector<uint32_t> todo = {0};
  keep[0] = true;
  for (uint32_t g = 1; g < num_glyphs && g < used.size(); ++g) {
    if (used[g]) {
      keep[g] = true;
      todo.push_back(g);
    }
  }
  std::map<uint32_t, std::string> outlines;
  while (!todo.empty()) {
    const uint32_t g = todo.back();
    todo.pop_back();
    const uint32_t length = offsets[g + 1] - offsets[g];
    if (length == 0) continue;
    Result<std::string> glyph = font.SfntRead(Tag("glyf"), offsets[g], length);
    if (!glyph.ok()) return glyph.status();
    if (glyph->size() < 10) return Unusable(font, "字形数据不完整", "a glyph is truncated");
    if (static_cast<int16_t>(U16(*glyph, 0)) < 0) {
      std::vector<uint32_t> parts;
      if (!ComponentsOf(*glyph, &parts)) {
        return Unusable(font, "组合字形数据不完整", "a composite glyph is truncated");
      }
      for (uint32_t part : parts) {
        if (part < num_glyphs && !keep[part]) {
          keep[part] = true;
          todo.push_back(part);
        }
      }
    }
    outlines.emplace(g, std::move(glyph).value());
  }

  std::string glyf;
  std::vector<uint32_t> new_offsets(num_glyphs + 1);
  for (uint32_t g = 0; g < num_glyphs; ++g) {
    new_offsets[g] = static_cast<uint32_t>(glyf.size());
    auto it = outlines.find(g);
    if (it == outlines.end()) continue;
    glyf.append(it->second);
    PadTo4(&glyf);
  }
  new_offsets[num_glyphs] = static_cast<uint32_t>(glyf.size());
  const bool short_loca = glyf.size() <= 0x1FFFE;  // offsets are even: halves fit in 16 bits
  std::string new_loca;
  for (uint32_t off : new_offsets) {
    if (short_loca) {
      Append16(&new_loca, off / 2);
    } else {
      Append32(&new_loca, off);
    }
  }
  std::string new_head = *head;
  Put32(&new_head, 8, 0);  // checkSumAdjustment, set once the whole font is known
  Put16(&new_head, 50, short_loca ? 0 : 1);

  // Unused glyphs' metrics are zeroed: a PDF takes widths from its own W array, and zeros
  // compress to nothing.
  std::string new_hmtx = *hmtx;
  const uint32_t long_metrics = U16(*hhea, 34);
  for (uint32_t g = 0; g < num_glyphs; ++g) {
    if (keep[g]) continue;
    const size_t at = g < long_metrics ? 4 * g : 4 * long_metrics + 2 * (g - long_metrics);
    const size_t width = g < long_metrics ? 4 : 2;
    if (at + width <= new_hmtx.size()) new_hmtx.replace(at, width, width, '\0');
  }

  std::vector<std::pair<uint32_t, std::string>> tables = {
      {Tag("head"), std::move(new_head)},
      {Tag("hhea"), *hhea},
      {Tag("maxp"), *maxp},
      {Tag("loca"), std::move(new_loca)},
      {Tag("glyf"), std::move(glyf)},
      {Tag("hmtx"), std::move(new_hmtx)},
      {Tag("cmap"), EmptyCmap()},
  };
  for (uint32_t tag : {Tag("OS/2"), Tag("name"), Tag("cvt "), Tag("fpgm"), Tag("prep")}) {
    if (font.SfntLength(tag) == 0) continue;
    Result<std::string> t = ReadTable(font, tag);
    if (!t.ok()) return t.status();
    tables.emplace_back(tag, std::move(t).value());
  }
  if (font.SfntLength(Tag("post")) >= 32) {
    Result<std::string> post = font.SfntRead(Tag("post"), 0, 32);
    if (!post.ok()) return post.status();
    Put32(&*post, 0, 0x00030000);  // version 3: the same header, no glyph names
    tables.emplace_back(Tag("post"), std::move(post).value());
  }
  std::sort(tables.begin(), tables.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });

  // The offset table (OpenType "Table Directory"), then the tables, each 4-byte aligned.
  const uint32_t n = static_cast<uint32_t>(tables.size());
  uint32_t power = 1, log2 = 0;
  while (power * 2 <= n) {
    power *= 2;
    ++log2;
  }
  std::string out;
  Append32(&out, 0x00010000);
  Append16(&out, n);
  Append16(&out, power * 16);
  Append16(&out, log2);
  Append16(&out, n * 16 - power * 16);
  size_t at = 12 + 16 * n;
  size_t head_at = 0;
  for (const auto& [tag, bytes] : tables) {
    Append32(&out, tag);
    Append32(&out, Checksum(bytes));
    Append32(&out, static_cast<uint32_t>(at));
    Append32(&out, static_cast<uint32_t>(bytes.size()));
    if (tag == Tag("head")) head_at = at;
    at += (bytes.size() + 3) / 4 * 4;
  }
  for (const auto& entry : tables) {
    out.append(entry.second);
    PadTo4(&out);
  }
  Put32(&out, head_at + 8, 0xB1B0AFBAu - Checksum(out));
  return out;
}

}  // namespace agritrace::labeler
