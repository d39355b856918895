#pragma once
// Primary and replica routing outside Cluster. A Sentinel URL, or a URL with read_from other than
// primary, names a deployment rather than a node; acquire() asks this file which node to use.
//  - Sentinel: the primary from SENTINEL GET-MASTER-ADDR-BY-NAME, replicas from SENTINEL REPLICAS.
//  - A standalone primary: the replicas given by replicas=, else the online ones its INFO
//    replication lists.
// read_from=replica uses a replica (an error when none is online), prefer_replica falls back to
// the primary. The Sentinels are asked for the primary on every new acquire and its ROLE checked
// (a failover under way: ask again until connect_timeout has passed); replica lists are cached
// per deployment for a few seconds and forgotten as soon as a node cannot be reached. Writes use
// for_writes().
#include <string>
#include <string_view>
#include <vector>

#include "polars_redis/net/connection_pool.hpp"
#include "polars_redis/net/url.hpp"

namespace polars_redis::net {

// Whether acquire() must choose a node for `options` (Sentinel, or read_from other than primary).
bool is_routed(const ConnectionOptions& options);

// The same deployment for writes: always its primary.
ConnectionOptions for_writes(const ConnectionOptions& options);

// acquire() for a routed deployment: a connection to the node it chooses.
PooledConnection acquire_routed(const ConnectionOptions& options);

// Which server the reads of `options` go to, for explain() (asks the Sentinels or INFO
// replication as a read would; sends no command that reads data).
std::string describe_read_route(const ConnectionOptions& options);

// The online replicas listed by INFO replication ("slaveN:ip=...,port=...,state=online,...").
std::vector<NodeAddress> parse_info_replicas(std::string_view info);

}  // namespace polars_redis::net
