#pragma once
// Factories for the builder of each physical layout; make_column_builder dispatches to them.
#include <memory>

#include "polars_redis/arrow/column_builder.hpp"

namespace polars_redis::arrow::detail {

std::unique_ptr<ColumnBuilder> make_view_builder(const DataType& dtype);      // String, Binary, Categorical, Enum
std::unique_ptr<ColumnBuilder> make_boolean_builder(const DataType& dtype);
std::unique_ptr<ColumnBuilder> make_integer_builder(const DataType& dtype);   // Int8..UInt64
std::unique_ptr<ColumnBuilder> make_float_builder(const DataType& dtype);     // Float32, Float64
std::unique_ptr<ColumnBuilder> make_decimal_builder(const DataType& dtype);
std::unique_ptr<ColumnBuilder> make_temporal_builder(const DataType& dtype);  // Date, Datetime, Time
std::unique_ptr<ColumnBuilder> make_list_builder(const DataType& dtype);      // nested_builders.cpp
std::unique_ptr<ColumnBuilder> make_struct_builder(const DataType& dtype);

}  // namespace polars_redis::arrow::detail
