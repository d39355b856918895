#include "polars_redis/rdb/encoding_limits.hpp"

namespace polars_redis::rdb {

void EncodingLimits::apply(std::string_view name, int64_t value) {
  struct Field {
    std::string_view name;
    int64_t EncodingLimits::*member;
  };
  static constexpr Field kFields[] = {
      {"hash-max-listpack-entries", &EncodingLimits::hash_max_listpack_entries},
      {"hash-max-listpack-value", &EncodingLimits::hash_max_listpack_value},
      {"set-max-intset-entries", &EncodingLimits::set_max_intset_entries},
      {"set-max-listpack-entries", &EncodingLimits::set_max_listpack_entries},
      {"set-max-listpack-value", &EncodingLimits::set_max_listpack_value},
      {"zset-max-listpack-entries", &EncodingLimits::zset_max_listpack_entries},
      {"zset-max-listpack-value", &EncodingLimits::zset_max_listpack_value},
      {"list-max-listpack-size", &EncodingLimits::list_max_listpack_size},
  };
  for (const Field& field : kFields) {
    if (field.name == name) this->*field.member = value;
  }
}

}  // namespace polars_redis::rdb
