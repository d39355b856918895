#pragma once
// Consumer-group reading of one stream: XREADGROUP in pages (new entries with ">", or this
// consumer's pending entries from ID 0 on), XGROUP CREATE ... MKSTREAM on request, and XACK.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "polars_redis/net/url.hpp"
#include "polars_redis/read/batch_queue.hpp"
#include "polars_redis/read/stream_entries.hpp"

namespace polars_redis::read {

struct StreamGroupReadOptions {
  net::ConnectionOptions connection;
  std::string key;
  std::string group;
  std::string consumer;
  std::optional<int64_t> count;     // at most this many entries in total
  std::optional<int64_t> block_ms;  // wait this long for new entries when none are there
  bool create_group = false;        // XGROUP CREATE key group <create_start_id> MKSTREAM first
  std::string create_start_id = "$";
  bool pending = false;             // re-read this consumer's pending entries instead of new ones
  StreamColumns columns;
  int64_t page_size = 1000;         // XREADGROUP COUNT
  int64_t batch_size = 10000;       // rows per batch handed to the consumer
};

// Reads until the group has no more entries for this consumer (or `count` is reached), pushing
// batches into `queue`. Every entry the server delivered is in a batch: none is dropped after
// delivery. A missing group throws Error(kResponse) saying to create it.
void run_stream_group_read(const StreamGroupReadOptions& options, BatchQueue& queue);

// XGROUP CREATE key group start_id MKSTREAM; false (and no error) when the group already exists.
bool create_stream_group(const net::ConnectionOptions& connection, const std::string& key, const std::string& group,
                         const std::string& start_id);

// XACK in pipelined chunks; returns how many entries the server acknowledged.
int64_t ack_stream(const net::ConnectionOptions& connection, const std::string& key, const std::string& group,
                   const std::vector<std::string>& ids);

}  // namespace polars_redis::read
