#include "labeler/label_renderer.h"

namespace agritrace::labeler {
namespace {

// Labels per chunk: large enough that handing a chunk to a worker costs little next to
// encoding it, small enough that a few chunks in flight stay a few megabytes.
constexpr size_t kChunkLabels = 64;
constexpr size_t kChunksPerWorker = 4;

Status NotBegun() {
  return Status::Invalid("内部错误：渲染器未开始或已结束",
                         "internal: renderer not begun or finished");
}

}  // namespace

namespace detail {

const LabelLayout* WorkerState::Layout(const LabelContent& label, int modules, LabelChunk& chunk) {
  const uint64_t before = cache.generation();
  Result<const LabelLayout*> layout = cache.Get(label, modules);
  if (!layout.ok()) {
    chunk.status = layout.status();
    return nullptr;
  }
  if (cache.generation() != before) {
    fresh = true;
    chunk.omitted.insert(chunk.omitted.end(), (*layout)->omitted.begin(), (*layout)->omitted.end());
  }
  return *layout;
}

}  // namespace detail

LabelRenderer::~LabelRenderer() = default;

void LabelRenderer::MakeWorkerStates(const TextMetrics& metrics) {
  states_.clear();
  for (int i = 0; i < workers(); ++i) {
    states_.push_back(std::make_unique<detail::WorkerState>(metrics, options_.label));
  }
}

const LabelLayout* LabelRenderer::EncodeAndLayout(const LabelContent& label,
                                                  detail::WorkerState& state,
                                                  detail::LabelChunk& chunk,
                                                  std::optional<QrCode>* qr) const {
  Result<QrCode> code = QrCode::Encode(label.qr_text, options_.ecc);
  if (!code.ok()) {
    chunk.status = code.status();
    return nullptr;
  }
  qr->emplace(std::move(code).value());
  return state.Layout(label, (*qr)->width(), chunk);
}

Status LabelRenderer::Begin() {
  if (begun_) return NotBegun();
  begun_ = true;
  status_ = ValidateRenderOptions(options_);
  if (status_.ok()) status_ = Start();
  if (!status_.ok()) return status_;
  pipeline_ = std::make_unique<OrderedPipeline<detail::LabelChunk>>(
      options_.threads, kChunksPerWorker * workers(),
      [this](detail::LabelChunk& chunk, int worker) { Process(chunk, worker); },
      [this](detail::LabelChunk& chunk) -> Status {
        if (!chunk.status.ok()) return chunk.status;
        for (std::string& text : chunk.omitted) omitted_.insert(std::move(text));
        return Emit(chunk);
      });
  return status_;
}

Status LabelRenderer::Add(const LabelContent& label) {
  if (!begun_ || finished_) return NotBegun();
  if (!status_.ok()) return status_;
  if (!pending_) {
    pending_ = pipeline_->TakeSpare();
    if (!pending_) {
      pending_ = std::make_unique<detail::LabelChunk>();
      pending_->labels.reserve(kChunkLabels);
    }
    pending_->Reset(added_);
  }
  pending_->AddLabel(label);
  ++added_;
  if (pending_->labels_used == kChunkLabels) status_ = Submit();
  return status_;
}

Status LabelRenderer::Submit() {
  std::unique_ptr<detail::LabelChunk> chunk = std::move(pending_);
  chunk->labels.resize(chunk->labels_used);  // a last, partly filled chunk
  return pipeline_->Submit(std::move(chunk));
}

Status LabelRenderer::Finish() {
  if (!begun_ || finished_) return NotBegun();
  finished_ = true;
  if (status_.ok() && pending_) status_ = Submit();
  if (status_.ok()) status_ = pipeline_->Drain();
  pipeline_.reset();
  if (status_.ok()) status_ = Complete();
  return status_;
}

}  // namespace agritrace::labeler
