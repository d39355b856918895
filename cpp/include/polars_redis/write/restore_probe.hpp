#pragma once
// Whether a server takes RESTORE payloads from us, asked once per write: the server's version
// (which fixes the RDB version we may write: never above its own), whether RESTORE itself is
// allowed (ACLs, renamed commands and proxies refuse it), its encoding thresholds, and whether
// RedisJSON 2.x is loaded for JSON documents.
#include <string>

#include "polars_redis/net/url.hpp"
#include "polars_redis/rdb/encoding_limits.hpp"

namespace polars_redis::write {

struct RestoreSupport {
  bool usable = false;
  int rdb_version = 0;  // 10 (Redis 7.0), 11 (7.2), 12 (7.4 and later)
  bool json = false;    // ReJSON-RL values can be restored
  rdb::EncodingLimits limits;
  std::string server_version;
  std::string reason;  // why not, when !usable
};

// The RDB version a server of `version` ("7.2.4") writes and reads; 0 before 7.0, whose
// encodings (ziplists) we do not write.
int rdb_version_for_server(const std::string& version);

RestoreSupport probe_restore(const net::ConnectionOptions& connection);

}  // namespace polars_redis::write
