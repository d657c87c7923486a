// Writes JSON text straight into a string, without building a document first: the verify API
// answers thousands of times a second with a fixed shape. Strings are escaped per RFC 8259 and
// invalid UTF-8 (request paths can carry any byte) becomes U+FFFD.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace agritrace::http {

class JsonWriter {
 public:
  JsonWriter& BeginObject();
  JsonWriter& EndObject();
  JsonWriter& BeginArray();
  JsonWriter& EndArray();
  JsonWriter& Key(std::string_view key);
  JsonWriter& String(std::string_view value);
  JsonWriter& Int(int64_t value);
  JsonWriter& Bool(bool value);
  JsonWriter& Null();
  // Already-serialised JSON, inserted as one value (the caller vouches for it).
  JsonWriter& Raw(std::string_view json);
  // Already-serialised members `"k":v,"k2":v2` (no braces) added to the open object.
  JsonWriter& RawMembers(std::string_view members);

  // Key and value in one call, the common case.
  JsonWriter& Member(std::string_view key, std::string_view value) {
    return Key(key).String(value);
  }
  JsonWriter& Member(std::string_view key, const char* value) { return Key(key).String(value); }
  JsonWriter& Member(std::string_view key, int64_t value) { return Key(key).Int(value); }
  JsonWriter& Member(std::string_view key, bool value) { return Key(key).Bool(value); }

  std::string Take() { return std::move(out_); }
  const std::string& text() const { return out_; }

 private:
  void Separate();  // a comma before every element but the first of its container
  std::string out_;
  std::vector<bool> has_element_;
  bool after_key_ = false;
};

// `value` as a JSON string literal, quotes included.
void AppendJsonString(std::string& out, std::string_view value);

}  // namespace agritrace::http
