#pragma once
// Connection options and Redis URL parsing.
//
//   redis://[[user]:password@]host[:port][/db][?options]
//   rediss://...                      (TLS)
//   redis+cluster://, rediss+cluster://   (Redis Cluster: the host is a seed node)
//   unix:///path/to/socket[?db=N&options]   (also redis+unix://)
//   redis+sentinel://[[user]:password@]host1[:26379],host2[:26379]/master_name[/db][?options]
//   rediss+sentinel://...             (Sentinel: the hosts are Sentinels; see net/node_routing.hpp)
// Query options: connect_timeout, socket_timeout (seconds, fractional allowed; 0 = no timeout is
// rejected: no call may hang forever), db, client_name, protocol (2 or 3), and for TLS:
// ssl_ca_certs, ssl_ca_path, ssl_certfile, ssl_keyfile, ssl_cert_reqs (required|none),
// ssl_check_hostname (true|false), ssl_server_name. User and password are percent-decoded; as
// in redis-py they may also be given as ?username= and ?password= (but not in both places).
// Client-side options (they change no session state): pool (a pool name: connections are shared
// only within one name), pool_size (idle connections kept per pool, >= 0), pool_idle_timeout
// (seconds), retries (restarts of a read that failed to connect, >= 0), parallel (fetch
// connections per key scan, >= 1), shard_slots (one shard of a cluster key scan).
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "polars_redis/net/cluster_slot.hpp"

namespace polars_redis::net {

struct TlsOptions {
  bool enabled = false;
  bool verify_peer = true;        // certificate verification is on unless disabled explicitly
  bool verify_hostname = true;
  std::string ca_file;            // empty: the system's default trust store
  std::string ca_path;
  std::string cert_file;          // client certificate (mutual TLS)
  std::string key_file;
  std::string server_name;        // SNI and hostname check; empty: the URL's host
};

struct NodeAddress {
  std::string host;
  uint16_t port = 0;
  std::string endpoint() const;
};

// Where reads go (writes always go to the primary): read_from=primary|replica|prefer_replica.
enum class ReadFrom { kPrimary, kReplica, kPreferReplica };

// The Sentinels of a redis+sentinel:// URL. The URL's credentials are the data nodes'; the
// Sentinels' own are the sentinel_username / sentinel_password query options.
struct SentinelOptions {
  std::vector<NodeAddress> sentinels;
  std::string master_name;  // empty: not a Sentinel deployment
  std::string username;
  std::string password;
};

struct ConnectionOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 6379;
  std::string unix_path;          // non-empty: connect to this Unix socket
  std::string username;           // empty: "default" when a password is given
  std::string password;
  int db = 0;
  int protocol = 0;               // 0: try RESP3 (HELLO 3), fall back to RESP2; 2 or 3 forces
  std::string client_name;
  int connect_timeout_ms = 10000;
  int socket_timeout_ms = 60000;  // the longest a single read or write may wait for progress
  TlsOptions tls;

  // Connection reuse and read scheduling (see connection_pool.hpp); not part of the session.
  std::string pool;               // pool name; empty: the shared pool of identical URLs
  int pool_size = 8;              // idle connections kept per pool key; 0 keeps none
  int pool_idle_timeout_ms = 60000;
  int retries = 1;                // read restarts after a connection failure before any row
  int parallel = 1;               // fetch connections of one key scan

  // Redis Cluster (see net/cluster_topology.hpp): redis+cluster:// / rediss+cluster:// force
  // cluster mode; a plain URL to a node with cluster_enabled:1 is detected. read_from_replicas
  // (true|false) sends reads to replicas (READONLY) instead of primaries.
  bool cluster = false;
  bool read_from_replicas = false;
  bool readonly = false;          // send READONLY after login (set for cluster replica nodes)
  // shard_slots=0-5460,... (a scan partition, see polars_redis.partitions): a cluster key scan
  // reads only the shard serving exactly these slots, and fails if no shard does any more.
  SlotRanges shard_slots;

  // Replication outside Cluster (see net/node_routing.hpp): read_from, the replicas given
  // explicitly (replicas=host:port,host:port; else found from INFO replication), and Sentinel.
  ReadFrom read_from = ReadFrom::kPrimary;
  std::vector<NodeAddress> replicas;
  SentinelOptions sentinel;

  // host:port or the socket path, without credentials: safe for error messages.
  std::string endpoint() const;
};

// Throws Error(kInvalidArgument) naming what is wrong, never including the password.
ConnectionOptions parse_url(std::string_view url);

// The URL with any password replaced by "***", for messages and reprs: the user info's, and the
// value of every query item whose name contains "pass" (any case).
std::string redact_url(std::string_view url);

// The passwords `url` holds (what redact_url() hides), raw and percent-decoded, for scrubbing
// them from text that may quote them in another form.
std::vector<std::string> url_secrets(std::string_view url);

// "invalid Redis URL '<url>': <problem>", with the URL redacted and then every form of each of
// its passwords scrubbed from the whole message (a problem may quote a piece that holds one).
// Every parser of URLs builds its messages here, so none can show a password another hides.
std::string invalid_url_message(std::string_view url, const std::string& problem);

}  // namespace polars_redis::net
