#include "polars_redis/read/glob_match.hpp"

#include <gtest/gtest.h>

#include <string>

namespace polars_redis::read {
namespace {

using namespace std::string_literals;

// The examples of the Redis KEYS documentation (also the SCAN MATCH syntax).
TEST(GlobMatch, DocumentedExamples) {
  for (auto text : {"hello", "hallo", "hxllo"}) EXPECT_TRUE(glob_match("h?llo", text)) << text;
  for (auto text : {"hllo", "heeeello"}) EXPECT_TRUE(glob_match("h*llo", text)) << text;
  EXPECT_TRUE(glob_match("h[ae]llo", "hello"));
  EXPECT_TRUE(glob_match("h[ae]llo", "hallo"));
  EXPECT_FALSE(glob_match("h[ae]llo", "hillo"));
  EXPECT_TRUE(glob_match("h[^e]llo", "hallo"));
  EXPECT_TRUE(glob_match("h[^e]llo", "hbllo"));
  EXPECT_FALSE(glob_match("h[^e]llo", "hello"));
  EXPECT_TRUE(glob_match("h[a-b]llo", "hallo"));
  EXPECT_TRUE(glob_match("h[a-b]llo", "hbllo"));
  EXPECT_FALSE(glob_match("h[a-b]llo", "hcllo"));
}

TEST(GlobMatch, WholeTextMustMatch) {
  EXPECT_TRUE(glob_match("user:*", "user:1"));
  EXPECT_TRUE(glob_match("user:*", "user:"));
  EXPECT_FALSE(glob_match("user:*", "xuser:1"));
  EXPECT_FALSE(glob_match("user:?", "user:12"));
  EXPECT_FALSE(glob_match("user:??", "user:1"));
  EXPECT_TRUE(glob_match("*:1", "a:b:1"));
  EXPECT_FALSE(glob_match("*:1", "a:b:12"));
  EXPECT_TRUE(glob_match("a*b*c", "aXbYbZc"));
  EXPECT_FALSE(glob_match("a*b*c", "aXbYbZ"));
}

TEST(GlobMatch, EscapesMatchSpecialCharactersVerbatim) {
  EXPECT_TRUE(glob_match("user\\*", "user*"));
  EXPECT_FALSE(glob_match("user\\*", "user1"));
  EXPECT_TRUE(glob_match("a\\?b", "a?b"));
  EXPECT_FALSE(glob_match("a\\?b", "axb"));
  EXPECT_TRUE(glob_match("\\[x\\]", "[x]"));
  EXPECT_TRUE(glob_match("[\\]]", "]"));
  EXPECT_TRUE(glob_match("[\\-]", "-"));
  EXPECT_FALSE(glob_match("[\\-]", "a"));
  // A trailing backslash has nothing to escape: it is a literal backslash.
  EXPECT_TRUE(glob_match("a\\", "a\\"));
}

TEST(GlobMatch, Classes) {
  EXPECT_TRUE(glob_match("[z-a]", "m"));  // a reversed range is swapped
  EXPECT_TRUE(glob_match("[0-9][0-9]", "42"));
  EXPECT_FALSE(glob_match("[0-9][0-9]", "4a"));
  EXPECT_TRUE(glob_match("[^0-9]x", "ax"));
  EXPECT_FALSE(glob_match("[^0-9]x", "5x"));
  EXPECT_FALSE(glob_match("[]", "a"));   // an empty class matches nothing
  EXPECT_TRUE(glob_match("[^]", "a"));   // and its negation everything
  // An unterminated class runs to the end of the pattern.
  EXPECT_TRUE(glob_match("[abc", "b"));
  EXPECT_FALSE(glob_match("[abc", "d"));
}

TEST(GlobMatch, EmptyTextAndPattern) {
  EXPECT_TRUE(glob_match("", ""));
  EXPECT_FALSE(glob_match("", "a"));
  EXPECT_TRUE(glob_match("*", ""));  // SCAN's "*" keeps every key, the empty one too
  EXPECT_TRUE(glob_match("*", "anything"));
  EXPECT_FALSE(glob_match("?", ""));
}

TEST(GlobMatch, BinarySafe) {
  EXPECT_TRUE(glob_match("a?c"s, "a\0c"s));
  EXPECT_TRUE(glob_match("a\0*"s, "a\0zzz"s));
  EXPECT_FALSE(glob_match("a\0*"s, "a\1zzz"s));
  EXPECT_TRUE(glob_match("k:\xff*", "k:\xff\xfe"));
  EXPECT_TRUE(glob_match("[\xe9]", "\xe9"));
}

// Naive backtracking would need about 20000^16 steps here; the test finishing at all is the check.
TEST(GlobMatch, ManyStarsDoNotBacktrackExponentially) {
  const std::string text(20000, 'a');
  EXPECT_FALSE(glob_match("*****************b", text));
  EXPECT_FALSE(glob_match("a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b", text));
  EXPECT_TRUE(glob_match("a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a", text));
}

}  // namespace
}  // namespace polars_redis::read
