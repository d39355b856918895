#pragma once
// A frame's Arrow stream read once and held: every batch stays in memory (Polars exports its
// chunks without copying), so a cluster write can read the frame again on every node's thread, as
// many times as its redirect rounds need, each reader with a stream of its own.
#include <cstdint>
#include <vector>

#include "polars_redis/arrow/c_data.hpp"

namespace polars_redis::write {

// A stream over a HeldFrame's batches, released when it goes unless a reader took it over.
class ReplayedStream {
 public:
  explicit ReplayedStream(ArrowArrayStream stream) : stream_(stream) {}
  ~ReplayedStream() {
    if (stream_.release) stream_.release(&stream_);
  }
  ReplayedStream(const ReplayedStream&) = delete;
  ReplayedStream& operator=(const ReplayedStream&) = delete;
  // For a reader to take over (ImportedStream moves it out).
  ArrowArrayStream* get() { return &stream_; }

 private:
  ArrowArrayStream stream_;
};

class HeldFrame {
 public:
  // Takes over `stream` and reads it to the end.
  explicit HeldFrame(ArrowArrayStream* stream);
  ~HeldFrame();
  HeldFrame(const HeldFrame&) = delete;
  HeldFrame& operator=(const HeldFrame&) = delete;

  int64_t num_rows() const { return rows_; }
  // A stream of the held batches, to hand to a reader (ImportedStream takes it over). Its schema
  // and batches are borrowed from this frame: the reader must be done before the frame goes.
  ReplayedStream replay() const;

 private:
  ArrowSchema schema_{};
  std::vector<ArrowArray> batches_;
  int64_t rows_ = 0;
};

}  // namespace polars_redis::write
