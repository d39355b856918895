#pragma once
// A key reader over an RDB instead of SCAN (KeySourceSpec kSnapshot / kRdbFile): the RDB (a
// replica's full resync on a connection of its own, or a file) is decoded as it arrives; each key
// of the connection's database, the reader's type and the pattern is handed to the reader's
// RowFetcher, whose commands a SnapshotResponder answers from the decoded value. The columns,
// conversions, key / row-index columns, n_rows and batching are the SCAN path's.
#include "polars_redis/read/batch_queue.hpp"
#include "polars_redis/read/key_scan.hpp"
#include "polars_redis/read/row_fetcher.hpp"

namespace polars_redis::read {

// Runs the read to completion (or until the consumer cancels or n_rows is reached), pushing
// batches into `queue`. The replica link is closed as soon as the read stops.
void run_snapshot_scan(const KeyScanOptions& options, RowFetcher& fetcher, BatchQueue& queue);

}  // namespace polars_redis::read
