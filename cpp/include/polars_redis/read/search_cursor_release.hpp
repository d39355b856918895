#pragma once
// Deleting a search cursor that a reader stops using before the server's results end (n_rows
// reached, the consumer closed the scan, an error). Left alone, the cursor would hold its result
// set on the server until the index's idle timeout (300 s by default).
#include <cstdint>
#include <string>

#include "polars_redis/net/connection.hpp"

namespace polars_redis::read {

// Reads the replies still due on `connection` first (a cursor read in flight when the reader
// stopped): the last of them tells whether a cursor is still open and which. Then deletes it.
// `cursor` is the id known before those replies (0: none yet). Runs to the end even though the
// reader was cancelled (a SIGINT still stops it); best effort: never throws.
void release_search_cursor(net::Connection& connection, const std::string& index, int64_t cursor) noexcept;

}  // namespace polars_redis::read
