#pragma once
// Whole values as RESTORE payloads: the object type, the value in the encoding the server itself
// would build from the equivalent commands (listpack, intset, quicklist of listpacks below the
// thresholds of EncodingLimits; the plain hash / set / sorted-set forms above, which the server
// loads into hash tables and skiplists), then the RDB version and CRC64.
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "polars_redis/rdb/encoding_limits.hpp"
#include "polars_redis/rdb/format.hpp"
#include "polars_redis/rdb/listpack_writer.hpp"

namespace polars_redis::rdb {

struct ScoredMember {
  double score;
  std::string_view member;
};

// A payload of strings, hashes, sets, lists or JSON takes at most kPayloadGrowth bytes per byte
// of its elements as RESP bulk strings ("$<n>\r\n...\r\n", 6 bytes and more each), plus
// kPayloadFixedBytes: a listpack entry adds at most 10 bytes to its text, a plain string or intset
// member less, a quicklist node of one element 23; the rest (type, lengths, trailer, module id)
// is fixed. Sorted sets are not bounded so: a score's text may grow (1e300 is kept as 17 digits).
inline constexpr size_t kPayloadGrowth = 5;
inline constexpr size_t kPayloadFixedBytes = 64;

// RedisJSON 2.x saves a document as its JSON text under encoding version 3.
inline constexpr unsigned kRedisJsonEncodingVersion = 3;

class PayloadEncoder {
 public:
  // `rdb_version`: the version written in the trailer, never above the server's (10 = Redis 7.0,
  // 11 = 7.2, 12 = 7.4); it also picks what that server knows (sets as listpacks from 11).
  PayloadEncoder(int rdb_version, EncodingLimits limits);
  int rdb_version() const { return rdb_version_; }
  const EncodingLimits& limits() const { return limits_; }

  // Each replaces `out` with one complete payload. Collections must not be empty.
  void string(std::string_view value, std::string& out);
  // Field, value, field, value... (fields distinct, as a frame's columns are).
  void hash(std::span<const std::string_view> fields_and_values, std::string& out);
  // The same from its listpack of field, value... entries, built by the caller, who checked them
  // within hash_max_listpack_entries and hash_max_listpack_value (so the server would keep it so).
  void hash_listpack(ListpackWriter& fields_and_values, std::string& out);
  // Duplicates count once (SADD); `members` is reordered.
  void set(std::vector<std::string_view>& members, std::string& out);
  void list(std::span<const std::string_view> elements, std::string& out);
  // A member given twice keeps its last score (ZADD); `members` is reordered. Scores are not NaN.
  void zset(std::vector<ScoredMember>& members, std::string& out);
  // A RedisJSON (ReJSON-RL) document from its JSON text.
  void json(std::string_view document, std::string& out);

 private:
  // The type byte and the items as one listpack / as a length and plain strings.
  void listpack_value(ObjectType type, std::span<const std::string_view> items, std::string& out);
  void plain_value(ObjectType type, uint64_t length, std::span<const std::string_view> items, std::string& out);

  int rdb_version_;
  EncodingLimits limits_;
  ListpackWriter listpack_;
  std::vector<int64_t> integers_;
  std::string text_;
};

}  // namespace polars_redis::rdb
