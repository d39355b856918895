#pragma once
// Answers a RowFetcher's commands from one decoded snapshot key instead of a server: the same
// fetchers (and so the same conversions, errors and column rules) serve SCAN reads, snapshot
// reads and RDB files. It answers what the fetchers send for one key (HGETALL, HMGET, GET, MGET,
// TTL, SCARD/SSCAN, LLEN/LRANGE, ZCOUNT/ZRANGE, XRANGE, JSON.GET/JSON.MGET with JSONPaths that
// json::PathSelector evaluates) with the replies the server would give for that key at the
// snapshot's time.
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "polars_redis/json/path_selector.hpp"
#include "polars_redis/rdb/decoder.hpp"
#include "polars_redis/resp/parser.hpp"

namespace polars_redis::read {

class SnapshotResponder {
 public:
  // Replies for every command in `commands` (RESP arrays of bulk strings, as the fetchers encode
  // them) about `record`, appended to `out` in order. `now_ms` is the snapshot's time (TTL).
  // Throws Error(kInvalidArgument) for a command a snapshot cannot answer.
  void answer(std::string_view commands, const rdb::Record& record, int64_t now_ms, std::string& out);

 private:
  void answer_one(const std::vector<std::string_view>& args, const rdb::Record& record, int64_t now_ms, std::string& out);
  void sort_zset(const rdb::Value& value);
  const json::PathSelector& selector(std::string_view path);  // compiled once per path

  resp::ReplyParser parser_;
  std::vector<std::string_view> args_;
  std::vector<size_t> zset_order_;  // member indexes in (score, member) order
  const rdb::Value* sorted_for_ = nullptr;
  std::string json_scratch_;
  std::vector<std::pair<std::string, json::PathSelector>> selectors_;
};

}  // namespace polars_redis::read
