#include "polars_redis/read/stream_group.hpp"

#include <algorithm>

#include "polars_redis/error.hpp"
#include "polars_redis/net/connection.hpp"
#include "polars_redis/net/connection_pool.hpp"
#include "polars_redis/net/node_routing.hpp"
#include "polars_redis/resp/encoder.hpp"

namespace polars_redis::read {

namespace {

std::string quoted(std::string_view text) { return "'" + quote_for_message(text) + "'"; }

bool create_group(net::Connection& conn, const std::string& key, const std::string& group, const std::string& start_id) {
  resp::Reply reply = conn.command({"XGROUP", "CREATE", key, group, start_id, "MKSTREAM"});
  const resp::NodeView root = reply.root();
  if (root.is_error()) {
    if (root.str().starts_with("BUSYGROUP")) return false;  // already there: creating is idempotent
    throw Error(ErrorKind::kResponse, "XGROUP CREATE " + quoted(key) + " " + quoted(group) + " " + quoted(start_id) +
                                          " MKSTREAM failed: " + std::string(root.str()));
  }
  return true;
}

// The entries array of the one stream in an XREADGROUP reply (RESP2 [[key, entries]], RESP3
// {key: entries}); a null reply (nothing to deliver) has none.
std::optional<resp::NodeView> delivered_entries(const resp::NodeView& root) {
  if (root.is_null()) return std::nullopt;
  if (!root.is_aggregate() || root.size() != 1) {
    throw Error(ErrorKind::kProtocol, "XREADGROUP returned an unexpected reply");
  }
  auto first = root.first_child();
  if (root.type() == resp::Type::kMap) return first.next_sibling();
  if (!first.is_aggregate() || first.size() != 2) throw Error(ErrorKind::kProtocol, "XREADGROUP returned an unexpected reply");
  return first.first_child().next_sibling();
}

}  // namespace

void run_stream_group_read(const StreamGroupReadOptions& options, BatchQueue& queue) {
  // Group reads change the group (its pending entries): the primary.
  net::ConnectionOptions connection = net::for_writes(options.connection);
  if (options.block_ms) {
    // The server holds a blocked read for block_ms: the socket must wait that long plus the usual.
    connection.socket_timeout_ms = static_cast<int>(
        std::min<int64_t>(INT32_MAX, *options.block_ms + static_cast<int64_t>(connection.socket_timeout_ms)));
  }
  auto conn = net::acquire(connection);
  if (options.create_group) create_group(*conn, options.key, options.group, options.create_start_id);

  arrow::BatchBuilder batch;
  StreamEntryDecoder decoder(options.columns);
  decoder.add_columns(batch);
  const int64_t page_size = std::max<int64_t>(1, options.page_size);
  std::optional<int64_t> remaining = options.count;
  // Pending entries are listed from ID 0 upwards, each page after the last ID of the one before;
  // new entries are always ">".
  std::string position = options.pending ? "0" : ">";
  std::string last_id;
  bool first_page = true;
  while (!remaining || *remaining > 0) {
    if (queue.cancelled()) return;
    const int64_t n = remaining ? std::min(page_size, *remaining) : page_size;
    const bool block = options.block_ms && first_page && !options.pending;
    resp::CommandWriter writer(conn->out_buffer(), block ? 11 : 9);
    writer.arg("XREADGROUP").arg("GROUP").arg(options.group).arg(options.consumer).arg("COUNT").arg(n);
    if (block) writer.arg("BLOCK").arg(*options.block_ms);
    writer.arg("STREAMS").arg(options.key).arg(position);
    first_page = false;
    resp::Reply reply = conn->read_reply();
    const resp::NodeView root = reply.root();
    if (root.is_error()) {
      std::string message = "XREADGROUP GROUP " + quoted(options.group) + " " + quoted(options.consumer) +
                             " on stream " + quoted(options.key) + " failed: " + std::string(root.str());
      if (root.str().starts_with("NOGROUP")) message += " (pass create_group=True to create the group)";
      throw Error(ErrorKind::kResponse, message);
    }
    const auto entries = delivered_entries(root);
    const size_t got = entries ? decoder.append_entries(options.key, *entries, last_id) : 0;
    if (remaining) *remaining -= static_cast<int64_t>(got);
    if (options.pending && got > 0) position = last_id;
    if (static_cast<int64_t>(got) < n) break;
    // The delivered entries are already pending on the server: hand every one of them over.
    if (batch.num_rows() >= options.batch_size && !queue.push(batch.finish())) return;
  }
  queue.push(batch.finish());
}

bool create_stream_group(const net::ConnectionOptions& connection, const std::string& key, const std::string& group,
                         const std::string& start_id) {
  auto conn = net::acquire(net::for_writes(connection));
  return create_group(*conn, key, group, start_id);
}

int64_t ack_stream(const net::ConnectionOptions& connection, const std::string& key, const std::string& group,
                   const std::vector<std::string>& ids) {
  if (ids.empty()) return 0;
  auto conn = net::acquire(net::for_writes(connection));
  constexpr size_t kIdsPerCommand = 1000;
  size_t commands = 0;
  for (size_t start = 0; start < ids.size(); start += kIdsPerCommand) {
    const size_t end = std::min(ids.size(), start + kIdsPerCommand);
    resp::CommandWriter writer(conn->out_buffer(), 3 + (end - start));
    writer.arg("XACK").arg(key).arg(group);
    for (size_t i = start; i < end; ++i) writer.arg(ids[i]);
    ++commands;
  }
  int64_t acknowledged = 0;
  std::string failure;
  for (size_t i = 0; i < commands; ++i) {
    resp::Reply reply = conn->read_reply();
    const resp::NodeView root = reply.root();
    // The chunks after a failed one were still applied: read them all, then report the failure.
    if (root.is_error()) {
      if (failure.empty()) failure = std::string(root.str());
    } else {
      acknowledged += root.integer();
    }
  }
  if (!failure.empty()) {
    throw Error(ErrorKind::kResponse, "XACK " + quoted(key) + " " + quoted(group) + " failed: " + failure);
  }
  return acknowledged;
}

}  // namespace polars_redis::read
