#include "cli/context.h"

#include <fstream>
#include <iostream>
#include <iterator>

namespace agritrace::cli {

int ExitCodeFor(const Status& s) {
  switch (s.code()) {
    case StatusCode::kOk: return 0;
    case StatusCode::kInvalid:
    case StatusCode::kConflict:
    case StatusCode::kForbidden: return 3;
    case StatusCode::kNotFound: return 4;
    default: return 1;
  }
}

std::unique_ptr<Store> Context::Open(OpenMode mode) {
  auto store = Store::Open(db_path, mode);
  if (!store.ok()) {
    Fail(store.status());
    return nullptr;
  }
  return std::move(store).value();
}

void Context::Fail(const Status& s) {
  if (json) {
    Json err = {{"error", {{"code", ExitCodeFor(s)}, {"message_zh", s.zh()}, {"message_en", s.en()}}}};
    if (!s.reason().empty()) err["error"]["reason"] = s.reason();
    std::cerr << err.dump() << "\n";
  } else {
    std::cerr << "错误：" << s.zh() << "\nError: " << s.en() << "\n";
  }
  exit_code = ExitCodeFor(s);
}

void Context::Print(const Json& value, const std::string& human) {
  if (json)
    std::cout << value.dump(2) << "\n";
  else
    std::cout << human << (human.empty() || human.back() == '\n' ? "" : "\n");
}

void Context::Run(const std::function<void()>& body) {
  try {
    body();
  } catch (const std::exception& e) {
    Fail(Status::Io(std::string("意外错误：") + e.what(), std::string("unexpected failure: ") + e.what()));
  }
}

Result<std::string> ReadInputFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return Status::Io("无法读取文件 " + path + "：请检查路径是否正确、文件是否存在",
                      "cannot read file " + path + ": check the path and that the file exists");
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

}  // namespace agritrace::cli
