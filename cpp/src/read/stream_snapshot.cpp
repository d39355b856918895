#include "polars_redis/read/stream_snapshot.hpp"

#include <charconv>
#include <chrono>
#include <limits>
#include <map>
#include <memory>

#include "polars_redis/error.hpp"
#include "polars_redis/rdb/byte_source.hpp"
#include "polars_redis/rdb/decoder.hpp"
#include "polars_redis/rdb/replication_stream.hpp"
#include "polars_redis/read/stream_entries.hpp"

namespace polars_redis::read {

namespace {

struct Id {
  uint64_t ms = 0;
  uint64_t seq = 0;
  auto operator<=>(const Id&) const = default;
};

// An XRANGE bound: "-" / "+", "<ms>" (completed to <ms>-0 as a start, <ms>-<max> as an end),
// "<ms>-<seq>", each optionally "(" for exclusive.
struct Bound {
  Id id;
  bool exclusive = false;
};

Bound parse_bound(std::string_view text, bool is_start) {
  constexpr uint64_t kMax = std::numeric_limits<uint64_t>::max();
  Bound bound;
  if (text == "-") return {{0, 0}, false};
  if (text == "+") return {{kMax, kMax}, false};
  if (!text.empty() && text.front() == '(') {
    bound.exclusive = true;
    text.remove_prefix(1);
  }
  auto number = [&](std::string_view part, uint64_t& out) {
    const auto result = std::from_chars(part.data(), part.data() + part.size(), out);
    if (result.ec != std::errc() || result.ptr != part.data() + part.size()) {
      throw Error(ErrorKind::kInvalidArgument, "invalid stream ID '" + quote_for_message(text) + "'");
    }
  };
  const size_t dash = text.find('-');
  number(text.substr(0, dash), bound.id.ms);
  if (dash == std::string_view::npos) {
    bound.id.seq = is_start ? 0 : kMax;
  } else {
    number(text.substr(dash + 1), bound.id.seq);
  }
  return bound;
}

void bulk(std::string& out, std::string_view text) {
  out += '$';
  out += std::to_string(text.size());
  out += "\r\n";
  out += text;
  out += "\r\n";
}

}  // namespace

void run_stream_snapshot(const StreamScanOptions& options, BatchQueue& queue) {
  const Bound start = parse_bound(options.start_id, true);
  const Bound end = parse_bound(options.end_id, false);
  auto in_range = [&](const Id& id) {
    const bool after = start.exclusive ? id > start.id : id >= start.id;
    const bool before = end.exclusive ? id < end.id : id <= end.id;
    return after && before;
  };
  // Output position of each wanted key (the first, if a key is named twice).
  std::map<std::string, size_t, std::less<>> position;
  for (size_t i = 0; i < options.keys.size(); ++i) position.emplace(options.keys[i], i);

  struct Output {
    arrow::BatchBuilder batch;
    std::unique_ptr<StreamEntryDecoder> decoder;
    bool ready = false;  // the key's entries are all in (or the key is not in the snapshot)
  };
  std::vector<Output> outputs(options.keys.size());
  for (auto& output : outputs) {
    output.decoder = std::make_unique<StreamEntryDecoder>(options.columns);
    output.decoder->add_columns(output.batch);
  }
  int64_t emitted = 0;
  size_t next_output = 0;
  // Hands over the finished keys at the front of the key order.
  auto flush = [&]() -> bool {
    while (next_output < outputs.size() && outputs[next_output].ready) {
      Output& output = outputs[next_output++];
      if (output.batch.num_rows() == 0) continue;
      emitted += output.batch.num_rows();
      if (!queue.push(output.batch.finish())) return false;
      if (options.n_rows && emitted >= *options.n_rows) return false;
    }
    return true;
  };

  auto source = options.rdb_path.empty() ? rdb::open_replication_stream(options.connection) : rdb::open_file_source(options.rdb_path);
  const int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  rdb::Decoder decoder(*source, {now});
  rdb::Record record;
  const int64_t db = options.connection.db;
  const rdb::Decoder::Filter want = [&](int64_t key_db, std::string_view key, rdb::ValueType type) {
    return key_db == db && type == rdb::ValueType::kStream && position.contains(key);
  };
  std::string reply_text, last_id;
  resp::ReplyParser parser;
  bool more = true;
  while (more && decoder.next(record, want)) {
    if (queue.cancelled()) return;
    for (size_t i = 0; i < options.keys.size(); ++i) {
      if (options.keys[i] != record.key || outputs[i].ready) continue;
      // The entries in range, as XRANGE answers them: [[id, [field, value, ...]], ...].
      int64_t left = options.count.value_or(std::numeric_limits<int64_t>::max());
      if (options.n_rows) left = std::min(left, *options.n_rows);
      std::string entries;
      size_t n = 0;
      for (const rdb::StreamEntry& entry : record.value.entries) {
        if (left <= 0) break;
        if (!in_range({entry.ms, entry.seq})) continue;
        entries += "*2\r\n";
        bulk(entries, std::to_string(entry.ms) + "-" + std::to_string(entry.seq));
        entries += "*" + std::to_string(2 * entry.fields) + "\r\n";
        for (size_t f = 0; f < 2 * entry.fields; ++f) bulk(entries, record.value.item(entry.first + f));
        ++n;
        --left;
      }
      reply_text = "*" + std::to_string(n) + "\r\n" + entries;
      parser.reset();
      if (parser.feed(reply_text.data(), reply_text.size()) != resp::ReplyParser::Status::kComplete) {
        throw Error(ErrorKind::kProtocol, "a snapshot stream reply is incomplete");
      }
      outputs[i].decoder->append_entries(record.key, parser.reply(reply_text.data()).root(), last_id);
      outputs[i].ready = true;
    }
    more = flush();
  }
  source.reset();  // the replica link closes before the last batches are handed over
  if (more) {
    for (auto& output : outputs) output.ready = true;  // keys absent from the snapshot: no entries
    flush();
  }
  if (emitted == 0) {
    arrow::BatchBuilder empty;
    StreamEntryDecoder(options.columns).add_columns(empty);
    queue.push(empty.finish());
  }
}

}  // namespace polars_redis::read
