// dtype descriptors across the Python boundary (the Python side builds them from Polars dtypes).
#include <nanobind/stl/string.h>
#include <nanobind/stl/vector.h>

#include "bindings.hpp"

namespace polars_redis::bindings {

DataType dtype_from_plan(PlanReader spec) {
  DataType dtype;
  dtype.id = DataType::id_from_string(spec.required<std::string>("id"));
  if (auto unit = spec.optional<std::string>("unit")) dtype.unit = DataType::unit_from_string(*unit);
  if (auto tz = spec.optional<std::string>("tz")) dtype.time_zone = std::move(*tz);
  if (auto precision = spec.optional<int>("precision")) dtype.precision = *precision;
  if (auto scale = spec.optional<int>("scale")) dtype.scale = *scale;
  dtype.categories = spec.get<std::vector<std::string>>("categories", {});
  // Nested: {"id": "list", "inner": {...}}, {"id": "struct", "fields": [(name, {...}), ...]}.
  if (auto inner = spec.optional_nested("inner")) dtype.children.push_back(dtype_from_plan(std::move(*inner)));
  if (auto fields = spec.optional<nb::list>("fields")) {
    for (auto item : *fields) {
      const std::string at = "['fields'][" + std::to_string(dtype.children.size()) + "]";
      auto field = cast_tuple(item, 2, spec.place(at));
      dtype.field_names.push_back(cast_value<std::string>(field[0], spec.place(at + "[0]")));
      dtype.children.push_back(dtype_from_plan(spec.inner(field[1], at + "[1]")));
    }
  }
  spec.finish();
  return dtype;
}

nb::dict dtype_to_dict(const DataType& dtype) {
  nb::dict spec;
  spec["id"] = DataType::id_to_string(dtype.id);
  if (dtype.id == TypeId::kDatetime) {
    spec["unit"] = DataType::unit_to_string(dtype.unit);
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
