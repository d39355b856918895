#include "polars_redis/read/search_cursor_release.hpp"

#include "polars_redis/error.hpp"
#include "polars_redis/net/interrupt.hpp"
#include "polars_redis/read/search_reply.hpp"

namespace polars_redis::read {

void release_search_cursor(net::Connection& connection, const std::string& index, int64_t cursor) noexcept {
  if (connection.broken()) return;
  const net::CleanupScope cleanup;
  try {
    while (connection.replies_pending() > 0) {
      auto reply = connection.read_reply();
      try {
        cursor = SearchPage(reply.root(), {"FT.CURSOR READ", index, {}}).cursor();
      } catch (const Error&) {
        return;  // an error reply: the server closed the cursor, or never opened one
      }
    }
    if (cursor == 0) return;  // the results ended: the server freed the cursor itself
    connection.command({"FT.CURSOR", "DEL", index, std::to_string(cursor)});
  } catch (...) {
    // Best effort while the reader is already stopping (the server drops idle cursors anyway).
  }
}

}  // namespace polars_redis::read
