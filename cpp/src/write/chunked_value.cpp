#include "polars_redis/write/chunked_value.hpp"

#include "polars_redis/error.hpp"
#include "polars_redis/net/connection.hpp"
#include "polars_redis/net/connection_pool.hpp"
#include "polars_redis/resp/encoder.hpp"
#include "polars_redis/write/row_writer.hpp"

namespace polars_redis::write {

void put_chunked_value(const net::ConnectionOptions& connection, const std::string& key, std::string_view meta,
                       const std::vector<std::string_view>& chunks, std::optional<int64_t> ttl_seconds) {
  if (ttl_seconds) check_ttl_seconds(*ttl_seconds);
  auto conn = net::acquire(connection);
  std::string& out = conn->out_buffer();
  resp::CommandWriter(out, 1).arg("MULTI");
  resp::CommandWriter(out, 2).arg("DEL").arg(key);
  resp::CommandWriter(out, 4).arg("HSET").arg(key).arg("meta").arg(meta);
  int replies = 4;  // MULTI, DEL, HSET meta, EXEC
  // One HSET per chunk keeps each command's size to one chunk.
  for (size_t i = 0; i < chunks.size(); ++i) {
    resp::CommandWriter(out, 4).arg("HSET").arg(key).arg("chunk:" + std::to_string(i)).arg(chunks[i]);
    ++replies;
  }
  if (ttl_seconds) {
    resp::CommandWriter(out, 3).arg("EXPIRE").arg(key).arg(*ttl_seconds);
    ++replies;
  }
  resp::CommandWriter(out, 1).arg("EXEC");
  for (int i = 0; i < replies; ++i) {
    resp::Reply reply = conn->read_reply();
    resp::NodeView root = reply.root();
    if (root.is_error()) {
      throw Error(ErrorKind::kResponse, "storing '" + quote_for_message(key) + "' failed: " + std::string(root.str()) +
                                            " (nothing was written)");
    }
  }
}

std::optional<ChunkedValue> get_chunked_value(const net::ConnectionOptions& connection, const std::string& key) {
  constexpr int kAttempts = 1000;  // each failed attempt means a writer replaced the value meanwhile
  auto conn = net::acquire(connection);
  auto failed = [&](const resp::NodeView& reply, const char* command) {
    if (!reply.is_error()) return;
    const std::string message = std::string(command) + " '" + quote_for_message(key) + "' failed: " + std::string(reply.str());
    conn->command({"UNWATCH"});
    throw Error(ErrorKind::kResponse, message);
  };
  for (int attempt = 0; attempt < kAttempts; ++attempt) {
    // The fields are "meta" and the chunks: HLEN counts the chunks of the version WATCH guards.
    std::string& out = conn->out_buffer();
    resp::CommandWriter(out, 2).arg("WATCH").arg(key);
    resp::CommandWriter(out, 2).arg("HLEN").arg(key);
    failed(conn->read_reply().root(), "WATCH");
    resp::Reply length = conn->read_reply();
    failed(length.root(), "HLEN");
    const int64_t chunks = std::max<int64_t>(length.root().integer() - 1, 0);
    resp::CommandWriter(out, 1).arg("MULTI");
    resp::CommandWriter(out, 3).arg("HGET").arg(key).arg("meta");
    for (int64_t i = 0; i < chunks; ++i) {
      resp::CommandWriter(out, 3).arg("HGET").arg(key).arg("chunk:" + std::to_string(i));
    }
    resp::CommandWriter(out, 1).arg("EXEC");
    for (int64_t i = 0; i < chunks + 2; ++i) failed(conn->read_reply().root(), "MULTI/HGET");
    resp::Reply exec = conn->read_reply();
    resp::NodeView root = exec.root();
    failed(root, "EXEC");
    if (root.is_null()) continue;  // a writer replaced the value after WATCH: read it again
    auto item = root.first_child();
    if (item.is_null()) return std::nullopt;
    ChunkedValue value{std::string(item.str()), {}};
    value.chunks.reserve(static_cast<size_t>(chunks));
    for (int64_t i = 0; i < chunks; ++i) {
      item = item.next_sibling();
      if (item.is_null()) throw Error(ErrorKind::kResponse, "frame '" + quote_for_message(key) + "' lacks chunk " + std::to_string(i));
      value.chunks.emplace_back(item.str());
    }
    return value;
  }
  throw Error(ErrorKind::kResponse, "'" + quote_for_message(key) + "' was replaced by writers during each of " +
                                        std::to_string(kAttempts) + " attempts to read it");
}

}  // namespace polars_redis::write
