#pragma once
// The RDB of a replication full resync, as a ByteSource: a connection of its own announces
// itself as a diskless-capable replica (`REPLCONF capa eof capa psync2`), asks for a full
// resync (`PSYNC ? -1`), skips the newline keepalives the server sends while it forks (and
// waits repl-diskless-sync-delay, 5 s by default), then reads the payload in either framing:
// `$<length>` (disk-based) or `$EOF:<40-byte mark>` (diskless, ended by the mark). The
// connection closes when the source is destroyed, so nothing stays registered on the server.
#include <memory>

#include "polars_redis/net/url.hpp"
#include "polars_redis/rdb/byte_source.hpp"

namespace polars_redis::rdb {

// Connects and starts the full resync. Error(kResponse) with what to do when the server refuses
// PSYNC (an ACL without it: NOPERM; managed services that disable replication commands).
std::unique_ptr<ByteSource> open_replication_stream(const net::ConnectionOptions& options);

}  // namespace polars_redis::rdb
