#include "polars_redis/write/row_writer.hpp"

#include <algorithm>
#include <deque>
#include <unordered_set>
#include <vector>

#include "polars_redis/arrow/imported_stream.hpp"
#include "polars_redis/error.hpp"
#include "polars_redis/net/connection.hpp"
#include "polars_redis/net/connection_pool.hpp"
#include "polars_redis/resp/encoder.hpp"

namespace polars_redis::write {

namespace {

// Checks every target key and writes the batch only if none exists, atomically (a concurrent
// writer cannot slip in between the check and the write). ARGV per key: ttl kind (0 none,
// 1 seconds, 2 epoch ms), ttl value, argument count of the storing command, then that command.
constexpr const char* kFailModeScript = R"lua(
local existing = {}
for _, key in ipairs(KEYS) do
  if redis.call('EXISTS', key) == 1 then existing[#existing + 1] = key end
end
if #existing > 0 then return {0, existing} end
local a = 1
for _, key in ipairs(KEYS) do
  local kind, ttl, n = ARGV[a], ARGV[a + 1], tonumber(ARGV[a + 2])
  a = a + 3
  if n > 0 then redis.call(unpack(ARGV, a, a + n - 1)) end
  a = a + n
  if kind == '1' then redis.call('EXPIRE', key, ttl) elseif kind == '2' then redis.call('PEXPIREAT', key, ttl) end
end
return {1, #KEYS}
)lua";

std::string quoted(std::string_view text) { return "'" + quote_for_message(text) + "'"; }

// Which columns make the key, the TTL and the fields.
struct Layout {
  int key = -1;
  int ttl = -1;
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
  for (int i = 0; i < static_cast<int>(in.names().size()); ++i) {
    const auto& name = in.names()[static_cast<size_t>(i)];
    const bool ignored = std::find(options.ignored_columns.begin(), options.ignored_columns.end(), name) !=
                         options.ignored_columns.end();
    if (i != layout.key && i != layout.ttl && !ignored) layout.fields.push_back(i);
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
    throw Error(ErrorKind::kInvalidArgument, "row " + std::to_string(global_row) + ": the key column " +
                                                 quoted(column.name()) + " is null");
  }
  column.append_text(row, key);
}

// TTL of one row: kind 0 none, 1 seconds, 2 epoch milliseconds.
std::pair<int, int64_t> ttl_of(const arrow::ImportedStream& in, const Layout& layout, const RowWriteOptions& options,
                               int64_t row, int64_t global_row) {
  if (options.ttl_seconds) return {1, *options.ttl_seconds};
  if (layout.ttl < 0) return {0, 0};
  const auto& column = in.column(static_cast<size_t>(layout.ttl));
  if (column.is_null(row)) return {0, 0};
  int64_t value = 0;
  if (column.as_epoch_millis(row, value)) return {2, value};
  if (!column.as_int64(row, value)) {
    throw Error(ErrorKind::kInvalidArgument, "ttl column " + quoted(column.name()) +
                                                 " must hold integer seconds or Datetimes to expire at");
  }
  if (value <= 0) {
    throw Error(ErrorKind::kInvalidArgument, "row " + std::to_string(global_row) + ": TTL " + std::to_string(value) +
                                                 " in column " + quoted(column.name()) + " is not positive");
  }
  return {1, value};
}

// One unit of work in flight: its replies, and the rows it commits when they all succeed.
struct Pending {
  int replies;             // its own replies (an ASKING before it is the pipeline's business)
  int64_t rows;
  std::string key;         // for messages
  int64_t first_row = 0;   // index of its first row in the stream, to report a redirection
  int64_t rows_after = 0;  // rows after this one that needed no command: committed with it
  std::optional<net::Redirect> redirect = std::nullopt;  // set by the check: none of its commands took effect
};

class Pipeline {
 public:
  Pipeline(net::Connection& conn, const RowWriteOptions& options)
      : conn_(conn),
        window_(options.max_replies_in_flight),
        collect_redirects_(options.collect_redirects),
        asking_(options.asking) {}

  std::string& out() { return conn_.out_buffer(); }
  int64_t committed() const { return committed_; }
  std::vector<RedirectedRow>& redirected_rows() { return redirected_; }

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
    while (in_flight_replies_ > window_) settle_one(check);
  }
  void commit_without_reply() {
    if (pending_.empty()) ++committed_;
    else ++pending_.back().rows_after;
  }
  template <typename Check>
  void finish(Check&& check) {
    while (!pending_.empty()) settle_one(check);
  }

 private:
  // `check(reply, index, pending)` throws for a failed reply and returns the rows it commits.
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
    int64_t rows = check(reply->root(), done_in_head_, head);
    if (++done_in_head_ == head.replies) {
      if (head.redirect) {
        for (int64_t i = 0; i < head.rows; ++i) redirected_.push_back({head.first_row + i, *head.redirect});
        rows = 0;
      }
      committed_ += rows + head.rows_after;
      pending_.pop_front();
      done_in_head_ = 0;
      head_asked_ = false;
    }
  }

  net::Connection& conn_;
  int64_t window_;
  bool collect_redirects_;
  bool asking_;
  std::deque<Pending> pending_;
  int64_t in_flight_replies_ = 0;
  int done_in_head_ = 0;
  bool head_asked_ = false;  // the head's ASKING reply was read
  int64_t committed_ = 0;
  std::vector<RedirectedRow> redirected_;
};

[[noreturn]] void fail_reply(const resp::NodeView& reply, const Pending& pending, const char* command) {
  throw Error(ErrorKind::kResponse, std::string(command) + " " + quoted(pending.key) + " failed: " + std::string(reply.str()));
}

std::vector<RedirectedRow> precheck_absent(net::Connection& conn, ArrowArrayStream* stream,
                                           const RowWriteOptions& options) {
  arrow::ImportedStream in(stream);
  const Layout layout = layout_of(in, options);
  Pipeline pipeline(conn, options);
  std::unordered_set<std::string> seen;
  std::vector<std::string> existing;
  std::string key;
  int64_t global_row = options.row_offset;
  auto check = [&](const resp::NodeView& reply, int, Pending& pending) -> int64_t {
    if (pipeline.redirected(reply, pending)) return 0;
    if (reply.is_error()) fail_reply(reply, pending, "EXISTS");
    if (reply.integer() == 1 && existing.size() < 20) existing.push_back(pending.key);
    else if (reply.integer() == 1) existing.emplace_back();  // counted, not listed
    return 0;
  };
  while (in.next()) {
    for (int64_t row = 0; row < in.num_rows(); ++row, ++global_row) {
      render_key(in, layout, options, row, global_row, key);
      if (!seen.insert(key).second) {
        throw Error(ErrorKind::kInvalidArgument, "key " + quoted(key) + " appears twice in the frame; if_exists='fail' writes each key once");
      }
      resp::CommandWriter(pipeline.begin_unit(), 2).arg("EXISTS").arg(key);
      pipeline.sent(Pending{1, 1, key, global_row - options.row_offset}, check);
    }
  }
  pipeline.finish(check);
  if (!existing.empty()) {
    std::string names;
    size_t listed = 0;
    for (const auto& name : existing) {
      if (name.empty()) continue;
      names += (listed++ ? ", " : "") + quoted(name);
    }
    throw Error(ErrorKind::kKeyExists, std::to_string(existing.size()) + " target key(s) already exist (" + names +
                                           (existing.size() > listed ? ", ..." : "") +
                                           "); nothing was written (if_exists='fail')");
  }
  return std::move(pipeline.redirected_rows());
}

}  // namespace

std::vector<RedirectedRow> check_keys_absent(const net::ConnectionOptions& connection, ArrowArrayStream* stream,
                                             const RowWriteOptions& options) {
  auto conn = net::acquire(connection);
  return precheck_absent(*conn, stream, options);
}

WriteResult write_rows(const net::ConnectionOptions& connection, ArrowArrayStream* stream,
                       ArrowArrayStream* precheck_stream, const RowWriteOptions& options, ValueEncoder& encoder) {
  if (options.ttl_seconds && *options.ttl_seconds <= 0) {
    throw Error(ErrorKind::kInvalidArgument, "ttl must be a positive number of seconds, got " + std::to_string(*options.ttl_seconds));
  }
  auto conn = net::acquire(connection);
  std::string script_sha;
  if (options.mode == WriteMode::kFail) {
    if (options.precheck) precheck_absent(*conn, precheck_stream, options);
    resp::Reply loaded = conn->command({"SCRIPT", "LOAD", kFailModeScript});
    net::throw_if_error(loaded.root(), "SCRIPT LOAD");
    script_sha.assign(loaded.root().str());
  }

  arrow::ImportedStream in(stream);
  const Layout layout = layout_of(in, options);
  encoder.bind(in, layout.fields);
  Pipeline pipeline(*conn, options);

  // A redirected row (cluster) is recorded by pipeline.redirected() and the write goes on.
  auto check = [&](const resp::NodeView& reply, int index, Pending& pending) -> int64_t {
    switch (options.mode) {
      case WriteMode::kAppend:
        if (pending.replies == 1) {
          if (reply.is_error() && !pipeline.redirected(reply, pending)) fail_reply(reply, pending, "writing");
          return pending.rows;
        }
        [[fallthrough]];  // a transaction, checked like replace's
      case WriteMode::kReplace:
        if (pending.replies == 1) {  // one RESTORE ... REPLACE (or DEL) per key
          if (reply.is_error() && !pipeline.redirected(reply, pending)) fail_reply(reply, pending, "RESTORE");
          return pending.rows;
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
          throw Error(ErrorKind::kResponse,
                      "EXEC " + quoted(pending.key) + " ran although a queued command was redirected");
        }
        {
          auto item = reply.first_child();
          for (size_t i = 0, n = reply.size(); i < n; ++i, item = item.next_sibling()) {
            if (item.is_error()) fail_reply(item, pending, "EXEC");
          }
        }
        return pending.rows;
      case WriteMode::kFail: {
        if (pipeline.redirected(reply, pending)) return 0;
        if (reply.is_error()) fail_reply(reply, pending, "EVALSHA (check and write)");
        auto status = reply.first_child();
        if (status.integer() == 0) {
          std::string names;
          auto key = status.next_sibling().first_child();
          for (size_t i = 0, n = status.next_sibling().size(); i < n && i < 20; ++i, key = key.next_sibling()) {
            names += (i ? ", " : "") + quoted(key.str());
          }
          throw Error(ErrorKind::kKeyExists, "key(s) created by another writer during the write: " + names +
                                                 "; that batch was not written");
        }
        return pending.rows;
      }
    }
    return 0;
  };

  std::string key;
  resp::ArgumentList args;
  int64_t global_row = options.row_offset;
  std::vector<std::string> batch_keys;  // fail mode: the keys and encoded ARGV of one batch
  resp::ArgumentList batch_argv;
  int64_t batch_first_row = 0;
  auto flush_fail_batch = [&] {
    if (batch_keys.empty()) return;
    resp::CommandWriter eval(pipeline.begin_unit(), 3 + batch_keys.size() + batch_argv.size());
    eval.arg("EVALSHA").arg(script_sha).arg(static_cast<int64_t>(batch_keys.size()));
    for (const auto& k : batch_keys) eval.arg(k);
    pipeline.out().append(batch_argv.encoded());
    pipeline.sent(Pending{1, static_cast<int64_t>(batch_keys.size()), batch_keys.front(), batch_first_row}, check);
    batch_keys.clear();
    batch_argv.clear();
  };

  try {
    while (in.next()) {
      for (int64_t row = 0; row < in.num_rows(); ++row, ++global_row) {
        const int64_t stream_row = global_row - options.row_offset;
        render_key(in, layout, options, row, global_row, key);
        const auto [ttl_kind, ttl_value] = ttl_of(in, layout, options, row, global_row);
        auto write_ttl = [&](std::string& out) {
          if (ttl_kind == 1) resp::CommandWriter(out, 3).arg("EXPIRE").arg(key).arg(ttl_value);
          if (ttl_kind == 2) resp::CommandWriter(out, 3).arg("PEXPIREAT").arg(key).arg(ttl_value);
        };
        args.clear();
        switch (options.mode) {
          case WriteMode::kAppend: {
            const bool merges = encoder.encode_merge(in, row, key, args);
            if (!merges && ttl_kind == 0) {
              pipeline.commit_without_reply();  // nothing to merge and no TTL: the row changes nothing
              continue;
            }
            if (ttl_kind == 0) {
              args.append_command_to(pipeline.begin_unit());
              pipeline.sent(Pending{1, 1, key, stream_row}, check);
              break;
            }
            // With a TTL the merge and the EXPIRE go in one transaction: never a key without it.
            resp::CommandWriter(pipeline.begin_unit(), 1).arg("MULTI");
            int replies = 3;  // MULTI, EXPIRE, EXEC
            if (merges) {
              args.append_command_to(pipeline.out());
              ++replies;
            }
            write_ttl(pipeline.out());
            resp::CommandWriter(pipeline.out(), 1).arg("EXEC");
            pipeline.sent(Pending{replies, 1, key, stream_row}, check);
            break;
          }
          case WriteMode::kReplace: {
            if (encoder.whole_values()) {
              // One RESTORE ... REPLACE with the TTL: atomic by itself. Nothing to store: DEL.
              if (!encoder.encode_restore(in, row, key, ttl_kind, ttl_value, true, args)) args.arg("DEL").arg(key);
              args.append_command_to(pipeline.begin_unit());
              pipeline.sent(Pending{1, 1, key, stream_row}, check);
              break;
            }
            // DEL + set + EXPIRE in one transaction: readers see the old value or the new one,
            // never a mix, a half-written value, or a key without its TTL.
            resp::CommandWriter(pipeline.begin_unit(), 1).arg("MULTI");
            resp::CommandWriter(pipeline.out(), 2).arg("DEL").arg(key);
            int replies = 3;  // MULTI, DEL, EXEC, plus what follows
            if (encoder.encode_set(in, row, key, args)) {
              args.append_command_to(pipeline.out());
              ++replies;
            }
            if (ttl_kind != 0) {
              write_ttl(pipeline.out());
              ++replies;
            }
            resp::CommandWriter(pipeline.out(), 1).arg("EXEC");
            pipeline.sent(Pending{replies, 1, key, stream_row}, check);
            break;
          }
          case WriteMode::kFail: {
            // A whole-value encoder's RESTORE carries the TTL itself.
            const bool whole = encoder.whole_values();
            const bool stores = whole ? encoder.encode_restore(in, row, key, ttl_kind, ttl_value, false, args)
                                      : encoder.encode_set(in, row, key, args);
            if (batch_keys.empty()) batch_first_row = stream_row;
            batch_keys.push_back(key);
            batch_argv.arg(int64_t{whole ? 0 : ttl_kind}).arg(ttl_value).arg(static_cast<int64_t>(stores ? args.size() : 0));
            if (stores) batch_argv.append(args);  // the storing command, argument by argument
            if (static_cast<int64_t>(batch_keys.size()) >= options.batch_size) flush_fail_batch();
            break;
          }
        }
      }
    }
    flush_fail_batch();
    pipeline.finish(check);
  } catch (const Error& e) {
    // Replies already received for earlier rows are counted; say what is safe to assume.
    throw Error(e.kind(), std::string(e.what()) + " [" + std::to_string(pipeline.committed()) +
                              " row(s) were committed before the failure; every key is either fully written or untouched]");
  }
  return {pipeline.committed(), std::move(pipeline.redirected_rows())};
}

}  // namespace polars_redis::write
