#include "polars_redis/read/key_scan.hpp"

#include <algorithm>
#include <deque>
#include <functional>

#include "polars_redis/error.hpp"
#include "polars_redis/net/connection.hpp"
#include "polars_redis/net/connection_pool.hpp"
#include "polars_redis/net/redirect.hpp"
#include "polars_redis/read/fetch_group.hpp"
#include "polars_redis/read/glob_match.hpp"
#include "polars_redis/read/key_queue.hpp"
#include "polars_redis/read/key_row_columns.hpp"
#include "polars_redis/read/seen_keys.hpp"
#include "polars_redis/read/snapshot_scan.hpp"
#include "polars_redis/resp/encoder.hpp"

namespace polars_redis::read {

namespace {

// What each fetch-connection reply answers, in the order the commands were sent.
struct InFlight {
  enum Kind : uint8_t { kFetch, kVerify } kind;
  int replies;
  size_t lane = 0;     // the fetch connection it was sent on
  size_t keys = 1;     // keys the command covers (the front of `fetching`)
  int next_index = 0;
  bool follow_up = false;   // a later page of a key whose earlier rows may be out already
  bool redirected = false;  // the keys went to on_redirect: the remaining replies are skipped
};

// Work a fetcher adds while consuming a reply; queued after consume() returns, because the keys
// it names are views into the queue it would be appended to.
struct Added {
  InFlight::Kind kind;
  std::string key;
  int replies;
  size_t lane;
};

// Releases what the source holds on the server when the scan ends before the source does
// (n_rows reached, consumer cancelled, error).
class AbandonGuard {
 public:
  explicit AbandonGuard(KeySource& source) : source_(source) {}
  ~AbandonGuard() {
    if (!source_.done()) source_.abandon();
  }
  AbandonGuard(const AbandonGuard&) = delete;
  AbandonGuard& operator=(const AbandonGuard&) = delete;

 private:
  KeySource& source_;
};

}  // namespace

bool defer_type_filter(const KeyScanOptions& options, const RowFetcher& fetcher) {
  return options.source.kind == KeySourceSpec::Kind::kScan && !options.type_filter.empty() &&
         !fetcher.needs_type_filter();
}

void run_key_scan(const KeyScanOptions& options, RowFetcher& fetcher, BatchQueue& queue) {
  if (options.source.is_snapshot()) return run_snapshot_scan(options, fetcher, queue);
  // The key source runs on a connection of its own: on the fetch connection each SCAN (or cursor
  // read) reply would queue behind every fetch already sent, so keys would arrive one COUNT-sized
  // chunk per round trip and the server would idle between chunks. Apart, the next request is
  // always under way while the fetch pipeline stays deep.
  //
  // With parallel = N the fetch commands go round-robin over N connections ("lanes"), but replies
  // are consumed in the order the commands were sent, whatever lane they arrive on: the rows come
  // out exactly as with one connection, and a lane whose reply is not due yet buffers it.
  std::vector<net::PooledConnection> lanes;
  lanes.reserve(static_cast<size_t>(std::max(1, options.connection.parallel)));
  for (int i = 0; i < std::max(1, options.connection.parallel); ++i) lanes.push_back(net::acquire(options.connection));
  std::vector<int64_t> lane_work(lanes.size(), 0);  // commands in flight per lane
  size_t next_lane = 0;
  arrow::BatchBuilder batch;
  KeyRowColumns row_columns(options, batch);
  fetcher.add_columns(batch);  // before needs_type_filter: the columns decide the commands

  const int64_t count_hint = ScanPacer::source_count(options.budget, options.count_hint);
  KeySourceOptions source_options{options.connection, options.source, options.pattern, options.type_filter,
                                  count_hint, options.on_redirect};
  bool type_filter_deferred = source_options.defer_type_filter = defer_type_filter(options, fetcher);
  auto source = open_key_source(source_options);
  AbandonGuard abandon_guard(*source);
  net::Connection& source_conn = source->connection();

  KeyQueue pending;      // keys found, not yet fetched
  KeyQueue fetching;     // keys whose fetch commands are in flight, in send order
  KeyQueue verifying;    // keys whose EXISTS is in flight
  SeenKeys seen;
  std::deque<InFlight> in_flight;
  int64_t keys_in_flight = 0;  // fetches plus verifications: each may still become a row
  int64_t rows_total = 0;      // rows emitted plus rows in the current batch

  const std::string* match = options.match_pattern ? &*options.match_pattern : nullptr;
  const KeySource::Sink add_key = [&](std::string_view key) {
    if (match && !glob_match(*match, key)) return;
    if (seen.insert(key)) pending.push(key);
  };
  // The next SCAN is asked for once fewer than one reply's worth of keys wait, or fewer than one
  // whole fetch group (next_fetch_group holds a short group back): SCAN stays just ahead of the
  // fetches (see max_keys_in_flight) without the fetch pipeline running dry.
  const size_t scan_ahead = static_cast<size_t>(count_hint);

  auto limit_reached = [&] { return options.n_rows && rows_total >= *options.n_rows; };
  // Rows that could still appear from work already under way; never start more than n_rows need.
  auto may_start_more = [&](int64_t extra) {
    return !options.n_rows || rows_total + keys_in_flight + extra < *options.n_rows;
  };
  auto finish_row = [&](std::string_view key) { row_columns.finish_row(key, rows_total++); };
  // The bytes of the replies consumed since the last batch stand in for its size (batch_bytes).
  auto received = [&] {
    uint64_t bytes = 0;
    for (const auto& lane : lanes) bytes += lane->reply_bytes();
    return bytes;
  };
  uint64_t batch_start_bytes = 0;
  bool first_batch = true;
  auto emit_if_full = [&]() -> bool {
    if (batch.num_rows() < options.batch_size) return true;
    if (!first_batch && received() - batch_start_bytes < static_cast<uint64_t>(options.batch_bytes)) return true;
    first_batch = false;
    batch_start_bytes = received();
    return queue.push(batch.finish());
  };
  std::vector<Added> added;
  struct Context final : FetchContext {
    std::function<void(std::string_view)> row;
    RowFetcher* fetcher = nullptr;
    bool keys_exist = false;
    net::Connection* conn = nullptr;  // the lane of the reply being consumed
    size_t lane = 0;
    std::vector<Added>* added = nullptr;
    std::function<bool()> limit;
    void finish_row(std::string_view key) override { row(key); }
    void verify_exists(std::string_view key) override {
      if (keys_exist) {
        fetcher->append_row_without_values();
        row(key);
        return;
      }
      resp::CommandWriter(conn->out_buffer(), 2).arg("EXISTS").arg(key);
      added->push_back({InFlight::kVerify, std::string(key), 1, lane});
    }
    std::string& follow_up_buffer() override { return conn->out_buffer(); }
    void expect_follow_up(std::string_view key, int replies) override {
      added->push_back({InFlight::kFetch, std::string(key), replies, lane});
      conn->try_send();  // on its way while the fetcher is still parsing the current reply
    }
    bool limit_reached() const override { return limit(); }
  } context;
  context.row = finish_row;
  context.fetcher = &fetcher;
  context.keys_exist = source->keys_exist();
  context.added = &added;
  context.limit = limit_reached;

  // A cluster redirection answers a command the node did not run.
  auto redirection = [&](const resp::NodeView& root) {
    return options.on_redirect && root.is_error() ? net::parse_redirect(root.str()) : std::nullopt;
  };
  std::vector<std::string_view> group;
  auto handle_fetch_reply = [&](const resp::NodeView& root) {
    InFlight& head = in_flight.front();
    if (head.kind == InFlight::kVerify) {
      if (redirection(root)) {
        options.on_redirect(verifying.front());
      } else {
        net::throw_if_error(root, "EXISTS");
      }
      if (!root.is_error() && root.integer() == 1) {
        fetcher.append_row_without_values();
        finish_row(verifying.front());
      }
      verifying.pop();
      --lane_work[head.lane];
      in_flight.pop_front();
      --keys_in_flight;
      return;
    }
    group.clear();
    for (size_t i = 0; i < head.keys; ++i) group.push_back(fetching.at(i));
    context.lane = head.lane;
    context.conn = lanes[head.lane].get();
    if (!head.redirected) {
      if (const auto redirect = redirection(root)) {
        if (head.next_index != 0 || head.follow_up) {
          // Part of the key's values are in rows or builders already: it cannot be re-read whole.
          throw Error(ErrorKind::kResponse, "key " + quote_for_message(group.front()) +
                                                " moved to another node while its values were being read (" +
                                                net::redirect_kind_name(redirect->kind) + "): read again");
        }
        for (std::string_view key : group) options.on_redirect(key);
        head.redirected = true;
      }
    }
    if (head.redirected) {
      fetcher.discard(group, head.next_index++);
    } else {
      fetcher.consume(group, head.next_index++, root, context);
    }
    if (head.next_index == head.replies) {
      for (size_t i = 0; i < head.keys; ++i) fetching.pop();
      keys_in_flight -= static_cast<int64_t>(head.keys);
      --lane_work[head.lane];
      in_flight.pop_front();
    }
    for (Added& work : added) {
      (work.kind == InFlight::kVerify ? verifying : fetching).push(work.key);
      in_flight.push_back({work.kind, work.replies, work.lane, 1, 0, work.kind == InFlight::kFetch});
      ++lane_work[work.lane];
      ++keys_in_flight;
    }
    added.clear();
  };

  std::vector<net::Connection*> waiting;
  ScanPacer pacer(options.budget, options.max_keys_in_flight);
  // Sends the next SCAN and the fetches that the window and the keys found allow; false when
  // the consumer went away.
  auto start_work = [&]() -> bool {
    auto want_keys = [&] {
      return !source->done() && !source->waiting() && pending.size() < std::max(scan_ahead, fetcher.keys_per_command()) &&
             may_start_more(static_cast<int64_t>(pending.size()));
    };
    // Unpaced, room for two whole multi-key commands (MGET) however deep the window: one is
    // answered while the next is on its way, and neither is cut short by the window.
    int64_t window = pacer.paced() ? pacer.window()
                                   : std::max<int64_t>(pacer.window(), 2 * static_cast<int64_t>(fetcher.keys_per_command()));
    if (const int64_t fetcher_limit = fetcher.max_keys_in_flight(); fetcher_limit >= 0) {
      window = std::min(window, fetcher_limit);
    }
    const bool want_fetch = !pending.empty() && keys_in_flight < window && may_start_more(0);
    // Paced, new work goes out only when a burst opens; in between, only replies are read.
    if (!pacer.may_send(in_flight.empty() && !source->waiting(), want_keys() || want_fetch)) return true;
    while (!pending.empty() && keys_in_flight < window && may_start_more(0)) {
      // A group of keys for one command: as many as the fetcher takes, the pipeline window
      // allows, and n_rows can still use.
      size_t room = static_cast<size_t>(window - keys_in_flight);
      if (options.n_rows) room = std::min<size_t>(room, static_cast<size_t>(*options.n_rows - rows_total - keys_in_flight));
      // A window narrower than a command (a fetcher's sample) makes the window the whole group.
      const size_t full_group = std::min<size_t>(fetcher.keys_per_command(), static_cast<size_t>(window));
      const size_t take = next_fetch_group(
          {full_group, pending.size(), room, !source->done(),
           options.n_rows && rows_total + keys_in_flight + static_cast<int64_t>(full_group) > *options.n_rows,
           pacer.paced()});
      if (take == 0) break;
      group.clear();
      for (size_t i = 0; i < take; ++i) group.push_back(pending.at(i));
      const size_t lane = next_lane;
      int replies = fetcher.encode(group, lanes[lane]->out_buffer());
      if (replies == 0) {
        for (size_t i = 0; i < take && !limit_reached(); ++i) {
          fetcher.append_row_without_values();
          finish_row(pending.front());
          pending.pop();
          if (!emit_if_full()) return false;
        }
        if (limit_reached()) break;
        continue;
      }
      for (size_t i = 0; i < take; ++i) {
        fetching.push(pending.front());
        pending.pop();
      }
      in_flight.push_back({InFlight::kFetch, replies, lane, take});
      ++lane_work[lane];
      next_lane = (next_lane + 1) % lanes.size();
      keys_in_flight += static_cast<int64_t>(take);
      pacer.started(static_cast<int64_t>(take));
    }
    // Asked for once the fetches have taken the keys found: the next SCAN's reply is on its way
    // while the server answers them, instead of after the client has parsed their replies.
    if (!limit_reached() && want_keys()) source->request();
    return true;
  };
  while (!limit_reached()) {
    if (queue.cancelled()) return;
    if (!start_work()) return;
    if (limit_reached()) break;
    const bool source_waiting = source->waiting();
    if (in_flight.empty() && !source_waiting) {
      if (source->done() && pending.empty()) break;
      continue;  // rows in flight were skipped before n_rows was reached: find more keys
    }

    // Move bytes on every connection with work under way; wait only when none could. Fetches
    // go out before the next SCAN: the server then reads the keys just scanned while they are
    // still in its caches, then scans on (SCAN first cost it about a tenth more CPU for the same
    // commands: bench_strings.py's server-cost table).
    bool moved = false;
    for (size_t i = 0; i < lanes.size(); ++i) {
      if (lane_work[i] > 0) moved |= lanes[i]->try_pump();
    }
    if (source_waiting) moved |= source_conn.try_pump();
    if (!moved) {
      waiting.clear();
      if (source_waiting) waiting.push_back(&source_conn);
      for (size_t i = 0; i < lanes.size(); ++i) {
        if (lane_work[i] > 0) waiting.push_back(lanes[i].get());
      }
      net::Connection::wait_any(waiting);
      continue;
    }
    pacer.received();
    bool found_keys = false;
    while (source->waiting()) {
      auto reply = source_conn.next_reply();
      if (!reply) break;
      pacer.answered();
      source->consume(reply->root(), add_key);
      found_keys = true;
    }
    // A SCAN reply and fetch replies often arrive together (the server writes replies at the
    // end of its event-loop turn): the next fetches and SCAN go out before the fetch replies
    // are parsed, so the server works meanwhile instead of waiting for the parsing.
    if (found_keys && !pacer.paced() && !limit_reached()) {
      if (!start_work()) return;
      for (auto& lane : lanes) {  // fetches first, as above
        if (lane->pending_output() > 0) lane->try_send();
      }
      if (source_conn.pending_output() > 0) source_conn.try_send();
      if (limit_reached()) break;  // rows that needed no command reached n_rows
    }
    while (!in_flight.empty()) {
      auto reply = lanes[in_flight.front().lane]->next_reply();
      if (!reply) break;
      pacer.answered();
      handle_fetch_reply(reply->root());
      if (!emit_if_full()) return;
      if (limit_reached()) break;
    }
    if (type_filter_deferred && fetcher.needs_type_filter()) {
      source->filter_by_type();
      type_filter_deferred = false;
    }
  }
  if (batch.num_rows() > 0 || rows_total == 0) {
    // An empty scan still yields one (empty) batch so the consumer sees the columns.
    queue.push(batch.finish());
  }
}

}  // namespace polars_redis::read
