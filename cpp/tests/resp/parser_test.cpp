#include "polars_redis/resp/parser.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <memory>
#include <new>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "polars_redis/error.hpp"
#include "support/thrown_error.hpp"

// Counts heap allocations so a test can prove that parsing a reply allocates nothing once the
// parser's vectors have grown. Replacing the global operators is the only portable hook.
namespace {
std::atomic<size_t> g_allocations{0};
}  // namespace

// GCC sees the free() below paired with operator new through inlining and warns; the pairing is
// intended, both operators being replaced together.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif
void* operator new(size_t size) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, size_t) noexcept { std::free(p); }

namespace polars_redis::resp {
namespace {

using test_support::thrown_error;

using namespace std::string_literals;  // "..."s keeps embedded NULs

// A one-line rendering of a reply, written so that expected values can be spelled out by hand
// from the RESP3 specification: each node is its type byte then its value; aggregates list their
// children in brackets.
std::string render(NodeView v) {
  switch (v.type()) {
    case Type::kSimpleString:
      return "+" + std::string(v.str());
    case Type::kError:
      return "-" + std::string(v.str());
    case Type::kInteger:
      return ":" + std::to_string(v.integer());
    case Type::kBulkString:
      return "$" + std::string(v.str());
    case Type::kNull:
      return "_";
    case Type::kDouble: {
      char buffer[32];
      char* last = std::to_chars(buffer, buffer + sizeof(buffer), v.dbl()).ptr;
      return "," + std::string(buffer, last);
    }
    case Type::kBoolean:
      return v.boolean() ? "#t" : "#f";
    case Type::kBlobError:
      return "!" + std::string(v.str());
    case Type::kVerbatim:
      return "=" + std::string(v.format()) + ":" + std::string(v.str());
    case Type::kBigNumber:
      return "(" + std::string(v.str());
    case Type::kAttribute:
      return "|";  // must never appear
    case Type::kArray:
    case Type::kMap:
    case Type::kSet:
    case Type::kPush: {
      const char marker = v.type() == Type::kArray ? '*'
                          : v.type() == Type::kMap ? '%'
                          : v.type() == Type::kSet ? '~'
                                                   : '>';
      std::string out(1, marker);
      out += '[';
      const size_t children = v.type() == Type::kMap ? 2 * v.size() : v.size();
      NodeView child = v.first_child();
      for (size_t i = 0; i < children; ++i, child = child.next_sibling()) {
        if (i > 0) out += ' ';
        out += render(child);
      }
      EXPECT_EQ(child.index(), v.next_sibling().index()) << "subtree end of node " << v.index();
      return out + ']';
    }
  }
  return "?";
}

// Holds the bytes of one feed in an allocation of exactly that size, so that ASan flags any read
// past the end and any use of a previous feed's buffer after it is freed.
struct ExactBuffer {
  explicit ExactBuffer(std::string_view bytes)
      : data(new char[bytes.size() == 0 ? 1 : bytes.size()]), size(bytes.size()) {
    std::copy(bytes.begin(), bytes.end(), data.get());
  }
  std::unique_ptr<char[]> data;
  size_t size;
};

// Parses one whole reply given in a single buffer.
class Parsed {
 public:
  explicit Parsed(std::string bytes) : bytes_(std::move(bytes)) {
    EXPECT_EQ(parser_.feed(bytes_.data(), bytes_.size()), ReplyParser::Status::kComplete);
    EXPECT_EQ(parser_.consumed(), bytes_.size());
  }
  NodeView root() {
    reply_ = std::make_unique<Reply>(parser_.reply(bytes_.data()));
    return reply_->root();
  }

 private:
  std::string bytes_;
  ReplyParser parser_;
  std::unique_ptr<Reply> reply_;
};

std::string render_whole(const std::string& bytes) {
  Parsed parsed(bytes);
  return render(parsed.root());
}

void expect_protocol_error(const std::string& bytes) {
  ReplyParser parser;
  try {
    parser.feed(bytes.data(), bytes.size());
    ADD_FAILURE() << "no error for '" << quote_for_message(bytes) << "'";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kProtocol) << e.what();
  }
  // The same bytes arriving one at a time fail too.
  ReplyParser byte_parser;
  bool failed = false;
  for (size_t n = 1; n <= bytes.size() && !failed; ++n) {
    ExactBuffer buffer(std::string_view(bytes).substr(0, n));
    try {
      byte_parser.feed(buffer.data.get(), buffer.size);
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::kProtocol) << e.what();
      failed = true;
    }
  }
  EXPECT_TRUE(failed) << "no error byte by byte for '" << quote_for_message(bytes) << "'";
}

// ---- single types -------------------------------------------------------------------------------

TEST(ReplyParser, SimpleString) {
  Parsed parsed("+OK\r\n");
  NodeView root = parsed.root();
  EXPECT_EQ(root.type(), Type::kSimpleString);
  EXPECT_TRUE(root.is_string());
  EXPECT_FALSE(root.is_aggregate());
  EXPECT_EQ(root.str(), "OK");
  EXPECT_EQ(render_whole("+hello world\r\n"), "+hello world");
  EXPECT_EQ(render_whole("+\r\n"), "+");
}

TEST(ReplyParser, SimpleError) {
  Parsed parsed("-ERR this is the error description\r\n");
  NodeView root = parsed.root();
  EXPECT_EQ(root.type(), Type::kError);
  EXPECT_TRUE(root.is_error());
  EXPECT_FALSE(root.is_string());
  EXPECT_EQ(root.str(), "ERR this is the error description");
}

TEST(ReplyParser, Integers) {
  EXPECT_EQ(Parsed(":1234\r\n").root().integer(), 1234);
  EXPECT_EQ(Parsed(":0\r\n").root().integer(), 0);
  EXPECT_EQ(Parsed(":-1\r\n").root().integer(), -1);
  EXPECT_EQ(Parsed(":+5\r\n").root().integer(), 5);
  EXPECT_EQ(Parsed(":9223372036854775807\r\n").root().integer(),
            std::numeric_limits<int64_t>::max());
  EXPECT_EQ(Parsed(":-9223372036854775808\r\n").root().integer(),
            std::numeric_limits<int64_t>::min());
  EXPECT_EQ(Parsed(":1\r\n").root().type(), Type::kInteger);
}

TEST(ReplyParser, BulkStrings) {
  Parsed hello("$11\r\nhello world\r\n");
  EXPECT_EQ(hello.root().type(), Type::kBulkString);
  EXPECT_TRUE(hello.root().is_string());
  EXPECT_EQ(hello.root().str(), "hello world");

  Parsed empty("$0\r\n\r\n");
  EXPECT_EQ(empty.root().type(), Type::kBulkString);
  EXPECT_EQ(empty.root().str(), "");

  // Binary safe: NUL, CR, LF and high bytes inside the payload.
  Parsed binary("$6\r\n\0\r\n\xff\r\n\r\n"s);
  EXPECT_EQ(binary.root().str(), "\0\r\n\xff\r\n"s);
}

TEST(ReplyParser, Nulls) {
  EXPECT_TRUE(Parsed("_\r\n").root().is_null());
  EXPECT_TRUE(Parsed("$-1\r\n").root().is_null());  // RESP2 null bulk string
  EXPECT_TRUE(Parsed("*-1\r\n").root().is_null());  // RESP2 null array
  EXPECT_EQ(render_whole("*3\r\n$-1\r\n*-1\r\n_\r\n"), "*[_ _ _]");
}

TEST(ReplyParser, Doubles) {
  EXPECT_EQ(Parsed(",1.23\r\n").root().type(), Type::kDouble);
  EXPECT_EQ(Parsed(",1.23\r\n").root().dbl(), 1.23);
  EXPECT_EQ(Parsed(",10\r\n").root().dbl(), 10.0);
  EXPECT_EQ(Parsed(",-1.5e-3\r\n").root().dbl(), -0.0015);
  EXPECT_EQ(Parsed(",1E+2\r\n").root().dbl(), 100.0);
  EXPECT_EQ(Parsed(",+2.5\r\n").root().dbl(), 2.5);
  EXPECT_EQ(Parsed(",0.1\r\n").root().dbl(), 0.1);
  EXPECT_EQ(Parsed(",inf\r\n").root().dbl(), std::numeric_limits<double>::infinity());
  EXPECT_EQ(Parsed(",-inf\r\n").root().dbl(), -std::numeric_limits<double>::infinity());
  EXPECT_TRUE(std::isnan(Parsed(",nan\r\n").root().dbl()));
  // Spellings of NaN that Redis before 7.2 could send.
  EXPECT_TRUE(std::isnan(Parsed(",-nan\r\n").root().dbl()));
  EXPECT_TRUE(std::isnan(Parsed(",NAN\r\n").root().dbl()));
  EXPECT_TRUE(std::isnan(Parsed(",nan(123)\r\n").root().dbl()));
}

TEST(ReplyParser, Booleans) {
  Parsed t("#t\r\n");
  EXPECT_EQ(t.root().type(), Type::kBoolean);
  EXPECT_TRUE(t.root().boolean());
  EXPECT_FALSE(Parsed("#f\r\n").root().boolean());
}

TEST(ReplyParser, BlobError) {
  Parsed parsed("!21\r\nSYNTAX invalid syntax\r\n");
  EXPECT_EQ(parsed.root().type(), Type::kBlobError);
  EXPECT_TRUE(parsed.root().is_error());
  EXPECT_EQ(parsed.root().str(), "SYNTAX invalid syntax");
}

TEST(ReplyParser, VerbatimString) {
  Parsed parsed("=15\r\ntxt:Some string\r\n");
  EXPECT_EQ(parsed.root().type(), Type::kVerbatim);
  EXPECT_TRUE(parsed.root().is_string());
  EXPECT_EQ(parsed.root().str(), "Some string");
  EXPECT_EQ(parsed.root().format(), "txt");

  Parsed empty("=4\r\nmkd:\r\n");
  EXPECT_EQ(empty.root().str(), "");
  EXPECT_EQ(empty.root().format(), "mkd");

  EXPECT_EQ(Parsed("$2\r\nab\r\n").root().format(), "");
}

TEST(ReplyParser, BigNumber) {
  Parsed parsed("(3492890328409238509324850943850943825024385\r\n");
  EXPECT_EQ(parsed.root().type(), Type::kBigNumber);
  EXPECT_TRUE(parsed.root().is_string());
  EXPECT_EQ(parsed.root().str(), "3492890328409238509324850943850943825024385");
  EXPECT_EQ(Parsed("(-3492890328409238509324850943850943825024385\r\n").root().str(),
            "-3492890328409238509324850943850943825024385");
}

// ---- aggregates ---------------------------------------------------------------------------------

TEST(ReplyParser, Array) {
  Parsed parsed("*3\r\n:1\r\n:2\r\n:3\r\n");
  NodeView root = parsed.root();
  EXPECT_EQ(root.type(), Type::kArray);
  EXPECT_TRUE(root.is_aggregate());
  EXPECT_EQ(root.size(), 3u);
  EXPECT_EQ(root.child(0).integer(), 1);
  EXPECT_EQ(root.child(1).integer(), 2);
  EXPECT_EQ(root.child(2).integer(), 3);
  EXPECT_EQ(root.first_child().next_sibling().integer(), 2);
  EXPECT_EQ(root.next_sibling().index(), 4u);
}

TEST(ReplyParser, NestedArrays) {
  // [[1, "hello", 2], false] from the RESP3 specification.
  EXPECT_EQ(render_whole("*2\r\n*3\r\n:1\r\n$5\r\nhello\r\n:2\r\n#f\r\n"), "*[*[:1 $hello :2] #f]");
  Parsed parsed("*2\r\n*3\r\n:1\r\n$5\r\nhello\r\n:2\r\n#f\r\n");
  NodeView inner = parsed.root().child(0);
  EXPECT_EQ(inner.size(), 3u);
  EXPECT_EQ(inner.child(1).str(), "hello");
  EXPECT_EQ(inner.next_sibling().boolean(), false);
  EXPECT_EQ(inner.next_sibling().type(), Type::kBoolean);
}

TEST(ReplyParser, EmptyAggregates) {
  EXPECT_EQ(render_whole("*0\r\n"), "*[]");
  EXPECT_EQ(render_whole("%0\r\n"), "%[]");
  EXPECT_EQ(render_whole("~0\r\n"), "~[]");
  EXPECT_EQ(render_whole("*3\r\n*0\r\n%0\r\n:5\r\n"), "*[*[] %[] :5]");
  Parsed parsed("*0\r\n");
  EXPECT_EQ(parsed.root().size(), 0u);
  EXPECT_EQ(parsed.root().next_sibling().index(), 1u);
}

TEST(ReplyParser, Map) {
  Parsed parsed("%2\r\n+first\r\n:1\r\n+second\r\n:2\r\n");
  NodeView root = parsed.root();
  EXPECT_EQ(root.type(), Type::kMap);
  EXPECT_EQ(root.size(), 2u);  // pairs
  EXPECT_EQ(root.child(0).str(), "first");
  EXPECT_EQ(root.child(1).integer(), 1);
  EXPECT_EQ(root.child(2).str(), "second");
  EXPECT_EQ(root.child(3).integer(), 2);
  EXPECT_EQ(root.next_sibling().index(), 5u);
}

TEST(ReplyParser, MapOfAggregates) {
  EXPECT_EQ(render_whole("%2\r\n*1\r\n:1\r\n~2\r\n+a\r\n+b\r\n$1\r\nk\r\n%1\r\n:1\r\n_\r\n"),
            "%[*[:1] ~[+a +b] $k %[:1 _]]");
}

TEST(ReplyParser, Set) {
  Parsed parsed("~5\r\n+orange\r\n+apple\r\n#t\r\n:100\r\n:999\r\n");
  EXPECT_EQ(parsed.root().type(), Type::kSet);
  EXPECT_EQ(parsed.root().size(), 5u);
  EXPECT_EQ(render(parsed.root()), "~[+orange +apple #t :100 :999]");
}

TEST(ReplyParser, Push) {
  Parsed parsed(">3\r\n+message\r\n+somechannel\r\n+this is the message\r\n");
  EXPECT_EQ(parsed.root().type(), Type::kPush);
  EXPECT_TRUE(parsed.root().is_aggregate());
  EXPECT_EQ(parsed.root().size(), 3u);
  EXPECT_EQ(parsed.root().child(0).str(), "message");
  EXPECT_EQ(parsed.root().child(2).str(), "this is the message");
}

TEST(ReplyParser, DeepNestingNeedsNoRecursion) {
  constexpr int kDepth = 100000;
  std::string bytes;
  for (int i = 0; i < kDepth; ++i) bytes += "*1\r\n";
  bytes += ":7\r\n";
  Parsed parsed(bytes);
  NodeView v = parsed.root();
  for (int i = 0; i < kDepth; ++i) {
    ASSERT_EQ(v.type(), Type::kArray);
    v = v.first_child();
  }
  EXPECT_EQ(v.integer(), 7);
  EXPECT_EQ(parsed.root().next_sibling().index(), static_cast<uint32_t>(kDepth + 1));
}

// ---- attributes ---------------------------------------------------------------------------------

TEST(ReplyParser, AttributeBeforeTopLevelReply) {
  // The MGET example of the RESP3 specification: the reply is just the array.
  const std::string bytes =
      "|1\r\n+key-popularity\r\n%2\r\n$1\r\na\r\n,0.1923\r\n$1\r\nb\r\n,0.0012\r\n"
      "*2\r\n:2039123\r\n:9543892\r\n";
  Parsed parsed(bytes);
  NodeView root = parsed.root();
  EXPECT_EQ(root.type(), Type::kArray);
  EXPECT_EQ(render(root), "*[:2039123 :9543892]");
  EXPECT_EQ(root.next_sibling().index(), 3u);  // no attribute node is kept
}

TEST(ReplyParser, AttributeInsideAggregate) {
  // The third element carries {ttl: 3600}; the array still has three elements.
  EXPECT_EQ(render_whole("*3\r\n:1\r\n:2\r\n|1\r\n+ttl\r\n:3600\r\n:3\r\n"), "*[:1 :2 :3]");
  EXPECT_EQ(render_whole("*2\r\n|1\r\n+a\r\n+b\r\n:1\r\n:2\r\n"), "*[:1 :2]");
  EXPECT_EQ(render_whole("%1\r\n|1\r\n+a\r\n+b\r\n+k\r\n|1\r\n+c\r\n+d\r\n+v\r\n"), "%[+k +v]");
}

TEST(ReplyParser, AttributesNestedAndEmpty) {
  // An attribute whose key and value are themselves annotated, then an empty attribute.
  EXPECT_EQ(render_whole("|1\r\n|1\r\n+x\r\n+y\r\n+key\r\n|1\r\n+z\r\n*1\r\n:0\r\n*1\r\n:0\r\n"
                         "|0\r\n+OK\r\n"),
            "+OK");
  EXPECT_EQ(render_whole("|2\r\n+a\r\n*2\r\n:1\r\n:2\r\n+b\r\n%1\r\n:1\r\n:2\r\n$2\r\nhi\r\n"),
            "$hi");
}

// ---- streaming ----------------------------------------------------------------------------------

// Every type, nesting, attributes at the top level, nested and inside aggregates, RESP2 nulls,
// a bulk payload containing CRLF and a push: 1 + 13 top-level elements.
const std::string kComposite =
    "|1\r\n|1\r\n+x\r\n+y\r\n+meta\r\n:0\r\n"
    "*13\r\n"
    "+OK\r\n"
    "-ERR bad thing\r\n"
    ":-42\r\n"
    "$5\r\nhe\r\nl\r\n"
    "$-1\r\n"
    "$0\r\n\r\n"
    "%2\r\n+a\r\n:1\r\n$1\r\nb\r\n*2\r\n_\r\n#t\r\n"
    "~3\r\n,1.5\r\n,-inf\r\n,nan\r\n"
    "|1\r\n+ttl\r\n:3600\r\n(12345678901234567890123\r\n"
    "=15\r\ntxt:Some string\r\n"
    "!21\r\nSYNTAX invalid syntax\r\n"
    "*3\r\n*0\r\n*-1\r\n>2\r\n+message\r\n#f\r\n"
    "*2\r\n|1\r\n+k\r\n*1\r\n:1\r\n,0.25\r\n:7\r\n";

const std::string kCompositeRendered =
    "*[+OK -ERR bad thing :-42 $he\r\nl _ $ %[+a :1 $b *[_ #t]] ~[,1.5 ,-inf ,nan] "
    "(12345678901234567890123 =txt:Some string !SYNTAX invalid syntax *[*[] _ >[+message #f]] "
    "*[,0.25 :7]]";

// Feeds growing prefixes of `bytes`, each in a fresh buffer; the last prefix is the whole reply.
std::string feed_prefixes(const std::string& bytes, const std::vector<size_t>& cuts) {
  ReplyParser parser;
  for (size_t cut : cuts) {
    ExactBuffer buffer(std::string_view(bytes).substr(0, cut));
    EXPECT_EQ(parser.feed(buffer.data.get(), buffer.size), ReplyParser::Status::kIncomplete)
        << "prefix of " << cut << " bytes";
  }
  ExactBuffer whole(bytes);
  EXPECT_EQ(parser.feed(whole.data.get(), whole.size), ReplyParser::Status::kComplete);
  EXPECT_EQ(parser.consumed(), bytes.size());
  return render(parser.reply(whole.data.get()).root());
}

TEST(ReplyParserStreaming, WholeComposite) {
  EXPECT_EQ(render_whole(kComposite), kCompositeRendered);
}

TEST(ReplyParserStreaming, SplitAtEveryByte) {
  for (size_t cut = 0; cut < kComposite.size(); ++cut) {
    ASSERT_EQ(feed_prefixes(kComposite, {cut}), kCompositeRendered) << "cut at " << cut;
  }
}

TEST(ReplyParserStreaming, SplitAtEveryPairOfBytes) {
  for (size_t first = 1; first < kComposite.size(); ++first) {
    for (size_t second = first; second < kComposite.size(); ++second) {
      ASSERT_EQ(feed_prefixes(kComposite, {first, second}), kCompositeRendered)
          << "cuts at " << first << " and " << second;
    }
  }
}

TEST(ReplyParserStreaming, OneByteAtATime) {
  std::vector<size_t> cuts;
  for (size_t n = 0; n < kComposite.size(); ++n) cuts.push_back(n);
  EXPECT_EQ(feed_prefixes(kComposite, cuts), kCompositeRendered);
}

TEST(ReplyParserStreaming, CompletedElementsAreNotReadAgain) {
  // After the header and the first element are in, their bytes may change in the next buffer
  // (here they are overwritten) without affecting the result: they are never rescanned.
  ReplyParser parser;
  const std::string first = "*2\r\n:1\r\n:";
  ASSERT_EQ(parser.feed(first.data(), first.size()), ReplyParser::Status::kIncomplete);
  const std::string second = "XXXXXXXX:2\r\n";
  ASSERT_EQ(parser.feed(second.data(), second.size()), ReplyParser::Status::kComplete);
  EXPECT_EQ(parser.consumed(), second.size());
  NodeView root = parser.reply(second.data()).root();
  EXPECT_EQ(root.size(), 2u);
  EXPECT_EQ(root.child(0).integer(), 1);
  EXPECT_EQ(root.child(1).integer(), 2);
}

TEST(ReplyParserStreaming, PayloadOffsetsSurviveRelocation) {
  // The string payloads are read from whichever buffer is passed to reply().
  ReplyParser parser;
  const std::string bytes = "*2\r\n$5\r\nhello\r\n$5\r\nworld\r\n";
  {
    ExactBuffer early(std::string_view(bytes).substr(0, 17));
    ASSERT_EQ(parser.feed(early.data.get(), early.size), ReplyParser::Status::kIncomplete);
  }  // freed: a stale pointer would be caught by ASan
  std::string moved = bytes;
  ASSERT_EQ(parser.feed(moved.data(), moved.size()), ReplyParser::Status::kComplete);
  NodeView root = parser.reply(moved.data()).root();
  EXPECT_EQ(root.child(0).str(), "hello");
  EXPECT_EQ(root.child(1).str(), "world");
}

TEST(ReplyParserStreaming, BackToBackReplies) {
  const std::string bytes = "+OK\r\n:1000\r\n$3\r\nfoo\r\n*1\r\n_\r\n%1\r\n+a\r\n";
  ReplyParser parser;
  size_t start = 0;
  const std::vector<std::pair<size_t, std::string>> expected = {
      {5, "+OK"}, {7, ":1000"}, {9, "$foo"}, {7, "*[_]"}};
  for (const auto& [length, rendered] : expected) {
    ASSERT_EQ(parser.feed(bytes.data() + start, bytes.size() - start),
              ReplyParser::Status::kComplete);
    EXPECT_EQ(parser.consumed(), length);
    EXPECT_EQ(render(parser.reply(bytes.data() + start).root()), rendered);
    start += parser.consumed();
    parser.reset();
  }
  // The last reply has only its first half.
  EXPECT_EQ(parser.feed(bytes.data() + start, bytes.size() - start),
            ReplyParser::Status::kIncomplete);
}

TEST(ReplyParserStreaming, FeedAfterCompleteKeepsTheReply) {
  const std::string bytes = ":1\r\n:2\r\n";
  ReplyParser parser;
  ASSERT_EQ(parser.feed(bytes.data(), bytes.size()), ReplyParser::Status::kComplete);
  ASSERT_EQ(parser.feed(bytes.data(), bytes.size()), ReplyParser::Status::kComplete);
  EXPECT_EQ(parser.consumed(), 4u);
  EXPECT_EQ(parser.reply(bytes.data()).root().integer(), 1);
}

TEST(ReplyParserStreaming, EmptyFeedIsIncomplete) {
  ReplyParser parser;
  EXPECT_EQ(parser.feed(nullptr, 0), ReplyParser::Status::kIncomplete);
  EXPECT_EQ(parser.feed("+O", 2), ReplyParser::Status::kIncomplete);
  EXPECT_EQ(parser.feed("+O", 2), ReplyParser::Status::kIncomplete);
  EXPECT_EQ(parser.feed("+OK\r\n", 5), ReplyParser::Status::kComplete);
}

TEST(ReplyParserStreaming, ResetDropsAPartialReply) {
  ReplyParser parser;
  ASSERT_EQ(parser.feed("*3\r\n:1\r\n", 8), ReplyParser::Status::kIncomplete);
  parser.reset();
  const std::string bytes = "$2\r\nok\r\n";
  ASSERT_EQ(parser.feed(bytes.data(), bytes.size()), ReplyParser::Status::kComplete);
  EXPECT_EQ(render(parser.reply(bytes.data()).root()), "$ok");
}

TEST(ReplyParserStreaming, NoAllocationOnceGrown) {
  std::string bytes = "*10000\r\n";
  for (int i = 0; i < 10000; ++i) bytes += "%1\r\n$3\r\nkey\r\n*2\r\n:1\r\n,2.5\r\n";
  ReplyParser parser;
  ASSERT_EQ(parser.feed(bytes.data(), bytes.size()), ReplyParser::Status::kComplete);
  parser.reset();

  const size_t before = g_allocations.load();
  const auto first = parser.feed(bytes.data(), bytes.size() / 2);
  const auto second = parser.feed(bytes.data(), bytes.size());
  parser.reset();
  const auto third = parser.feed(bytes.data(), bytes.size());
  const size_t allocations = g_allocations.load() - before;

  EXPECT_EQ(first, ReplyParser::Status::kIncomplete);
  EXPECT_EQ(second, ReplyParser::Status::kComplete);
  EXPECT_EQ(third, ReplyParser::Status::kComplete);
  EXPECT_EQ(allocations, 0u);
  EXPECT_EQ(parser.reply(bytes.data()).root().child(9999).child(1).child(1).dbl(), 2.5);
}

// ---- malformed input ----------------------------------------------------------------------------

TEST(ReplyParserErrors, MalformedInputThrowsProtocolError) {
  const std::vector<std::string> cases = {
      "?foo\r\n",                      // unknown type byte
      "\r\n",                          // no type byte
      "*1\r\n@\r\n",                   // unknown type byte inside an aggregate
      "$abc\r\n",                      // length is not a number
      "$\r\n",                         // empty length
      "$3x\r\nabc\r\n",                // junk after the length
      "$-2\r\n",                       // negative length other than -1
      "$-0\r\nab\r\n",                 // "-0" is 0: the payload then lacks its CRLF
      "*-2\r\n",                       // negative count other than -1
      "%-1\r\n",                       // null map does not exist
      "~-1\r\n",                       // nor null set
      ">-1\r\n",                       // nor null push
      "|-1\r\n",                       // nor null attribute
      "!-1\r\n",                       // nor null blob error
      "=-1\r\n",                       // nor null verbatim string
      "$3\r\nabcXY",                   // payload not followed by CRLF
      "$3\r\nabc\rX",                  // CR not followed by LF
      "$536870913\r\n",                // above 512 MB
      "$99999999999999999999\r\n",     // above 64 bits
      "+OK\rX",                        // CR not followed by LF
      "-ERR\r\r\n",                    // CR not followed by LF
      ":12a\r\n",                      // junk in an integer
      ":\r\n",                         // no digits
      ":-\r\n",                        // sign without digits
      ":+-1\r\n",                      // two signs
      ":1\n",                          // LF without CR
      ":9223372036854775808\r\n",      // INT64_MAX + 1
      ":-9223372036854775809\r\n",     // INT64_MIN - 1
      ":123456789012345678901\r\n",    // 21 digits
      "#x\r\n",                        // not t or f
      "#tt\r\n",                       // boolean with trailing junk
      "_x\r\n",                        // null with junk
      ",abc\r\n",                      // not a number
      ",1.5x\r\n",                     // junk after a double
      ",\r\n",                         // empty double
      ",+-1\r\n",                      // two signs
      "=3\r\ntxt\r\n",                 // verbatim shorter than its format prefix
      "=5\r\ntxt;a\r\n",               // no colon after the format
      "(\r\n",                         // empty big number
      "(12a\r\n",                      // junk in a big number
      "(1.5\r\n",                      // big numbers have no decimal part
      "$?\r\n;4\r\nHell\r\n;0\r\n",    // streamed string (not sent by Redis)
      "*?\r\n:1\r\n.\r\n",             // streamed aggregate (not sent by Redis)
      "*2147483648\r\n",               // aggregate count beyond 32 bits of nodes
  };
  for (const std::string& bytes : cases) {
    SCOPED_TRACE(quote_for_message(bytes));
    expect_protocol_error(bytes);
  }
}

TEST(ReplyParserErrors, MessageNamesTheElementOffset) {
  const std::string bytes = "*2\r\n:1\r\n$1\r\nab\r\n";
  ReplyParser parser;
  const Error e = thrown_error([&] { parser.feed(bytes.data(), bytes.size()); });
  EXPECT_EQ(e.kind(), ErrorKind::kProtocol);
  EXPECT_NE(std::string(e.what()).find("at byte 8"), std::string::npos) << e.what();
  EXPECT_NE(std::string(e.what()).find("$1\\x0d\\x0aab\\x0d\\x0a"), std::string::npos)
      << e.what();
}

TEST(ReplyParserErrors, IncompleteIsNotAnError) {
  for (const std::string bytes : {"$3\r\nab", "*2\r\n:1\r\n", ":123", "+OK\r", ",1.5", "#t\r", "_",
                                  "$10", "$-1\r", "|1\r\n+a\r\n+b\r\n"}) {
    ReplyParser parser;
    EXPECT_EQ(parser.feed(bytes.data(), bytes.size()), ReplyParser::Status::kIncomplete) << bytes;
  }
}

}  // namespace
}  // namespace polars_redis::resp
