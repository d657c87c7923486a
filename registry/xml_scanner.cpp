#include "registry/xml_scanner.h"

#include <charconv>
#include <cstdint>

#include "agritrace/registry/text_decoding.h"

namespace agritrace {
namespace {

bool IsNameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == ':' ||
         c == '_' || c == '-' || c == '.' || static_cast<unsigned char>(c) >= 0x80;
}

bool IsBlank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

std::string_view Local(std::string_view name) {
  const size_t colon = name.rfind(':');
  return colon == std::string_view::npos ? name : name.substr(colon + 1);
}

}  // namespace

XmlScanner::Event XmlScanner::Fail(std::string what) {
  error_ = std::move(what);
  at_ = doc_.size();
  return Event::kError;
}

std::string_view XmlScanner::name() const { return Local(name_); }

const std::string* XmlScanner::attr(std::string_view local_name) const {
  for (const auto& [k, v] : attrs_)
    if (Local(k) == local_name) return &v;
  return nullptr;
}

// Entities and character references of `raw` into *out; false (error_ set) on a bad one.
bool XmlScanner::Decode(std::string_view raw, std::string* out) {
  for (size_t i = 0; i < raw.size();) {
    if (raw[i] != '&') {
      const size_t amp = raw.find('&', i);
      out->append(raw.substr(i, amp == std::string_view::npos ? raw.size() - i : amp - i));
      i = amp == std::string_view::npos ? raw.size() : amp;
      continue;
    }
    const size_t semi = raw.find(';', i);
    if (semi == std::string_view::npos || semi - i > 12) {
      error_ = "an & that starts no entity";
      return false;
    }
    const std::string_view ent = raw.substr(i + 1, semi - i - 1);
    i = semi + 1;
    if (ent == "lt") *out += '<';
    else if (ent == "gt") *out += '>';
    else if (ent == "amp") *out += '&';
    else if (ent == "quot") *out += '"';
    else if (ent == "apos") *out += '\'';
    else if (ent.size() > 1 && ent[0] == '#') {
      const bool hex = ent[1] == 'x';
      const std::string_view digits = ent.substr(hex ? 2 : 1);
      uint32_t cp = 0;
      auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), cp, hex ? 16 : 10);
      // XML 1.0 characters only: no NUL, no surrogates, nothing past U+10FFFF.
      if (digits.empty() || ec != std::errc() || end != digits.data() + digits.size() || cp == 0 ||
          cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF) || cp == 0xFFFE || cp == 0xFFFF ||
          (cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r')) {
        error_ = "a character reference to no XML character";
        return false;
      }
      AppendUtf8(cp, out);
    } else {
      error_ = "an entity XML does not predefine: &" + std::string(ent) + ";";
      return false;
    }
  }
  return true;
}

XmlScanner::Event XmlScanner::StartTag() {
  // at_ is just past '<'.
  const size_t name_start = at_;
  while (at_ < doc_.size() && IsNameChar(doc_[at_])) ++at_;
  if (at_ == name_start) return Fail("a tag without a name");
  name_.assign(doc_.substr(name_start, at_ - name_start));
  attrs_.clear();
  for (;;) {
    const size_t before = at_;
    while (at_ < doc_.size() && IsBlank(doc_[at_])) ++at_;
    if (at_ >= doc_.size()) return Fail("a tag not closed before the end");
    if (doc_[at_] == '>' || doc_.substr(at_, 2) == "/>") break;
    if (at_ == before) return Fail("attributes not separated by blanks in <" + name_ + ">");
    const size_t key_start = at_;
    while (at_ < doc_.size() && IsNameChar(doc_[at_])) ++at_;
    if (at_ == key_start) return Fail("a stray character in <" + name_ + ">");
    std::string key(doc_.substr(key_start, at_ - key_start));
    while (at_ < doc_.size() && IsBlank(doc_[at_])) ++at_;
    if (at_ >= doc_.size() || doc_[at_] != '=') return Fail("an attribute without a value");
    ++at_;
    while (at_ < doc_.size() && IsBlank(doc_[at_])) ++at_;
    if (at_ >= doc_.size() || (doc_[at_] != '"' && doc_[at_] != '\'')) return Fail("an unquoted attribute");
    const char quote = doc_[at_++];
    const size_t close = doc_.find(quote, at_);
    if (close == std::string_view::npos) return Fail("an attribute value not closed");
    const std::string_view raw = doc_.substr(at_, close - at_);
    if (raw.find('<') != std::string_view::npos) return Fail("a < inside an attribute value");
    std::string value;
    if (!Decode(raw, &value)) return Fail(error_);
    for (const auto& a : attrs_)
      if (a.first == key) return Fail("the attribute " + key + " twice");
    attrs_.emplace_back(std::move(key), std::move(value));
    at_ = close + 1;
  }
  if (!stack_.empty() || !root_seen_) {
    // fine: the root element or an element inside it
  } else {
    return Fail("a second root element");
  }
  if (stack_.size() == kMaxXmlDepth) return Fail("elements nested too deep");
  root_seen_ = true;
  stack_.push_back(name_);
  if (doc_[at_] == '/') {
    pending_end_ = true;
    at_ += 2;
  } else {
    ++at_;
  }
  return Event::kStart;
}

XmlScanner::Event XmlScanner::EndTag() {
  // at_ is just past "</".
  const size_t name_start = at_;
  while (at_ < doc_.size() && IsNameChar(doc_[at_])) ++at_;
  const std::string_view name = doc_.substr(name_start, at_ - name_start);
  while (at_ < doc_.size() && IsBlank(doc_[at_])) ++at_;
  if (at_ >= doc_.size() || doc_[at_] != '>') return Fail("an end tag not closed");
  ++at_;
  if (stack_.empty() || stack_.back() != name)
    return Fail("the end tag </" + std::string(name) + "> closes no open element");
  name_ = std::move(stack_.back());
  stack_.pop_back();
  return Event::kEnd;
}

XmlScanner::Event XmlScanner::Next() {
  if (!error_.empty()) return Event::kError;
  if (pending_end_) {
    pending_end_ = false;
    stack_.pop_back();
    return Event::kEnd;
  }
  text_.clear();
  while (at_ < doc_.size()) {
    if (doc_[at_] != '<') {
      const size_t lt = doc_.find('<', at_);
      const size_t end = lt == std::string_view::npos ? doc_.size() : lt;
      const std::string_view raw = doc_.substr(at_, end - at_);
      at_ = end;
      if (stack_.empty()) {
        for (char c : raw)
          if (!IsBlank(c)) return Fail("text outside the root element");
        continue;
      }
      if (!Decode(raw, &text_)) return Fail(error_);
      return Event::kText;
    }
    const std::string_view rest = doc_.substr(at_);
    if (rest.substr(0, 4) == "<!--") {
      const size_t close = doc_.find("-->", at_ + 4);
      if (close == std::string_view::npos) return Fail("a comment not closed");
      at_ = close + 3;
    } else if (rest.substr(0, 9) == "<![CDATA[") {
      if (stack_.empty()) return Fail("CDATA outside the root element");
      const size_t close = doc_.find("]]>", at_ + 9);
      if (close == std::string_view::npos) return Fail("a CDATA section not closed");
      text_.assign(doc_.substr(at_ + 9, close - at_ - 9));
      at_ = close + 3;
      return Event::kText;
    } else if (rest.substr(0, 2) == "<?") {
      const size_t close = doc_.find("?>", at_ + 2);
      if (close == std::string_view::npos) return Fail("a processing instruction not closed");
      at_ = close + 2;
    } else if (rest.substr(0, 2) == "<!") {
      return Fail("a DOCTYPE or declaration, which SpreadsheetML never has");
    } else if (rest.substr(0, 2) == "</") {
      at_ += 2;
      return EndTag();
    } else {
      ++at_;
      return StartTag();
    }
  }
  if (!stack_.empty()) return Fail("the document ends inside <" + stack_.back() + ">");
  if (!root_seen_) return Fail("no root element");
  return Event::kDone;
}

}  // namespace agritrace
