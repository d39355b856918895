#include "polars_redis/resp/parser.hpp"

#include <charconv>
#include <cstring>
#include <limits>
#include <string>

#include "polars_redis/error.hpp"

namespace polars_redis::resp {
namespace {

// Redis caps bulk strings at 512 MB (proto-max-bulk-len); a larger length means a corrupt stream.
constexpr int64_t kMaxBulkLength = int64_t{512} * 1024 * 1024;
// Node indices are 32-bit; a larger count cannot be represented (nor sent in reasonable memory).
constexpr int64_t kMaxAggregateCount = std::numeric_limits<int32_t>::max();

// Reads the bytes of one element. Positions in messages are relative to the reply start, so an
// error names the same byte however the reply was split across reads.
class Scanner {
 public:
  Scanner(const char* base, const char* end) : base_(base), end_(end) {}

  void begin(const char* element) { element_ = element; }

  [[noreturn, gnu::cold, gnu::noinline]] void fail(const char* what) const {
    throw Error(ErrorKind::kProtocol,
                std::string("malformed RESP reply: ") + what + " in the element at byte " +
                    std::to_string(element_ - base_) + ": '" +
                    quote_for_message({element_, static_cast<size_t>(end_ - element_)}, 32) +
                    "'");
  }

  // The CR of the CRLF ending the line that continues at p, or nullptr if it has not arrived.
  const char* line_end(const char* p) const {
    const void* cr = std::memchr(p, '\r', static_cast<size_t>(end_ - p));
    if (cr == nullptr) return nullptr;
    const char* q = static_cast<const char*>(cr);
    if (q + 1 == end_) return nullptr;
    if (q[1] != '\n') fail("CR not followed by LF");
    return q;
  }

  // Parses `[sign]digits CRLF` at p; returns the position after the CRLF, or nullptr if the line
  // has not fully arrived. Hand-rolled: this runs for every length and integer of every reply.
  const char* integer(const char* p, int64_t& value, bool allow_plus) const {
    if (p == end_) return nullptr;
    const bool negative = *p == '-';
    if (negative || (allow_plus && *p == '+')) ++p;
    const char* const digits = p;
    uint64_t magnitude = 0;
    for (; p < end_; ++p) {
      const unsigned digit = static_cast<unsigned char>(*p) - unsigned{'0'};
      if (digit > 9) break;
      if (p - digits == 19) fail("integer out of the 64-bit range");
      magnitude = magnitude * 10 + digit;
    }
    if (p == end_) return nullptr;
    if (p == digits) fail(*p == '?' ? "streamed RESP3 types are not supported" : "expected digits");
    if (*p != '\r') fail("expected CRLF after an integer");
    if (p + 1 == end_) return nullptr;
    if (p[1] != '\n') fail("CR not followed by LF");
    const uint64_t limit = uint64_t{std::numeric_limits<int64_t>::max()} + (negative ? 1 : 0);
    if (magnitude > limit) fail("integer out of the 64-bit range");
    value = negative ? static_cast<int64_t>(0 - magnitude) : static_cast<int64_t>(magnitude);
    return p + 2;
  }

 private:
  const char* base_;
  const char* end_;
  const char* element_ = nullptr;
};

// Node indices, and the `next` index one past the last node, must fit 32 bits.
void check_room(size_t nodes) {
  if (nodes >= std::numeric_limits<uint32_t>::max() - 1) {
    throw Error(ErrorKind::kProtocol, "malformed RESP reply: too many elements");
  }
}

bool is_decimal_integer(const char* first, const char* last) {
  if (first != last && (*first == '-' || *first == '+')) ++first;
  if (first == last) return false;
  for (; first != last; ++first) {
    if (static_cast<unsigned char>(*first) - unsigned{'0'} > 9) return false;
  }
  return true;
}

}  // namespace

void ReplyParser::reset() {
  nodes_.clear();
  stack_.clear();
  consumed_ = 0;
  complete_ = false;
}

bool ReplyParser::close_frames() {
  do {
    const Frame frame = stack_.back();
    stack_.pop_back();
    if (frame.attribute) {
      // Drop the attribute's nodes; the value it annotates still fills the parent's slot.
      nodes_.resize(frame.node);
      return false;
    }
    nodes_[frame.node].next = static_cast<uint32_t>(nodes_.size());
  } while (!stack_.empty() && --stack_.back().remaining == 0);
  return stack_.empty();
}

// The node of the element just parsed; the caller fills in its value in place.
inline Node& ReplyParser::new_node(Type type) {
  check_room(nodes_.size());
  Node& node = nodes_.emplace_back();
  node.type = type;
  node.next = static_cast<uint32_t>(nodes_.size());
  return node;
}

inline bool ReplyParser::element_done() {
  if (stack_.empty()) return true;
  // Most elements are not the last of their aggregate: settle that without a call.
  if (--stack_.back().remaining > 0) return false;
  return close_frames();
}

bool ReplyParser::add_aggregate(Type type, int64_t count) {
  const auto index = static_cast<uint32_t>(nodes_.size());
  new_node(type).integer = count;
  if (count == 0) return element_done();
  stack_.push_back(Frame{index, type == Type::kMap ? 2 * count : count, false});
  return false;
}

ReplyParser::Status ReplyParser::feed(const char* data, size_t size) {
  if (complete_) return Status::kComplete;
  if (size <= consumed_) return Status::kIncomplete;
  const char* const end = data + size;
  const char* p = data + consumed_;
  Scanner in(data, end);

  // Elements are committed whole: an element cut by the end of the input is parsed again from
  // its first byte on the next feed(), everything before it never is.
  while (p < end) {
    const char* const element = p;
    in.begin(element);
    bool complete = false;
    switch (*element) {
      case '$':
      case '!':
      case '=': {
        int64_t length;
        const char* payload = in.integer(element + 1, length, false);
        if (payload == nullptr) break;
        if (length < 0) {
          if (length != -1 || *element != '$') in.fail("negative length");
          p = payload;
          new_node(Type::kNull);  // RESP2 null bulk string
          complete = element_done();
          break;
        }
        if (length > kMaxBulkLength) in.fail("bulk length above 512 MB");
        if (end - payload < length + 2) break;
        if (payload[length] != '\r' || payload[length + 1] != '\n') {
          in.fail("bulk payload not followed by CRLF");
        }
        p = payload + length + 2;
        size_t offset = static_cast<size_t>(payload - data);
        Type type = Type::kBulkString;
        if (*element == '!') {
          type = Type::kBlobError;
        } else if (*element == '=') {
          if (length < 4 || payload[3] != ':') in.fail("verbatim string without a format prefix");
          type = Type::kVerbatim;
          offset += 4;
          length -= 4;
        }
        Node& node = new_node(type);
        node.integer = length;
        node.offset = offset;
        complete = element_done();
        break;
      }
      case '+':
      case '-':
      case '(': {
        const char* text = element + 1;
        const char* cr = in.line_end(text);
        if (cr == nullptr) break;
        if (*element == '(' && !is_decimal_integer(text, cr)) in.fail("invalid big number");
        p = cr + 2;
        const Type type = *element == '+'   ? Type::kSimpleString
                          : *element == '-' ? Type::kError
                                            : Type::kBigNumber;
        Node& node = new_node(type);
        node.integer = cr - text;
        node.offset = static_cast<size_t>(text - data);
        complete = element_done();
        break;
      }
      case ':': {
        int64_t value;
        const char* next = in.integer(element + 1, value, true);
        if (next == nullptr) break;
        p = next;
        new_node(Type::kInteger).integer = value;
        complete = element_done();
        break;
      }
      case ',': {
        const char* text = element + 1;
        const char* cr = in.line_end(text);
        if (cr == nullptr) break;
        if (cr - text > 1 && text[0] == '+' && text[1] != '-') ++text;  // from_chars rejects '+'
        double value;
        // from_chars also takes "inf", "-inf" and every NaN spelling older servers produce.
        const auto [last, ec] = std::from_chars(text, cr, value);
        if (ec != std::errc() || last != cr) in.fail("invalid double");
        p = cr + 2;
        new_node(Type::kDouble).dbl = value;
        complete = element_done();
        break;
      }
      case '#': {
        if (end - element < 4) break;
        if ((element[1] != 't' && element[1] != 'f') || element[2] != '\r' || element[3] != '\n') {
          in.fail("invalid boolean");
        }
        p = element + 4;
        new_node(Type::kBoolean).boolean = element[1] == 't';
        complete = element_done();
        break;
      }
      case '_': {
        if (end - element < 3) break;
        if (element[1] != '\r' || element[2] != '\n') in.fail("invalid null");
        p = element + 3;
        new_node(Type::kNull);
        complete = element_done();
        break;
      }
      case '*':
      case '%':
      case '~':
      case '>':
      case '|': {
        int64_t count;
        const char* next = in.integer(element + 1, count, false);
        if (next == nullptr) break;
        if (count < 0) {
          if (count != -1 || *element != '*') in.fail("negative count");
          p = next;
          new_node(Type::kNull);  // RESP2 null array
          complete = element_done();
          break;
        }
        if (count > kMaxAggregateCount) in.fail("aggregate count too large");
        p = next;
        if (*element == '|') {
          // Parsed like a map, then dropped by close_frames(); no node of its own.
          if (count > 0) {
            stack_.push_back(Frame{static_cast<uint32_t>(nodes_.size()), 2 * count, true});
          }
          break;
        }
        const Type type = *element == '*'   ? Type::kArray
                          : *element == '%' ? Type::kMap
                          : *element == '~' ? Type::kSet
                                            : Type::kPush;
        complete = add_aggregate(type, count);
        break;
      }
      default:
        in.fail("unknown type byte");
    }
    if (p == element) break;  // the element has not fully arrived
    if (complete) {
      consumed_ = static_cast<size_t>(p - data);
      complete_ = true;
      return Status::kComplete;
    }
  }
  consumed_ = static_cast<size_t>(p - data);
  return Status::kIncomplete;
}

}  // namespace polars_redis::resp
