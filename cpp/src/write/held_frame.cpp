#include "polars_redis/write/held_frame.hpp"

#include <string>

#include "polars_redis/error.hpp"

namespace polars_redis::write {

namespace {

// A failed read of the frame: what the producer says, if anything.
[[noreturn]] void read_failed(ArrowArrayStream& stream, int code) {
  const char* detail = stream.get_last_error ? stream.get_last_error(&stream) : nullptr;
  throw Error(ErrorKind::kInvalidArgument, "holding the frame's Arrow stream: error " + std::to_string(code) +
                                               (detail ? std::string(" (") + detail + ")" : std::string()));
}

// A borrowed copy's release: the held original keeps (and later releases) what it points to.
template <typename Struct>
void release_borrowed(Struct* borrowed) {
  borrowed->release = nullptr;
}

struct Replay {
  const ArrowSchema* schema;
  const std::vector<ArrowArray>* batches;
  size_t next = 0;
};

int replay_schema(ArrowArrayStream* stream, ArrowSchema* out) {
  *out = *static_cast<Replay*>(stream->private_data)->schema;
  out->release = &release_borrowed<ArrowSchema>;
  return 0;
}

int replay_next(ArrowArrayStream* stream, ArrowArray* out) {
  auto* replay = static_cast<Replay*>(stream->private_data);
  if (replay->next == replay->batches->size()) {
    *out = ArrowArray{};  // the end: a released array
    return 0;
  }
  *out = (*replay->batches)[replay->next++];
  out->release = &release_borrowed<ArrowArray>;
  return 0;
}

const char* replay_error(ArrowArrayStream*) { return nullptr; }

void release_replay(ArrowArrayStream* stream) {
  delete static_cast<Replay*>(stream->private_data);
  stream->release = nullptr;
}

}  // namespace

HeldFrame::HeldFrame(ArrowArrayStream* stream) {
  ArrowArrayStream in = *stream;
  stream->release = nullptr;  // moved: the caller must not release it again
  try {
    if (int code = in.get_schema(&in, &schema_)) read_failed(in, code);
    for (;;) {
      ArrowArray batch{};
      if (int code = in.get_next(&in, &batch)) read_failed(in, code);
      if (batch.release == nullptr) break;
      rows_ += batch.length;
      batches_.push_back(batch);
    }
  } catch (...) {
    if (in.release) in.release(&in);
    for (ArrowArray& batch : batches_) batch.release(&batch);
    if (schema_.release) schema_.release(&schema_);
    throw;
  }
  if (in.release) in.release(&in);  // the batches and the schema outlive their stream
}

HeldFrame::~HeldFrame() {
  for (ArrowArray& batch : batches_) {
    if (batch.release) batch.release(&batch);
  }
  if (schema_.release) schema_.release(&schema_);
}

ReplayedStream HeldFrame::replay() const {
  ArrowArrayStream stream{};
  stream.get_schema = &replay_schema;
  stream.get_next = &replay_next;
  stream.get_last_error = &replay_error;
  stream.release = &release_replay;
  stream.private_data = new Replay{&schema_, &batches_};
  return ReplayedStream(stream);
}

}  // namespace polars_redis::write
