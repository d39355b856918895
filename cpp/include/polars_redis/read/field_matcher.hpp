#pragma once
// Finds the projected fields among the (name, value) pairs of a reply: a hash's HGETALL, a stream
// entry's fields. Data written by one application keeps one field order, so the field found at
// each position last time is tried first, before a lookup by name.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "polars_redis/read/field_spec.hpp"
#include "polars_redis/resp/parser.hpp"

namespace polars_redis::read {

class FieldMatcher {
 public:
  explicit FieldMatcher(const std::vector<FieldSpec>& fields);
  // A copy's index would point into the original's names.
  FieldMatcher(const FieldMatcher&) = delete;
  FieldMatcher& operator=(const FieldMatcher&) = delete;
  FieldMatcher(FieldMatcher&&) = default;
  FieldMatcher& operator=(FieldMatcher&&) = default;

  // For the `pairs` (name, value) siblings starting at `first_name`: found(field, value) for the
  // first pair naming each projected field, in reply order; then missing(field) for each
  // projected field no pair named.
  template <typename Found, typename Missing>
  void match(resp::NodeView first_name, size_t pairs, Found found, Missing missing) {
    std::fill(seen_.begin(), seen_.end(), 0);
    if (order_guess_.size() < pairs) order_guess_.resize(pairs, SIZE_MAX);
    auto name = first_name;
    for (size_t p = 0; p < pairs; ++p) {
      const auto value = name.next_sibling();
      const size_t field = field_at(p, name.str());
      if (field != SIZE_MAX && !seen_[field]) {
        seen_[field] = 1;
        found(field, value);
      }
      name = value.next_sibling();
    }
    for (size_t f = 0; f < seen_.size(); ++f) {
      if (!seen_[f]) missing(f);
    }
  }

 private:
  // The projected field called `name`, seen at position `position` (SIZE_MAX: none).
  size_t field_at(size_t position, std::string_view name);

  std::vector<std::string> names_;  // the views below point into these (stable when moved)
  std::unordered_map<std::string_view, size_t> field_index_;
  std::vector<char> seen_;           // per field, while one reply is matched
  std::vector<size_t> order_guess_;  // field index found at each position of the last reply
};

}  // namespace polars_redis::read
