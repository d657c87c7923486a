// A small, strict pull reader of the XML inside an .xlsx file (registry/xlsx_reader.h): start
// and end tags with their attributes, and text with the five predefined entities and character
// references decoded. No DTD (a DOCTYPE is refused, so no entity can expand), no namespaces
// beyond dropping a prefix: names are compared by their local part, as every producer of
// SpreadsheetML spells the prefixes differently. Anything malformed is refused, not guessed.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace agritrace {

// Nesting deeper than this is refused: SpreadsheetML needs about eight levels.
inline constexpr size_t kMaxXmlDepth = 64;

class XmlScanner {
 public:
  enum class Event { kStart, kEnd, kText, kDone, kError };

  // `doc` must outlive the scanner and be UTF-8 (checked by the caller).
  explicit XmlScanner(std::string_view doc) : doc_(doc) {}

  // The next event. <a/> gives kStart then kEnd. After kError, error() says what was wrong;
  // kDone only once the root element closed and nothing but blanks, comments and processing
  // instructions followed.
  Event Next();

  // The local name (prefix dropped) of the element just started or ended.
  std::string_view name() const;
  // The value of the current start tag's attribute by local name, nullptr when absent.
  const std::string* attr(std::string_view local_name) const;
  // The decoded text of a kText event (character data and CDATA).
  const std::string& text() const { return text_; }
  // Depth after the event: 1 inside the root element.
  size_t depth() const { return stack_.size(); }
  const std::string& error() const { return error_; }

 private:
  Event Fail(std::string what);
  bool Decode(std::string_view raw, std::string* out);
  Event StartTag();
  Event EndTag();

  std::string_view doc_;
  size_t at_ = 0;
  bool pending_end_ = false, root_seen_ = false;
  std::string name_, text_, error_;
  std::vector<std::pair<std::string, std::string>> attrs_;
  std::vector<std::string> stack_;
};

}  // namespace agritrace
