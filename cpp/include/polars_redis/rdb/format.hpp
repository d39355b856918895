#pragma once
// The constants of the RDB format (Redis' rdb.h, RDB versions 9 to 12) shared by the snapshot
// decoder and the RESTORE payload encoder, so both speak one dialect.
#include <cstdint>
#include <stdexcept>
#include <string_view>

namespace polars_redis::rdb {

// "REDIS" followed by four ASCII digits opens a file; a DUMP payload ends with a 2-byte RDB
// version (little endian) and an 8-byte CRC64 of everything before it.
inline constexpr std::string_view kMagic = "REDIS";
inline constexpr int kMinVersion = 9;    // Redis 5.0 / 6.0 (ziplists)
inline constexpr int kMaxVersion = 12;   // Redis 7.4 (hash field expiry types)
inline constexpr int kValkeyVersion = 80;  // Valkey 9: its own version range, Redis' 7.2 types
inline constexpr std::string_view kValkeyMagic = "VALKEY";  // Valkey 9+: "VALKEY" + 3 digits

// Object types stored before each key (and first byte of a DUMP payload).
enum class ObjectType : uint8_t {
  kString = 0,
  kList = 1,
  kSet = 2,
  kZset = 3,
  kHash = 4,
  kZset2 = 5,  // scores as binary doubles
  kModule = 6,  // pre-4.0 modules: refused by servers we support
  kModule2 = 7,
  kHashZipmap = 9,
  kListZiplist = 10,
  kSetIntset = 11,
  kZsetZiplist = 12,
  kHashZiplist = 13,
  kListQuicklist = 14,
  kStreamListpacks = 15,
  kHashListpack = 16,
  kZsetListpack = 17,
  kListQuicklist2 = 18,
  kStreamListpacks2 = 19,
  kSetListpack = 20,
  kStreamListpacks3 = 21,
  kHashMetadataPreGa = 22,   // Redis 7.4 pre-release field expiry
  kHashListpackExPreGa = 23,
  kHashMetadata = 24,        // hash with per-field expiry (RDB 12)
  kHashListpackEx = 25,
};

// Opcodes that stand where an object type would.
enum class Opcode : uint8_t {
  kSlotInfo = 244,
  kFunction2 = 245,
  kFunctionPreGa = 246,
  kModuleAux = 247,
  kIdle = 248,
  kFreq = 249,
  kAux = 250,
  kResizeDb = 251,
  kExpireTimeMs = 252,
  kExpireTime = 253,
  kSelectDb = 254,
  kEof = 255,
};

// Length encoding: the two top bits of the first byte.
inline constexpr uint8_t kLen6Bit = 0;
inline constexpr uint8_t kLen14Bit = 1;
inline constexpr uint8_t kLenEncoded = 3;  // a special string encoding follows in the low 6 bits
inline constexpr uint8_t kLen32Bit = 0x80;
inline constexpr uint8_t kLen64Bit = 0x81;
// Special string encodings (after kLenEncoded).
inline constexpr uint8_t kEncInt8 = 0;
inline constexpr uint8_t kEncInt16 = 1;
inline constexpr uint8_t kEncInt32 = 2;
inline constexpr uint8_t kEncLzf = 3;

// Quicklist 2 node containers.
inline constexpr uint64_t kQuicklistNodePlain = 1;
inline constexpr uint64_t kQuicklistNodePacked = 2;

// Module type ids: 9 characters of the name from this 64-letter alphabet, 6 bits each, then a
// 10-bit encoding version.
inline constexpr std::string_view kModuleNameAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
inline constexpr std::string_view kRedisJsonModuleName = "ReJSON-RL";

// Values inside a MODULE_2 payload are each preceded by one of these.
enum class ModuleOpcode : uint8_t {
  kEof = 0,
  kSint = 1,
  kUint = 2,
  kFloat = 3,
  kDouble = 4,
  kString = 5,
};

constexpr uint64_t module_type_id(std::string_view name, unsigned encoding_version) {
  if (name.size() != 9) throw std::invalid_argument("module type names have 9 characters");
  uint64_t id = 0;
  for (char c : name) {
    const auto position = kModuleNameAlphabet.find(c);
    if (position == std::string_view::npos) throw std::invalid_argument("bad module type name");
    id = (id << 6) | position;
  }
  return (id << 10) | (encoding_version & 1023);
}

// The name (9 characters) and encoding version packed in a module type id.
struct ModuleType {
  char name[10];
  unsigned encoding_version;
  std::string_view name_view() const { return {name, 9}; }
};

constexpr ModuleType decode_module_type_id(uint64_t id) {
  ModuleType type{};
  type.encoding_version = static_cast<unsigned>(id & 1023);
  uint64_t rest = id >> 10;
  for (int i = 8; i >= 0; --i) {
    type.name[i] = kModuleNameAlphabet[rest & 63];
    rest >>= 6;
  }
  type.name[9] = '\0';
  return type;
}

}  // namespace polars_redis::rdb
