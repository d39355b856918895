#include "polars_redis/read/field_matcher.hpp"

namespace polars_redis::read {

FieldMatcher::FieldMatcher(const std::vector<FieldSpec>& fields) : seen_(fields.size()) {
  names_.reserve(fields.size());
  for (const FieldSpec& field : fields) names_.push_back(field.name);
  for (size_t i = 0; i < names_.size(); ++i) field_index_.emplace(names_[i], i);
}

size_t FieldMatcher::field_at(size_t position, std::string_view name) {
  size_t field = order_guess_[position];
  if (field == SIZE_MAX || names_[field] != name) {
    auto found = field_index_.find(name);
    field = found == field_index_.end() ? SIZE_MAX : found->second;
    order_guess_[position] = field;
  }
  return field;
}

}  // namespace polars_redis::read
