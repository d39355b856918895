#include "polars_redis/read/snapshot_scan.hpp"

#include <chrono>

#include "polars_redis/error.hpp"
#include "polars_redis/rdb/decoder.hpp"
#include "polars_redis/rdb/replication_stream.hpp"
#include "polars_redis/read/glob_match.hpp"
#include "polars_redis/read/key_row_columns.hpp"
#include "polars_redis/read/snapshot_responder.hpp"

namespace polars_redis::read {

namespace {

int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// The decoder's type for a reader's Redis type name ("hash", "ReJSON-RL", ...).
rdb::ValueType wanted_type(const std::string& name) {
  for (auto type : {rdb::ValueType::kString, rdb::ValueType::kList, rdb::ValueType::kSet, rdb::ValueType::kZset,
                    rdb::ValueType::kHash, rdb::ValueType::kStream, rdb::ValueType::kJson}) {
    if (rdb::value_type_name(type) == name) return type;
  }
  throw Error(ErrorKind::kInvalidArgument, "snapshot reads do not cover keys of type '" + name + "'");
}

}  // namespace

void run_snapshot_scan(const KeyScanOptions& scan, RowFetcher& fetcher, BatchQueue& queue) {
  const rdb::ValueType wanted = wanted_type(scan.type_filter);
  const int64_t db = scan.connection.db;

  arrow::BatchBuilder batch;
  KeyRowColumns row_columns(scan, batch);
  fetcher.add_columns(batch);
  int64_t rows_total = 0;
  auto limit_reached = [&] { return scan.n_rows && rows_total >= *scan.n_rows; };

  struct Context final : FetchContext {
    std::function<void(std::string_view)> row;
    std::function<bool()> limit;
    RowFetcher* fetcher = nullptr;
    std::string follow_ups;
    int follow_up_replies = 0;
    void finish_row(std::string_view key) override { row(key); }
    // Every key of a snapshot exists: a key without the requested values is a row of nulls.
    void verify_exists(std::string_view key) override {
      fetcher->append_row_without_values();
      row(key);
    }
    std::string& follow_up_buffer() override { return follow_ups; }
    void expect_follow_up(std::string_view, int replies) override { follow_up_replies += replies; }
    bool limit_reached() const override { return limit(); }
  } context;
  context.fetcher = &fetcher;
  context.limit = limit_reached;
  context.row = [&](std::string_view key) { row_columns.finish_row(key, rows_total++); };

  const std::string* match = scan.match_pattern ? &*scan.match_pattern : nullptr;
  const rdb::Decoder::Filter want = [&](int64_t key_db, std::string_view key, rdb::ValueType type) {
    if (key_db != db) return false;
    if (type != wanted && !(wanted == rdb::ValueType::kJson && type == rdb::ValueType::kModule)) return false;
    return glob_match(scan.pattern, key) && (!match || glob_match(*match, key));
  };

  const int64_t now = now_ms();
  auto source = scan.source.kind == KeySourceSpec::Kind::kRdbFile ? rdb::open_file_source(scan.source.rdb_path)
                                                                   : rdb::open_replication_stream(scan.connection);
  rdb::Decoder decoder(*source, {now});
  rdb::Record record;
  SnapshotResponder responder;
  std::string commands, replies;
  resp::ReplyParser parser;
  // Answers `commands` and hands the `count` replies to the fetcher, numbered from 0.
  auto run = [&](std::string_view key, int count) {
    replies.clear();
    responder.answer(commands, record, now, replies);
    size_t pos = 0;
    const std::string_view group[1] = {key};
    for (int index = 0; index < count; ++index) {
      parser.reset();
      if (parser.feed(replies.data() + pos, replies.size() - pos) != resp::ReplyParser::Status::kComplete) {
        throw Error(ErrorKind::kProtocol, "a snapshot reply is incomplete");
      }
      const resp::Reply reply = parser.reply(replies.data() + pos);
      pos += parser.consumed();
      fetcher.consume(group, index, reply.root(), context);
    }
  };
  while (!limit_reached() && decoder.next(record, want)) {
    if (queue.cancelled()) return;
    if (record.value.type != wanted) continue;  // a module value other than a JSON document
    const std::string_view key = record.key;
    const std::string_view group[1] = {key};
    commands.clear();
    const int count = fetcher.encode(group, commands);
    if (count == 0) {
      fetcher.append_row_without_values();
      context.row(key);
    } else {
      run(key, count);
      // Later pages of a large value (LRANGE, SSCAN, ZRANGE follow-ups).
      while (context.follow_up_replies > 0) {
        commands.swap(context.follow_ups);
        context.follow_ups.clear();
        const int more = context.follow_up_replies;
        context.follow_up_replies = 0;
        run(key, more);
      }
    }
    if (batch.num_rows() >= scan.batch_size && !queue.push(batch.finish())) return;
  }
  source.reset();  // the replica link closes before the last batch is handed over
  if (batch.num_rows() > 0 || rows_total == 0) queue.push(batch.finish());
}

}  // namespace polars_redis::read
