#pragma once
// The server's encoding thresholds (redis.conf's *-max-listpack-* / *-max-intset-*): a value at or
// below them is stored compactly (listpack, intset), a larger one as a hash table or skiplist. The
// RESTORE encoder follows them so a restored value has the encoding the equivalent commands give.
#include <cstdint>
#include <string_view>

namespace polars_redis::rdb {

struct EncodingLimits {
  int64_t hash_max_listpack_entries = 128;
  int64_t hash_max_listpack_value = 64;
  int64_t set_max_intset_entries = 512;
  int64_t set_max_listpack_entries = 128;  // Redis 7.2+ (RDB 11); older servers have no set listpack
  int64_t set_max_listpack_value = 64;
  int64_t zset_max_listpack_entries = 128;
  int64_t zset_max_listpack_value = 64;
  int64_t list_max_listpack_size = -2;  // > 0: entries per quicklist node; -1..-5: 4..64 KiB per node

  // Takes one CONFIG GET pair; names it does not know (and their old ziplist aliases) are ignored.
  void apply(std::string_view name, int64_t value);
};

}  // namespace polars_redis::rdb
