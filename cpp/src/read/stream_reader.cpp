#include "polars_redis/read/stream_reader.hpp"

#include <algorithm>
#include <deque>
#include <memory>

#include "polars_redis/error.hpp"
#include "polars_redis/net/connection.hpp"
#include "polars_redis/net/connection_pool.hpp"
#include "polars_redis/read/stream_snapshot.hpp"
#include "polars_redis/resp/encoder.hpp"

namespace polars_redis::read {

namespace {

// A range of one key still to read: a whole key, or one segment of a large key's range.
struct Task {
  std::string key;
  std::string start;
  std::string end;
};

// A task being read: its own rows, so ranges read ahead never interleave with the one in front.
struct TaskState {
  std::string key;
  std::string start;                 // next XRANGE start: the task's start, then "(" + last ID
  std::string end;
  std::optional<int64_t> remaining;  // entries still allowed by `count`
  arrow::BatchBuilder batch;
  std::unique_ptr<StreamEntryDecoder> decoder;
  int64_t requested = 0;             // COUNT of the page in flight; 0: nothing in flight
  bool done = false;
};

// What a reply answers: a page of entries, or one of the two questions asked before splitting a
// lone large key: its last ID (XREVRANGE ... COUNT 1) and its length (XLEN).
enum class Answer : uint8_t { kPage, kLastId, kLength };

struct Request {
  TaskState* state;
  Answer answer;
};

std::string quoted(std::string_view text) { return "'" + quote_for_message(text) + "'"; }

}  // namespace

void append_xrange(std::string& out, std::string_view key, std::string_view start, std::string_view end,
                   int64_t count) {
  resp::CommandWriter(out, 6).arg("XRANGE").arg(key).arg(start).arg(end).arg("COUNT").arg(count);
}

int64_t first_page_entries(const StreamScanOptions& options) {
  int64_t n = std::max<int64_t>(1, options.page_size);
  if (options.count) n = std::min(n, *options.count);
  if (options.n_rows) n = std::min(n, std::max<int64_t>(1, *options.n_rows));
  return n;
}

bool may_split_by_time(const StreamScanOptions& options) {
  return options.keys.size() == 1 && !options.count && !options.n_rows;
}

void run_stream_scan(const StreamScanOptions& options, BatchQueue& queue) {
  if (options.snapshot) return run_stream_snapshot(options, queue);
  auto connection = net::acquire(options.connection);
  net::Connection& conn = *connection;
  const int64_t page_size = std::max<int64_t>(1, options.page_size);
  const int64_t batch_size = std::max<int64_t>(1, options.batch_size);

  std::deque<Task> upcoming;
  for (const auto& key : options.keys) upcoming.push_back({key, options.start_id, options.end_id});
  std::deque<std::unique_ptr<TaskState>> active;  // tasks being read, in output order
  std::deque<Request> in_flight;                  // at most one page per task, in send order
  // One key's pages depend on each other (each starts after the last ID of the one before), so a
  // lone key would be read one round trip at a time, the server idle while a page is parsed. When
  // its first page is full and the read is unbounded, the rest of its range is split by time into
  // segments of about `segment_entries` entries (estimated from XLEN) that are paged side by
  // side; the output order is kept because every segment fills its own builder.
  bool may_split = may_split_by_time(options);
  const int64_t segment_entries = std::min(4 * page_size, batch_size);
  int64_t split_first_ms = 0;   // first and last millisecond of the first page
  int64_t split_page_ms = 0;
  int64_t split_last_ms = -1;   // the key's last entry (XREVRANGE)
  int64_t emitted = 0;
  std::string last_id;

  auto rows_wanted = [&]() -> std::optional<int64_t> {
    if (!options.n_rows) return std::nullopt;
    return *options.n_rows - emitted;
  };
  auto start_task = [&] {
    auto state = std::make_unique<TaskState>();
    state->key = std::move(upcoming.front().key);
    state->start = std::move(upcoming.front().start);
    state->end = std::move(upcoming.front().end);
    upcoming.pop_front();
    state->remaining = options.count;
    state->decoder = std::make_unique<StreamEntryDecoder>(options.columns);
    state->decoder->add_columns(state->batch);
    if (state->remaining && *state->remaining <= 0) state->done = true;
    active.push_back(std::move(state));
  };
  auto request_page = [&](TaskState& state) {
    int64_t n = page_size;
    if (state.remaining) n = std::min(n, *state.remaining);
    // No task can contribute more than the rows still wanted, nor the front one more than that
    // minus what it already holds.
    if (auto wanted = rows_wanted()) {
      int64_t left = *wanted - (&state == active.front().get() ? state.batch.num_rows() : 0);
      n = std::min(n, std::max<int64_t>(1, left));
    }
    append_xrange(conn.out_buffer(), state.key, state.start, state.end, n);
    state.requested = n;
    in_flight.push_back({&state, Answer::kPage});
  };
  // XRANGE completes "<ms>" to <ms>-0 as a start and to <ms>-<max sequence> as an end, so
  // consecutive millisecond ranges cover every ID exactly once.
  auto split = [&](TaskState& state, int64_t length) {
    if (split_last_ms < 0) return;  // emptied meanwhile: page on as usual
    const int64_t first_ms = split_page_ms;
    const int64_t span = split_last_ms - first_ms;
    // Entries left: XLEN counts the whole stream, which overestimates a narrow range; the first
    // page's density (when it spans time) bounds it too, so few entries never get many segments.
    int64_t estimate = length;
    if (split_page_ms > split_first_ms) {
      estimate = std::min(estimate, page_size * (span / (split_page_ms - split_first_ms) + 1));
    }
    const int64_t segments = std::min(span, (estimate + segment_entries - 1) / segment_entries);
    if (segments < 2) return;
    for (int64_t i = segments - 1; i >= 1; --i) {
      const int64_t from = first_ms + span * i / segments;
      const int64_t next = first_ms + span * (i + 1) / segments;
      upcoming.push_front({state.key, std::to_string(from), i + 1 < segments ? std::to_string(next - 1) : state.end});
    }
    state.end = std::to_string(first_ms + span / segments - 1);
  };
  auto handle_reply = [&](const resp::NodeView& root) {
    auto [state_ptr, answer] = in_flight.front();
    TaskState& state = *state_ptr;
    in_flight.pop_front();
    if (root.is_error()) {
      const char* command = answer == Answer::kPage ? "XRANGE " : answer == Answer::kLastId ? "XREVRANGE " : "XLEN ";
      throw Error(ErrorKind::kResponse, command + quoted(state.key) + " " + quoted(state.start) + " " +
                                            quoted(state.end) + " failed: " + std::string(root.str()));
    }
    if (answer == Answer::kLastId) {
      if (root.is_aggregate() && root.size() == 1) split_last_ms = stream_id_milliseconds(root.first_child().first_child().str());
      return;
    }
    if (answer == Answer::kLength) {
      split(state, root.integer());
      state.requested = 0;
      return;
    }
    const int64_t requested = state.requested;
    state.requested = 0;
    const size_t got = state.decoder->append_entries(state.key, root, last_id);
    if (got > 0) state.start = "(" + last_id;
    if (state.remaining) *state.remaining -= static_cast<int64_t>(got);
    // A short page is the end of the range (a stream only grows at its end, past `end_id` or
    // beyond what this scan promised to read).
    state.done = static_cast<int64_t>(got) < requested || (state.remaining && *state.remaining <= 0);
    if (may_split && !state.done) {
      may_split = false;
      split_first_ms = stream_id_milliseconds(root.first_child().first_child().str());
      split_page_ms = stream_id_milliseconds(last_id);
      resp::CommandWriter(conn.out_buffer(), 6)
          .arg("XREVRANGE").arg(state.key).arg(state.end).arg(state.start).arg("COUNT").arg(int64_t{1});
      resp::CommandWriter(conn.out_buffer(), 2).arg("XLEN").arg(state.key);
      in_flight.push_back({&state, Answer::kLastId});
      in_flight.push_back({&state, Answer::kLength});
      state.requested = 1;  // no page for this task until the split is decided
    }
  };

  ScanPacer pacer(options.budget, static_cast<int64_t>(options.keys_in_flight));
  bool finished = false;
  while (!finished) {
    if (queue.cancelled()) return;
    while (active.size() < options.keys_in_flight && !upcoming.empty()) start_task();
    // Hand over what the front task has ready, and retire finished tasks; the next one moves up.
    while (!active.empty()) {
      TaskState& front = *active.front();
      const bool complete = front.done && front.requested == 0;
      const int64_t rows = front.batch.num_rows();
      if (rows > 0 && (rows >= batch_size || complete || (options.n_rows && emitted + rows >= *options.n_rows))) {
        emitted += rows;
        if (!queue.push(front.batch.finish())) return;
      }
      if (options.n_rows && emitted >= *options.n_rows) {
        finished = true;
        break;
      }
      if (!complete) break;
      active.pop_front();
      if (!upcoming.empty()) start_task();
    }
    if (finished || active.empty()) break;

    // Tasks behind the front one read ahead only up to one batch, bounding memory.
    auto wants_page = [&](const TaskState& state) {
      return !state.done && state.requested == 0 && (&state == active.front().get() || state.batch.num_rows() < batch_size);
    };
    const bool has_work = std::any_of(active.begin(), active.end(), [&](const auto& state) { return wants_page(*state); });
    // Paced, pages go out only when a burst opens, at most pacer.window() of them.
    if (pacer.may_send(in_flight.empty(), has_work)) {
      int64_t room = pacer.window();
      for (auto& state : active) {
        if (room > 0 && wants_page(*state)) {
          request_page(*state);
          pacer.started(1);
          --room;
        }
      }
    }
    if (in_flight.empty()) continue;
    if (!conn.try_pump()) {
      net::Connection* waiting[] = {&conn};
      net::Connection::wait_any(waiting);
      continue;
    }
    pacer.received();
    while (!in_flight.empty()) {
      auto reply = conn.next_reply();
      if (!reply) break;
      pacer.answered();
      handle_reply(reply->root());
    }
  }
  if (emitted == 0) {
    // An empty scan still yields one (empty) batch so the consumer sees the columns.
    arrow::BatchBuilder empty;
    StreamEntryDecoder(options.columns).add_columns(empty);
    queue.push(empty.finish());
  }
}

}  // namespace polars_redis::read
