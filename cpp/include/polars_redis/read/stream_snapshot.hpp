#pragma once
// scan_stream over an RDB (snapshot=True, or an RDB file): the wanted streams' entries are
// decoded from the snapshot, cut to [start_id, end_id] and `count` as XRANGE would, and handed to
// the same StreamEntryDecoder as the XRANGE pages, so columns and conversions are identical. Rows
// come out in the order of the keys given, then by ID.
#include "polars_redis/read/batch_queue.hpp"
#include "polars_redis/read/stream_reader.hpp"

namespace polars_redis::read {

void run_stream_snapshot(const StreamScanOptions& options, BatchQueue& queue);

}  // namespace polars_redis::read
