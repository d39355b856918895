// The RESTORE payload encoder against an independent reader of what it writes: every listpack
// walks forwards and backwards to exactly the elements it was given (integers only for canonical
// integer text), sorted-set scores read back as the same doubles in (score, member) order, and
// the trailer carries the RDB version and the CRC64 of the payload. Each payload is also wrapped
// in an RDB file and read back by the snapshot decoder (encoder -> decoder round trip): the same
// elements, fields, members and scores come out as went in.
//
// Build from the repository root (scripts/fuzz.sh does):
//   clang++ -std=c++20 -g -O1 -fsanitize=fuzzer,address,undefined -Icpp/include
//     cpp/fuzz/rdb_encoder_fuzz.cpp cpp/src/rdb/*.cpp
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "polars_redis/rdb/byte_source.hpp"
#include "polars_redis/rdb/crc64.hpp"
#include "polars_redis/rdb/decoder.hpp"
#include "polars_redis/rdb/format.hpp"
#include "polars_redis/rdb/payload_encoder.hpp"

namespace {

using polars_redis::rdb::ObjectType;

[[noreturn]] void fail(const char* what) {
  std::fprintf(stderr, "rdb_encoder_fuzz: %s\n", what);
  std::abort();
}
void check(bool ok, const char* what) {
  if (!ok) fail(what);
}

uint64_t le(const unsigned char* p, int n) {
  uint64_t v = 0;
  for (int i = 0; i < n; ++i) v |= uint64_t{p[i]} << (8 * i);
  return v;
}

// Reads the RDB length / string forms written by the encoder.
struct Reader {
  const unsigned char* p;
  const unsigned char* end;
  uint64_t length() {
    check(p < end, "length past the end");
    const unsigned char first = *p++;
    switch (first >> 6) {
      case 0: return first & 63;
      case 1: check(p < end, "14-bit length"); return (uint64_t(first & 63) << 8) | *p++;
      case 2: {
        const int n = first == 0x80 ? 4 : 8;
        check(first == 0x80 || first == 0x81, "length form");
        check(end - p >= n, "long length");
        uint64_t v = 0;
        for (int i = 0; i < n; ++i) v = (v << 8) | *p++;
        return v;
      }
      default: fail("an encoded string where a length belongs");
    }
  }
  std::string string() {
    check(p < end, "string past the end");
    if ((*p >> 6) == 3) {
      const int width = 1 << (*p++ & 63);  // 1, 2 or 4 bytes
      check(width <= 4 && end - p >= width, "integer string");
      int64_t v = static_cast<int64_t>(le(p, width) << (64 - 8 * width)) >> (64 - 8 * width);
      p += width;
      return std::to_string(v);
    }
    const uint64_t n = length();
    check(static_cast<uint64_t>(end - p) >= n, "string body");
    std::string s(reinterpret_cast<const char*>(p), n);
    p += n;
    return s;
  }
};

// An independent listpack walk: the elements as text.
std::vector<std::string> read_listpack(std::string_view blob) {
  const auto* b = reinterpret_cast<const unsigned char*>(blob.data());
  check(blob.size() >= 7 && le(b, 4) == blob.size() && b[blob.size() - 1] == 0xFF, "listpack header/end");
  std::vector<std::string> out;
  std::vector<size_t> starts;
  size_t at = 6;
  while (at < blob.size() - 1) {
    starts.push_back(at);
    const unsigned char e = b[at];
    size_t size = 0;
    if ((e & 0x80) == 0) {
      out.push_back(std::to_string(e)), size = 1;
    } else if ((e & 0xC0) == 0x80) {
      size = 1 + (e & 63), out.emplace_back(blob.substr(at + 1, e & 63));
    } else if ((e & 0xE0) == 0xC0) {
      int64_t v = ((e & 31) << 8) | b[at + 1];
      if (v >= 4096) v -= 8192;
      out.push_back(std::to_string(v)), size = 2;
    } else if ((e & 0xF0) == 0xE0) {
      const size_t n = ((e & 15) << 8) | b[at + 1];
      size = 2 + n, out.emplace_back(blob.substr(at + 2, n));
    } else if (e == 0xF0) {
      const size_t n = le(b + at + 1, 4);
      size = 5 + n, out.emplace_back(blob.substr(at + 5, n));
    } else {
      const int width = e == 0xF1 ? 2 : e == 0xF2 ? 3 : e == 0xF3 ? 4 : e == 0xF4 ? 8 : 0;
      check(width != 0, "listpack encoding byte");
      const int64_t v = static_cast<int64_t>(le(b + at + 1, width) << (64 - 8 * width)) >> (64 - 8 * width);
      out.push_back(std::to_string(v)), size = 1 + width;
    }
    check(at + size < blob.size(), "entry past the end");
    at += size;
    // Back-length: read from its last byte backwards, 7 bits a byte.
    size_t backlen_bytes = size <= 127 ? 1 : size < 16383 ? 2 : size < 2097151 ? 3 : size < 268435455 ? 4 : 5;
    uint64_t back = 0;
    for (size_t i = 0; i < backlen_bytes; ++i) {
      const unsigned char byte = b[at + backlen_bytes - 1 - i];
      back |= uint64_t(byte & 127) << (7 * i);
      check(((byte & 128) != 0) == (i + 1 < backlen_bytes), "back-length continuation bits");
    }
    check(back == size, "back-length");
    at += backlen_bytes;
  }
  check(at == blob.size() - 1, "listpack end");
  const uint64_t count = le(b + 4, 2);
  check(count == 65535 || count == out.size(), "listpack count");
  return out;
}

void check_trailer(const std::string& payload, int version) {
  check(payload.size() >= 10, "payload size");
  const auto* b = reinterpret_cast<const unsigned char*>(payload.data());
  check(le(b + payload.size() - 10, 2) == static_cast<uint64_t>(version), "trailer version");
  check(le(b + payload.size() - 8, 8) == polars_redis::rdb::crc64(std::string_view(payload).substr(0, payload.size() - 8)),
        "trailer CRC64");
}

// The element's text as a listpack keeps it: canonical integers lose nothing either way.
void check_elements(const std::vector<std::string>& read, const std::vector<std::string_view>& given) {
  check(read.size() == given.size(), "element count");
  for (size_t i = 0; i < read.size(); ++i) check(read[i] == given[i], "element text");
}

// The payload as the only key of an RDB file of its version, decoded by the snapshot decoder.
polars_redis::rdb::Record decode_payload(const std::string& payload, int version) {
  std::string file = "REDIS00" + std::to_string(version);
  file += '\xFE';  // SELECTDB 0
  file += '\x00';
  file += payload[0];        // the object type
  file += "\x01k";          // the key "k"
  file.append(payload, 1, payload.size() - 11);  // the value, without the DUMP trailer
  file += '\xFF';
  const uint64_t crc = polars_redis::rdb::crc64(file);
  for (int i = 0; i < 8; ++i) file += static_cast<char>(crc >> (8 * i));
  auto source = polars_redis::rdb::memory_source(file, 7);  // small reads cross every boundary
  polars_redis::rdb::Decoder decoder(*source);
  polars_redis::rdb::Record record;
  check(decoder.next(record, [](int64_t, std::string_view, polars_redis::rdb::ValueType) { return true; }),
        "decoder found no key");
  check(record.key == "k", "decoded key");
  polars_redis::rdb::Record end;
  check(!decoder.next(end, [](int64_t, std::string_view, polars_redis::rdb::ValueType) { return true; }),
        "decoder found a second key");
  return record;
}

std::vector<std::string> decoded_items(const polars_redis::rdb::Record& record) {
  std::vector<std::string> items;
  for (size_t i = 0; i < record.value.size; ++i) items.emplace_back(record.value.item(i));
  return items;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 3) return 0;
  const int version = 10 + data[0] % 3;
  polars_redis::rdb::EncodingLimits limits;
  limits.list_max_listpack_size = data[1] % 2 ? -1 : 1 + data[1] % 5;
  limits.hash_max_listpack_value = 8 + data[2] % 64;
  polars_redis::rdb::PayloadEncoder encoder(version, limits);
  // Elements: the rest of the input split at 0xFF bytes, plus long copies to cross size forms.
  std::vector<std::string_view> elements;
  std::string_view rest(reinterpret_cast<const char*>(data) + 3, size - 3);
  for (size_t cut; (cut = rest.find('\xff')) != std::string_view::npos; rest.remove_prefix(cut + 1)) {
    elements.push_back(rest.substr(0, cut));
  }
  elements.push_back(rest);
  std::string long_element(static_cast<size_t>(data[2]) * 37, 'x');
  if (data[1] & 4) elements.push_back(long_element);

  std::string payload;
  encoder.list(elements, payload);
  check_trailer(payload, version);
  {
    Reader r{reinterpret_cast<const unsigned char*>(payload.data()),
             reinterpret_cast<const unsigned char*>(payload.data() + payload.size() - 10)};
    check(*r.p++ == static_cast<unsigned char>(ObjectType::kListQuicklist2), "list type");
    std::vector<std::string> all;
    for (uint64_t nodes = r.length(); nodes > 0; --nodes) {
      check(r.length() == polars_redis::rdb::kQuicklistNodePacked, "node container");
      for (auto& e : read_listpack(r.string())) all.push_back(std::move(e));
    }
    check(r.p == r.end, "list payload end");
    check_elements(all, elements);
    const auto record = decode_payload(payload, version);
    check(record.value.type == polars_redis::rdb::ValueType::kList, "decoded list type");
    check_elements(decoded_items(record), elements);
  }
  if (elements.size() % 2 == 0) {
    encoder.hash(elements, payload);
    check_trailer(payload, version);
    Reader r{reinterpret_cast<const unsigned char*>(payload.data()),
             reinterpret_cast<const unsigned char*>(payload.data() + payload.size() - 10)};
    const unsigned char type = *r.p++;
    if (type == static_cast<unsigned char>(ObjectType::kHashListpack)) {
      check_elements(read_listpack(r.string()), elements);
    } else {
      check(type == static_cast<unsigned char>(ObjectType::kHash), "hash type");
      check(r.length() * 2 == elements.size(), "hash length");
      for (auto e : elements) check(r.string() == e, "hash element");
    }
    check(r.p == r.end, "hash payload end");
    const auto record = decode_payload(payload, version);
    check(record.value.type == polars_redis::rdb::ValueType::kHash, "decoded hash type");
    check_elements(decoded_items(record), elements);
  }
  {
    std::vector<polars_redis::rdb::ScoredMember> members;
    for (size_t i = 0; i < elements.size(); ++i) {
      double score = 0;
      std::memcpy(&score, elements[i].data(), std::min(sizeof score, elements[i].size()));
      if (std::isnan(score)) score = static_cast<double>(i);
      members.push_back({score, elements[i]});
    }
    encoder.zset(members, payload);
    check_trailer(payload, version);
    Reader r{reinterpret_cast<const unsigned char*>(payload.data()),
             reinterpret_cast<const unsigned char*>(payload.data() + payload.size() - 10)};
    if (*r.p++ == static_cast<unsigned char>(ObjectType::kZsetListpack)) {
      const auto items = read_listpack(r.string());
      check(items.size() == members.size() * 2, "zset entries");
      for (size_t i = 0; i < members.size(); ++i) {
        check(items[2 * i] == members[i].member, "zset member order");
        const double read = std::strtod(items[2 * i + 1].c_str(), nullptr);
        check(read == members[i].score, "zset score text");  // -0 is stored as 0, as the server does
      }
    }
    const auto record = decode_payload(payload, version);
    check(record.value.type == polars_redis::rdb::ValueType::kZset, "decoded zset type");
    check(record.value.size == members.size() && record.value.scores.size() == members.size(), "decoded zset size");
    std::map<std::string, double> expected;
    for (const auto& m : members) expected[std::string(m.member)] = m.score;
    for (size_t i = 0; i < members.size(); ++i) {
      const auto found = expected.find(std::string(record.value.item(i)));
      check(found != expected.end(), "decoded zset member");
      check(found->second == record.value.scores[i], "decoded zset score");
    }
  }
  {
    std::vector<std::string_view> members(elements.begin(), elements.end());
    encoder.set(members, payload);
    check_trailer(payload, version);
    const auto record = decode_payload(payload, version);
    check(record.value.type == polars_redis::rdb::ValueType::kSet, "decoded set type");
    std::vector<std::string> want(elements.begin(), elements.end());
    std::sort(want.begin(), want.end());
    want.erase(std::unique(want.begin(), want.end()), want.end());
    auto got = decoded_items(record);
    std::sort(got.begin(), got.end());
    check(got == want, "decoded set members");
  }
  {
    encoder.string(elements.front(), payload);
    check_trailer(payload, version);
    const auto record = decode_payload(payload, version);
    check(record.value.type == polars_redis::rdb::ValueType::kString, "decoded string type");
    check(record.value.size == 1 && record.value.item(0) == elements.front(), "decoded string");
  }
  return 0;
}
