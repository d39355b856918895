#pragma once
// FT.AGGREGATE as a stream of batches: the query runs with a cursor (TIMEOUT 0 WITHCURSOR COUNT
// <count> appended to the caller's arguments), every page is read, and each row's attributes
// are parsed into the requested columns with the text codecs. A page with a warning is an error
// (incomplete results); a scan stopped early deletes its cursor. A SORTBY without MAX gets one
// covering every row (the server would otherwise keep 10 rows, silently).
#include <cstdint>
#include <string>
#include <vector>

#include "polars_redis/net/url.hpp"
#include "polars_redis/read/batch_queue.hpp"
#include "polars_redis/read/field_spec.hpp"

namespace polars_redis::read {

struct AggregateOptions {
  net::ConnectionOptions connection;
  std::string index;
  std::string query;
  std::vector<std::string> args;     // after the query: LOAD, GROUPBY, REDUCE, SORTBY, PARAMS, DIALECT...
  std::vector<FieldSpec> columns;    // attribute name -> column; an attribute absent from a row is null
  int64_t batch_size = 1000;
  int64_t count = 1000;              // rows per cursor page
  bool ignore_errors = false;        // a value that does not parse becomes null instead of an error
};

void run_aggregate(const AggregateOptions& options, BatchQueue& queue);

}  // namespace polars_redis::read
