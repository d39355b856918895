#pragma once
// RediSearch (2.10 at least) silently caps prefix, suffix and fuzzy term expansion (MAXEXPANSIONS,
// 200 by default): FT.AGGREGATE then returns a subset of the matching documents with no warning
// in its reply. Only FT.PROFILE reports it ("Max prefix expansion reached"). For a query that can
// expand terms, readers first profile it (LIMIT 0 0: the query runs, nothing is loaded) and fail
// instead of returning partial data.
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "polars_redis/read/search_reply.hpp"

namespace polars_redis::read {

// True when `query` may expand terms (contains '*' or '%'), except the match-all query "*".
bool query_may_expand(std::string_view query);

// FT.PROFILE <index> AGGREGATE LIMITED QUERY <query> LIMIT 0 0 [PARAMS ...] [DIALECT <dialect>]
// (no DIALECT when `dialect` is 0: the server's default).
void append_expansion_check(std::string& out, std::string_view index, std::string_view query,
                            const std::vector<std::pair<std::string, std::string>>& params, int dialect);

// Throws Error(kResponse) naming the command, index, query and warning when the profile reports
// one (or when FT.PROFILE answered with an error).
void check_expansion_profile(const resp::NodeView& reply, const SearchCommand& what);

}  // namespace polars_redis::read
