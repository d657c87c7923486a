#include "http/checkpoint_cache.h"

#include <string>

namespace agritrace::http {

std::shared_ptr<const SignedCheckpoint> CheckpointCache::Newest() {
  std::lock_guard<std::mutex> lock(mu_);
  return newest_;
}

Result<std::shared_ptr<const SignedCheckpoint>> CheckpointCache::Covering(uint64_t size) {
  if (auto cp = Newest(); cp && cp->size >= size) return cp;
  std::lock_guard<std::mutex> signing(signing_);
  // Whoever held the lock before may have signed what this caller needs.
  if (auto cp = Newest(); cp && cp->size >= size) return cp;
  auto signed_cp = api_.WithStore([](Store& store) { return SignRegistryCheckpoint(store); });
  if (!signed_cp.ok()) return signed_cp.status();
  auto cp = std::make_shared<const SignedCheckpoint>(std::move(signed_cp).value());
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!newest_ || newest_->size < cp->size) newest_ = cp;
  }
  if (cp->size < size)
    return Status::Invalid(
               "树大小 " + std::to_string(size) + " 超过日志当前大小 " + std::to_string(cp->size),
               "tree size " + std::to_string(size) + " is beyond the log's " +
                   std::to_string(cp->size) + " leaves")
        .with_reason("log-size-beyond");
  return cp;
}

}  // namespace agritrace::http
