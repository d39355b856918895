// dtype descriptors across the Python boundary (the Python side builds them from Polars dtypes).
#include <nanobind/stl/string.h>
#include <nanobind/stl/vector.h>

#include "bindings.hpp"
#include "polars_redis/error.hpp"

namespace polars_redis::bindings {

namespace {

TimeUnit unit_from_string(const std::string& unit) {
  if (unit == "ms") return TimeUnit::kMillisecond;
  if (unit == "us") return TimeUnit::kMicrosecond;
  if (unit == "ns") return TimeUnit::kNanosecond;
  throw Error(ErrorKind::kInvalidArgument, "unknown time unit '" + unit + "' (expected ms, us or ns)");
}

const char* unit_to_string(TimeUnit unit) {
  switch (unit) {
    case TimeUnit::kMillisecond: return "ms";
    case TimeUnit::kMicrosecond: return "us";
    case TimeUnit::kNanosecond: return "ns";
  }
  return "us";
}

}  // namespace

DataType dtype_from_dict(const nb::dict& spec) {
  DataType dtype;
  dtype.id = DataType::id_from_string(nb::cast<std::string>(spec["id"]));
  if (spec.contains("unit")) dtype.unit = unit_from_string(nb::cast<std::string>(spec["unit"]));
  if (spec.contains("tz") && !spec["tz"].is_none()) dtype.time_zone = nb::cast<std::string>(spec["tz"]);
  if (spec.contains("precision")) dtype.precision = nb::cast<int>(spec["precision"]);
  if (spec.contains("scale")) dtype.scale = nb::cast<int>(spec["scale"]);
  if (spec.contains("categories")) dtype.categories = nb::cast<std::vector<std::string>>(spec["categories"]);
  // Nested: {"id": "list", "inner": {...}}, {"id": "struct", "fields": [(name, {...}), ...]}.
  if (spec.contains("inner")) dtype.children.push_back(dtype_from_dict(nb::cast<nb::dict>(spec["inner"])));
  if (spec.contains("fields")) {
    for (auto item : nb::cast<nb::list>(spec["fields"])) {
      auto field = nb::cast<nb::tuple>(item);
      dtype.field_names.push_back(nb::cast<std::string>(field[0]));
      dtype.children.push_back(dtype_from_dict(nb::cast<nb::dict>(field[1])));
    }
  }
  return dtype;
}

nb::dict dtype_to_dict(const DataType& dtype) {
  nb::dict spec;
  spec["id"] = DataType::id_to_string(dtype.id);
  if (dtype.id == TypeId::kDatetime) {
    spec["unit"] = unit_to_string(dtype.unit);
    spec["tz"] = dtype.time_zone.empty() ? nb::none() : nb::cast(dtype.time_zone);
  }
  if (dtype.id == TypeId::kList && !dtype.children.empty()) spec["inner"] = dtype_to_dict(dtype.children[0]);
  if (dtype.id == TypeId::kStruct) {
    nb::list fields;
    for (size_t i = 0; i < dtype.children.size(); ++i) {
      fields.append(nb::make_tuple(dtype.field_names[i], dtype_to_dict(dtype.children[i])));
    }
    spec["fields"] = fields;
  }
  return spec;
}

}  // namespace polars_redis::bindings
