#include "http/checkpoint_cache.h"

#include <cstdio>
#include <string>

#include "agritrace/registry/log_store.h"
#include "agritrace/registry/signed_note.h"

namespace agritrace::http {
namespace {

// Size and root as a stored note states them.
Result<SignedCheckpoint> ParseStored(std::string note) {
  auto parsed = ParseNote(note);
  if (!parsed.ok()) return parsed.status();
  auto body = ParseCheckpoint(parsed->text);
  if (!body.ok()) return body.status();
  SignedCheckpoint cp;
  cp.origin = body->origin;
  cp.size = body->size;
  cp.root = body->root;
  cp.note = std::move(note);
  return cp;
}

}  // namespace

CheckpointCache::CheckpointCache(ApiContext& api, bool sign) : api_(api), sign_(sign) {
  auto stored = api_.WithStore([](Store& store) -> Result<SignedCheckpoint> {
    auto note = LatestCheckpoint(store.db());
    if (!note.ok()) return note.status();
    return ParseStored(std::move(note).value());
  });
  if (stored.ok()) Publish(std::make_shared<const SignedCheckpoint>(std::move(stored).value()));
  if (sign_) signer_ = std::thread([this] { SignerLoop(); });
}

CheckpointCache::~CheckpointCache() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (signer_.joinable()) signer_.join();
}

std::shared_ptr<const SignedCheckpoint> CheckpointCache::Newest() {
  std::lock_guard<std::mutex> lock(mu_);
  return newest_;
}

void CheckpointCache::Publish(std::shared_ptr<const SignedCheckpoint> cp) {
  std::lock_guard<std::mutex> lock(mu_);
  if (!newest_ || newest_->size < cp->size) {
    newest_ = std::move(cp);
    newest_size_.store(newest_->size, std::memory_order_release);
  }
}

Result<std::shared_ptr<const SignedCheckpoint>> CheckpointCache::SignNow() {
  auto signed_cp = api_.WithStore([](Store& store) { return SignRegistryCheckpoint(store); });
  if (!signed_cp.ok()) return signed_cp.status();
  auto cp = std::make_shared<const SignedCheckpoint>(std::move(signed_cp).value());
  Publish(cp);
  return cp;
}

Result<std::shared_ptr<const SignedCheckpoint>> CheckpointCache::Covering(uint64_t size) {
  if (auto cp = Newest(); cp && cp->size >= size) return cp;
  if (!sign_)
    return Status::Conflict("只读模式：没有覆盖 " + std::to_string(size) +
                                " 条日志的已签检查点；请在可写的登记库上不带 --read-only 启动服务",
                            "read-only mode: no stored checkpoint covers " + std::to_string(size) +
                                " log entries; start serve without --read-only on a writable "
                                "registry")
        .with_reason("read-only");
  std::lock_guard<std::mutex> signing(signing_);
  // Whoever held the lock before may have signed what this caller needs.
  if (auto cp = Newest(); cp && cp->size >= size) return cp;
  auto cp = SignNow();
  if (!cp.ok()) return cp.status();
  if ((*cp)->size < size)
    return Status::Invalid("树大小 " + std::to_string(size) + " 超过日志当前大小 " +
                               std::to_string((*cp)->size),
                           "tree size " + std::to_string(size) + " is beyond the log's " +
                               std::to_string((*cp)->size) + " leaves")
        .with_reason("log-size-beyond");
  return cp;
}

std::shared_ptr<const SignedCheckpoint> CheckpointCache::Available(uint64_t log_size) {
  std::lock_guard<std::mutex> lock(mu_);
  if (sign_ && (!newest_ || newest_->size < log_size)) {
    if (!wanted_) {
      wanted_ = true;
      wake_.notify_one();
    }
  }
  return newest_;
}

void CheckpointCache::WaitIdle() {
  std::unique_lock<std::mutex> lock(mu_);
  idle_.wait(lock, [&] { return stopping_ || !wanted_; });
}

void CheckpointCache::SignerLoop() {
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    wake_.wait(lock, [&] { return stopping_ || wanted_; });
    if (stopping_) return;
    lock.unlock();
    Status failed;
    {
      std::lock_guard<std::mutex> signing(signing_);
      auto cp = SignNow();
      if (!cp.ok()) failed = cp.status();
    }
    lock.lock();
    wanted_ = false;
    idle_.notify_all();
    if (!failed.ok()) {
      // The proofs stay pending; the next request that needs one asks again, at most once a
      // second (a long registry write may hold the lock for a while).
      std::fprintf(stderr, "agritrace serve: checkpoint not signed yet: %s\n",
                   failed.message().c_str());
      wake_.wait_for(lock, std::chrono::seconds(1), [&] { return stopping_; });
    }
  }
}

}  // namespace agritrace::http
