#include "http/api_context.h"

namespace agritrace::http {

Result<std::unique_ptr<ApiContext>> ApiContext::Open(const std::string& db_path) {
  auto store = Store::Open(db_path, OpenMode::kExisting);
  if (!store.ok()) return store.status();
  return std::unique_ptr<ApiContext>(new ApiContext(db_path, std::move(store).value()));
}

}  // namespace agritrace::http
