#pragma once
// Asking Redis Sentinel where a master and its replicas are. The Sentinels of the URL are asked in
// order until one answers; each gets the URL's TLS settings and timeouts with the Sentinels' own
// credentials (sentinel_username / sentinel_password), never the data nodes'.
#include <string_view>
#include <vector>

#include "polars_redis/net/url.hpp"
#include "polars_redis/resp/parser.hpp"

namespace polars_redis::net {

// SENTINEL GET-MASTER-ADDR-BY-NAME. Throws kConnection naming the Sentinels tried (and what each
// said) when none answers or none knows the master; kAuthentication when every Sentinel refused
// the login.
NodeAddress sentinel_primary(const ConnectionOptions& options);

// SENTINEL REPLICAS: the healthy replicas (see parse_sentinel_replicas), in the Sentinel's order.
std::vector<NodeAddress> sentinel_replicas(const ConnectionOptions& options);

// The replicas of a SENTINEL REPLICAS reply (RESP2 flat arrays or RESP3 maps) that can serve
// reads: no s_down, o_down or disconnected flag, and master-link-status ok.
std::vector<NodeAddress> parse_sentinel_replicas(const resp::NodeView& reply);

}  // namespace polars_redis::net
