// libFuzzer target: decodes the input as an RDB twice, once in one piece and once arriving in
// small chunks (the source refills the decoder's window at every boundary), and requires both to
// agree key by key and on where and whether they fail. Any failure must be Error(kProtocol).
//
// Build: see scripts/fuzz.sh.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "polars_redis/error.hpp"
#include "polars_redis/rdb/decoder.hpp"

namespace {

using polars_redis::Error;
using polars_redis::ErrorKind;
namespace rdb = polars_redis::rdb;

void check(bool condition) {
  if (!condition) std::abort();
}

std::vector<std::string> decode(std::string_view bytes, size_t chunk) {
  std::vector<std::string> out;
  try {
    auto source = rdb::memory_source(bytes, chunk);
    rdb::Decoder decoder(*source, {1});
    rdb::Record record;
    size_t skip = 0;
    // Every third key is skipped unread, to cover the skipping paths.
    while (decoder.next(record, [&](int64_t, std::string_view, rdb::ValueType) { return ++skip % 3 != 0; })) {
      std::string line = std::to_string(record.db) + "|" + record.key + "|" + std::to_string(record.expire_ms) + "|" +
                         std::string(rdb::value_type_name(record.value.type));
      for (size_t i = 0; i < record.value.size; ++i) line += "|" + record.value.items[i];
      for (double score : record.value.scores) line += "|" + std::to_string(score);
      for (const auto& entry : record.value.entries) line += "|" + std::to_string(entry.ms) + "-" + std::to_string(entry.seq);
      out.push_back(std::move(line));
    }
    out.push_back("end");
  } catch (const Error& error) {
    check(error.kind() == ErrorKind::kProtocol);
    out.push_back(std::string("error: ") + error.what());
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  const auto whole = decode(bytes, SIZE_MAX);
  const size_t chunk = size > 0 ? 1 + data[0] % 17 : 1;
  check(whole == decode(bytes, chunk));
  return 0;
}
