#include "polars_redis/resp/command_text.hpp"

#include <gtest/gtest.h>

#include <string>

#include "polars_redis/error.hpp"
#include "polars_redis/resp/encoder.hpp"

namespace polars_redis::resp {
namespace {

using namespace std::string_literals;

// The expected texts follow Python's shlex.quote: safe characters pass, anything else is single-
// quoted with each ' written as '"'"'.
TEST(QuoteArgument, ShellRules) {
  EXPECT_EQ(quote_argument("HMGET"), "HMGET");
  EXPECT_EQ(quote_argument("user:1/a.b,c=d+e@f%g-h_i"), "user:1/a.b,c=d+e@f%g-h_i");
  EXPECT_EQ(quote_argument(""), "''");
  EXPECT_EQ(quote_argument("user:*"), "'user:*'");
  EXPECT_EQ(quote_argument("two words"), "'two words'");
  EXPECT_EQ(quote_argument("it's"), "'it'\"'\"'s'");
  EXPECT_EQ(quote_argument("$.name"), "'$.name'");
  EXPECT_EQ(quote_argument("caf\xc3\xa9"), "'caf\xc3\xa9'");  // not ASCII: quoted, as shlex does
}

TEST(QuoteArgument, PlaceholdersStayBare) {
  EXPECT_EQ(quote_argument("<key>"), "<key>");
  EXPECT_EQ(quote_argument("<a value>"), "<a value>");
  EXPECT_EQ(quote_argument("<Key>"), "'<Key>'");  // only lower-case words are placeholders
  EXPECT_EQ(quote_argument("<>"), "'<>'");
  EXPECT_EQ(quote_argument("<key"), "'<key'");
}

TEST(CommandTexts, OneLinePerEncodedCommand) {
  std::string out;
  append_command(out, {"TTL", "<key>"});
  append_command(out, {"HMGET", "<key>", "name", "home town"});
  append_command(out, {"SET", "k", "a\r\nb\0"s});
  const auto lines = command_texts(out);
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0], "TTL <key>");
  EXPECT_EQ(lines[1], "HMGET <key> name 'home town'");
  EXPECT_EQ(lines[2], "SET k 'a\r\nb\0'"s);
}

TEST(CommandTexts, RejectsWhatIsNotACommand) {
  EXPECT_TRUE(command_texts("").empty());
  EXPECT_THROW(command_texts("+OK\r\n"), Error);
  EXPECT_THROW(command_texts("*2\r\n$3\r\nGET\r\n"), Error);      // an argument missing
  EXPECT_THROW(command_texts("*1\r\n$9\r\nGET\r\n"), Error);      // cut short
  EXPECT_THROW(command_texts("*1\r\n$-1\r\n"), Error);
}

}  // namespace
}  // namespace polars_redis::resp
