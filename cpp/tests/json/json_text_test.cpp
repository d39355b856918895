#include "polars_redis/json/json_text.hpp"

#include <gtest/gtest.h>

namespace polars_redis::json {
namespace {

std::string quoted(std::string_view text) {
  std::string out;
  append_json_string(text, out);
  return out;
}

TEST(JsonText, EscapesWhatRfc8259Requires) {
  EXPECT_EQ(quoted(""), "\"\"");
  EXPECT_EQ(quoted("plain"), "\"plain\"");
  EXPECT_EQ(quoted("a\"b\\c"), "\"a\\\"b\\\\c\"");
  EXPECT_EQ(quoted("\n\r\t\b\f"), "\"\\n\\r\\t\\b\\f\"");
  EXPECT_EQ(quoted(std::string_view("\x01\x1f", 2)), "\"\\u0001\\u001f\"");
  EXPECT_EQ(quoted("é ✓ /"), "\"é ✓ /\"");  // UTF-8 and '/' pass through
}

}  // namespace
}  // namespace polars_redis::json

// RedisJSON (serde_json's fast path) reads these the way a server was seen to store them.
TEST(RedisJsonNumbers, ParsingMatchesTheServer) {
  EXPECT_EQ(*polars_redis::json::redisjson_double("9007199254740993.00"), 9007199254740994.0);
  EXPECT_EQ(*polars_redis::json::redisjson_double("0.1"), 0.1);
  EXPECT_EQ(*polars_redis::json::redisjson_double("-2.5e3"), -2500.0);
  // 250.69228802550526 is one of the doubles serde cannot produce from its shortest digits.
  EXPECT_NE(*polars_redis::json::redisjson_double("250.69228802550526"), 250.69228802550526);
  EXPECT_FALSE(polars_redis::json::redisjson_double("1e400").has_value());
  EXPECT_EQ(*polars_redis::json::redisjson_double("1e-400"), 0.0);
}

TEST(RedisJsonNumbers, DecimalsSurviveOnlyWhenExact) {
  std::string stored;
  EXPECT_TRUE(polars_redis::json::survives_redisjson("12345.67", stored));
  EXPECT_TRUE(polars_redis::json::survives_redisjson("18446744073709551615", stored));  // u64: an integer
  EXPECT_TRUE(polars_redis::json::survives_redisjson("-0.00", stored));
  EXPECT_FALSE(polars_redis::json::survives_redisjson("9007199254740993.00", stored));
  EXPECT_EQ(stored, "9007199254740994");
  EXPECT_FALSE(polars_redis::json::survives_redisjson("123456789012345678901234567890", stored));
}

TEST(RedisJsonNumbers, DoublesAreWrittenInAFormStoredExactly) {
  for (double value : {0.1, 3.4028234663852886e38, 1.7976931348623157e308, 5e-324, -1.1754943508222875e-38,
                       0.30000000000000004}) {
    std::string text;
    ASSERT_TRUE(polars_redis::json::append_redisjson_double(value, text)) << value;
    EXPECT_EQ(*polars_redis::json::redisjson_double(text), value) << text;
  }
  std::string text;
  EXPECT_FALSE(polars_redis::json::append_redisjson_double(250.69228802550526, text));
  EXPECT_TRUE(text.empty());
}
