#include "polars_redis/read/hash_schema_inference.hpp"

#include <unordered_map>

#include "polars_redis/convert/type_inference.hpp"
#include "polars_redis/convert/utf8.hpp"
#include "polars_redis/error.hpp"
#include "polars_redis/net/connection.hpp"
#include "polars_redis/net/connection_pool.hpp"
#include "polars_redis/read/key_sampler.hpp"
#include "polars_redis/resp/encoder.hpp"

namespace polars_redis::read {

std::vector<std::pair<std::string, DataType>> infer_hash_schema(const net::ConnectionOptions& connection,
                                                                const std::string& pattern, int64_t sample_size,
                                                                bool type_inference) {
  auto conn = net::acquire(connection);
  std::vector<std::string> keys = sample_keys(*conn, pattern, "hash", sample_size);

  // One pipelined burst of HGETALLs for the whole sample.
  for (const auto& key : keys) resp::CommandWriter(conn->out_buffer(), 2).arg("HGETALL").arg(key);
  std::vector<std::string> names;
  std::unordered_map<std::string, convert::TypeInferrer> inferrers;
  for (size_t k = 0; k < keys.size(); ++k) {
    resp::Reply hash = conn->read_reply();  // NodeViews point into it: keep it alive
    resp::NodeView reply = hash.root();
    if (reply.is_error()) continue;  // the key changed type since SCAN: not part of the sample
    size_t children = reply.type() == resp::Type::kMap ? 2 * reply.size() : reply.size();
    auto node = reply.first_child();
    for (size_t i = 0; i + 1 < children; i += 2) {
      auto value = node.next_sibling();
      auto [it, inserted] = inferrers.try_emplace(std::string(node.str()));
      if (inserted) {
        // A field name becomes a column name, which Polars holds as UTF-8 text.
        if (!convert::is_utf8(it->first)) {
          throw Error(ErrorKind::kSchema, "hash '" + quote_for_message(keys[k]) + "': field name '" +
                                              quote_for_message(it->first) +
                                              "' is not valid UTF-8, so it cannot name a column: narrow the "
                                              "pattern or pass a schema of the fields to read");
        }
        names.push_back(it->first);
      }
      it->second.observe(value.str());
      node = value.next_sibling();
    }
  }
  std::vector<std::pair<std::string, DataType>> schema;
  for (const auto& name : names) {
    const convert::TypeInferrer& inferrer = inferrers[name];
    // Never String for a field holding non-UTF-8 values: the scan would reject them.
    schema.emplace_back(name, type_inference     ? inferrer.result()
                              : inferrer.all_utf8() ? DataType::of(TypeId::kString)
                                                    : DataType::of(TypeId::kBinary));
  }
  return schema;
}

}  // namespace polars_redis::read
