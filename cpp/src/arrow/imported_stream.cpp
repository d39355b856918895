#include "polars_redis/arrow/imported_stream.hpp"

#include "polars_redis/error.hpp"

namespace polars_redis::arrow {

namespace {
[[noreturn]] void stream_error(ArrowArrayStream& stream, const char* what, int code) {
  const char* detail = stream.get_last_error ? stream.get_last_error(&stream) : nullptr;
  throw Error(ErrorKind::kInvalidArgument, std::string(what) + " failed (error " + std::to_string(code) + ")" +
                                               (detail ? std::string(": ") + detail : std::string()));
}
}  // namespace

ImportedStream::ImportedStream(ArrowArrayStream* stream) : stream_(*stream) {
  stream->release = nullptr;  // moved: the caller must not release it again
  if (int code = stream_.get_schema(&stream_, &schema_)) stream_error(stream_, "reading the Arrow stream's schema", code);
  if (std::string_view(schema_.format) != "+s") {
    throw Error(ErrorKind::kInvalidArgument, "expected a stream of struct arrays (a DataFrame), got format '" +
                                                 std::string(schema_.format) + "'");
  }
  for (int64_t i = 0; i < schema_.n_children; ++i) {
    names_.emplace_back(schema_.children[i]->name ? schema_.children[i]->name : "");
  }
}

ImportedStream::~ImportedStream() {
  release_batch();
  if (schema_.release) schema_.release(&schema_);
  if (stream_.release) stream_.release(&stream_);
}

int ImportedStream::index_of(const std::string& name) const {
  for (size_t i = 0; i < names_.size(); ++i) {
    if (names_[i] == name) return static_cast<int>(i);
  }
  return -1;
}

void ImportedStream::release_batch() {
  columns_.clear();
  if (batch_.release) batch_.release(&batch_);
  batch_ = ArrowArray{};
}

bool ImportedStream::next() {
  release_batch();
  if (int code = stream_.get_next(&stream_, &batch_)) stream_error(stream_, "reading the next Arrow batch", code);
  if (batch_.release == nullptr) return false;  // end of stream
  // Polars exports whole batches; a sliced struct would shift every child by its offset.
  if (batch_.offset != 0) {
    throw Error(ErrorKind::kInvalidArgument, "sliced Arrow batches (non-zero struct offset) are not supported");
  }
  for (int64_t i = 0; i < batch_.n_children; ++i) {
    columns_.push_back(ColumnView::make(*schema_.children[i], *batch_.children[i]));
  }
  return true;
}

}  // namespace polars_redis::arrow
