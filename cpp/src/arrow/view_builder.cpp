// String, Categorical, Enum and Binary columns as Arrow views ("vu" / "vz"): one 16-byte view per
// value, values of up to 12 bytes inlined in the view, longer ones appended to a data buffer.
#include <algorithm>
#include <cstring>
#include <limits>
#include <string>
#include <unordered_set>
#include <vector>

#include "builders.hpp"
#include "polars_redis/convert/utf8.hpp"
#include "polars_redis/error.hpp"

namespace polars_redis::arrow::detail {
namespace {

constexpr size_t kViewSize = 16;
constexpr size_t kMaxInline = 12;
// Data buffers start at the size the previous batch needed (at least kMinChunk) and double in
// place up to kMaxChunk; views address them by (index, offset), so reallocation is safe.
constexpr size_t kMinChunk = size_t{64} << 10;
constexpr size_t kMaxChunk = size_t{16} << 20;

class ViewBuilder final : public ColumnBuilder {
 public:
  explicit ViewBuilder(const DataType& dtype) : ColumnBuilder(dtype) {
    if (dtype_.id == TypeId::kEnum) categories_.insert(dtype_.categories.begin(), dtype_.categories.end());
  }

  bool append_text(std::string_view text) override {
    switch (dtype_.id) {
      case TypeId::kEnum:
        if (!categories_.contains(text)) return false;
        break;
      case TypeId::kBinary:
        break;
      default:
        if (!convert::is_utf8(text)) return false;
    }
    append_bytes(text);
    return true;
  }

  void reserve(int64_t n) override { views_.reserve(views_.size() + static_cast<size_t>(n) * kViewSize); }

  void finish(ArrowArray* out) override {
    size_t data_bytes = 0;
    if (!current_.empty()) full_.push_back(std::move(current_));
    std::vector<Buffer> buffers;
    buffers.reserve(full_.size() + 2);
    buffers.push_back(std::move(views_));
    Buffer sizes;
    for (Buffer& data : full_) {
      sizes.push(static_cast<int64_t>(data.size()));
      data_bytes += data.size();
      buffers.push_back(std::move(data));
    }
    buffers.push_back(std::move(sizes));
    full_.clear();
    current_ = Buffer();
    first_chunk_ = std::clamp(data_bytes, kMinChunk, kMaxChunk);
    finish_buffers(out, std::move(buffers));
  }

 protected:
  void append_null_slot() override { std::memset(views_.extend(kViewSize), 0, kViewSize); }

 private:
  void append_bytes(std::string_view bytes) {
    if (bytes.size() > static_cast<size_t>(std::numeric_limits<int32_t>::max())) {
      throw Error(ErrorKind::kInvalidArgument,
                  "a value of " + std::to_string(bytes.size()) + " bytes exceeds the 2 GiB limit of an Arrow view");
    }
    const auto length = static_cast<int32_t>(bytes.size());
    if (bytes.size() <= kMaxInline) {
      uint8_t* view = views_.extend(kViewSize);
      std::memset(view, 0, kViewSize);  // the spec requires zero padding after inline bytes
      std::memcpy(view, &length, 4);
      if (!bytes.empty()) std::memcpy(view + 4, bytes.data(), bytes.size());
    } else {
      if (bytes.size() > current_.capacity() - current_.size()) make_room(bytes.size());
      const auto index = static_cast<int32_t>(full_.size());
      const auto offset = static_cast<int32_t>(current_.size());
      current_.append(bytes.data(), bytes.size());
      uint8_t* view = views_.extend(kViewSize);
      std::memcpy(view, &length, 4);
      std::memcpy(view + 4, bytes.data(), 4);  // prefix
      std::memcpy(view + 8, &index, 4);
      std::memcpy(view + 12, &offset, 4);
    }
    mark_valid();
  }

  void make_room(size_t n) {
    const size_t needed = current_.size() + n;
    if (needed <= kMaxChunk) {
      current_.reserve(std::clamp(current_.capacity() * 2, std::max(first_chunk_, needed), kMaxChunk));
    } else {
      // Full: start another data buffer; a value bigger than a chunk gets one of its own size.
      if (!current_.empty()) full_.push_back(std::move(current_));
      current_ = Buffer();
      current_.reserve(std::max(n, kMaxChunk));
    }
  }

  Buffer views_;
  Buffer current_;             // data buffer being filled
  std::vector<Buffer> full_;   // data buffers already filled in this batch
  size_t first_chunk_ = kMinChunk;
  std::unordered_set<std::string_view> categories_;  // views into dtype_.categories (kEnum only)
};

}  // namespace

std::unique_ptr<ColumnBuilder> make_view_builder(const DataType& dtype) {
  return std::make_unique<ViewBuilder>(dtype);
}

}  // namespace polars_redis::arrow::detail
