#include "polars_redis/net/missing_module.hpp"
#include "polars_redis/write/row_writer.hpp"

#include <algorithm>
#include <atomic>
#include <deque>
#include <exception>
#include <thread>
#include <vector>

#include "polars_redis/arrow/imported_stream.hpp"
#include "polars_redis/error.hpp"
#include "polars_redis/net/connection.hpp"
#include "polars_redis/net/cluster_slot.hpp"
#include "polars_redis/net/connection_pool.hpp"
#include "polars_redis/resp/encoder.hpp"
#include "polars_redis/read/seen_keys.hpp"

namespace polars_redis::write {

namespace {

std::string quoted(std::string_view text) { return "'" + quote_for_message(text) + "'"; }

// Which columns make the key, the TTL and the fields.
struct Layout {
  int key = -1;
  int ttl = -1;
  int source_rows = -1;
  std::vector<int> fields;
};

Layout layout_of(const arrow::ImportedStream& in, const RowWriteOptions& options) {
  Layout layout;
  if (options.key_column) {
    layout.key = in.index_of(*options.key_column);
    if (layout.key < 0) throw Error(ErrorKind::kInvalidArgument, "key_column " + quoted(*options.key_column) + " is not a column of the frame");
  }
  if (options.ttl_column) {
    layout.ttl = in.index_of(*options.ttl_column);
    if (layout.ttl < 0) throw Error(ErrorKind::kInvalidArgument, "ttl column " + quoted(*options.ttl_column) + " is not a column of the frame");
  }
  if (options.source_rows_column) layout.source_rows = in.index_of(*options.source_rows_column);
  for (int i = 0; i < static_cast<int>(in.names().size()); ++i) {
    const auto& name = in.names()[static_cast<size_t>(i)];
    const bool ignored = std::find(options.ignored_columns.begin(), options.ignored_columns.end(), name) !=
                         options.ignored_columns.end();
    if (i != layout.key && i != layout.ttl && i != layout.source_rows && !ignored) layout.fields.push_back(i);
  }
  return layout;
}

void render_key(const arrow::ImportedStream& in, const Layout& layout, const RowWriteOptions& options, int64_t row,
                int64_t global_row, std::string& key) {
  key.assign(options.key_prefix);
  if (layout.key < 0) {
    key += std::to_string(global_row);
    return;
  }
  const auto& column = in.column(static_cast<size_t>(layout.key));
  if (column.is_null(row)) {
    throw Error(ErrorKind::kInvalidArgument, "the key column " + quoted(column.name()) + " is null");
  }
  column.append_text(row, key);
}

// Walks the rows a call covers: every row of the stream, or an ascending selection. The pipeline
// counts "written rows" (the rows covered, in order: Pending::first_row, CommittedRange), keys and
// messages count stream rows.
class SelectedRows {
 public:
  explicit SelectedRows(const RowSelection* rows) : rows_(rows) {}
  // Whether stream row `row` is covered; rows are asked in ascending order.
  bool take(int64_t row) {
    if (rows_ && (next_ == rows_->size() || (*rows_)[next_] != row)) return false;
    ++next_;
    return true;
  }
  // The written-row index of the row just taken.
  int64_t last() const { return static_cast<int64_t>(next_) - 1; }
  bool all() const { return rows_ == nullptr; }
  // The stream row of written row `index`.
  int64_t stream_row(int64_t index) const { return rows_ ? (*rows_)[static_cast<size_t>(index)] : index; }
  // Whether written row `index` follows the one before it in the stream too.
  bool adjacent(int64_t index) const { return !rows_ || (*rows_)[static_cast<size_t>(index)] == (*rows_)[static_cast<size_t>(index - 1)] + 1; }
  // Rows [begin, end) of the written rows, as a message names them (in the stream, + row_offset).
  std::string describe(int64_t begin, int64_t end, int64_t row_offset) const {
    const int64_t first = row_offset + stream_row(begin), last = row_offset + stream_row(end - 1);
    if (first == last) return "row " + std::to_string(first);
    const std::string span = std::to_string(first) + "-" + std::to_string(last);
    if (last - first == end - begin - 1) return "rows " + span;
    // Rows with gaps between them (a cluster node's share): not a range.
    return std::to_string(end - begin) + " rows from " + std::to_string(first) + " to " + std::to_string(last);
  }
  // Redirected rows numbered in the stream.
  std::vector<RedirectedRow> in_stream(std::vector<RedirectedRow> rows) const {
    for (RedirectedRow& row : rows) row.row = stream_row(row.row);
    return rows;
  }

 private:
  const RowSelection* rows_;
  size_t next_ = 0;
};

// TTL of one row: kind 0 none, 1 seconds, 2 epoch milliseconds.
std::pair<int, int64_t> ttl_of(const arrow::ImportedStream& in, const Layout& layout, const RowWriteOptions& options,
                               int64_t row) {
  if (options.ttl_seconds) return {1, *options.ttl_seconds};  // checked once, up front
  if (layout.ttl < 0) return {0, 0};
  const auto& column = in.column(static_cast<size_t>(layout.ttl));
  if (column.is_null(row)) return {0, 0};
  int64_t value = 0;
  if (column.as_epoch_millis(row, value)) return {2, value};
  if (!column.as_int64(row, value)) {
    throw Error(ErrorKind::kInvalidArgument, "ttl column " + quoted(column.name()) +
                                                 " must hold integer seconds or Datetimes to expire at");
  }
  try {
    check_ttl_seconds(value);
  } catch (const Error& e) {
    throw Error(e.kind(), "ttl column " + quoted(column.name()) + ": " + e.what());
  }
  return {1, value};
}

// See Pipeline::send_early(): large enough that a socket write carries hundreds of commands.
constexpr size_t kSendEarlyAt = size_t{256} * 1024;

// One unit of work in flight: its replies, and the rows it commits when they all succeed.
struct Pending {
  int replies;             // its own replies (an ASKING before it is the pipeline's business)
  int64_t rows;            // rows it covers, from first_row on
  std::string key;         // for messages: its (first) key
  int64_t first_row = 0;   // index of its first row in the stream
  int64_t rows_after = 0;  // rows after this one that needed no command: settled with it
  std::optional<net::Redirect> redirect = std::nullopt;  // set by the check: none of its commands took effect
  bool failed = false;     // a reply failed: none of its rows count
  std::string last_key = {};  // its last key, when it covers several rows
  std::string after_first_key = {}, after_last_key = {};
  // A RESTORE creating an appended row's key: the merge command to send instead on BUSYKEY, kept
  // by the pipeline (Pipeline::keep_merge) at this offset.
  size_t merge_at = 0, merge_size = 0;
  bool guard_probe = false;  // a guarded batch's WATCH or key probe, not a write
};

// Rows [begin, end) of the stream that took effect, with their first and last keys.
struct CommittedRange {
  int64_t begin, end;
  std::string first_key, last_key;
};

class Pipeline {
 public:
  Pipeline(net::Connection& conn, const RowWriteOptions& options, const SelectedRows& selected)
      : conn_(conn),
        selected_(selected),
        window_(options.max_replies_in_flight),
        collect_redirects_(options.collect_redirects),
        asking_(options.asking) {}

  std::string& out() { return conn_.out_buffer(); }
  int64_t committed() const { return committed_; }
  const std::vector<CommittedRange>& committed_ranges() const { return ranges_; }
  std::vector<RedirectedRow>& redirected_rows() { return redirected_; }
  // The first failed reply, if any (the check's error, with the unit's row); later units still settle.
  const std::optional<std::pair<Error, int64_t>>& failure() const { return failure_; }
  // The stream rows sent whose replies are still unread: [first, end). A merge sent for a row
  // whose RESTORE found its key (resend) may follow later rows.
  std::pair<int64_t, int64_t> in_flight_rows() const {
    if (pending_.empty()) return {0, 0};
    int64_t first = pending_.front().first_row, end = first;
    for (const Pending& p : pending_) {
      first = std::min(first, p.first_row);
      end = std::max(end, p.first_row + p.rows + p.rows_after);
    }
    return {first, end};
  }

  // Where the next unit's commands go. Rows sent here by ASK are admitted by an ASKING right
  // before their command (before MULTI, it covers the whole transaction).
  std::string& begin_unit() {
    if (asking_) resp::CommandWriter(out(), 1).arg("ASKING");
    return out();
  }

  // Whether `reply` is a cluster redirection to collect; it is recorded on `pending`, whose rows
  // then count as not written (the caller re-sends them, so they must never count twice).
  bool redirected(const resp::NodeView& reply, Pending& pending) const {
    if (!collect_redirects_ || !reply.is_error()) return false;
    auto redirect = net::parse_redirect(reply.str());
    if (!redirect) return false;
    if (!pending.redirect) pending.redirect = std::move(redirect);
    return true;
  }

  // Registers the commands just appended; waits for replies while too many are in flight.
  template <typename Check>
  void sent(Pending pending, Check&& check) {
    in_flight_replies_ += pending.replies + (asking_ ? 1 : 0);
    pending_.push_back(std::move(pending));
    send_early();
    while (in_flight_replies_ > window_) settle_one(check);
  }
  // Keeps `command`, the merge to send should `pending`'s RESTORE find its key, until that
  // RESTORE's reply has been checked. Merges live back to back in one buffer, dropped from its
  // front as replies arrive: a string of its own per row cost the client about a tenth more.
  void keep_merge(std::string_view command, Pending& pending) {
    if (merges_done_ >= kMergesCompactAt && 2 * merges_done_ >= merges_.size()) {
      merges_.erase(0, merges_done_);
      merges_base_ += merges_done_;
      merges_done_ = 0;
    }
    pending.merge_at = merges_base_ + merges_.size();
    pending.merge_size = command.size();
    merges_.append(command);
  }
  std::string_view merge_of(const Pending& pending) const {
    return std::string_view(merges_).substr(pending.merge_at - merges_base_, pending.merge_size);
  }
  // From a check: the unit's commands were appended again (another form of them), to be settled
  // after everything already in flight.
  void resend(Pending pending) {
    in_flight_replies_ += pending.replies + (asking_ ? 1 : 0);
    pending_.push_back(std::move(pending));
  }
  // Stream row `row` (key `key`) needs no command: it counts once everything before it has.
  void commit_without_reply(int64_t row, const std::string& key) {
    if (pending_.empty()) {
      add_committed(row, 1, key, key);
      return;
    }
    Pending& last = pending_.back();
    if (last.rows_after++ == 0) last.after_first_key = key;
    last.after_last_key = key;
  }
  // Hands everything queued to the socket now, without waiting: the server works on it while
  // the client prepares what follows.
  void send_now() {
    conn_.try_send();
    unsent_after_send_ = conn_.pending_output();
  }
  template <typename Check>
  void finish(Check&& check) {
    while (!pending_.empty()) settle_one(check);
  }

 private:
  // Hands queued commands to the socket every kSendEarlyAt bytes, without waiting or reading, so
  // the server works on them while the next ones are encoded (otherwise nothing would move before
  // the window of replies is full). A full socket is retried only after as many more bytes.
  void send_early() {
    const size_t unsent = conn_.pending_output();
    if (unsent < unsent_after_send_) unsent_after_send_ = 0;  // a pump() sent them meanwhile
    if (unsent < unsent_after_send_ + kSendEarlyAt) return;
    conn_.try_send();
    unsent_after_send_ = conn_.pending_output();
  }

  void add_committed(int64_t row, int64_t rows, const std::string& first_key, const std::string& last_key) {
    if (rows <= 0) return;
    committed_ += rows;
    // A range is contiguous in the stream too: a message lists stream rows.
    if (!ranges_.empty() && ranges_.back().end == row && selected_.adjacent(row)) {
      ranges_.back().end = row + rows;
      ranges_.back().last_key = last_key;
    } else {
      ranges_.push_back({row, row + rows, first_key, last_key});
    }
  }

  // `check(reply, index, pending)` throws for a failed reply and returns the rows it commits; a
  // throw is recorded as the write's failure (the first one kept) and the unit counts nothing.
  template <typename Check>
  void settle_one(Check& check) {
    std::optional<resp::Reply> reply;
    while (!(reply = conn_.next_reply())) conn_.pump();
    --in_flight_replies_;
    Pending& head = pending_.front();
    if (asking_ && !head_asked_) {
      net::throw_if_error(reply->root(), "ASKING");
      head_asked_ = true;
      return;
    }
    int64_t rows = 0;
    try {
      rows = check(reply->root(), done_in_head_, head);
    } catch (const Error& e) {
      if (!failure_) failure_.emplace(e, head.first_row);
      head.failed = true;
    }
    if (++done_in_head_ == head.replies) {
      if (head.redirect) {
        for (int64_t i = 0; i < head.rows; ++i) {
          redirected_.push_back({head.first_row + i, *head.redirect, head.rows == 1 ? head.key : std::string()});
        }
      }
      if (head.redirect || head.failed) rows = 0;
      add_committed(head.first_row, rows, head.key, head.last_key.empty() ? head.key : head.last_key);
      // Rows needing no command after a failed or redirected unit still need nothing.
      add_committed(head.first_row + head.rows, head.rows_after, head.after_first_key, head.after_last_key);
      if (head.merge_size > 0) merges_done_ = head.merge_at + head.merge_size - merges_base_;
      pending_.pop_front();
      done_in_head_ = 0;
      head_asked_ = false;
    }
  }

  net::Connection& conn_;
  const SelectedRows& selected_;
  int64_t window_;
  bool collect_redirects_;
  bool asking_;
  std::deque<Pending> pending_;
  int64_t in_flight_replies_ = 0;
  size_t unsent_after_send_ = 0;  // the unsent output the last send_early() left
  int done_in_head_ = 0;
  bool head_asked_ = false;  // the head's ASKING reply was read
  int64_t committed_ = 0;
  std::vector<CommittedRange> ranges_;
  std::optional<std::pair<Error, int64_t>> failure_;
  std::vector<RedirectedRow> redirected_;
  static constexpr size_t kMergesCompactAt = size_t{64} * 1024;
  std::string merges_;      // merge commands kept (keep_merge), from offset merges_base_ on
  size_t merges_base_ = 0;  // the offset of merges_[0] since the write began
  size_t merges_done_ = 0;  // bytes at the front of merges_ whose replies have been checked
};

[[noreturn]] void fail_reply(const resp::NodeView& reply, const Pending& pending, const char* command) {
  // A module command the server does not know names the module to load (as reads do).
  throw Error(ErrorKind::kResponse, std::string(command) + " " + quoted(pending.key) + " failed: " + std::string(reply.str()) +
                                        net::missing_module_hint(reply.str()));
}

std::string row_label(int64_t global_row, const std::string& key) {
  return "row " + std::to_string(global_row) + " (key " + quoted(key) + ")";
}

// The frame row an item of a grouped row came from (the row itself when the frame is not grouped).
int64_t source_row(const arrow::ImportedStream& in, const Layout& layout, int64_t row, int64_t item, int64_t global_row) {
  if (layout.source_rows < 0) return global_row;
  const arrow::ColumnView* rows = nullptr;
  int64_t start = 0, end = 0, value = 0;
  const auto& column = in.column(static_cast<size_t>(layout.source_rows));
  if (!column.list_items(row, rows, start, end) || start + item >= end || !rows->as_int64(start + item, value)) {
    return global_row;
  }
  return value;
}

// Whether rows are stored with one RESTORE carrying the TTL (a whole-value encoder; append merges
// with commands).
bool restores(const ValueEncoder& encoder, const RowWriteOptions& options) {
  return encoder.whole_values() && options.mode != WriteMode::kAppend;
}

// Whether append creates absent keys with RESTORE (no REPLACE), merging with commands only where
// the server answers BUSYKEY: a whole-value encoder whose merge creates what its set creates, and
// no TTL (append with a TTL checks key types under WATCH, with commands).
bool restores_appends(const ValueEncoder& encoder, const RowWriteOptions& options, const Layout& layout) {
  return options.mode == WriteMode::kAppend && encoder.whole_values() && encoder.merge_creates_as_set() &&
         !options.ttl_seconds && layout.ttl < 0;
}

// The command storing one row, exactly as the write sends it: the merge (append), a RESTORE
// (REPLACE under replace), or the set; false when the row has nothing to store.
bool encode_row(ValueEncoder& encoder, const RowWriteOptions& options, const arrow::ImportedStream& in, int64_t row,
                std::string_view key, std::pair<int, int64_t> ttl, resp::ArgumentList& args) {
  if (options.mode == WriteMode::kAppend) return encoder.encode_merge(in, row, key, args);
  if (restores(encoder, options)) {
    return encoder.encode_restore(in, row, key, ttl.first, ttl.second, options.mode == WriteMode::kReplace, args);
  }
  return encoder.encode_set(in, row, key, args);
}

// One row of the check pass: its key (into `key`), TTL and value, encoded as they will be sent
// (the encoders validate); throws Error naming the row and saying nothing was written. With the
// batch's `command_bound` (ValueEncoder::command_bound), a row whose key keeps its commands
// within the server's limits needs no encoding: nothing in it can fail.
void check_row(ValueEncoder* encoder, std::optional<size_t> command_bound, const RowWriteOptions& options,
               const arrow::ImportedStream& in, const Layout& layout, int64_t row, int64_t global_row,
               std::string& key, resp::ArgumentList& args) {
  key.clear();
  try {
    render_key(in, layout, options, row, global_row, key);
    if (!encoder) return;
    const auto ttl = ttl_of(in, layout, options, row);
    if (command_bound && key.size() + *command_bound <= kMaxArgumentBytes) return;
    args.clear();
    if (restores(*encoder, options) || restores_appends(*encoder, options, layout)) {
      // (an appended row's merge command is its set command, or SET ... KEEPTTL: checked alike)
      encoder->check_restore(in, row, key, ttl.first, ttl.second, options.mode == WriteMode::kReplace, args);
    } else {
      encode_row(*encoder, options, in, row, key, ttl, args);
    }
    if (args.largest() > kMaxArgumentBytes || args.encoded().size() > kMaxCommandBytes) {
      throw Error(ErrorKind::kInvalidArgument,
                  "the value is too large for one command (" + std::to_string(args.encoded().size()) +
                      " bytes; Redis takes arguments up to 512 MiB and commands up to 1 GiB)");
    }
  } catch (const ItemError& e) {
    throw Error(e.kind(), row_label(source_row(in, layout, row, e.item(), global_row), key) + ": " + e.what() +
                              "; nothing was written");
  } catch (const Error& e) {
    throw Error(e.kind(), (key.empty() ? "row " + std::to_string(global_row) : row_label(global_row, key)) + ": " +
                              e.what() + "; nothing was written");
  }
}

// Batches at least this long whose values must be encoded to be checked (no command bound) are
// checked by two threads, each with its own encoder: the server waits for the check pass, so the
// machine has a core to spare for it.
constexpr int64_t kSplitCheckRows = 16384;

// Checks rows [begin, end) of the current batch on a thread of its own; its first error is kept
// for the caller, which reports it only when its own rows (all before these) passed.
class CheckHelper {
 public:
  CheckHelper(ValueEncoder& encoder, const RowWriteOptions& options, const arrow::ImportedStream& in,
              const Layout& layout, int64_t begin, int64_t end, int64_t global_begin)
      : thread_([&encoder, &options, &in, &layout, begin, end, global_begin, this] {
          std::string key;
          resp::ArgumentList args;
          try {
            for (int64_t row = begin; row < end && !stop_.load(std::memory_order_relaxed); ++row) {
              check_row(&encoder, std::nullopt, options, in, layout, row, global_begin + (row - begin), key, args);
            }
          } catch (...) {
            error_ = std::current_exception();
          }
        }) {}
  ~CheckHelper() {  // the caller failed first: its error wins, these rows need no check
    stop_.store(true, std::memory_order_relaxed);
    if (thread_.joinable()) thread_.join();
  }
  void finish() {
    thread_.join();
    if (error_) std::rethrow_exception(error_);
  }

 private:
  std::atomic<bool> stop_{false};
  std::exception_ptr error_;
  std::thread thread_;  // last: starts once the members above exist
};

Error repeated_key(const std::string& key) {
  return Error(ErrorKind::kInvalidArgument, "key " + quoted(key) + " appears twice in the frame; if_exists='fail' "
                                            "writes each key once; nothing was written");
}

// The check pass over a second export of the frame: every row's key, TTL and value are encoded
// as they will be sent (the encoders validate), and under kFail every key is checked absent.
// Nothing has been sent when it throws. `encoder` null: the stream holds only the keys.
std::vector<RedirectedRow> check_rows(net::Connection& conn, ArrowArrayStream* stream, const RowWriteOptions& options,
                                      ValueEncoder* encoder, bool probe_absent, const RowSelection* selection) {
  arrow::ImportedStream in(stream);
  const Layout layout = layout_of(in, options);
  if (encoder) encoder->bind(in, layout.fields);
  SelectedRows selected(selection);
  // Rows are validated independently of each other: long batches (of a whole stream) are split
  // in two, the second half validated on a thread of its own. Key probes stay on this thread, in
  // row order (a repeated key is found by the first half's rows before the second's).
  std::unique_ptr<ValueEncoder> second = encoder && selected.all() ? encoder->clone() : nullptr;
  if (second) second->bind(in, layout.fields);
  Pipeline pipeline(conn, options, selected);
  read::SeenKeys seen;  // 16 bytes a key, no copy of it: millions of keys stay cheap
  std::vector<std::string> existing;
  int64_t existing_count = 0;
  std::string key;
  resp::ArgumentList args;
  int64_t batch_start = 0;  // the stream row of the batch's first row
  auto check = [&](const resp::NodeView& reply, int, Pending& pending) -> int64_t {
    if (pipeline.redirected(reply, pending)) return 0;
    if (reply.is_error()) fail_reply(reply, pending, "EXISTS");
    if (reply.integer() == 1 && ++existing_count <= 20) existing.push_back(pending.key);
    return 0;
  };
  while (in.next()) {
    const int64_t rows = in.num_rows();
    const std::optional<size_t> bound = encoder ? encoder->command_bound(in) : std::nullopt;
    const int64_t split = second && !bound && rows >= kSplitCheckRows ? rows / 2 : rows;
    std::optional<CheckHelper> helper;
    if (split < rows) helper.emplace(*second, options, in, layout, split, rows, options.row_offset + batch_start + split);
    std::optional<std::string> repeated;  // found among the helper's rows: its errors come first
    for (int64_t row = 0; row < (probe_absent ? rows : split); ++row) {
      if (!selected.take(batch_start + row)) continue;
      check_row(row < split ? encoder : nullptr, bound, options, in, layout, row, options.row_offset + batch_start + row,
                key, args);
      if (!probe_absent) continue;
      if (!seen.insert(key)) {
        if (row >= split) {
          repeated = key;
          break;
        }
        throw repeated_key(key);
      }
      resp::CommandWriter(pipeline.begin_unit(), 2).arg("EXISTS").arg(key);
      pipeline.sent(Pending{1, 1, key, selected.last()}, check);
    }
    if (helper) helper->finish();
    if (repeated) throw repeated_key(*repeated);
    batch_start += rows;
  }
  pipeline.finish(check);
  if (pipeline.failure()) {
    throw Error(pipeline.failure()->first.kind(), std::string(pipeline.failure()->first.what()) + "; nothing was written");
  }
  if (encoder && !options.check_only) {  // a cluster's whole-frame check runs on no key's node
    try {
      encoder->verify(conn);
    } catch (const Error& e) {
      throw Error(e.kind(), std::string(e.what()) + "; nothing was written");
    }
  }
  if (existing_count > 0) {
    std::string names;
    for (size_t i = 0; i < existing.size(); ++i) names += (i ? ", " : "") + quoted(existing[i]);
    throw Error(ErrorKind::kKeyExists, std::to_string(existing_count) + " target key(s) already exist (" + names +
                                           (existing_count > 20 ? ", ..." : "") +
                                           "); nothing was written (if_exists='fail')");
  }
  return selected.in_stream(std::move(pipeline.redirected_rows()));
}

// "rows 0-41 ('a' .. 'b'), 43 ('c')": which rows took effect, for a failure's message.
std::string describe_committed(const Pipeline& pipeline, const RowWriteOptions& options, const SelectedRows& selected) {
  std::string text;
  if (options.row_offset > 0) text = "rows 0-" + std::to_string(options.row_offset - 1) + " (earlier batches)";
  const auto& ranges = pipeline.committed_ranges();
  for (size_t i = 0; i < ranges.size(); ++i) {
    if (i == 10) {
      text += ", and " + std::to_string(ranges.size() - 10) + " more ranges";
      break;
    }
    const auto& r = ranges[i];
    text += text.empty() ? "" : ", ";
    text += selected.describe(r.begin, r.end, options.row_offset) + " (" + quoted(r.first_key) +
            (r.end - r.begin > 1 ? " .. " + quoted(r.last_key) : std::string()) + ")";
  }
  const int64_t total = options.row_offset + pipeline.committed();
  return std::to_string(total) + " row(s) were committed" + (total ? ": " : "") + text;
}

// A batch of keys written under WATCH: kFail (no key may exist) and kAppend with a TTL (each key
// must hold the encoder's type or not exist). Its rows are contiguous in the stream; rows with
// nothing to store are part of it without a key.
struct GuardedBatch {
  std::vector<std::string> keys;
  std::vector<int64_t> key_rows;  // global row of each key
  std::string commands;           // the writes, queued between MULTI and EXEC
  int commands_count = 0;
  int64_t first_row = -1;         // stream rows [first_row, first_row + rows)
  int64_t rows = 0;
  std::string first_key, last_key;
  void clear() { *this = GuardedBatch{}; }
};

// append reviews after each this many RESTOREs whether most found their key (then merges only).
constexpr int64_t kAppendRestoreReview = 256;
constexpr int kGuardAttempts = 10;  // EXEC aborted by WATCH (another client changed a key): retry
// Keys per WATCH: Redis (up to 7.4 at least) checks each watched key against every key the
// connection already watches, so a WATCH of n keys costs the server O(n^2); measured on Redis
// Stack 7.4, 3.7 us of server CPU per key at 1,000 keys and 34 us at 10,000, against 1.8 us at 100.
constexpr int64_t kMaxGuardedKeys = 256;

}  // namespace

void check_ttl_seconds(int64_t seconds) {
  if (seconds <= 0 || seconds > kMaxTtlSeconds) {
    throw Error(ErrorKind::kInvalidArgument, "TTL " + std::to_string(seconds) + " is out of range: it must be 1 to " +
                                                 std::to_string(kMaxTtlSeconds) +
                                                 " seconds (Redis keeps expiry times as 64-bit epoch milliseconds)");
  }
}

std::vector<RedirectedRow> check_keys_absent(const net::ConnectionOptions& connection, ArrowArrayStream* stream,
                                             const RowWriteOptions& options, const RowSelection* selection) {
  auto conn = net::acquire(connection);
  return check_rows(*conn, stream, options, nullptr, true, selection);
}

std::vector<uint16_t> row_key_slots(ArrowArrayStream* stream, const RowWriteOptions& options) {
  arrow::ImportedStream in(stream);
  const Layout layout = layout_of(in, options);
  std::vector<uint16_t> slots;
  std::string key;
  while (in.next()) {
    slots.reserve(slots.size() + static_cast<size_t>(in.num_rows()));
    for (int64_t row = 0; row < in.num_rows(); ++row) {
      const int64_t global_row = options.row_offset + static_cast<int64_t>(slots.size());
      try {
        render_key(in, layout, options, row, global_row, key);
      } catch (const Error& e) {
        throw Error(e.kind(), "row " + std::to_string(global_row) + ": " + e.what() + "; nothing was written");
      }
      slots.push_back(static_cast<uint16_t>(net::key_slot(key)));
    }
  }
  return slots;
}

WriteResult write_rows(const net::ConnectionOptions& connection, ArrowArrayStream* stream,
                       ArrowArrayStream* check_stream, const RowWriteOptions& options, ValueEncoder& encoder,
                       const RowSelection* selection) {
  if (options.ttl_seconds) check_ttl_seconds(*options.ttl_seconds);
  if (check_stream == nullptr) {
    throw Error(ErrorKind::kInvalidArgument, "a write needs the frame twice: a check stream, then the write stream");
  }
  auto conn = net::acquire(connection);
  check_rows(*conn, check_stream, options, &encoder, options.mode == WriteMode::kFail && options.precheck, selection);
  if (options.check_only) return {};

  arrow::ImportedStream in(stream);
  const Layout layout = layout_of(in, options);
  encoder.bind(in, layout.fields);
  SelectedRows selected(selection);
  Pipeline pipeline(*conn, options, selected);
  const bool has_ttl = options.ttl_seconds || layout.ttl >= 0;
  const bool guarded = options.mode == WriteMode::kFail ||
                       (options.mode == WriteMode::kAppend && has_ttl && !encoder.redis_type().empty());
  bool conflict = false;  // a guarded EXEC was aborted by WATCH
  const bool whole = restores(encoder, options);  // RESTORE with the TTL instead of set + EXPIRE
  // Dropped for the rest of the write once most keys turn out to exist (a RESTORE answered
  // BUSYKEY and the merge after it cost the server more than the merge alone): the RESTOREs in
  // flight settle first, so that no merge overtakes an earlier row's.
  bool appends_restore = restores_appends(encoder, options, layout);
  bool merge_only_from_now = false;
  int64_t append_restores = 0, append_restores_refused = 0;

  // A redirected row (cluster) is recorded by pipeline.redirected() and the write goes on.
  auto check = [&](const resp::NodeView& reply, int index, Pending& pending) -> int64_t {
    if (pending.replies == 1) {  // a single command (append, or RESTORE ... REPLACE)
      if (pending.merge_size > 0) {  // an appended row's RESTORE
        const bool key_exists = reply.is_error() && reply.str().starts_with("BUSYKEY");
        append_restores_refused += key_exists;
        if (++append_restores % kAppendRestoreReview == 0 && 2 * append_restores_refused > append_restores) {
          merge_only_from_now = true;
        }
        if (key_exists) {
          // Merge into it. Rows of one key stay in frame order, as every later row of that key
          // gets BUSYKEY too (unless another client deletes the key).
          pipeline.begin_unit().append(pipeline.merge_of(pending));
          pipeline.resend(Pending{1, pending.rows, pending.key, pending.first_row});
          return 0;
        }
      }
      if (reply.is_error() && !pipeline.redirected(reply, pending)) {
        fail_reply(reply, pending, whole || pending.merge_size > 0 ? "RESTORE" : "writing");
      }
      return reply.is_error() ? 0 : pending.rows;
    }
    // MULTI, queued commands, EXEC: only the EXEC reply says whether the key was written. A
    // redirected queued command makes EXEC answer EXECABORT; a key migrated away between
    // queuing and EXEC makes EXEC itself answer the redirection. Neither applied anything.
    if (index + 1 < pending.replies) {
      if (reply.is_error() && (index == 0 || !pipeline.redirected(reply, pending))) {
        fail_reply(reply, pending, index == 0 ? "MULTI" : "queued command for");
      }
      return 0;
    }
    if (reply.is_error()) {
      if (pending.redirect || pipeline.redirected(reply, pending)) return 0;
      fail_reply(reply, pending, "EXEC");
    }
    if (pending.redirect) {  // never re-send what may have been applied
      throw Error(ErrorKind::kResponse, "EXEC " + quoted(pending.key) + " ran although a queued command was redirected");
    }
    if (reply.is_null()) {  // WATCH saw a key change: nothing was applied
      conflict = true;
      return 0;
    }
    auto item = reply.first_child();
    for (size_t i = 0, n = reply.size(); i < n; ++i, item = item.next_sibling()) {
      // Checked values and WATCHed keys leave nothing to fail at run time; should a command fail
      // anyway, Redis has applied the others: say so rather than call the keys untouched.
      if (item.is_error()) {
        if (item.str().starts_with("BUSYKEY")) {  // RESTORE under fail: WATCH should have aborted first
          throw Error(ErrorKind::kKeyExists, "a key of the transaction for " + quoted(pending.key) +
                                                 " was created by another client (" + std::string(item.str()) +
                                                 "); the transaction's other commands were applied");
        }
        throw Error(ErrorKind::kResponse, "a command of the transaction for " + quoted(pending.key) +
                                              " failed after the others were applied: " + std::string(item.str()));
      }
    }
    return pending.rows;
  };

  // Guarded batches: WATCH and a probe per key (EXISTS / TYPE), then MULTI + writes + EXEC, which
  // aborts when a probed key changed in between. WATCH is per connection, so nothing else goes
  // on it meanwhile. A batch's transaction goes out together with the next batch's WATCH and
  // probes (its EXEC has just unwatched everything), so the server works while the client
  // encodes the batch after; an aborted EXEC redoes the batches in flight one at a time.
  const bool fail_mode = options.mode == WriteMode::kFail;
  GuardedBatch batch;                     // being filled
  std::optional<GuardedBatch> probed;     // its WATCH and probes are sent
  std::optional<GuardedBatch> executing;  // its transaction is sent (kept to redo it)
  std::vector<std::string> probes;        // the replies to the probes sent last
  std::optional<net::Redirect> probe_redirect;

  auto settle = [&](const resp::NodeView& reply, int index, Pending& pending) -> int64_t {
    if (!pending.guard_probe) return check(reply, index, pending);
    if (pipeline.redirected(reply, pending)) {
      probe_redirect = pending.redirect;
      return 0;
    }
    if (reply.is_error()) fail_reply(reply, pending, pending.rows ? "WATCH" : (fail_mode ? "EXISTS" : "TYPE"));
    if (pending.rows == 0) probes.emplace_back(reply.is_string() ? std::string(reply.str()) : std::to_string(reply.integer()));
    return 0;
  };
  auto unwatch = [&] {
    resp::Reply done = conn->command({"UNWATCH"});
    net::throw_if_error(done.root(), "UNWATCH");
  };
  auto send_probes = [&](const GuardedBatch& b) {
    probes.clear();
    probe_redirect.reset();
    if (b.keys.empty()) return;  // only rows with nothing to store
    {
      resp::CommandWriter watch(pipeline.begin_unit(), 1 + b.keys.size());
      watch.arg("WATCH");
      for (const auto& k : b.keys) watch.arg(k);
    }
    Pending watched{1, -1, b.keys.front(), b.first_row};
    watched.guard_probe = true;
    pipeline.sent(std::move(watched), settle);
    for (const auto& k : b.keys) {
      resp::CommandWriter(pipeline.begin_unit(), 2).arg(fail_mode ? "EXISTS" : "TYPE").arg(k);
      Pending probe{1, 0, k, b.first_row};
      probe.guard_probe = true;
      pipeline.sent(std::move(probe), settle);
    }
  };
  // Once the batch's probes have settled: false when its slot is elsewhere (cluster: one key per
  // batch; recorded, nothing applied); throws when a key clashes (nothing of the batch applied).
  auto probes_allow = [&](const GuardedBatch& b) -> bool {
    if (b.keys.empty()) return true;
    if (probe_redirect) {
      unwatch();
      for (int64_t i = 0; i < b.rows; ++i) {
        pipeline.redirected_rows().push_back({b.first_row + i, *probe_redirect, b.rows == 1 ? b.first_key : ""});
      }
      return false;
    }
    std::string clashes;
    int clash_count = 0;
    for (size_t i = 0; i < b.keys.size(); ++i) {
      const bool clash = fail_mode ? probes[i] == "1" : probes[i] != "none" && probes[i] != encoder.redis_type();
      if (!clash || ++clash_count > 10) continue;
      clashes += (clash_count > 1 ? ", " : "") + row_label(b.key_rows[i], b.keys[i]);
      if (!fail_mode) clashes += " holds a " + probes[i] + ", not a " + std::string(encoder.redis_type());
    }
    if (clash_count == 0) return true;
    unwatch();
    if (fail_mode) {
      throw Error(ErrorKind::kKeyExists, std::to_string(clash_count) + " key(s) were created by another client "
                                         "during the write: " + clashes + "; their batch was not written");
    }
    throw Error(ErrorKind::kResponse, "WRONGTYPE: " + clashes + (clash_count > 10 ? ", ..." : "") +
                                          "; their batch was not written (nor its TTLs)");
  };
  auto send_transaction = [&](const GuardedBatch& b) {
    if (b.keys.empty()) {  // nothing is in flight before it: its rows count at once, in order
      for (int64_t i = 0; i < b.rows; ++i) pipeline.commit_without_reply(b.first_row + i, b.last_key);
      return;
    }
    resp::CommandWriter(pipeline.begin_unit(), 1).arg("MULTI");
    pipeline.out().append(b.commands);
    resp::CommandWriter(pipeline.out(), 1).arg("EXEC");
    conflict = false;
    Pending unit{2 + b.commands_count, b.rows, b.first_key, b.first_row};
    unit.last_key = b.last_key;
    pipeline.sent(std::move(unit), settle);
  };
  // One batch alone on the connection: probe, transaction, wait; again while EXEC is aborted.
  auto guard_alone = [&](const GuardedBatch& b) {
    for (int attempt = 0; attempt < kGuardAttempts; ++attempt) {
      send_probes(b);
      pipeline.finish(settle);
      if (pipeline.failure()) return unwatch();
      if (!probes_allow(b)) return;
      send_transaction(b);
      pipeline.finish(settle);
      if (pipeline.failure() || !conflict) return;
    }
    throw Error(ErrorKind::kResponse, "other clients kept changing keys of the batch starting at " +
                                          row_label(options.row_offset + selected.stream_row(b.first_row), b.first_key) +
                                          " (" + std::to_string(kGuardAttempts) + " attempts); it was not written");
  };
  // Moves every batch one stage on: the executing one settles, the probed one (its probes
  // settled too) sends its transaction, and the filled one its probes, in the same write.
  auto guard_step = [&] {
    pipeline.finish(settle);
    if (pipeline.failure()) {
      if (probed) unwatch();
      return;
    }
    if (conflict) {  // another client changed a key of the executing batch
      unwatch();
      guard_alone(*executing);
      if (probed && !pipeline.failure()) guard_alone(*probed);
      probed.reset();
    }
    executing.reset();
    if (pipeline.failure()) return;
    if (probed) {
      if (probes_allow(*probed)) {
        send_transaction(*probed);
        if (!probed->keys.empty()) executing = std::move(probed);
      }
      probed.reset();
    }
    if (batch.rows > 0) {
      send_probes(batch);
      probed = std::move(batch);
      batch.clear();
    }
    pipeline.send_now();
  };

  std::string key;
  resp::ArgumentList args;
  std::string merge_if_exists;
  int64_t batch_start = 0;  // the stream row of the batch's first row
  try {
    for (; in.next() && !pipeline.failure(); batch_start += in.num_rows()) {
      for (int64_t row = 0; row < in.num_rows() && !pipeline.failure(); ++row) {
        if (!selected.take(batch_start + row)) continue;
        if (merge_only_from_now && appends_restore) {
          pipeline.finish(check);
          appends_restore = false;
          if (pipeline.failure()) break;
        }
        const int64_t stream_row = selected.last();  // a written row: the pipeline's numbering
        const int64_t global_row = options.row_offset + batch_start + row;
        render_key(in, layout, options, row, global_row, key);
        const auto [ttl_kind, ttl_value] = ttl_of(in, layout, options, row);
        auto write_ttl = [&](std::string& out) {
          if (ttl_kind == 1) resp::CommandWriter(out, 3).arg("EXPIRE").arg(key).arg(ttl_value);
          if (ttl_kind == 2) resp::CommandWriter(out, 3).arg("PEXPIREAT").arg(key).arg(ttl_value);
        };
        args.clear();
        const bool stores = appends_restore ? encoder.encode_restore_append(in, row, key, args, merge_if_exists)
                                            : encode_row(encoder, options, in, row, key, {ttl_kind, ttl_value}, args);
        if (guarded) {
          if (batch.rows == 0) {
            batch.first_row = stream_row;
            batch.first_key = key;
          }
          ++batch.rows;
          batch.last_key = key;
          if (stores) {
            batch.keys.push_back(key);
            batch.key_rows.push_back(global_row);
            args.append_command_to(batch.commands);
            ++batch.commands_count;
            if (ttl_kind != 0 && !whole) {  // a RESTORE carries its TTL
              write_ttl(batch.commands);
              ++batch.commands_count;
            }
          }
          if (batch.rows >= options.batch_size || static_cast<int64_t>(batch.keys.size()) >= kMaxGuardedKeys) guard_step();
          continue;
        }
        if (!stores) {  // nothing to store: the row changes nothing (no DEL, no TTL)
          pipeline.commit_without_reply(stream_row, key);
          continue;
        }
        if (whole || (options.mode == WriteMode::kAppend && ttl_kind == 0)) {  // RESTORE ... REPLACE is atomic
          args.append_command_to(pipeline.begin_unit());
          Pending unit{1, 1, key, stream_row};
          if (appends_restore) pipeline.keep_merge(merge_if_exists, unit);
          pipeline.sent(std::move(unit), check);
          continue;
        }
        // replace: DEL + set + EXPIRE in one transaction; append (a type-agnostic SET): set +
        // EXPIRE. Readers see the old value or the new one, never a mix or a key without its
        // TTL, and nothing queued can fail for the data's sake (the check pass saw every row).
        resp::CommandWriter(pipeline.begin_unit(), 1).arg("MULTI");
        int replies = 3;  // MULTI, set, EXEC
        if (options.mode == WriteMode::kReplace) {
          resp::CommandWriter(pipeline.out(), 2).arg("DEL").arg(key);
          ++replies;
        }
        args.append_command_to(pipeline.out());
        if (ttl_kind != 0) {
          write_ttl(pipeline.out());
          ++replies;
        }
        resp::CommandWriter(pipeline.out(), 1).arg("EXEC");
        pipeline.sent(Pending{replies, 1, key, stream_row}, check);
      }
    }
    while (!pipeline.failure() && (executing || probed || batch.rows > 0)) guard_step();
    pipeline.finish(settle);
  } catch (const Error& e) {
    if (e.kind() == ErrorKind::kConnection || e.kind() == ErrorKind::kTimeout) {
      const auto [first, end] = pipeline.in_flight_rows();
      std::string unknown;
      if (end > first) unknown = "; " + selected.describe(first, end, options.row_offset) + " were sent but not confirmed";
      throw WriteFailure(e.kind(), std::string(e.what()) + " [" + describe_committed(pipeline, options, selected) + unknown +
                                       "; every key is either fully written or untouched]",
                         options.row_offset + pipeline.committed());
    }
    // A failure of our own (not a reply): settle what is in flight so the count is exact.
    try {
      pipeline.finish(settle);
      if (probed) unwatch();  // the connection goes back to the pool watching nothing
    } catch (const Error&) {
    }
    if (!pipeline.failure()) {
      throw WriteFailure(e.kind(), std::string(e.what()) + " [" + describe_committed(pipeline, options, selected) +
                                       "; every other key is untouched]",
                         options.row_offset + pipeline.committed());
    }
  }
  if (pipeline.failure()) {
    const auto& [error, row] = *pipeline.failure();
    throw WriteFailure(error.kind(),
                       "row " + std::to_string(options.row_offset + selected.stream_row(row)) + ": " + error.what() + " [" +
                           describe_committed(pipeline, options, selected) + "; every other key is untouched]",
                       options.row_offset + pipeline.committed());
  }
  return {pipeline.committed(), selected.in_stream(std::move(pipeline.redirected_rows()))};
}

}  // namespace polars_redis::write
