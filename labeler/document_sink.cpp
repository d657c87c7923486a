#include "labeler/document_sink.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

namespace agritrace::labeler {

Status DirectorySink::Put(std::string_view name, std::string_view bytes) {
  const std::string path = dir_ + "/" + std::string(name);
  struct Close {
    void operator()(FILE* f) const { fclose(f); }
  };
  std::unique_ptr<FILE, Close> f(fopen(path.c_str(), "wb"));
  if (!f || fwrite(bytes.data(), 1, bytes.size(), f.get()) != bytes.size() ||
      fclose(f.release()) != 0) {
    const std::string why = strerror(errno);
    return Status::Io("无法写入文件 " + path + "：" + why, "cannot write " + path + ": " + why);
  }
  return Status::Ok();
}

}  // namespace agritrace::labeler
