// The streaming interface every renderer shares: Begin, then Add once per label, then Finish.
// Labels are grouped into chunks that worker threads encode and format while the caller keeps
// adding; output is written in label order with a bounded number of chunks in flight, so memory
// does not grow with the number of labels.
//
// Errors are values: a failure found by a worker is returned by the next Add or by Finish, and
// every later call returns the same Status. After a failure the output is incomplete.
//
//   RenderOptions options;
//   options.label = {50, 30, 203};            // mm, mm, printer dpi
//   std::ofstream out("labels.zpl", std::ios::binary);
//   ZplRenderer zpl(options, &out);           // or Tspl/Pdf (stream), Svg/Png (DocumentSink)
//   Status s = zpl.Begin();
//   for (...; s.ok(); ...) s = zpl.Add(content);
//   if (s.ok()) s = zpl.Finish();
//   for (const std::string& text : zpl.omitted()) warn(text);
#pragma once

#include <memory>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <vector>

#include "agritrace/labeler/label_content.h"
#include "agritrace/labeler/qr_code.h"
#include "agritrace/labeler/render_options.h"
#include "agritrace/registry/status.h"
#include "labeler/label_layout.h"
#include "labeler/render_pipeline.h"

namespace agritrace::labeler {

namespace detail {

// A label ready to draw: its symbol and its layout (PNG sheets are drawn on the caller's thread).
struct PreparedLabel {
  QrCode qr;
  LabelLayout layout;
};

// Chunks are reused once emitted (OrderedPipeline::TakeSpare): their strings keep their
// capacity, so a long run allocates nothing per label for them and the heap does not fragment.
struct LabelChunk {
  uint64_t first = 0;  // index of labels[0] among all labels of the run
  std::vector<LabelContent> labels;
  std::string bytes;  // stream formats: these labels, formatted, in order
  // Stream formats: where each label's bytes end in `bytes`, so that a printer connection can
  // tell which labels it delivered (labeler/printer_connection.h).
  std::vector<size_t> label_ends;
  std::vector<PreparedLabel> prepared;
  std::vector<std::string> omitted;
  Status status;

  // File formats' documents or fragments, one per label, written through NextPart.
  std::span<const std::string> parts() const { return {parts_.data(), parts_used_}; }
  // The next part, empty but with the capacity an earlier run of the chunk gave it.
  std::string& NextPart() {
    if (parts_used_ == parts_.size()) parts_.emplace_back();
    std::string& part = parts_[parts_used_++];
    part.clear();
    return part;
  }
  // Readies a chunk, new or reused, for the labels from `first_label` on.
  void Reset(uint64_t first_label) {
    first = first_label;
    labels_used = 0;
    bytes.clear();
    label_ends.clear();
    prepared.clear();
    omitted.clear();
    status = Status::Ok();
    parts_used_ = 0;
  }
  // Copies `label` into the next slot, reusing an earlier label's strings.
  void AddLabel(const LabelContent& label) {
    if (labels_used < labels.size()) {
      labels[labels_used] = label;
    } else {
      labels.push_back(label);
    }
    ++labels_used;
  }
  size_t labels_used = 0;  // labels[0 … labels_used) are this chunk's; Submit trims the rest

 private:
  std::vector<std::string> parts_;
  size_t parts_used_ = 0;
};

// What a worker keeps from label to label: its layout cache and, for the formats that write
// text, what it formatted once for the current layout (every line but the per-label ones).
struct WorkerState {
  WorkerState(const TextMetrics& metrics, const LabelGeometry& geometry)
      : cache(metrics, geometry) {}
  // Lays `label` out around a symbol of `modules` modules. A fresh layout sets `fresh` and hands
  // the texts it left off to chunk.omitted. Null, with chunk.status set, on failure.
  const LabelLayout* Layout(const LabelContent& label, int modules, LabelChunk& chunk);

  LayoutCache cache;
  std::string fixed;   // the format's rendering of the layout's fixed lines
  bool fresh = false;  // the layout changed since `fixed` was made: the renderer remakes it
};

}  // namespace detail

class LabelRenderer {
 public:
  explicit LabelRenderer(RenderOptions options) : options_(std::move(options)) {}
  virtual ~LabelRenderer();
  LabelRenderer(const LabelRenderer&) = delete;
  LabelRenderer& operator=(const LabelRenderer&) = delete;

  // Checks the options and writes what precedes the first label.
  Status Begin();
  Status Add(const LabelContent& label);
  // Writes what is pending and what closes the output. The output is complete only when it
  // returns Ok.
  Status Finish();

  // Texts left off for lack of room (each distinct text once), for the caller to warn about.
  const std::set<std::string>& omitted() const { return omitted_; }
  uint64_t labels_added() const { return added_; }
  const RenderOptions& options() const { return options_; }

 protected:
  // Format-specific checks and header. Called once by Begin after the shared checks.
  virtual Status Start() = 0;
  // Fills chunk.bytes / parts / prepared from chunk.labels on worker `worker`; records a
  // failure in chunk.status. Must be safe to run concurrently for different workers.
  virtual void Process(detail::LabelChunk& chunk, int worker) = 0;
  // Writes a processed chunk, on the caller's thread, in order.
  virtual Status Emit(detail::LabelChunk& chunk) = 0;
  // Writes what closes the output, after every chunk was emitted.
  virtual Status Complete() = 0;
  // Joins the workers. Every final renderer calls it first in its destructor, so that no worker
  // runs Process on a half-destroyed object.
  void StopWorkers() { pipeline_.reset(); }
  // Number of worker states a renderer must keep (workers are numbered 0 … workers()-1).
  int workers() const { return options_.threads > 0 ? options_.threads : 1; }
  // Makes the workers' states; Start calls it once it knows how its text is measured.
  void MakeWorkerStates(const TextMetrics& metrics);
  detail::WorkerState& worker_state(int worker) { return *states_[worker]; }
  // Encodes the label's QR as the label will carry it (QrCode::Encode) and lays it out. Null,
  // with chunk.status set, on failure.
  const LabelLayout* EncodeAndLayout(const LabelContent& label, detail::WorkerState& state,
                                     detail::LabelChunk& chunk, std::optional<QrCode>* qr) const;

  RenderOptions options_;

 private:
  Status Submit();

  std::vector<std::unique_ptr<detail::WorkerState>> states_;
  std::unique_ptr<OrderedPipeline<detail::LabelChunk>> pipeline_;
  std::unique_ptr<detail::LabelChunk> pending_;
  std::set<std::string> omitted_;
  uint64_t added_ = 0;
  Status status_;
  bool begun_ = false, finished_ = false;
};

}  // namespace agritrace::labeler
