#include "polars_redis/read/json_schema_inference.hpp"

#include "polars_redis/json/schema_inference.hpp"
#include "polars_redis/net/connection.hpp"
#include "polars_redis/net/connection_pool.hpp"
#include "polars_redis/read/key_sampler.hpp"
#include "polars_redis/resp/encoder.hpp"

namespace polars_redis::read {

std::vector<std::pair<std::string, DataType>> infer_json_schema(const net::ConnectionOptions& connection,
                                                                const std::string& pattern, int64_t sample_size) {
  auto conn = net::acquire(connection);
  std::vector<std::string> keys = sample_keys(*conn, pattern, "ReJSON-RL", sample_size);
  for (const auto& key : keys) resp::CommandWriter(conn->out_buffer(), 3).arg("JSON.GET").arg(key).arg("$");
  json::SchemaInferrer inferrer;
  for (size_t k = 0; k < keys.size(); ++k) {
    resp::Reply document = conn->read_reply();
    resp::NodeView reply = document.root();
    // Deleted or replaced by another type since SCAN: not part of the sample.
    if (reply.is_null() || reply.is_error()) continue;
    inferrer.observe_reply(reply.str());
  }
  return inferrer.result();
}

}  // namespace polars_redis::read
