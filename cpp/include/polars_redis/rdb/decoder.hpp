#pragma once
// A streaming RDB decoder: pulls bytes from a ByteSource and hands out one key at a time (its
// database, name, type, expiry and decoded value), in the order the RDB stores them. Values the
// caller does not want (another type, a key outside the pattern) are skipped without being
// decoded. The CRC64 trailer is verified at the end; every error names the byte offset.
//
// Every native encoding of RDB 9 to 12 (Redis 6.0 to 7.4+, Valkey) is understood: int-encoded
// and LZF strings; listpack, ziplist, intset, quicklist (1 and 2), hashtable and skiplist forms;
// hashes with field expiry; stream listpacks (consumer groups skipped). Module values are skipped,
// except RedisJSON documents, whose JSON text is handed out.
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "polars_redis/rdb/byte_source.hpp"
#include "polars_redis/rdb/input_buffer.hpp"

namespace polars_redis::rdb {

// A key's type as the reader sees it (the Redis type, not the encoding).
enum class ValueType : uint8_t { kString, kList, kSet, kZset, kHash, kStream, kModule, kJson };

// The Redis type name TYPE answers for `type` ("string", "hash", "ReJSON-RL", ...).
std::string_view value_type_name(ValueType type);

struct StreamEntry {
  uint64_t ms = 0;
  uint64_t seq = 0;
  size_t first = 0;  // its field, value, field, value ... in Value::items[first, first + 2 * fields)
  size_t fields = 0;
};

// A decoded value. Strings are reused from key to key (size() counts those in use), so a long
// RDB does not allocate per element.
struct Value {
  ValueType type = ValueType::kString;
  // kString, kJson: one item. kList, kSet: the elements. kHash: field, value, field, value, ...
  // kZset: the members, with their scores in `scores`. kStream: fields and values of `entries`.
  std::vector<std::string> items;
  size_t size = 0;
  std::vector<double> scores;
  std::vector<StreamEntry> entries;

  void clear(ValueType new_type) {
    type = new_type;
    size = 0;
    scores.clear();
    entries.clear();
  }
  std::string& add() {
    if (size == items.size()) items.emplace_back();
    return items[size++];
  }
  std::string_view item(size_t i) const { return items[i]; }
};

struct Record {
  int64_t db = 0;
  std::string key;
  int64_t expire_ms = -1;  // unix time in ms; -1: no expiry
  Value value;
};

struct DecoderOptions {
  // Keys (and hash fields) whose expiry is at or before this unix time in ms are dropped, as the
  // server would no longer return them. 0: keep everything.
  int64_t now_ms = 0;
};

class Decoder {
 public:
  // Called before a key's value is decoded: false skips it. For a module value `type` is kModule
  // (whether it is a RedisJSON document is known only once its value starts).
  using Filter = std::function<bool(int64_t db, std::string_view key, ValueType type)>;

  Decoder(ByteSource& source, DecoderOptions options = {});
  // The next wanted key into `record`; false at the end of the RDB (checksum verified).
  // Throws Error(kProtocol) naming the source, what is wrong and the byte offset.
  bool next(Record& record, const Filter& want);
  int version() const { return version_; }
  uint64_t offset() const { return input_.offset(); }

 private:
  void read_header();
  uint64_t read_length(bool* encoded = nullptr);
  // The next string into `out` (nullptr: skipped).
  void read_string(std::string* out);
  std::string_view read_blob();  // a string needed whole (listpack, ziplist, intset)
  double read_string_double();
  double read_binary_double();
  int64_t read_ms();
  void read_value(uint8_t type, Record& record, bool keep);
  void read_module(Record& record, bool keep);
  void skip_module_values();
  void read_stream(uint8_t type, Record& record, bool keep);
  void finish();

  InputBuffer input_;
  DecoderOptions options_;
  int version_ = 0;
  int64_t db_ = 0;
  bool done_ = false;
  std::string blob_;  // an LZF-compressed blob, decompressed
  std::string scratch_;
};

}  // namespace polars_redis::rdb
