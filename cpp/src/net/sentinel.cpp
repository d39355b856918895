#include "polars_redis/net/sentinel.hpp"

#include <charconv>
#include <functional>
#include <optional>
#include <string>

#include "polars_redis/error.hpp"
#include "polars_redis/net/connection.hpp"

namespace polars_redis::net {
namespace {

ConnectionOptions sentinel_connection(const ConnectionOptions& options, const NodeAddress& sentinel) {
  ConnectionOptions out = options;
  out.host = sentinel.host;
  out.port = sentinel.port;
  out.unix_path.clear();
  out.username = options.sentinel.username;
  out.password = options.sentinel.password;
  out.db = 0;
  out.readonly = false;
  out.read_from = ReadFrom::kPrimary;
  out.replicas.clear();
  out.sentinel = {};
  return out;
}

std::optional<uint16_t> port_of(std::string_view text) {
  unsigned value = 0;
  const auto [ptr, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || ptr != text.data() + text.size() || value == 0 || value > 65535) return std::nullopt;
  return static_cast<uint16_t>(value);
}

// Sends `command` to each Sentinel in turn until `use` accepts a reply (nullopt: the Sentinel does
// not know the master). Connections are not pooled: answers are cached by the caller.
template <typename T>
T ask(const ConnectionOptions& options, std::initializer_list<std::string_view> command,
      const std::function<std::optional<T>(const resp::NodeView&)>& use) {
  const std::string& name = options.sentinel.master_name;
  std::string tried;
  bool all_refused_login = true;
  for (const NodeAddress& sentinel : options.sentinel.sentinels) {
    tried += tried.empty() ? "" : "; ";
    try {
      auto connection = Connection::open(sentinel_connection(options, sentinel));
      resp::Reply reply = connection->command(command);
      all_refused_login = false;
      if (reply.root().is_error()) {
        tried += "Sentinel " + sentinel.endpoint() + " answered: " + quote_for_message(reply.root().str(), 200);
        continue;
      }
      if (std::optional<T> found = use(reply.root())) return *std::move(found);
      tried += "Sentinel " + sentinel.endpoint() + " knows no master named '" + quote_for_message(name, 100) + "'";
    } catch (const Error& error) {
      if (error.kind() != ErrorKind::kAuthentication) all_refused_login = false;
      if (error.kind() == ErrorKind::kInvalidArgument) throw;
      tried += error.what();
    }
  }
  throw Error(all_refused_login ? ErrorKind::kAuthentication : ErrorKind::kConnection,
              "no Sentinel could say where master '" + quote_for_message(name, 100) + "' is (" + tried + ")");
}

}  // namespace

NodeAddress sentinel_primary(const ConnectionOptions& options) {
  return ask<NodeAddress>(options, {"SENTINEL", "GET-MASTER-ADDR-BY-NAME", options.sentinel.master_name},
                          [](const resp::NodeView& reply) -> std::optional<NodeAddress> {
                            if (!reply.is_aggregate() || reply.size() != 2) return std::nullopt;
                            const std::optional<uint16_t> port = port_of(reply.child(1).str());
                            if (!port) return std::nullopt;
                            return NodeAddress{std::string(reply.child(0).str()), *port};
                          });
}

std::vector<NodeAddress> sentinel_replicas(const ConnectionOptions& options) {
  return ask<std::vector<NodeAddress>>(options, {"SENTINEL", "REPLICAS", options.sentinel.master_name},
                                       [](const resp::NodeView& reply) -> std::optional<std::vector<NodeAddress>> {
                                         if (!reply.is_aggregate()) return std::nullopt;
                                         return parse_sentinel_replicas(reply);
                                       });
}

std::vector<NodeAddress> parse_sentinel_replicas(const resp::NodeView& reply) {
  std::vector<NodeAddress> healthy;
  if (!reply.is_aggregate()) return healthy;
  resp::NodeView replica = reply.first_child();
  for (size_t i = 0; i < reply.size(); ++i, replica = replica.next_sibling()) {
    if (!replica.is_aggregate()) continue;
    // A map's children and a flat array's elements are both name, value, name, value, ...
    const size_t fields = replica.type() == resp::Type::kMap ? 2 * replica.size() : replica.size();
    std::string_view ip, port, flags, link;
    resp::NodeView field = replica.first_child();
    for (size_t f = 0; f + 1 < fields; f += 2) {
      const std::string_view key = field.str();
      const resp::NodeView value = field.next_sibling();
      if (key == "ip") ip = value.str();
      if (key == "port") port = value.str();
      if (key == "flags") flags = value.str();
      if (key == "master-link-status") link = value.str();
      field = value.next_sibling();
    }
    const std::optional<uint16_t> number = port_of(port);
    const bool down = flags.find("s_down") != std::string_view::npos || flags.find("o_down") != std::string_view::npos ||
                      flags.find("disconnected") != std::string_view::npos;
    if (!ip.empty() && number && !down && link == "ok") healthy.push_back({std::string(ip), *number});
  }
  return healthy;
}

}  // namespace polars_redis::net
