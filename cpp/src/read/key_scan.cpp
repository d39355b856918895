#include "polars_redis/read/key_scan.hpp"

#include <algorithm>
#include <deque>
#include <functional>

#include "polars_redis/error.hpp"
#include "polars_redis/net/connection.hpp"
#include "polars_redis/read/key_queue.hpp"
#include "polars_redis/read/seen_keys.hpp"
#include "polars_redis/resp/encoder.hpp"

namespace polars_redis::read {

namespace {

// What each fetch-connection reply answers, in the order the commands were sent.
struct InFlight {
  enum Kind : uint8_t { kFetch, kVerify } kind;
  int replies;
  size_t keys = 1;     // keys the command covers (the front of `fetching`)
  int next_index = 0;
};

// Work a fetcher adds while consuming a reply; queued after consume() returns, because the keys
// it names are views into the queue it would be appended to.
struct Added {
  InFlight::Kind kind;
  std::string key;
  int replies;
};

}  // namespace

void run_key_scan(const KeyScanOptions& options, RowFetcher& fetcher, BatchQueue& queue) {
  // SCAN runs on a connection of its own: on the fetch connection each SCAN reply would queue
  // behind every fetch already sent, so keys would arrive one COUNT-sized chunk per round trip
  // and the server would idle between chunks. Apart, the next SCAN is always under way while the
  // fetch pipeline stays deep.
  auto fetch_connection = net::Connection::open(options.connection);
  std::unique_ptr<net::Connection> scan_connection;
  if (!options.keys) scan_connection = net::Connection::open(options.connection);
  net::Connection& conn = *fetch_connection;

  arrow::BatchBuilder batch;
  arrow::ColumnBuilder* index_column =
      options.include_row_index ? &batch.add_column(options.row_index_column_name, DataType::of(TypeId::kUInt32)) : nullptr;
  arrow::ColumnBuilder* key_column =
      options.include_key ? &batch.add_column(options.key_column_name, DataType::of(TypeId::kString)) : nullptr;
  fetcher.add_columns(batch);
  const bool no_columns = batch.num_columns() == 0;

  KeyQueue pending;      // keys found, not yet fetched
  KeyQueue fetching;     // keys whose fetch commands are in flight, in send order
  KeyQueue verifying;    // keys whose EXISTS is in flight
  SeenKeys seen;
  std::deque<InFlight> in_flight;
  int64_t keys_in_flight = 0;  // fetches plus verifications: each may still become a row
  int64_t rows_total = 0;      // rows emitted plus rows in the current batch

  bool scan_done = !scan_connection;
  bool scan_in_flight = false;
  std::string cursor = "0";
  if (options.keys) {
    for (const auto& key : *options.keys) {
      if (seen.insert(key)) pending.push(key);
    }
  }
  const std::string count_text = std::to_string(std::max<int64_t>(1, options.count_hint));
  const size_t scan_ahead = static_cast<size_t>(std::max<int64_t>(2 * options.count_hint, options.max_keys_in_flight));

  auto limit_reached = [&] { return options.n_rows && rows_total >= *options.n_rows; };
  // Rows that could still appear from work already under way; never start more than n_rows need.
  auto may_start_more = [&](int64_t extra) {
    return !options.n_rows || rows_total + keys_in_flight + extra < *options.n_rows;
  };
  auto finish_row = [&](std::string_view key) {
    if (index_column) index_column->append_int64(options.row_index_offset + rows_total);
    if (key_column) key_column->append_text(key);
    if (no_columns) batch.add_row_without_columns();
    ++rows_total;
  };
  auto emit_if_full = [&]() -> bool {
    if (batch.num_rows() < options.batch_size) return true;
    return queue.push(batch.finish());
  };
  auto handle_scan_reply = [&](const resp::NodeView& root) {
    net::throw_if_error(root, "SCAN");
    if (!root.is_aggregate() || root.size() != 2) throw Error(ErrorKind::kProtocol, "SCAN returned an unexpected reply");
    auto cursor_node = root.first_child();
    auto keys = cursor_node.next_sibling();
    cursor.assign(cursor_node.str());
    scan_done = cursor == "0";
    auto key = keys.first_child();
    for (size_t i = 0, n = keys.size(); i < n; ++i, key = key.next_sibling()) {
      if (seen.insert(key.str())) pending.push(key.str());
    }
    scan_in_flight = false;
  };
  std::vector<Added> added;
  struct Context final : FetchContext {
    std::function<void(std::string_view)> row;
    net::Connection* conn = nullptr;
    std::vector<Added>* added = nullptr;
    std::function<bool()> limit;
    void finish_row(std::string_view key) override { row(key); }
    void verify_exists(std::string_view key) override {
      resp::CommandWriter(conn->out_buffer(), 2).arg("EXISTS").arg(key);
      added->push_back({InFlight::kVerify, std::string(key), 1});
    }
    std::string& follow_up_buffer() override { return conn->out_buffer(); }
    void expect_follow_up(std::string_view key, int replies) override {
      added->push_back({InFlight::kFetch, std::string(key), replies});
    }
    bool limit_reached() const override { return limit(); }
  } context;
  context.row = finish_row;
  context.conn = &conn;
  context.added = &added;
  context.limit = limit_reached;

  std::vector<std::string_view> group;
  auto handle_fetch_reply = [&](const resp::NodeView& root) {
    InFlight& head = in_flight.front();
    if (head.kind == InFlight::kVerify) {
      net::throw_if_error(root, "EXISTS");
      if (root.integer() == 1) {
        fetcher.append_row_without_values();
        finish_row(verifying.front());
      }
      verifying.pop();
      in_flight.pop_front();
      --keys_in_flight;
      return;
    }
    group.clear();
    for (size_t i = 0; i < head.keys; ++i) group.push_back(fetching.at(i));
    fetcher.consume(group, head.next_index++, root, context);
    if (head.next_index == head.replies) {
      for (size_t i = 0; i < head.keys; ++i) fetching.pop();
      keys_in_flight -= static_cast<int64_t>(head.keys);
      in_flight.pop_front();
    }
    for (Added& work : added) {
      (work.kind == InFlight::kVerify ? verifying : fetching).push(work.key);
      in_flight.push_back({work.kind, work.replies});
      ++keys_in_flight;
    }
    added.clear();
  };

  std::vector<net::Connection*> waiting;
  while (!limit_reached()) {
    if (queue.cancelled()) return;

    if (!scan_done && !scan_in_flight && pending.size() < scan_ahead &&
        may_start_more(static_cast<int64_t>(pending.size()))) {
      const bool typed = !options.type_filter.empty();
      resp::CommandWriter scan(scan_connection->out_buffer(), typed ? 8 : 6);
      scan.arg("SCAN").arg(cursor).arg("MATCH").arg(options.pattern).arg("COUNT").arg(count_text);
      if (typed) scan.arg("TYPE").arg(options.type_filter);
      scan_in_flight = true;
    }

    while (!pending.empty() && keys_in_flight < options.max_keys_in_flight && may_start_more(0)) {
      // A group of keys for one command: as many as the fetcher takes, the pipeline window
      // allows, and n_rows can still use.
      size_t room = static_cast<size_t>(options.max_keys_in_flight - keys_in_flight);
      if (options.n_rows) room = std::min<size_t>(room, static_cast<size_t>(*options.n_rows - rows_total - keys_in_flight));
      size_t take = std::min({fetcher.keys_per_command(), pending.size(), std::max<size_t>(room, 1)});
      group.clear();
      for (size_t i = 0; i < take; ++i) group.push_back(pending.at(i));
      int replies = fetcher.encode(group, conn.out_buffer());
      if (replies == 0) {
        for (size_t i = 0; i < take && !limit_reached(); ++i) {
          fetcher.append_row_without_values();
          finish_row(pending.front());
          pending.pop();
          if (!emit_if_full()) return;
        }
        if (limit_reached()) break;
        continue;
      }
      for (size_t i = 0; i < take; ++i) {
        fetching.push(pending.front());
        pending.pop();
      }
      in_flight.push_back({InFlight::kFetch, replies, take});
      keys_in_flight += static_cast<int64_t>(take);
    }
    if (limit_reached()) break;
    if (in_flight.empty() && !scan_in_flight) {
      if (scan_done && pending.empty()) break;
      continue;  // rows in flight were skipped before n_rows was reached: find more keys
    }

    // Move bytes on every connection with work under way; wait only when none could.
    bool moved = false;
    if (scan_in_flight) moved |= scan_connection->try_pump();
    if (!in_flight.empty()) moved |= conn.try_pump();
    if (!moved) {
      waiting.clear();
      if (scan_in_flight) waiting.push_back(scan_connection.get());
      if (!in_flight.empty()) waiting.push_back(&conn);
      net::Connection::wait_any(waiting);
      continue;
    }
    if (scan_in_flight) {
      if (auto reply = scan_connection->next_reply()) handle_scan_reply(reply->root());
    }
    while (!in_flight.empty()) {
      auto reply = conn.next_reply();
      if (!reply) break;
      handle_fetch_reply(reply->root());
      if (!emit_if_full()) return;
      if (limit_reached()) break;
    }
  }
  if (batch.num_rows() > 0 || rows_total == 0) {
    // An empty scan still yields one (empty) batch so the consumer sees the columns.
    queue.push(batch.finish());
  }
}

}  // namespace polars_redis::read
