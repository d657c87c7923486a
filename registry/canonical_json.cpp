#include "agritrace/registry/canonical_json.h"

namespace agritrace {
namespace {
constexpr int64_t kMaxSafe = (int64_t{1} << 53) - 1;

Status Check(const Json& v, const std::string& path) {
  switch (v.type()) {
    case Json::value_t::number_float:
      return Status::Invalid("签名数据中不允许浮点数：" + path,
                             "floating point is not allowed in signed data: " + path);
    case Json::value_t::number_integer:
      if (v.get<int64_t>() > kMaxSafe || v.get<int64_t>() < -kMaxSafe)
        return Status::Invalid("整数超出 ±2^53：" + path, "integer beyond ±2^53: " + path);
      return Status::Ok();
    case Json::value_t::number_unsigned:
      if (v.get<uint64_t>() > static_cast<uint64_t>(kMaxSafe))
        return Status::Invalid("整数超出 ±2^53：" + path, "integer beyond ±2^53: " + path);
      return Status::Ok();
    case Json::value_t::binary:
    case Json::value_t::discarded:
      return Status::Invalid("不支持的 JSON 值：" + path, "unsupported JSON value: " + path);
    case Json::value_t::array:
      for (size_t i = 0; i < v.size(); ++i) {
        Status s = Check(v[i], path + "[" + std::to_string(i) + "]");
        if (!s.ok()) return s;
      }
      return Status::Ok();
    case Json::value_t::object:
      for (auto it = v.begin(); it != v.end(); ++it) {
        for (unsigned char c : it.key())
          if (c >= 0x80 || c < 0x20)
            return Status::Invalid("JSON 键必须是 ASCII：" + path,
                                   "JSON keys must be ASCII: " + path);
        Status s = Check(it.value(), path + "." + it.key());
        if (!s.ok()) return s;
      }
      return Status::Ok();
    default:
      return Status::Ok();
  }
}
}  // namespace

Result<std::string> CanonicalJson(const Json& value) {
  Status s = Check(value, "$");
  if (!s.ok()) return s;
  try {
    // nlohmann keeps objects in std::map order (bytewise, equal to UTF-16 order for ASCII keys),
    // prints no whitespace without an indent, escapes only what JCS escapes (lower-case \u00xx
    // for other control characters) and throws on invalid UTF-8.
    return value.dump(-1, ' ', false, Json::error_handler_t::strict);
  } catch (const Json::exception&) {
    return Status::Invalid("文本不是有效的 UTF-8", "text is not valid UTF-8");
  }
}

}  // namespace agritrace
