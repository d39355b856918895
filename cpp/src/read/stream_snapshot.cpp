#include "polars_redis/read/stream_snapshot.hpp"

#include <chrono>
#include <limits>
#include <map>
#include <memory>

#include "polars_redis/error.hpp"
#include "polars_redis/rdb/byte_source.hpp"
#include "polars_redis/rdb/decoder.hpp"
#include "polars_redis/rdb/replication_stream.hpp"
#include "polars_redis/read/snapshot_responder.hpp"
#include "polars_redis/read/stream_entries.hpp"
#include "polars_redis/resp/encoder.hpp"

namespace polars_redis::read {

void run_stream_snapshot(const StreamScanOptions& options, BatchQueue& queue) {
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
  // Hands over the finished keys at the front of the key order; false once no more are wanted.
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
  SnapshotResponder responder;
  std::string command, reply_text, last_id;
  resp::ReplyParser parser;
  bool more = true;
  while (more && decoder.next(record, want)) {
    if (queue.cancelled()) return;
    // The entries XRANGE would give, limited by count and n_rows.
    int64_t limit = options.count.value_or(std::numeric_limits<int64_t>::max());
    if (options.n_rows) limit = std::min(limit, *options.n_rows);
    command.clear();
    resp::CommandWriter(command, 6).arg("XRANGE").arg(record.key).arg(options.start_id).arg(options.end_id).arg("COUNT").arg(limit);
    reply_text.clear();
    responder.answer(command, record, now, reply_text);
    parser.reset();
    if (parser.feed(reply_text.data(), reply_text.size()) != resp::ReplyParser::Status::kComplete) {
      throw Error(ErrorKind::kProtocol, "a snapshot stream reply is incomplete");
    }
    for (size_t i = 0; i < options.keys.size(); ++i) {
      if (options.keys[i] != record.key || outputs[i].ready) continue;
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
