#include "polars_redis/convert/dtype.hpp"

#include <array>
#include <string_view>
#include <utility>

#include "polars_redis/error.hpp"

namespace polars_redis {
namespace {

// Indexed by TypeId; each row pairs the boundary id with the Polars class name.
constexpr std::array<std::pair<const char*, const char*>, 21> kNames = {{
    {"string", "String"},     {"binary", "Binary"},   {"boolean", "Boolean"},
    {"int8", "Int8"},         {"int16", "Int16"},     {"int32", "Int32"},
    {"int64", "Int64"},       {"uint8", "UInt8"},     {"uint16", "UInt16"},
    {"uint32", "UInt32"},     {"uint64", "UInt64"},   {"float32", "Float32"},
    {"float64", "Float64"},   {"decimal", "Decimal"}, {"date", "Date"},
    {"datetime", "Datetime"}, {"time", "Time"},       {"categorical", "Categorical"},
    {"enum", "Enum"},         {"list", "List"},       {"struct", "Struct"},
}};
static_assert(static_cast<size_t>(TypeId::kStruct) + 1 == kNames.size());

// Python's repr of a str for the common case, so messages read like Polars' own.
void append_python_str(std::string& out, std::string_view text) {
  out += '\'';
  for (char c : text) {
    if (c == '\\' || c == '\'') out += '\\';
    out += c;
  }
  out += '\'';
}

}  // namespace

std::string DataType::name() const {
  std::string out = kNames[static_cast<size_t>(id)].second;
  switch (id) {
    case TypeId::kDecimal:
      out += "(precision=" + std::to_string(precision) + ", scale=" + std::to_string(scale) + ")";
      break;
    case TypeId::kDatetime:
      out += "(time_unit='";
      out += unit_to_string(unit);
      out += "', time_zone=";
      if (time_zone.empty()) {
        out += "None";
      } else {
        append_python_str(out, time_zone);
      }
      out += ')';
      break;
    case TypeId::kEnum:
      out += "(categories=[";
      for (size_t i = 0; i < categories.size(); ++i) {
        if (i > 0) out += ", ";
        append_python_str(out, categories[i]);
      }
      out += "])";
      break;
    case TypeId::kList:
      out += '(';
      out += children.empty() ? "Null" : children[0].name();
      out += ')';
      break;
    case TypeId::kStruct:
      out += "({";
      for (size_t i = 0; i < children.size(); ++i) {
        if (i > 0) out += ", ";
        append_python_str(out, i < field_names.size() ? field_names[i] : std::string());
        out += ": " + children[i].name();
      }
      out += "})";
      break;
    default:
      break;
  }
  return out;
}

TypeId DataType::id_from_string(const std::string& id) {
  for (size_t i = 0; i < kNames.size(); ++i) {
    if (id == kNames[i].first) return static_cast<TypeId>(i);
  }
  std::string known;
  for (const auto& entry : kNames) known += std::string(known.empty() ? "" : ", ") + entry.first;
  throw Error(ErrorKind::kInvalidArgument,
              "unknown dtype id '" + quote_for_message(id) + "' (expected one of " + known + ")");
}

const char* DataType::id_to_string(TypeId id) { return kNames[static_cast<size_t>(id)].first; }

TimeUnit DataType::unit_from_string(const std::string& unit) {
  if (unit == "ms") return TimeUnit::kMillisecond;
  if (unit == "us") return TimeUnit::kMicrosecond;
  if (unit == "ns") return TimeUnit::kNanosecond;
  throw Error(ErrorKind::kInvalidArgument, "unknown time unit '" + unit + "' (expected ms, us or ns)");
}

const char* DataType::unit_to_string(TimeUnit unit) {
  switch (unit) {
    case TimeUnit::kMillisecond: return "ms";
    case TimeUnit::kMicrosecond: return "us";
    case TimeUnit::kNanosecond: return "ns";
  }
  return "us";
}

}  // namespace polars_redis
