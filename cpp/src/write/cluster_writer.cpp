#include "polars_redis/write/cluster_writer.hpp"

#include <algorithm>
#include <exception>
#include <iterator>
#include <mutex>
#include <numeric>
#include <optional>
#include <thread>
#include <unordered_set>

#include "polars_redis/error.hpp"
#include "polars_redis/net/cluster_topology.hpp"
#include "polars_redis/net/interrupt.hpp"
#include "polars_redis/write/cluster_write_rounds.hpp"
#include "polars_redis/write/held_frame.hpp"

namespace polars_redis::write {

namespace {

// One node's share of a round (the `index`th), run against `node`; returns what it committed
// and the rows the node redirected.
using RunShare = std::function<WriteResult(const net::ConnectionOptions& node, const NodeShare& share, size_t index)>;

// What a round's shares did, once all of them finished.
struct Round {
  int64_t written = 0;
  std::vector<RedirectedRow> redirected;  // every redirect names its host
  std::exception_ptr failure;             // the first share's failure
  int64_t failed_share_committed = 0;     // what that share committed before failing
};

// Joins the share threads however the round ends.
class ShareThreads {
 public:
  ~ShareThreads() {
    for (std::thread& thread : threads_) thread.join();
  }
  template <typename Body>
  void start(Body body) {
    threads_.emplace_back([cancel = net::current_cancel_flag(), body = std::move(body)] {
      const net::CancelScope scope(cancel);  // the caller's cancellation reaches the share's waits
      body();
    });
  }

 private:
  std::vector<std::thread> threads_;
};

Round run_round(const net::ConnectionOptions& seed, const std::vector<NodeShare>& shares, const RunShare& run,
                int64_t row_offset) {
  Round round;
  std::mutex mutex;
  auto fail = [&](std::exception_ptr error, int64_t committed) {
    std::lock_guard lock(mutex);
    if (round.failure) return;
    round.failure = std::move(error);
    round.failed_share_committed = committed;
  };
  {
    ShareThreads threads;
    for (size_t i = 0; i < shares.size(); ++i) {
      threads.start([&, i] {
        const NodeShare& share = shares[i];
        // The same message on a single node would not say which node failed.
        auto on_node = [&](const Error& e) {
          return std::make_exception_ptr(Error(e.kind(), std::string(e.what()) + " (cluster node " +
                                                             share.target.endpoint() + ")"));
        };
        try {
          WriteResult done = run(net::node_options(seed, {share.target.host, share.target.port, {}}, false), share, i);
          for (RedirectedRow& row : done.redirected) {
            if (row.redirect.host.empty()) row.redirect.host = share.target.host;  // "?": the node that answered
          }
          std::lock_guard lock(mutex);
          round.written += done.written;
          round.redirected.insert(round.redirected.end(), std::make_move_iterator(done.redirected.begin()),
                                  std::make_move_iterator(done.redirected.end()));
        } catch (const WriteFailure& e) {
          fail(on_node(e), e.committed() - row_offset);  // a sink's earlier batches are counted once, below
        } catch (const Error& e) {
          fail(on_node(e), 0);
        } catch (...) {
          fail(std::current_exception(), 0);
        }
      });
    }
  }
  return round;
}

// "3 row(s) of 2 key(s) ('a', 'b') were still redirected after 30 s and 41 re-send round(s) (last:
// ASK to host:port)".
std::string still_redirected(const std::vector<RedirectedRow>& rows, int rounds, const net::RedirectDeadline& deadline) {
  std::unordered_set<std::string> seen;
  std::string shown;
  size_t keys = 0;
  for (const RedirectedRow& row : rows) {
    const std::string key = row.key.empty() ? "row " + std::to_string(row.row) : row.key;
    if (!seen.insert(key).second) continue;
    if (++keys <= 10) shown += (keys > 1 ? ", '" : "'") + quote_for_message(key) + "'";
  }
  if (keys > 10) shown += ", ...";
  const net::Redirect& last = rows.back().redirect;
  std::string to = last.kind == net::RedirectKind::kTryAgain ? "" : " to " + last.host + ":" + std::to_string(last.port);
  return std::to_string(rows.size()) + " row(s) of " + std::to_string(keys) + " key(s) (" + shown +
         ") were still redirected after " + std::to_string(deadline.patience_seconds()) + " s and " +
         std::to_string(rounds) + " re-send round(s) (last: " + net::redirect_kind_name(last.kind) + to +
         "): their slots are still moving";
}

// The rows of a held frame, each on the node serving its key, redirections followed.
class Placement {
 public:
  Placement(const net::ConnectionOptions& seed, const HeldFrame& frame, const RowWriteOptions& options,
            const net::RedirectPolicy& policy)
      : seed_(seed), options_(options), policy_(policy) {
    ReplayedStream keys = frame.replay();
    slots_ = row_key_slots(keys.get(), options);
  }

  // Runs every row, round after round, until no row is redirected; returns the rows written.
  // `prepare(n)` readies a round of n shares. `writing`: a failure or the end of patience throws
  // WriteFailure counting the rows committed; otherwise (a check) the failure itself.
  int64_t run(const std::function<void(size_t)>& prepare, const RunShare& run_share, bool writing) const {
    RowSelection all(static_cast<size_t>(slots_.size()));
    std::iota(all.begin(), all.end(), int64_t{0});
    std::vector<NodeShare> shares = shares_by_owner(all, slots_, net::discover_topology(seed_));
    std::optional<net::RedirectDeadline> deadline;  // patience counts from the first redirection
    int64_t written = 0;
    for (int round = 0; !shares.empty(); ++round) {
      prepare(shares.size());
      Round done = run_round(seed_, shares, run_share, options_.row_offset);
      written += done.written;
      if (done.failure) fail(done, written, writing);
      if (done.redirected.empty()) break;
      std::sort(done.redirected.begin(), done.redirected.end(),
                [](const RedirectedRow& a, const RedirectedRow& b) { return a.row < b.row; });
      if (!deadline) deadline.emplace(policy_);
      if (deadline->passed()) {
        const std::string message = still_redirected(done.redirected, round, *deadline);
        if (!writing) throw Error(ErrorKind::kResponse, message + "; their keys were not checked and nothing was written");
        const int64_t committed = options_.row_offset + written;
        throw WriteFailure(ErrorKind::kResponse,
                           message + " and were not written [cluster: " + std::to_string(committed) +
                               " row(s) were committed]",
                           committed);
      }
      const bool trying_again = std::any_of(done.redirected.begin(), done.redirected.end(), [](const RedirectedRow& r) {
        return r.redirect.kind == net::RedirectKind::kTryAgain;
      });
      std::this_thread::sleep_for(policy_.pause_before(round, trying_again));
      NextRound next = follow_redirects(std::move(done.redirected));
      shares = std::move(next.asked);
      if (!next.rerouted.empty()) {  // MOVED / TRYAGAIN: the owners as the cluster says now
        std::vector<NodeShare> owners = shares_by_owner(next.rerouted, slots_, net::discover_topology(seed_));
        shares.insert(shares.end(), std::make_move_iterator(owners.begin()), std::make_move_iterator(owners.end()));
      }
    }
    return written;
  }

 private:
  // Throws a round's failure once every share finished: a write's says what the rest committed.
  [[noreturn]] void fail(const Round& done, int64_t written, bool writing) const {
    try {
      std::rethrow_exception(done.failure);
    } catch (const Error& e) {
      if (!writing) throw;
      throw WriteFailure(e.kind(),
                         std::string(e.what()) + " [cluster: " + std::to_string(written) +
                             " row(s) were committed by the rest of the write]",
                         options_.row_offset + written + done.failed_share_committed);
    }
  }

  const net::ConnectionOptions& seed_;
  const RowWriteOptions& options_;
  const net::RedirectPolicy& policy_;
  std::vector<uint16_t> slots_;
};

// Under kFail: every key absent on its node, before any node is written to (all or nothing).
void check_absent_everywhere(const Placement& placement, const HeldFrame& frame, const RowWriteOptions& options) {
  RowWriteOptions check = options;
  check.collect_redirects = true;
  placement.run([](size_t) {},
                [&](const net::ConnectionOptions& node, const NodeShare& share, size_t) {
                  RowWriteOptions on_node = check;
                  on_node.asking = share.target.asking;
                  ReplayedStream keys = frame.replay();
                  return WriteResult{0, check_keys_absent(node, keys.get(), on_node, &share.rows)};
                },
                false);
}

}  // namespace

int64_t write_cluster_rows(const net::ConnectionOptions& seed, ArrowArrayStream* stream, const RowWriteOptions& options,
                           const EncoderFactory& make_encoder, const net::RedirectPolicy& policy) {
  const HeldFrame frame(stream);
  {  // every row checked once, on no key's node, before any node is written to
    RowWriteOptions whole = options;
    whole.check_only = true;
    whole.precheck = false;
    std::unique_ptr<ValueEncoder> encoder = make_encoder();
    ReplayedStream rows = frame.replay(), check = frame.replay();
    write_rows(seed, rows.get(), check.get(), whole, *encoder);
  }
  if (frame.num_rows() == 0) return 0;
  const Placement placement(seed, frame, options, policy);
  if (options.mode == WriteMode::kFail && options.precheck) check_absent_everywhere(placement, frame, options);
  RowWriteOptions on_nodes = options;
  on_nodes.precheck = false;       // checked above, or by a sink up front
  on_nodes.batch_size = 1;         // a WATCH-guarded batch's keys must share a hash slot
  on_nodes.collect_redirects = true;
  std::vector<std::unique_ptr<ValueEncoder>> encoders;
  return placement.run(
      [&](size_t shares) {
        encoders.clear();
        for (size_t i = 0; i < shares; ++i) encoders.push_back(make_encoder());
      },
      [&](const net::ConnectionOptions& node, const NodeShare& share, size_t index) {
        RowWriteOptions on_node = on_nodes;
        on_node.asking = share.target.asking;
        ReplayedStream rows = frame.replay(), check = frame.replay();
        return write_rows(node, rows.get(), check.get(), on_node, *encoders[index], &share.rows);
      },
      true);
}

void check_cluster_keys_absent(const net::ConnectionOptions& seed, ArrowArrayStream* stream,
                               const RowWriteOptions& options, const net::RedirectPolicy& policy) {
  const HeldFrame frame(stream);
  if (frame.num_rows() == 0) return;
  check_absent_everywhere(Placement(seed, frame, options, policy), frame, options);
}

}  // namespace polars_redis::write
