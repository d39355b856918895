#pragma once
// Writes over a Redis Cluster: each row on the primary serving its key.
//
// Every writer's commands touch one key (HSET, JSON.SET, MULTI/DEL/.../EXEC, XADD, TS.ADD), so each
// key's commands run on its own node with the same per-key guarantees as on a single node. The
// frame is checked in full once (keys, TTLs, values) before any node is written to; each row goes
// to the primary serving the slot of the key the row writer renders (key_prefix + key column, or
// + row number), and every node's share is written by the ordinary row writer, pipelined, all
// nodes at once. Under if_exists="fail" every key is checked absent on its node before any node is
// written to, and the WATCH-guarded check-and-write runs one key per batch (a transaction's keys
// must share a hash slot); so does append with a TTL.
//
// A slot that moves during the write (a resharding) makes its old node answer MOVED, ASK or
// TRYAGAIN for that slot's rows. Such a row took no effect: the node's writer reports it and goes
// on, and the rows that succeeded are never sent again (XADD, RPUSH, TS.ADD are not idempotent).
// The redirected rows are sent where they belong (see cluster_write_rounds.hpp: after ASK to the
// node it names, each row's commands preceded by ASKING; after MOVED / TRYAGAIN to the owner in a
// topology read anew; a key's rows to one node, in frame order), round after round under the
// redirect policy shared with reads (net/redirect_policy.hpp), until none is left or its patience
// is out. Errors number rows in the whole frame (plus row_offset) and say how many rows the whole
// write committed.
#include <cstdint>
#include <functional>
#include <memory>

#include "polars_redis/arrow/c_data.hpp"
#include "polars_redis/net/redirect_policy.hpp"
#include "polars_redis/net/url.hpp"
#include "polars_redis/write/row_writer.hpp"
#include "polars_redis/write/value_encoder.hpp"

namespace polars_redis::write {

// A fresh encoder for one node's share (each share encodes on its own thread).
using EncoderFactory = std::function<std::unique_ptr<ValueEncoder>()>;

// Writes every row of `stream` (taken over) over the cluster `seed` reaches; returns the rows
// written. Throws Error before anything is sent when a row fails the check or a key exists
// (kFail); a later failure throws WriteFailure once every node's share has finished, its
// message completed with the rows the rest of the write committed.
int64_t write_cluster_rows(const net::ConnectionOptions& seed, ArrowArrayStream* stream, const RowWriteOptions& options,
                           const EncoderFactory& make_encoder, const net::RedirectPolicy& policy = net::kRedirectPolicy);

// check_keys_absent over the cluster: every row's key on its node, redirects followed.
void check_cluster_keys_absent(const net::ConnectionOptions& seed, ArrowArrayStream* stream,
                               const RowWriteOptions& options, const net::RedirectPolicy& policy = net::kRedirectPolicy);

}  // namespace polars_redis::write
