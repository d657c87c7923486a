// Where renderers that make one file per label or per sheet (SVG, PNG) put their documents.
#pragma once

#include <string>
#include <string_view>

#include "agritrace/registry/status.h"

namespace agritrace::labeler {

class DocumentSink {
 public:
  virtual ~DocumentSink() = default;
  // Receives one complete document named `name` ("label-000001.svg"). Called on the thread that
  // calls the renderer's Add and Finish, in label order.
  virtual Status Put(std::string_view name, std::string_view bytes) = 0;
};

// Writes each document as a file in an existing folder.
class DirectorySink final : public DocumentSink {
 public:
  explicit DirectorySink(std::string dir) : dir_(std::move(dir)) {}
  Status Put(std::string_view name, std::string_view bytes) override;

 private:
  std::string dir_;
};

}  // namespace agritrace::labeler
