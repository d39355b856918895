#pragma once
// An unordered_map keyed by std::string that is looked up with a string_view (no copy per lookup):
// per-key paging state of the collection readers.
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace polars_redis::read {

struct StringViewHash {
  using is_transparent = void;
  size_t operator()(std::string_view text) const noexcept { return std::hash<std::string_view>{}(text); }
};

template <typename Value>
using StringMap = std::unordered_map<std::string, Value, StringViewHash, std::equal_to<>>;

}  // namespace polars_redis::read
