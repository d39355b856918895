#include "polars_redis/read/cluster_key_scan.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <optional>
#include <mutex>
#include <thread>
#include <utility>

#include "polars_redis/error.hpp"
#include "polars_redis/net/interrupt.hpp"
#include "polars_redis/net/redirect_policy.hpp"
#include "polars_redis/read/cluster_search_index.hpp"

namespace polars_redis::read {

namespace {

// Stops and joins the shard threads however the merge ends.
class ShardThreads {
 public:
  explicit ShardThreads(BatchQueue& merged) : merged_(merged) {}
  ~ShardThreads() {
    merged_.cancel();
    for (std::thread& thread : threads_) thread.join();
  }
  ShardThreads(const ShardThreads&) = delete;
  ShardThreads& operator=(const ShardThreads&) = delete;
  // Each shard thread gives up its socket waits when the scan that started it is cancelled.
  void start(std::function<void()> body) {
    threads_.emplace_back([flag = net::current_cancel_flag(), body = std::move(body)] {
      const net::CancelScope scope(flag);
      body();
    });
  }

 private:
  BatchQueue& merged_;
  std::vector<std::thread> threads_;
};

}  // namespace

KeyScanOptions shard_scan_template(const KeyScanOptions& options) {
  if (options.source.kind == KeySourceSpec::Kind::kSearch && !options.source.search.sort_by.empty()) {
    // Each shard would sort its own results only; the Python layer plans a sorted search over a
    // cluster as a merged key list instead.
    throw Error(ErrorKind::kInvalidArgument, "a sorted search cannot run as a per-shard scan on a Redis Cluster");
  }
  KeyScanOptions shard = options;
  shard.include_row_index = false;  // rows are numbered as the merge hands them out
  // A search pages each shard's own index by offset (see cluster_search_index.hpp).
  if (shard.source.kind == KeySourceSpec::Kind::kSearch) shard.source.search.by_offset = true;
  return shard;
}

std::vector<KeyScanOptions> plan_cluster_scan(const KeyScanOptions& options, const net::ClusterTopology& topology) {
  KeyScanOptions base = shard_scan_template(options);
  // The shards read: every one, or a partition's one (see net::ConnectionOptions::shard_slots).
  const net::SlotRanges& partition = options.connection.shard_slots;
  std::vector<bool> read(topology.shards.size(), partition.empty());
  if (!partition.empty()) read[topology.shard_serving_exactly(partition)] = true;
  std::vector<KeyScanOptions> parts;
  if (options.source.kind != KeySourceSpec::Kind::kKeys) {
    // A slot without an online primary (its node failed, no failover yet) would silently drop
    // its keys from the scan (a partition's own slots were just checked).
    if (partition.empty()) topology.require_every_slot_served();
    for (size_t i = 0; i < topology.shards.size(); ++i) {
      if (!read[i]) continue;
      const net::ClusterShard& shard = topology.shards[i];
      parts.push_back(base);
      parts.back().connection = net::read_node_options(options.connection, shard);
      if (options.source.kind == KeySourceSpec::Kind::kSearch) {
        // Each shard's own index covers its own documents (see cluster_search_index.hpp).
        SearchKeyQuery& search = parts.back().source.search;
        search.index = find_shard_index(parts.back().connection, shard, options.source.search.index);
      }
    }
    return parts;
  }
  // A key list: each key goes to the shard serving its slot, in the order given (a partition
  // keeps its own shard's keys: the other partitions read the rest).
  std::vector<std::vector<std::string>> keys(topology.shards.size());
  for (const std::string& key : options.source.keys) {
    const int shard = topology.shard_index_of_key(key);
    if (read[shard]) keys[shard].push_back(key);
  }
  base.source.keys.clear();
  const size_t last = static_cast<size_t>(std::find(read.rbegin(), read.rend(), true).base() - read.begin()) - 1;
  for (size_t i = 0; i < keys.size(); ++i) {
    if (!read[i] || (keys[i].empty() && !(i == last && parts.empty()))) continue;  // one part even for no keys
    parts.push_back(base);
    parts.back().connection = net::read_node_options(options.connection, topology.shards[i]);
    parts.back().source.keys = std::move(keys[i]);
  }
  return parts;
}

namespace {

// What the merge of the parts has handed to the consumer so far (across redirect rounds).
struct MergeState {
  std::optional<int64_t> n_rows;
  int64_t rows = 0;
  bool pushed = false;
  std::optional<arrow::RecordBatch> empty;  // every shard may be empty: the consumer still needs the columns
};

// Keys a part could not read on its node (a cluster redirection), collected from every part.
class RedirectedKeys {
 public:
  void add(std::string_view key) {
    std::lock_guard lock(mutex_);
    keys_.emplace_back(key);
  }
  std::vector<std::string> take() {
    std::lock_guard lock(mutex_);
    return std::exchange(keys_, {});
  }

 private:
  std::mutex mutex_;
  std::vector<std::string> keys_;
};

// Runs every part at once, pushing the merged batches to `queue`; false when the consumer stopped.
bool merge_parts(const std::vector<KeyScanOptions>& parts, const FetcherFactory& make_fetcher, MergeState& state,
                 BatchQueue& queue) {
  BatchQueue merged(2 * parts.size());
  std::atomic<size_t> running = parts.size();
  std::mutex error_mutex;
  bool failed = false;
  ShardThreads threads(merged);
  for (const KeyScanOptions& part : parts) {
    threads.start([&, part] {
      try {
        std::unique_ptr<RowFetcher> fetcher = make_fetcher();
        run_key_scan(part, *fetcher, merged);
      } catch (const Error& error) {
        // Name the node: the same message on a single node would be ambiguous here.
        std::lock_guard lock(error_mutex);
        if (!failed) {
          failed = true;
          merged.fail(std::make_exception_ptr(
              Error(error.kind(), std::string(error.what()) + " (cluster node " + part.connection.endpoint() + ")")));
        }
      } catch (...) {
        std::lock_guard lock(error_mutex);
        if (!failed) {
          failed = true;
          merged.fail(std::current_exception());
        }
      }
      if (--running == 0) merged.close();
    });
  }
  while (!state.n_rows || state.rows < *state.n_rows) {
    std::optional<arrow::RecordBatch> batch = merged.pop();
    if (!batch) break;
    if (batch->num_rows() == 0) {
      if (!state.empty) state.empty = std::move(batch);
      continue;
    }
    if (state.n_rows && state.rows + batch->num_rows() > *state.n_rows) batch->truncate(*state.n_rows - state.rows);
    state.rows += batch->num_rows();
    state.pushed = true;
    if (!queue.push(std::move(*batch))) return false;
  }
  return true;
}

}  // namespace

void run_cluster_key_scan(const KeyScanOptions& options, const FetcherFactory& make_fetcher, BatchQueue& queue) {
  net::ClusterTopology topology = net::discover_topology(options.connection);
  std::vector<KeyScanOptions> parts = plan_cluster_scan(options, topology);
  // SCAN runs per node: a key moved between nodes while they scan could be missed or read twice,
  // so a scan must neither start during a resharding nor see the slot map change under it. A
  // key list follows its keys instead: a key whose node answers MOVED, ASK or TRYAGAIN is read
  // again from the node the refreshed topology names, until the slot has settled.
  const bool follow = options.source.kind == KeySourceSpec::Kind::kKeys;
  std::optional<net::SlotMapGuard> guard;
  if (!follow) guard.emplace(options.connection, topology);
  MergeState state;
  // Every shard answers up to the search's LIMIT: the merged output keeps that many.
  state.n_rows = options.n_rows;
  if (options.source.kind == KeySourceSpec::Kind::kSearch && options.source.search.limit) {
    state.n_rows = state.n_rows ? std::min(*state.n_rows, *options.source.search.limit) : *options.source.search.limit;
  }
  RedirectedKeys redirected;
  // Keys may keep bouncing (a slot migrating: ASK / TRYAGAIN) as long as writes' rows may,
  // counted from the first redirection.
  std::optional<net::RedirectDeadline> deadline;
  for (int round = 0;; ++round) {
    if (follow) {
      for (KeyScanOptions& part : parts) part.on_redirect = [&redirected](std::string_view key) { redirected.add(key); };
    }
    if (!merge_parts(parts, make_fetcher, state, queue)) return;
    std::vector<std::string> keys = follow ? redirected.take() : std::vector<std::string>{};
    if (keys.empty() || (state.n_rows && state.rows >= *state.n_rows)) break;
    if (!deadline) deadline.emplace(net::kRedirectPolicy);
    if (deadline->passed()) {
      throw Error(ErrorKind::kConnection, std::to_string(keys.size()) + " key(s), e.g. '" + quote_for_message(keys.front()) +
                                              "', kept being redirected (MOVED/ASK/TRYAGAIN) for " +
                                              std::to_string(deadline->patience_seconds()) +
                                              " s: their slots are still moving; read again later");
    }
    // A slot in the middle of a migration answers ASK until it is done: give it a moment (the
    // keys' redirect kinds are not known here, so every round counts as the slot moving).
    std::this_thread::sleep_for(net::kRedirectPolicy.pause_before(round, true));
    topology = net::discover_topology(options.connection);
    KeyScanOptions again = options;
    again.source.keys = std::move(keys);
    parts = plan_cluster_scan(again, topology);
  }
  if (guard && (!state.n_rows || state.rows < *state.n_rows)) guard->check_unchanged();
  if (!state.pushed && state.empty) queue.push(std::move(*state.empty));
}

}  // namespace polars_redis::read
