#pragma once
// Keys from a RediSearch query: FT.AGGREGATE <index> <query> LOAD @__key ... WITHCURSOR, then
// FT.CURSOR READ until the cursor is 0, keeping the server's order (SORTBY). A scan that stops
// early deletes the cursor so none stays open on the server; a page with a warning (incomplete
// results) is an error.
#include <memory>
#include <string>
#include <vector>

#include "polars_redis/read/key_source.hpp"

namespace polars_redis::read {

std::unique_ptr<KeySource> open_search_key_source(const KeySourceOptions& options);

// The commands the source sends, one line each, from the same encoders (for explain()): the
// expansion check when the query needs one, the first request, then the one it repeats. PARAMS
// values are shown as <value>.
std::vector<std::string> describe_search_key_source(const KeySourceOptions& options);

}  // namespace polars_redis::read
