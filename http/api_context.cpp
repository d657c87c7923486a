#include "http/api_context.h"

namespace agritrace::http {

Result<std::unique_ptr<ApiContext>> ApiContext::Open(const std::string& db_path, OpenMode mode) {
  auto store = Store::Open(db_path, mode);
  if (!store.ok()) return store.status();
  auto reports = Store::Open(db_path, mode);
  if (!reports.ok()) return reports.status();
  return std::unique_ptr<ApiContext>(
      new ApiContext(db_path, std::move(store).value(), std::move(reports).value()));
}

}  // namespace agritrace::http
