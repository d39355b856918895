// libFuzzer target: parses the input as a stream of RESP replies twice, once with all bytes at
// hand and once with the bytes arriving in random chunks (each feed in a fresh, exactly sized
// buffer, so ASan catches reads past the end or of an earlier buffer), and requires both parses to
// agree reply by reply: same nodes, same lengths, same point of failure.
//
// Build: clang++-14 -std=c++20 -g -O1 -fsanitize=fuzzer,address,undefined -Icpp/include \
//          cpp/fuzz/resp_parser_fuzz.cpp cpp/src/resp/parser.cpp cpp/src/error.cpp
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "polars_redis/error.hpp"
#include "polars_redis/resp/parser.hpp"

namespace {

using polars_redis::Error;
using polars_redis::ErrorKind;
using polars_redis::resp::NodeView;
using polars_redis::resp::Reply;
using polars_redis::resp::ReplyParser;
using polars_redis::resp::Type;

struct Outcome {
  enum Kind { kComplete, kIncomplete, kError } kind = kIncomplete;
  size_t consumed = 0;
  std::vector<std::string> nodes;
  bool operator==(const Outcome&) const = default;
};

void check(bool condition) {
  if (!condition) std::abort();
}

// Everything the API exposes about one node, as bytes to compare.
std::string describe(NodeView v) {
  std::string out(1, static_cast<char>(v.type()));
  const int64_t integer = v.integer();
  const double dbl = v.dbl();
  out.append(reinterpret_cast<const char*>(&integer), sizeof(integer));
  out.append(reinterpret_cast<const char*>(&dbl), sizeof(dbl));
  out += v.boolean() ? 't' : 'f';
  out += std::to_string(v.size()) + '/' + std::to_string(v.next_sibling().index()) + '/';
  out += v.format();
  out += ':';
  out += v.str();
  return out;
}

// Records a complete reply, checking the tree's shape on the way: no attribute survives, and the
// children of every aggregate end exactly where its subtree ends.
void record(const ReplyParser& parser, const char* base, Outcome& outcome) {
  const Reply reply = parser.reply(base);
  const uint32_t end = reply.root().next_sibling().index();
  for (uint32_t i = 0; i < end; ++i) {
    const NodeView v(&reply, i);
    check(v.type() != Type::kAttribute);
    check(v.next_sibling().index() > i && v.next_sibling().index() <= end);
    if (v.is_aggregate()) {
      const size_t children = v.type() == Type::kMap ? 2 * v.size() : v.size();
      NodeView child = v.first_child();
      for (size_t c = 0; c < children; ++c) child = child.next_sibling();
      check(child.index() == v.next_sibling().index());
    }
    outcome.nodes.push_back(describe(v));
  }
  outcome.consumed = parser.consumed();
}

// Feeds [start, size) of data; on completion records the reply and moves start past it.
// Returns false once the stream can go no further with these bytes.
bool step(ReplyParser& parser, const char* data, size_t size, size_t& start,
          std::vector<Outcome>& outcomes, bool last) {
  Outcome outcome;
  try {
    if (parser.feed(data + start, size - start) == ReplyParser::Status::kComplete) {
      outcome.kind = Outcome::kComplete;
      record(parser, data + start, outcome);
      outcomes.push_back(std::move(outcome));
      start += parser.consumed();
      parser.reset();
      return true;
    }
  } catch (const Error& e) {
    check(e.kind() == ErrorKind::kProtocol);
    outcome.kind = Outcome::kError;
    outcomes.push_back(std::move(outcome));
    return false;
  }
  if (last) outcomes.push_back(std::move(outcome));
  return false;
}

std::vector<Outcome> parse_whole(const char* data, size_t size) {
  std::vector<Outcome> outcomes;
  ReplyParser parser;
  size_t start = 0;
  while (step(parser, data, size, start, outcomes, true)) {
  }
  return outcomes;
}

std::vector<Outcome> parse_in_chunks(const char* data, size_t size, uint32_t seed) {
  static constexpr size_t kMaxChunk[] = {1, 2, 3, 7, 16, 64, 256, 4096};
  const size_t max_chunk = kMaxChunk[seed & 7];
  uint64_t state = seed * 0x9e3779b97f4a7c15ull + 1;
  std::vector<Outcome> outcomes;
  ReplyParser parser;
  size_t start = 0;
  size_t received = 0;
  while (true) {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    received = std::min(size, received + state % (max_chunk + 1));  // a chunk may be empty
    const bool last = received == size;
    // The reply's bytes so far, copied to a new place as a reallocating reader would.
    const size_t available = received - start;
    std::unique_ptr<char[]> buffer(new char[available]);
    std::memcpy(buffer.get(), data + start, available);
    size_t offset = 0;
    bool failed = false;
    while (true) {
      const size_t before = outcomes.size();
      const bool more = step(parser, buffer.get(), available, offset, outcomes, last);
      failed = outcomes.size() > before && outcomes.back().kind == Outcome::kError;
      if (!more) break;
    }
    start += offset;
    if (failed || last) return outcomes;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* bytes, size_t size) {
  if (size == 0) return 0;
  const uint32_t seed = bytes[0];  // chooses the chunking
  const char* data = reinterpret_cast<const char*>(bytes + 1);
  check(parse_whole(data, size - 1) == parse_in_chunks(data, size - 1, seed));
  return 0;
}
