#include "polars_redis/read/glob_match.hpp"

#include <gtest/gtest.h>

#include <string>

namespace polars_redis::read {
namespace {

using namespace std::string_literals;

// A pattern, a text and whether the pattern matches the whole text.
struct GlobCase {
  std::string pattern;
  std::string text;
  bool matches;
};

TEST(GlobMatch, PatternsMatchTheWholeText) {
  const GlobCase cases[] = {
      // The examples of the Redis KEYS documentation (also the SCAN MATCH syntax).
      {"h?llo", "hello", true},
      {"h?llo", "hallo", true},
      {"h?llo", "hxllo", true},
      {"h*llo", "hllo", true},
      {"h*llo", "heeeello", true},
      {"h[ae]llo", "hello", true},
      {"h[ae]llo", "hallo", true},
      {"h[ae]llo", "hillo", false},
      {"h[^e]llo", "hallo", true},
      {"h[^e]llo", "hbllo", true},
      {"h[^e]llo", "hello", false},
      {"h[a-b]llo", "hallo", true},
      {"h[a-b]llo", "hbllo", true},
      {"h[a-b]llo", "hcllo", false},
      // The whole text must match.
      {"user:*", "user:1", true},
      {"user:*", "user:", true},
      {"user:*", "xuser:1", false},
      {"user:?", "user:12", false},
      {"user:??", "user:1", false},
      {"*:1", "a:b:1", true},
      {"*:1", "a:b:12", false},
      {"a*b*c", "aXbYbZc", true},
      {"a*b*c", "aXbYbZ", false},
      // Escapes match special characters verbatim.
      {"user\\*", "user*", true},
      {"user\\*", "user1", false},
      {"a\\?b", "a?b", true},
      {"a\\?b", "axb", false},
      {"\\[x\\]", "[x]", true},
      {"[\\]]", "]", true},
      {"[\\-]", "-", true},
      {"[\\-]", "a", false},
      {"a\\", "a\\", true},  // a trailing backslash has nothing to escape: a literal backslash
      // Classes.
      {"[z-a]", "m", true},  // a reversed range is swapped
      {"[0-9][0-9]", "42", true},
      {"[0-9][0-9]", "4a", false},
      {"[^0-9]x", "ax", true},
      {"[^0-9]x", "5x", false},
      {"[]", "a", false},  // an empty class matches nothing
      {"[^]", "a", true},  // and its negation everything
      {"[abc", "b", true},  // an unterminated class runs to the end of the pattern
      {"[abc", "d", false},
      // Empty text and pattern.
      {"", "", true},
      {"", "a", false},
      {"*", "", true},  // SCAN's "*" keeps every key, the empty one too
      {"*", "anything", true},
      {"?", "", false},
      // Binary safe.
      {"a?c"s, "a\0c"s, true},
      {"a\0*"s, "a\0zzz"s, true},
      {"a\0*"s, "a\1zzz"s, false},
      {"k:\xff*", "k:\xff\xfe", true},
      {"[\xe9]", "\xe9", true},
  };
  for (const GlobCase& c : cases) {
    EXPECT_EQ(glob_match(c.pattern, c.text), c.matches) << "'" << c.pattern << "' on '" << c.text << "'";
  }
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
