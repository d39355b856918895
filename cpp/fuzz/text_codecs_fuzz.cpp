// Runs every text codec on the input; whatever parses must format and parse back to the same
// value. Build: clang++ -std=c++20 -fsanitize=fuzzer,address,undefined -Icpp/include
//   cpp/fuzz/text_codecs_fuzz.cpp cpp/src/convert/*.cpp cpp/src/error.cpp
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

#include "polars_redis/convert/text_codecs.hpp"
#include "polars_redis/convert/text_format.hpp"
#include "polars_redis/convert/type_inference.hpp"

namespace pc = polars_redis::convert;
using polars_redis::TimeUnit;

namespace {

void require(bool ok) {
  if (!ok) std::abort();
}

template <typename T>
void check_int(std::string_view text) {
  if (auto v = pc::parse_int<T>(text)) {
    std::string out;
    pc::format_int<T>(*v, out);
    require(pc::parse_int<T>(out) == v);
  }
}

template <typename F, typename Parse, typename Format>
void check_floating(std::string_view text, Parse parse, Format format) {
  if (auto v = parse(text)) {
    std::string out;
    format(*v, out);
    auto back = parse(out);
    require(back.has_value());
    require(std::isnan(*v) ? std::isnan(*back) : std::memcmp(&*v, &*back, sizeof(F)) == 0);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  std::string out;

  if (auto v = pc::parse_bool(text)) {
    pc::format_bool(*v, out);
    require(pc::parse_bool(out) == v);
  }

  check_int<int8_t>(text);
  check_int<int16_t>(text);
  check_int<int32_t>(text);
  check_int<int64_t>(text);
  check_int<uint8_t>(text);
  check_int<uint16_t>(text);
  check_int<uint32_t>(text);
  check_int<uint64_t>(text);

  check_floating<double>(text, pc::parse_double, pc::format_double);
  check_floating<float>(text, pc::parse_float, pc::format_float);

  for (auto [precision, scale] : {std::pair{38, 0}, {38, 10}, {38, 38}, {10, 2}, {5, 5}, {1, 0}}) {
    if (auto v = pc::parse_decimal(text, precision, scale)) {
      out.clear();
      pc::format_decimal(*v, scale, out);
      require(pc::parse_decimal(out, precision, scale) == v);
    }
  }

  if (auto v = pc::parse_date(text)) {
    out.clear();
    pc::format_date(*v, out);
    require(pc::parse_date(out) == v);
  }

  for (TimeUnit unit : {TimeUnit::kMillisecond, TimeUnit::kMicrosecond, TimeUnit::kNanosecond}) {
    if (auto v = pc::parse_datetime(text, unit)) {
      for (bool utc : {false, true}) {
        out.clear();
        pc::format_datetime(*v, unit, utc, out);
        require(pc::parse_datetime(out, unit) == v);
        require(pc::datetime_text_has_offset(out) == utc);
      }
    }
  }
  pc::datetime_text_has_offset(text);

  if (auto v = pc::parse_time(text)) {
    out.clear();
    pc::format_time(*v, out);
    require(pc::parse_time(out) == v);
  }

  // Inference must never pick a type whose codec rejects one of the observed values.
  pc::TypeInferrer inferrer;
  inferrer.observe(text);
  polars_redis::DataType inferred = inferrer.result();
  switch (inferred.id) {
    case polars_redis::TypeId::kInt64: require(pc::parse_int<int64_t>(text).has_value()); break;
    case polars_redis::TypeId::kFloat64: require(pc::parse_double(text).has_value()); break;
    case polars_redis::TypeId::kBoolean: require(pc::parse_bool(text).has_value()); break;
    case polars_redis::TypeId::kDate: require(pc::parse_date(text).has_value()); break;
    case polars_redis::TypeId::kDatetime:
      require(pc::parse_datetime(text, inferred.unit).has_value());
      break;
    default: break;
  }
  return 0;
}
