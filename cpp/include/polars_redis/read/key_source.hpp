#pragma once
// Where a key scan's keys come from: SCAN, an explicit key list, or a RediSearch cursor. Each
// source runs its requests on a connection of its own, so the next request is under way while
// the fetch pipeline works on the keys already found.
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "polars_redis/net/connection.hpp"
#include "polars_redis/net/connection_pool.hpp"

namespace polars_redis::read {

// FT.AGGREGATE <index> <query> ... : the documents' keys in the server's order.
struct SearchKeyQuery {
  std::string index;
  std::string query;
  int dialect = 2;
  std::vector<std::pair<std::string, std::string>> params;       // PARAMS name value
  std::vector<std::pair<std::string, bool>> sort_by;             // field, descending
  std::optional<int64_t> limit;
  // FT.SEARCH NOCONTENT paged with LIMIT offsets instead of an FT.AGGREGATE cursor: RediSearch on
  // a Redis Cluster node without a coordinator cannot LOAD @__key (it answers empty rows).
  bool by_offset = false;
};

struct KeySourceSpec {
  // kSnapshot: the keys and values of a replication full resync (see read/snapshot_scan.hpp);
  // kRdbFile: those of an RDB file, with no server at all.
  enum class Kind { kScan, kKeys, kSearch, kSnapshot, kRdbFile };
  Kind kind = Kind::kScan;
  std::vector<std::string> keys;  // kKeys
  SearchKeyQuery search;          // kSearch
  std::string rdb_path;           // kRdbFile
  bool is_snapshot() const { return kind == Kind::kSnapshot || kind == Kind::kRdbFile; }
};

class KeySource {
 public:
  using Sink = std::function<void(std::string_view key)>;
  virtual ~KeySource() = default;
  net::Connection& connection() { return *connection_; }
  // Every key has been handed out.
  virtual bool done() const = 0;
  // Replies to the last request are still to come.
  virtual bool waiting() const = 0;
  // Queues the next request on connection() (only when !done() && !waiting()).
  virtual void request() = 0;
  // Consumes one reply to the request, handing the keys it yields to `sink` in order.
  virtual void consume(const resp::NodeView& reply, const Sink& sink) = 0;
  // The source checked that each key it yields exists (TYPE, or a search index listing it a
  // moment ago): a key whose requested values are all missing is a row at once, without the
  // EXISTS round trip that would move it behind later keys and break the source's order.
  virtual bool keys_exist() const { return false; }
  // The scan stops before done(): releases what the source holds on the server. Never throws.
  virtual void abandon() noexcept {}
  // From the next request on, the server filters keys by the reader's type (SCAN ... TYPE), for a
  // source opened with defer_type_filter. Sources that never filter ignore it.
  virtual void filter_by_type() {}

 protected:
  explicit KeySource(net::PooledConnection connection) : connection_(std::move(connection)) {}
  net::PooledConnection connection_;
};

struct KeySourceOptions {
  net::ConnectionOptions connection;
  KeySourceSpec spec;
  std::string pattern = "*";   // kScan: SCAN MATCH
  std::string type_filter;     // the reader's Redis type ("hash", "ReJSON-RL", ...); empty: any
  int64_t count_hint = 1000;   // SCAN COUNT, TYPE chunk, cursor COUNT
  std::function<void(std::string_view key)> on_redirect;  // kKeys: see KeyScanOptions::on_redirect
  // kScan: SCAN without TYPE until filter_by_type(), for a fetcher whose commands answer keys of
  // other types as missing (RowFetcher::needs_type_filter).
  bool defer_type_filter = false;
};

// Connects and returns the source `options.spec` describes.
std::unique_ptr<KeySource> open_key_source(const KeySourceOptions& options);

}  // namespace polars_redis::read
