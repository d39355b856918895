#include "polars_redis/write/chunked_value.hpp"

#include "polars_redis/error.hpp"
#include "polars_redis/net/connection.hpp"
#include "polars_redis/net/connection_pool.hpp"
#include "polars_redis/resp/encoder.hpp"

namespace polars_redis::write {

void put_chunked_value(const net::ConnectionOptions& connection, const std::string& key, std::string_view meta,
                       const std::vector<std::string_view>& chunks, std::optional<int64_t> ttl_seconds) {
  if (ttl_seconds && *ttl_seconds <= 0) {
    throw Error(ErrorKind::kInvalidArgument, "ttl must be a positive number of seconds, got " + std::to_string(*ttl_seconds));
  }
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

std::vector<std::optional<std::string>> get_hash_fields(const net::ConnectionOptions& connection,
                                                        const std::string& key,
                                                        const std::vector<std::string>& fields) {
  auto conn = net::acquire(connection);
  for (const auto& field : fields) resp::CommandWriter(conn->out_buffer(), 3).arg("HGET").arg(key).arg(field);
  std::vector<std::optional<std::string>> values;
  values.reserve(fields.size());
  for (const auto& field : fields) {
    resp::Reply reply = conn->read_reply();
    resp::NodeView root = reply.root();
    if (root.is_error()) {
      throw Error(ErrorKind::kResponse, "HGET '" + quote_for_message(key) + "' " + field + " failed: " + std::string(root.str()));
    }
    if (root.is_null()) {
      values.emplace_back(std::nullopt);
    } else {
      values.emplace_back(std::string(root.str()));
    }
  }
  return values;
}

}  // namespace polars_redis::write
