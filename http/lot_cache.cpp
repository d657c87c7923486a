#include "agritrace/http/lot_cache.h"

#include <algorithm>
#include <cstdio>

#include "agritrace/registry/dates.h"
#include "agritrace/registry/encoding.h"
#include "http/checkpoint_cache.h"
#include "http/consumer_page.h"
#include "http/verify_response.h"

namespace agritrace::http {

void LotCache::Refresh(VerifyLookup& db, Clock::time_point now) {
  int64_t ticks = now.time_since_epoch().count();
  if (ticks < next_check_.load(std::memory_order_acquire)) return;
  // One thread checks; the others go on with what is remembered (at most `refresh` old).
  std::unique_lock<std::mutex> checking(refresh_mu_, std::try_to_lock);
  if (!checking.owns_lock()) {
    if (checked_once_.load(std::memory_order_acquire)) return;
    checking.lock();  // the very first lookup waits for the first check
  }
  if (ticks < next_check_.load(std::memory_order_acquire)) return;
  int64_t version = db.RegistryVersion();
  std::string today = TodayShanghai();
  {
    std::unique_lock<std::shared_mutex> lock(mu_);
    if (version != version_ || today != today_) {
      lots_.clear();
      ++generation_;
      version_ = version;
      today_ = today;
    }
  }
  next_check_.store((now + options_.refresh).time_since_epoch().count(), std::memory_order_release);
  checked_once_.store(true, std::memory_order_release);
}

Result<std::shared_ptr<const LotLookup>> LotCache::LotById(int64_t lot_id, VerifyLookup& db) {
  const auto now = Clock::now();
  uint64_t generation;
  std::string today;
  int64_t version;
  {
    std::shared_lock<std::shared_mutex> lock(mu_);
    auto it = lots_.find(lot_id);
    // A lot proved against an older checkpoint (or not yet proved) is reloaded once a newer one
    // is signed.
    if (it != lots_.end() && now - it->second.loaded < options_.max_age &&
        (!checkpoints_ || it->second.proved_size >= checkpoints_->newest_size()))
      return it->second.lot;
    generation = generation_;
    today = today_;
    version = version_;
  }
  auto loaded = db.ByLotId(lot_id, today);
  if (!loaded.ok()) return loaded.status();
  // The log as last seen (version is its highest index), so that the proof is against the
  // checkpoint /api/v1/log/checkpoint serves too.
  if (checkpoints_)
    ProveInLog(*loaded, static_cast<uint64_t>(std::max<int64_t>(version + 1, 0)), db);
  loaded->rendered.json = LotResponseMembers(*loaded);
  for (Lang lang : {Lang::kZh, Lang::kEn}) {
    auto parts = RenderLotPageParts(*loaded, lang);
    loaded->rendered.page_head[static_cast<int>(lang)] = std::move(parts.head);
    loaded->rendered.page_tail[static_cast<int>(lang)] = std::move(parts.tail);
  }
  auto lot = std::make_shared<const LotLookup>(std::move(loaded).value());
  if (options_.max_age.count() > 0) {
    std::unique_lock<std::shared_mutex> lock(mu_);
    // A registry change seen while this lot was read makes it suspect: use it, do not keep it.
    if (generation == generation_) {
      if (lots_.size() >= options_.max_lots) lots_.clear();
      lots_[lot_id] = Entry{lot, now, lot->log ? lot->log->tree_size : 0};
    }
  }
  return lot;
}

void LotCache::ProveInLog(LotLookup& lot, uint64_t log_size, VerifyLookup& db) {
  if (lot.event_index < 0) return;
  const uint64_t index = static_cast<uint64_t>(lot.event_index);
  // Never signs here: a scan must not wait for the registry's write lock. The newest signed
  // checkpoint that covers the event proves it; none yet: the proof is pending (the cache's
  // thread is signing) and the lot is proved again once it is signed.
  auto cp = checkpoints_->Available(std::max(log_size, index + 1));
  if (!cp || cp->size <= index) return;
  auto proof = db.log().InclusionProof(index, cp->size);
  if (proof.ok()) {
    LogInclusion in{cp->size, {}, cp->note};
    in.proof.reserve(proof->size());
    for (const auto& h : *proof) in.proof.push_back(Base64Encode(h));
    lot.log = std::move(in);
    return;
  }
  std::fprintf(stderr, "agritrace serve: no log proof for lot %s (event %lld): %s\n",
               lot.lot_code.c_str(), static_cast<long long>(lot.event_index),
               proof.status().message().c_str());
}

Result<LotCache::Found> LotCache::Unit(const std::string& code, VerifyLookup& db) {
  Refresh(db, Clock::now());
  UnitRef ref;
  bool known = false;
  {
    std::shared_lock<std::shared_mutex> lock(mu_);
    auto it = units_.find(code);
    if (it != units_.end()) {
      ref = it->second;
      known = true;
    }
  }
  if (!known) {
    auto r = db.UnitOf(code);
    if (!r.ok()) return r.status();
    ref = *r;
    std::unique_lock<std::shared_mutex> lock(mu_);
    if (units_.size() >= options_.max_codes) units_.clear();
    units_[code] = ref;
  }
  auto lot = LotById(ref.lot_id, db);
  if (!lot.ok()) return lot.status();
  return Found{*lot, ref.serial};
}

Result<LotCache::Found> LotCache::Lot(const std::string& code, VerifyLookup& db) {
  Refresh(db, Clock::now());
  int64_t lot_id = 0;
  bool known = false;
  {
    std::shared_lock<std::shared_mutex> lock(mu_);
    auto it = lot_ids_.find(code);
    if (it != lot_ids_.end()) {
      lot_id = it->second;
      known = true;
    }
  }
  if (!known) {
    auto r = db.LotIdOf(code);
    if (!r.ok()) return r.status();
    lot_id = *r;
    std::unique_lock<std::shared_mutex> lock(mu_);
    if (lot_ids_.size() >= options_.max_codes) lot_ids_.clear();
    lot_ids_[code] = lot_id;
  }
  auto lot = LotById(lot_id, db);
  if (!lot.ok()) return lot.status();
  return Found{*lot, 0};
}

}  // namespace agritrace::http
