#include "polars_redis/read/knn_search.hpp"

#include <algorithm>
#include <cstdlib>
#include <numeric>
#include <optional>

#include "polars_redis/error.hpp"
#include "polars_redis/net/connection.hpp"
#include "polars_redis/net/connection_pool.hpp"
#include "polars_redis/read/cluster_search_index.hpp"
#include "polars_redis/resp/encoder.hpp"

namespace polars_redis::read {

namespace {

constexpr std::string_view kDistance = "__distance";

std::optional<double> number_of(const resp::NodeView& value) {
  if (value.type() == resp::Type::kDouble) return value.dbl();
  if (value.type() == resp::Type::kInteger) return static_cast<double>(value.integer());
  if (!value.is_string()) return std::nullopt;
  const std::string text(value.str());
  char* end = nullptr;
  const double number = std::strtod(text.c_str(), &end);
  if (text.empty() || end != text.c_str() + text.size()) return std::nullopt;
  return number;
}

}  // namespace

void add_neighbours(const resp::NodeView& reply, const SearchCommand& what, Neighbours& out) {
  SearchIdsPage page(reply, what, SearchResultExtra::kFields);
  page.check_warnings();
  page.for_each_result([&](const SearchResult& result) {
    std::optional<double> distance;
    if (result.fields) {
      SearchRow(*result.fields).for_each([&](std::string_view name, const resp::NodeView& value) {
        if (name == kDistance) distance = number_of(value);
      });
    }
    if (!distance) {
      throw Error(ErrorKind::kProtocol, search_error_message(what, "document '" + quote_for_message(result.id) +
                                                                       "' came back without a numeric __distance"));
    }
    out.keys.emplace_back(result.id);
    out.distances.push_back(*distance);
  });
}

void keep_nearest(Neighbours& neighbours, size_t k) {
  std::vector<size_t> order(neighbours.keys.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return neighbours.distances[a] < neighbours.distances[b]; });
  if (order.size() > k) order.resize(k);
  Neighbours kept;
  for (size_t i : order) {
    kept.keys.push_back(std::move(neighbours.keys[i]));
    kept.distances.push_back(neighbours.distances[i]);
  }
  neighbours = std::move(kept);
}

Neighbours search_nearest(const net::ConnectionOptions& url, const std::string& index,
                          const std::vector<std::string>& args_after_index, int64_t k) {
  Neighbours neighbours;
  const std::string query = args_after_index.empty() ? std::string() : args_after_index.front();
  for (const ShardIndex& shard : search_index_nodes(url, index)) {
    resp::ArgumentList args;
    args.arg("FT.SEARCH").arg(shard.name);
    for (const std::string& arg : args_after_index) args.arg(arg);
    auto connection = net::acquire(shard.node);
    args.append_command_to(connection->out_buffer());
    resp::Reply reply = connection->read_reply();
    add_neighbours(reply.root(), {"FT.SEARCH", shard.name, query}, neighbours);
  }
  keep_nearest(neighbours, static_cast<size_t>(std::max<int64_t>(k, 0)));
  return neighbours;
}

}  // namespace polars_redis::read
