// Boolean columns: bit-packed values ("b"), least significant bit first like the validity bitmap.
#include "builders.hpp"
#include "polars_redis/convert/text_codecs.hpp"

namespace polars_redis::arrow::detail {
namespace {

class BooleanBuilder final : public ColumnBuilder {
 public:
  explicit BooleanBuilder(const DataType& dtype) : ColumnBuilder(dtype) {}

  bool append_text(std::string_view text) override {
    const std::optional<bool> value = convert::parse_bool(text);
    if (!value) return false;
    return append_bool(*value);
  }

  bool append_bool(bool value) override {
    push_bit(value);
    mark_valid();
    return true;
  }

  void reserve(int64_t n) override { bits_.reserve(static_cast<size_t>(length_ + n + 7) / 8); }

  void finish(ArrowArray* out) override {
    std::vector<Buffer> buffers;
    buffers.push_back(std::move(bits_));
    finish_buffers(out, std::move(buffers));
  }

 protected:
  void append_null_slot() override { push_bit(false); }

 private:
  // Slot `length_` is the next one: bytes are added zeroed, so only true bits are written.
  void push_bit(bool value) {
    if (length_ % 8 == 0) bits_.push<uint8_t>(0);
    if (value) bits_.data()[length_ / 8] |= static_cast<uint8_t>(1u << (length_ % 8));
  }

  Buffer bits_;
};

}  // namespace

std::unique_ptr<ColumnBuilder> make_boolean_builder(const DataType& dtype) {
  return std::make_unique<BooleanBuilder>(dtype);
}

}  // namespace polars_redis::arrow::detail
