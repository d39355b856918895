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
