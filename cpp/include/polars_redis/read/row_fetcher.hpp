#pragma once
// What a key-based reader (hashes, strings, JSON, sets, lists, sorted sets) plugs into the key
// scan: the commands to send for a group of keys and how their replies become rows.
#include <span>
#include <string>
#include <string_view>

#include "polars_redis/arrow/record_batch.hpp"
#include "polars_redis/resp/parser.hpp"

namespace polars_redis::read {

// The key scan's services to a fetcher while it consumes replies.
class FetchContext {
 public:
  virtual ~FetchContext() = default;
  // The fetcher appended one row's values for `key`: the scan adds the key and row-index columns
  // (a key may produce any number of rows: one per hash, one per set member, ...).
  virtual void finish_row(std::string_view key) = 0;
  // Nothing was appended for `key`, and its replies cannot tell a missing key from one without
  // the requested values (HMGET answers both with nils): the scan sends EXISTS and, if the key
  // exists, calls append_row_without_values() and finish_row().
  virtual void verify_exists(std::string_view key) = 0;
  // More commands for `key` (the next page of a large set, list, ...): append them to
  // follow_up_buffer(), then announce how many replies they produce. Their replies come back to
  // consume() with index 0, 1, ...
  virtual std::string& follow_up_buffer() = 0;
  virtual void expect_follow_up(std::string_view key, int replies) = 0;
  // True once n_rows rows exist: a fetcher stops paging then.
  virtual bool limit_reached() const = 0;
};

class RowFetcher {
 public:
  virtual ~RowFetcher() = default;
  // Adds the fetcher's columns (called once, before any row).
  virtual void add_columns(arrow::BatchBuilder& batch) = 0;
  // How many keys one command may cover (MGET covers many; most commands one key).
  virtual size_t keys_per_command() const { return 1; }
  // Appends the commands for `keys` (at most keys_per_command()) to `out`; returns how many
  // replies they produce. 0: each key is a row without asking the server (e.g. only the key
  // column is wanted): the scan calls append_row_without_values() and finish_row() per key.
  virtual int encode(std::span<const std::string_view> keys, std::string& out) = 0;
  // Reply `index` (0-based) of those announced for `keys`. Appends rows through the context.
  // Throws Error(kSchema) for a value that does not parse (unless errors are ignored) and
  // Error(kResponse) for an unexpected error reply.
  virtual void consume(std::span<const std::string_view> keys, int index, const resp::NodeView& reply,
                       FetchContext& context) = 0;
  // Reply `index` of those announced for `keys` that the scan skips instead of consuming (the
  // keys moved to another cluster node and are read again there): a fetcher that keeps track of
  // what it sent forgets the command.
  virtual void discard(std::span<const std::string_view> /*keys*/, int /*index*/) {}
  // How many keys may have commands in flight at once, for now: a fetcher whose first replies
  // decide its later commands holds the scan back until they have arrived (unlimited: -1).
  virtual int64_t max_keys_in_flight() const { return -1; }
  // Whether the key source must filter keys by the reader's type on the server (SCAN ... TYPE).
  // A fetcher whose commands answer a key of another type as missing (MGET's nil) can do
  // without, saving the server the type check of every key scanned, until its replies show
  // that many keys are of other types.
  virtual bool needs_type_filter() const { return true; }
  // The values of a row for an existing key without any requested value (all null).
  virtual void append_row_without_values() = 0;
  // How the fetcher's commands change after the first ones, in words for explain(): later SSCAN
  // or LRANGE pages of a key that one reply does not hold, HMGET once hashes prove much wider
  // than the schema, ...; empty when they do not change.
  virtual std::string later_commands() const { return {}; }
};

}  // namespace polars_redis::read
