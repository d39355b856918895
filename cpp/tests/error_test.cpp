#include "polars_redis/error.hpp"

#include <gtest/gtest.h>

#include <string>

namespace polars_redis {
namespace {

using namespace std::string_literals;  // "..."s keeps embedded NULs

TEST(QuoteForMessage, PrintableAsciiIsKept) {
  EXPECT_EQ(quote_for_message("hello world ~!{}"), "hello world ~!{}");
  EXPECT_EQ(quote_for_message(""), "");
}

TEST(QuoteForMessage, OtherBytesAreEscaped) {
  EXPECT_EQ(quote_for_message("a\0b"s), "a\\x00b");
  EXPECT_EQ(quote_for_message("\r\n\t"), "\\x0d\\x0a\\x09");
  EXPECT_EQ(quote_for_message("\x7f\x80\xff"), "\\x7f\\x80\\xff");
  EXPECT_EQ(quote_for_message("caf\xc3\xa9"), "caf\\xc3\\xa9");
}

TEST(QuoteForMessage, LongValuesAreCut) {
  EXPECT_EQ(quote_for_message(std::string(130, 'a')), std::string(120, 'a') + "...");
  EXPECT_EQ(quote_for_message(std::string(120, 'a')), std::string(120, 'a'));
  EXPECT_EQ(quote_for_message("abcdef", 3), "abc...");
  EXPECT_EQ(quote_for_message("\x01\x02\x03", 2), "\\x01\\x02...");
  EXPECT_EQ(quote_for_message("abc", 0), "...");
}

}  // namespace
}  // namespace polars_redis
