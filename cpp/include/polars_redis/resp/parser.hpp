#pragma once
// Streaming RESP2/RESP3 parser.
//
// A reply is flattened into a reused vector of nodes in pre-order; string payloads are stored as
// offsets into the caller's buffer, so a reply split across any number of reads is resumed where
// parsing stopped (no re-scan, no quadratic cost) even if the buffer was reallocated in between,
// and a complete reply costs no heap allocation once the node vector has grown.
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace polars_redis::resp {

enum class Type : uint8_t {
  kSimpleString,  // +
  kError,         // -
  kInteger,       // :
  kBulkString,    // $
  kArray,         // *
  kNull,          // _ and RESP2 null bulk ($-1) / null array (*-1)
  kDouble,        // ,
  kBoolean,       // #
  kBlobError,     // !
  kVerbatim,      // =   (str() excludes the "txt:" prefix; format() gives it)
  kBigNumber,     // (   (str() is the decimal text)
  kMap,           // %   (size() counts entries; children are key, value, key, value, ...)
  kSet,           // ~
  kAttribute,     // |   (never surfaced: attributes are skipped, the annotated value is kept)
  kPush,          // >
};

struct Node {
  Type type;
  bool boolean = false;
  int64_t integer = 0;   // kInteger value, aggregate element count (maps: pairs), string length
  double dbl = 0.0;      // kDouble value
  size_t offset = 0;     // payload offset from the reply start (strings)
  uint32_t next = 0;     // index of the node after this node's subtree
};

class Reply;

// A view of one node of a complete reply. It copies what it needs from the Reply, so it stays
// valid after a temporary Reply is gone (as long as the parser and the buffer are unchanged).
class NodeView {
 public:
  NodeView(const Reply* reply, uint32_t index);
  Type type() const;
  bool is_null() const { return type() == Type::kNull; }
  bool is_error() const { return type() == Type::kError || type() == Type::kBlobError; }
  bool is_string() const;      // simple, bulk, verbatim, big number
  bool is_aggregate() const;   // array, map, set, push
  std::string_view str() const;        // string payload (also the message of an error)
  std::string_view format() const;     // verbatim format ("txt"), empty otherwise
  int64_t integer() const;
  double dbl() const;
  bool boolean() const;
  size_t size() const;                 // elements (map: number of key/value pairs)
  // Children in order; for a map: key0, value0, key1, value1, ... (2 * size() children).
  NodeView first_child() const { return NodeView(nodes_, base_, index_ + 1); }
  NodeView next_sibling() const;
  NodeView child(size_t i) const;      // O(i)
  uint32_t index() const { return index_; }

 private:
  NodeView(const Node* nodes, const char* base, uint32_t index)
      : nodes_(nodes), base_(base), index_(index) {}
  const Node& node() const { return nodes_[index_]; }

  const Node* nodes_;
  const char* base_;
  uint32_t index_;
};

class Reply {
 public:
  Reply(const std::vector<Node>* nodes, const char* base) : nodes_(nodes), base_(base) {}
  NodeView root() const { return NodeView(this, 0); }
  const Node& node(uint32_t i) const { return (*nodes_)[i]; }
  const char* base() const { return base_; }

 private:
  friend class NodeView;
  const std::vector<Node>* nodes_;
  const char* base_;
};

class ReplyParser {
 public:
  enum class Status { kIncomplete, kComplete };

  // `data` holds the bytes from the start of the current reply onwards. Call again with the same
  // reply start (possibly at another address) and more bytes after kIncomplete. Throws
  // Error(kProtocol) on malformed input.
  Status feed(const char* data, size_t size);

  // After kComplete: the reply (valid while `data` and the parser are unchanged) and its length.
  Reply reply(const char* data) const { return Reply(&nodes_, data); }
  size_t consumed() const { return consumed_; }

  // Forget the current reply; the next feed() starts a new one (until then, feed() keeps
  // returning kComplete).
  void reset();

 private:
  struct Frame {
    uint32_t node;       // aggregate node index (for an attribute: where its nodes start)
    int64_t remaining;   // children still to parse
    bool attribute;      // children belong to an attribute that will be dropped
  };
  Node& new_node(Type type);
  // These return true when the element just added completes the reply.
  bool element_done();
  bool add_aggregate(Type type, int64_t count);
  // Pops the top frame, whose last child was just added, and every frame that this completes.
  bool close_frames();

  std::vector<Node> nodes_;
  std::vector<Frame> stack_;
  size_t consumed_ = 0;  // bytes of the current reply parsed so far
  bool complete_ = false;
};

// NodeView is read once per value on the hot path, so its accessors are inline.

inline NodeView::NodeView(const Reply* reply, uint32_t index)
    : nodes_(reply->nodes_->data()), base_(reply->base_), index_(index) {}

inline Type NodeView::type() const { return node().type; }

inline bool NodeView::is_string() const {
  switch (type()) {
    case Type::kSimpleString:
    case Type::kBulkString:
    case Type::kVerbatim:
    case Type::kBigNumber:
      return true;
    default:
      return false;
  }
}

inline bool NodeView::is_aggregate() const {
  switch (type()) {
    case Type::kArray:
    case Type::kMap:
    case Type::kSet:
    case Type::kPush:
      return true;
    default:
      return false;
  }
}

inline std::string_view NodeView::str() const {
  if (!is_string() && !is_error()) return {};
  return {base_ + node().offset, static_cast<size_t>(node().integer)};
}

inline std::string_view NodeView::format() const {
  if (node().type != Type::kVerbatim) return {};
  return {base_ + node().offset - 4, 3};  // "txt" of "txt:"; offset points past the colon
}

inline int64_t NodeView::integer() const { return node().integer; }
inline double NodeView::dbl() const { return node().dbl; }
inline bool NodeView::boolean() const { return node().boolean; }

inline size_t NodeView::size() const {
  return is_aggregate() ? static_cast<size_t>(node().integer) : 0;
}

inline NodeView NodeView::next_sibling() const {
  return NodeView(nodes_, base_, node().next);
}

inline NodeView NodeView::child(size_t i) const {
  NodeView c = first_child();
  for (; i > 0; --i) c = c.next_sibling();
  return c;
}

}  // namespace polars_redis::resp
