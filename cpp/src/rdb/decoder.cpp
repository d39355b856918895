#include "polars_redis/rdb/decoder.hpp"

#include <bit>
#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>

#include "polars_redis/error.hpp"
#include "polars_redis/rdb/format.hpp"
#include "polars_redis/rdb/intset_reader.hpp"
#include "polars_redis/rdb/listpack_reader.hpp"
#include "polars_redis/rdb/lzf.hpp"
#include "polars_redis/rdb/ziplist_reader.hpp"

namespace polars_redis::rdb {

namespace {

uint64_t little_endian(std::string_view bytes) {
  uint64_t value = 0;
  for (size_t i = bytes.size(); i-- > 0;) value = (value << 8) | static_cast<uint8_t>(bytes[i]);
  return value;
}

uint64_t big_endian(std::string_view bytes) {
  uint64_t value = 0;
  for (char c : bytes) value = (value << 8) | static_cast<uint8_t>(c);
  return value;
}

bool known_version(int version) { return (version >= kMinVersion && version <= kMaxVersion) || version == kValkeyVersion; }

double parse_double(std::string_view text, bool& ok) {
  double value = 0;
  const auto result = std::from_chars(text.data(), text.data() + text.size(), value);
  ok = result.ec == std::errc() && result.ptr == text.data() + text.size();
  if (!ok) {
    // from_chars takes "inf"/"nan" but not "+inf", which Redis writes for an infinite score.
    if (text == "+inf" || text == "inf") value = std::numeric_limits<double>::infinity(), ok = true;
    if (text == "-inf") value = -std::numeric_limits<double>::infinity(), ok = true;
  }
  return value;
}

}  // namespace

std::string_view value_type_name(ValueType type) {
  switch (type) {
    case ValueType::kString: return "string";
    case ValueType::kList: return "list";
    case ValueType::kSet: return "set";
    case ValueType::kZset: return "zset";
    case ValueType::kHash: return "hash";
    case ValueType::kStream: return "stream";
    case ValueType::kModule: return "module";
    case ValueType::kJson: return kRedisJsonModuleName;
  }
  return "unknown";
}

Decoder::Decoder(ByteSource& source, DecoderOptions options) : input_(source), options_(options) { read_header(); }

void Decoder::read_header() {
  // "REDIS" and 4 digits, or (Valkey 9+) "VALKEY" and 3 digits.
  const std::string_view magic = input_.take(9);
  const size_t prefix = magic.starts_with(kValkeyMagic) ? kValkeyMagic.size() : kMagic.size();
  if (!magic.starts_with(kMagic) && !magic.starts_with(kValkeyMagic)) {
    input_.fail("not an RDB: it does not start with \"REDIS\" or \"VALKEY\"");
  }
  int version = 0;
  for (char c : magic.substr(prefix)) {
    if (c < '0' || c > '9') input_.fail("not an RDB: bad version digits");
    version = version * 10 + (c - '0');
  }
  if (!known_version(version)) {
    input_.fail("RDB version " + std::to_string(version) + " is not supported (versions " +
                std::to_string(kMinVersion) + " to " + std::to_string(kMaxVersion) + ", Redis 6.0 to 7.4+, and Valkey's " +
                std::to_string(kValkeyVersion) + " are)");
  }
  version_ = version;
}

uint64_t Decoder::read_length(bool* encoded) {
  if (encoded) *encoded = false;
  const uint8_t first = input_.byte();
  switch (first >> 6) {
    case kLen6Bit: return first & 0x3f;
    case kLen14Bit: return (uint64_t{first & 0x3fu} << 8) | input_.byte();
    case kLenEncoded:
      if (!encoded) input_.fail("a string encoding where a length belongs");
      *encoded = true;
      return first & 0x3f;
    default:
      if (first == kLen32Bit) return big_endian(input_.take(4));
      if (first == kLen64Bit) return big_endian(input_.take(8));
      input_.fail("bad length byte " + std::to_string(first));
  }
}

void Decoder::read_string(std::string* out) {
  bool encoded = false;
  const uint64_t length = read_length(&encoded);
  if (!encoded) {
    if (out) {
      out->clear();
      input_.append_to(*out, length);
    } else {
      input_.skip(length);
    }
    return;
  }
  if (length == kEncLzf) {
    const uint64_t compressed = read_length();
    const uint64_t size = read_length();
    const std::string_view bytes = input_.take(compressed);
    if (!out) return;
    try {
      lzf_decompress(bytes, size, *out);
    } catch (const Error& error) {
      input_.fail(error.what());
    }
    return;
  }
  int64_t integer = 0;
  if (length == kEncInt8) {
    integer = static_cast<int8_t>(input_.byte());
  } else if (length == kEncInt16) {
    integer = static_cast<int16_t>(little_endian(input_.take(2)));
  } else if (length == kEncInt32) {
    integer = static_cast<int32_t>(little_endian(input_.take(4)));
  } else {
    input_.fail("unknown string encoding " + std::to_string(length));
  }
  if (out) PackedElement{true, integer, {}}.assign_to(*out);
}

std::string_view Decoder::read_blob() {
  read_string(&blob_);
  return blob_;
}

double Decoder::read_string_double() {
  // RDB_TYPE_ZSET (version 1 sorted sets): a length byte, with 253/254/255 for nan/+inf/-inf.
  const uint8_t length = input_.byte();
  if (length == 253) return std::numeric_limits<double>::quiet_NaN();
  if (length == 254) return std::numeric_limits<double>::infinity();
  if (length == 255) return -std::numeric_limits<double>::infinity();
  const std::string_view text = input_.take(length);
  bool ok = false;
  const double value = parse_double(text, ok);
  if (!ok) input_.fail("bad score '" + quote_for_message(text) + "'");
  return value;
}

double Decoder::read_binary_double() { return std::bit_cast<double>(little_endian(input_.take(8))); }

int64_t Decoder::read_ms() { return static_cast<int64_t>(little_endian(input_.take(8))); }

bool Decoder::next(Record& record, const Filter& want) {
  if (done_) return false;
  int64_t expire_ms = -1;
  for (;;) {
    const uint8_t type = input_.byte();
    switch (static_cast<Opcode>(type)) {
      case Opcode::kEof:
        finish();
        return false;
      case Opcode::kSelectDb:
        db_ = static_cast<int64_t>(read_length());
        continue;
      case Opcode::kResizeDb:
        read_length();
        read_length();
        continue;
      case Opcode::kAux:
        read_string(nullptr);
        read_string(nullptr);
        continue;
      case Opcode::kExpireTimeMs:
        expire_ms = read_ms();
        continue;
      case Opcode::kExpireTime:
        expire_ms = static_cast<int64_t>(little_endian(input_.take(4))) * 1000;
        continue;
      case Opcode::kIdle:
        read_length();
        continue;
      case Opcode::kFreq:
        input_.byte();
        continue;
      case Opcode::kSlotInfo:
        read_length();
        read_length();
        read_length();
        continue;
      case Opcode::kFunction2:
        read_string(nullptr);
        continue;
      case Opcode::kFunctionPreGa:
        input_.fail("functions in the pre-release 7.0 format are not supported");
      case Opcode::kModuleAux:
        read_length();  // module id
        read_length();  // when opcode
        read_length();  // when
        skip_module_values();
        continue;
      default:
        break;
    }
    read_string(&record.key);
    static constexpr ValueType kTypes[] = {
        ValueType::kString, ValueType::kList, ValueType::kSet, ValueType::kZset, ValueType::kHash,
        ValueType::kZset,   ValueType::kModule, ValueType::kModule, ValueType::kHash, ValueType::kHash,
        ValueType::kList,   ValueType::kSet,  ValueType::kZset, ValueType::kHash, ValueType::kList,
        ValueType::kStream, ValueType::kHash, ValueType::kZset, ValueType::kList, ValueType::kStream,
        ValueType::kSet,    ValueType::kStream, ValueType::kHash, ValueType::kHash, ValueType::kHash,
        ValueType::kHash};
    if (type >= std::size(kTypes) || type == 8) input_.fail("unknown object type " + std::to_string(type));
    const bool expired = expire_ms >= 0 && options_.now_ms > 0 && expire_ms <= options_.now_ms;
    const bool keep = !expired && want(db_, record.key, kTypes[type]);
    record.db = db_;
    record.expire_ms = expire_ms;
    record.value.clear(kTypes[type]);
    read_value(type, record, keep);
    if (keep && record.value.type != ValueType::kModule) return true;
    expire_ms = -1;
  }
}

void Decoder::read_value(uint8_t type, Record& record, bool keep) {
  Value& value = record.value;
  auto add_string = [&] { read_string(keep ? &value.add() : nullptr); };
  auto add_element = [&](const PackedElement& element) { element.assign_to(value.add()); };
  // A packed blob's elements (a member then its score, for sorted sets).
  auto add_zset_element = [&](const PackedElement& element) {
    if (value.size == value.scores.size()) {
      element.assign_to(value.add());
      return;
    }
    double score = static_cast<double>(element.integer);
    if (!element.is_integer) {
      bool ok = false;
      score = parse_double(element.text, ok);
      if (!ok) throw Error(ErrorKind::kProtocol, "bad score '" + quote_for_message(element.text) + "'");
    }
    value.scores.push_back(score);
  };
  auto packed = [&](auto&& reader, auto&& visit) {
    if (!keep) return read_string(nullptr);
    const std::string_view blob = read_blob();
    try {
      reader(blob, visit);
    } catch (const Error& error) {
      input_.fail(std::string(error.what()) + " (key '" + quote_for_message(record.key) + "')");
    }
  };
  switch (static_cast<ObjectType>(type)) {
    case ObjectType::kString:
      add_string();
      return;
    case ObjectType::kList:
    case ObjectType::kSet:
      for (uint64_t n = read_length(); n > 0; --n) add_string();
      return;
    case ObjectType::kZset:
    case ObjectType::kZset2:
      for (uint64_t n = read_length(); n > 0; --n) {
        add_string();
        const double score = type == 3 ? read_string_double() : read_binary_double();
        if (keep) value.scores.push_back(score);
      }
      return;
    case ObjectType::kHash:
      for (uint64_t n = read_length(); n > 0; --n) {
        add_string();
        add_string();
      }
      return;
    case ObjectType::kHashMetadata:
    case ObjectType::kHashMetadataPreGa: {
      // Each field carries a TTL: 0 for none; else (RDB 12) relative to the minimum stored first.
      const int64_t min_expire = type == static_cast<uint8_t>(ObjectType::kHashMetadata) ? read_ms() : 0;
      for (uint64_t n = read_length(); n > 0; --n) {
        const uint64_t ttl = read_length();
        int64_t expire_at = 0;
        // Both numbers come from the file: a corrupt one must not overflow (undefined behaviour).
        if (ttl != 0 && (ttl > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()) ||
                         __builtin_add_overflow(static_cast<int64_t>(ttl), min_expire > 0 ? min_expire - 1 : 0, &expire_at))) {
          input_.fail("hash field expiry out of range (" + std::to_string(ttl) + " + " + std::to_string(min_expire) + ")");
        }
        add_string();
        add_string();
        if (keep && expire_at > 0 && options_.now_ms > 0 && expire_at <= options_.now_ms) value.size -= 2;
      }
      return;
    }
    case ObjectType::kHashZipmap:
      input_.fail("zipmap-encoded hashes (Redis 2.x files) are not supported");
    case ObjectType::kListZiplist:
    case ObjectType::kHashZiplist:
      packed(read_ziplist, add_element);
      return;
    case ObjectType::kZsetZiplist:
      packed(read_ziplist, add_zset_element);
      return;
    case ObjectType::kSetIntset:
      packed(read_intset, add_element);
      return;
    case ObjectType::kSetListpack:
    case ObjectType::kHashListpack:
      packed(read_listpack, add_element);
      return;
    case ObjectType::kZsetListpack:
      packed(read_listpack, add_zset_element);
      return;
    case ObjectType::kHashListpackEx:
    case ObjectType::kHashListpackExPreGa: {
      if (type == static_cast<uint8_t>(ObjectType::kHashListpackEx)) read_ms();  // the minimum field expiry
      // Triplets of field, value, expiry (0: none).
      size_t position = 0;
      packed(read_listpack, [&](const PackedElement& element) {
        if (position++ % 3 < 2) {
          element.assign_to(value.add());
          return;
        }
        const int64_t expire_at = element.is_integer ? element.integer : 0;
        if (expire_at > 0 && options_.now_ms > 0 && expire_at <= options_.now_ms) value.size -= 2;
      });
      return;
    }
    case ObjectType::kListQuicklist:
      for (uint64_t n = read_length(); n > 0; --n) packed(read_ziplist, add_element);
      return;
    case ObjectType::kListQuicklist2:
      for (uint64_t n = read_length(); n > 0; --n) {
        const uint64_t container = read_length();
        if (container == kQuicklistNodePlain) {
          add_string();
        } else if (container == kQuicklistNodePacked) {
          packed(read_listpack, add_element);
        } else {
          input_.fail("unknown quicklist node container " + std::to_string(container));
        }
      }
      return;
    case ObjectType::kStreamListpacks:
    case ObjectType::kStreamListpacks2:
    case ObjectType::kStreamListpacks3:
      read_stream(type, record, keep);
      return;
    case ObjectType::kModule:
      input_.fail("module values in the pre-4.0 format are not supported");
    case ObjectType::kModule2:
      read_module(record, keep);
      return;
  }
}

void Decoder::read_module(Record& record, bool keep) {
  const ModuleType module = decode_module_type_id(read_length());
  if (!keep || module.name_view() != kRedisJsonModuleName) {
    skip_module_values();  // a module the reader does not understand: skipped whole
    record.value.type = ValueType::kModule;
    return;
  }
  // RedisJSON 2.x (encoding version 3) saves the document as its JSON text.
  if (module.encoding_version < 3) {
    input_.fail("RedisJSON encoding version " + std::to_string(module.encoding_version) + " of key '" +
                quote_for_message(record.key) + "' is not supported (RedisJSON 2.0+ writes version 3)");
  }
  if (static_cast<ModuleOpcode>(read_length()) != ModuleOpcode::kString) {
    input_.fail("RedisJSON value of key '" + quote_for_message(record.key) + "' does not start with its JSON text");
  }
  record.value.type = ValueType::kJson;
  read_string(&record.value.add());
  skip_module_values();
}

void Decoder::skip_module_values() {
  for (;;) {
    const uint64_t opcode = read_length();
    switch (static_cast<ModuleOpcode>(opcode)) {
      case ModuleOpcode::kEof: return;
      case ModuleOpcode::kSint:
      case ModuleOpcode::kUint: read_length(); break;
      case ModuleOpcode::kFloat: input_.skip(4); break;
      case ModuleOpcode::kDouble: input_.skip(8); break;
      case ModuleOpcode::kString: read_string(nullptr); break;
      default: input_.fail("unknown module value opcode " + std::to_string(opcode));
    }
  }
}

void Decoder::read_stream(uint8_t type, Record& record, bool keep) {
  Value& value = record.value;
  std::vector<PackedElement> elements;
  std::string master_id;
  for (uint64_t nodes = read_length(); nodes > 0; --nodes) {
    read_string(&master_id);
    if (master_id.size() != 16) input_.fail("a stream node ID is not 16 bytes");
    if (!keep) {
      read_string(nullptr);
      continue;
    }
    const std::string_view blob = read_blob();
    elements.clear();
    try {
      read_listpack(blob, [&](const PackedElement& element) { elements.push_back(element); });
    } catch (const Error& error) {
      input_.fail(std::string(error.what()) + " (stream '" + quote_for_message(record.key) + "')");
    }
    const uint64_t base_ms = big_endian(std::string_view(master_id).substr(0, 8));
    const uint64_t base_seq = big_endian(std::string_view(master_id).substr(8, 8));
    // The node: count, deleted, master field count, master fields, 0; then per entry: flags,
    // ms and seq deltas, [field count, field/value pairs | the master fields' values], back count.
    size_t pos = 0;
    auto integer = [&]() -> int64_t {
      if (pos >= elements.size() || !elements[pos].is_integer) input_.fail("malformed stream node of '" + quote_for_message(record.key) + "'");
      return elements[pos++].integer;
    };
    auto element = [&]() -> const PackedElement& {
      if (pos >= elements.size()) input_.fail("malformed stream node of '" + quote_for_message(record.key) + "'");
      return elements[pos++];
    };
    const int64_t count = integer();
    const int64_t deleted = integer();
    const int64_t master_fields = integer();
    const size_t master_first = pos;
    if (master_fields < 0 || static_cast<size_t>(master_fields) > elements.size()) input_.fail("malformed stream node");
    pos += static_cast<size_t>(master_fields);
    integer();  // the master entry's terminator
    for (int64_t i = 0; i < count + deleted; ++i) {
      constexpr int64_t kDeleted = 1, kSameFields = 2;
      const int64_t flags = integer();
      const uint64_t ms = base_ms + static_cast<uint64_t>(integer());
      const uint64_t seq = base_seq + static_cast<uint64_t>(integer());
      const bool same = flags & kSameFields;
      const int64_t fields = same ? master_fields : integer();
      if (fields < 0 || static_cast<size_t>(fields) > elements.size()) input_.fail("malformed stream node");
      const bool live = !(flags & kDeleted);
      StreamEntry entry{ms, seq, value.size, static_cast<size_t>(fields)};
      for (int64_t f = 0; f < fields; ++f) {
        if (same) {
          const PackedElement& v = element();
          if (live) {
            elements[master_first + f].assign_to(value.add());
            v.assign_to(value.add());
          }
        } else {
          const PackedElement& name = element();
          const PackedElement& v = element();
          if (live) {
            name.assign_to(value.add());
            v.assign_to(value.add());
          }
        }
      }
      integer();  // the entry's element count, for walking backwards
      if (live) value.entries.push_back(entry);
    }
  }
  // Stream metadata, then the consumer groups, which a reader of entries skips.
  read_length();  // length
  read_length();  // last id
  read_length();
  if (type >= static_cast<uint8_t>(ObjectType::kStreamListpacks2)) {
    for (int i = 0; i < 5; ++i) read_length();  // first id, max deleted id, entries added
  }
  for (uint64_t groups = read_length(); groups > 0; --groups) {
    read_string(nullptr);
    read_length();  // last delivered id
    read_length();
    if (type >= static_cast<uint8_t>(ObjectType::kStreamListpacks2)) read_length();  // entries read
    for (uint64_t pel = read_length(); pel > 0; --pel) {
      input_.skip(16 + 8);  // entry id, delivery time
      read_length();        // delivery count
    }
    for (uint64_t consumers = read_length(); consumers > 0; --consumers) {
      read_string(nullptr);
      input_.skip(8);  // seen time
      if (type >= static_cast<uint8_t>(ObjectType::kStreamListpacks3)) input_.skip(8);  // active time
      for (uint64_t pel = read_length(); pel > 0; --pel) input_.skip(16);
    }
  }
}

void Decoder::finish() {
  done_ = true;
  const uint64_t computed = input_.checksum();
  const uint64_t stored = little_endian(input_.take(8));
  // A server with rdbchecksum off writes zero.
  if (stored != 0 && stored != computed) input_.fail("checksum mismatch: the RDB is corrupt");
  if (!input_.at_end()) input_.fail("bytes after the end of the RDB");
}

}  // namespace polars_redis::rdb
