#include "polars_redis/read/key_metadata.hpp"

#include "polars_redis/error.hpp"
#include "polars_redis/resp/encoder.hpp"

namespace polars_redis::read {

KeyMetadata::KeyMetadata(KeyMetadataOptions options) : options_(std::move(options)) {
  if (options_.include_ttl) commands_.push_back(Command::kTtl);
  if (options_.include_memory_usage) commands_.push_back(Command::kMemoryUsage);
  replies_per_key_ = static_cast<int>(commands_.size());
}

void KeyMetadata::add_columns(arrow::BatchBuilder& batch) {
  const DataType int64 = DataType::of(TypeId::kInt64);
  if (options_.include_ttl) ttl_column_ = &batch.add_column(options_.ttl_column_name, int64);
  if (options_.include_memory_usage) memory_column_ = &batch.add_column(options_.memory_column_name, int64);
}

int KeyMetadata::encode(std::span<const std::string_view> keys, std::string& out) const {
  for (std::string_view key : keys) {
    for (Command command : commands_) {
      if (command == Command::kTtl) {
        resp::CommandWriter(out, 2).arg("TTL").arg(key);
      } else {
        resp::CommandWriter(out, 3).arg("MEMORY").arg("USAGE").arg(key);
      }
    }
  }
  return static_cast<int>(keys.size()) * replies_per_key_;
}

std::optional<size_t> KeyMetadata::consume(std::span<const std::string_view> keys, int index,
                                           const resp::NodeView& reply) {
  if (index == 0) {
    // A new group: its replies never interleave with another group's.
    ttl_.assign(keys.size(), 0);
    memory_.assign(keys.size(), 0);
    missing_.assign(keys.size(), 0);
  }
  const size_t key = static_cast<size_t>(index / replies_per_key_);
  const size_t which = static_cast<size_t>(index % replies_per_key_);
  const bool is_ttl = commands_[which] == Command::kTtl;
  if (reply.is_error()) {
    throw Error(ErrorKind::kResponse, std::string(is_ttl ? "TTL '" : "MEMORY USAGE '") +
                                          quote_for_message(keys[key]) + "' failed: " + std::string(reply.str()));
  }
  if (!reply.is_null() && reply.type() != resp::Type::kInteger) {
    throw Error(ErrorKind::kProtocol, std::string(is_ttl ? "TTL '" : "MEMORY USAGE '") +
                                          quote_for_message(keys[key]) + "' returned a non-integer reply");
  }
  if (is_ttl) {
    ttl_[key] = reply.integer();
    if (ttl_[key] == -2) missing_[key] = 1;
  } else if (reply.is_null()) {
    missing_[key] = 1;
  } else {
    memory_[key] = reply.integer();
  }
  if (which + 1 < commands_.size()) return std::nullopt;
  return key;
}

void KeyMetadata::append(size_t i) {
  if (ttl_column_) ttl_column_->append_int64(ttl_[i]);
  if (memory_column_) memory_column_->append_int64(memory_[i]);
}

}  // namespace polars_redis::read
