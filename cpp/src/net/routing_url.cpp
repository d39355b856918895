#include "routing_url.hpp"

#include <algorithm>
#include <charconv>
#include <utility>
#include <vector>

#include "polars_redis/error.hpp"

namespace polars_redis::net {
namespace {

constexpr uint16_t kSentinelPort = 26379;

std::string lowercase(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](char c) { return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c; });
  return out;
}

std::vector<std::string_view> split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  while (true) {
    const size_t at = text.find(separator);
    parts.push_back(text.substr(0, at));
    if (at == std::string_view::npos) return parts;
    text.remove_prefix(at + 1);
  }
}

class RoutingUrl {
 public:
  explicit RoutingUrl(std::string_view url) : url_(url) {}

  ConnectionOptions parse() {
    const size_t separator = url_.find("://");
    const std::string scheme = lowercase(url_.substr(0, separator == std::string_view::npos ? 0 : separator));
    const bool sentinel = scheme == "redis+sentinel" || scheme == "rediss+sentinel";
    // The query starts at the first '?' after the user info (a password may hold a '?').
    const size_t last_at = url_.rfind('@');
    const size_t query_at = url_.find('?', last_at == std::string_view::npos ? 0 : last_at);
    std::string_view head = url_.substr(0, query_at);
    const std::string query = split_query(query_at == std::string_view::npos ? "" : url_.substr(query_at + 1));
    ConnectionOptions options;
    if (sentinel) {
      options = parse_sentinel(head, scheme == "rediss+sentinel", separator + 3, query);
    } else {
      options = parse_plain_url(std::string(head) + (query.empty() ? "" : "?" + query));
      if (!sentinel_username_.empty() || sentinel_password_set_) fail("sentinel_username and sentinel_password need a redis+sentinel:// URL");
    }
    apply(options);
    return options;
  }

 private:
  [[noreturn]] void fail(const std::string& problem) const {
    throw Error(ErrorKind::kInvalidArgument, invalid_url_message(url_, problem));
  }

  // Takes out the routing options; returns the rest of the query.
  std::string split_query(std::string_view query) {
    std::string rest;
    for (std::string_view item : split(query, '&')) {
      const size_t eq = item.find('=');
      const std::string_view name = item.substr(0, eq);
      const std::string_view value = eq == std::string_view::npos ? std::string_view() : item.substr(eq + 1);
      if (name == "read_from" || name == "replicas" || name == "sentinel_username" || name == "sentinel_password") {
        if (eq == std::string_view::npos) fail("option '" + std::string(name) + "' has no '=value'");
        if (std::find(seen_.begin(), seen_.end(), name) != seen_.end()) fail("option '" + std::string(name) + "' is given twice");
        seen_.emplace_back(name);
        take(name, value);
      } else if (!item.empty()) {
        rest += (rest.empty() ? "" : "&") + std::string(item);
      }
    }
    return rest;
  }

  void take(std::string_view name, std::string_view raw) {
    const std::string value = decoded(raw, name);
    if (name == "read_from") {
      if (value == "primary") read_from_ = ReadFrom::kPrimary;
      else if (value == "replica") read_from_ = ReadFrom::kReplica;
      else if (value == "prefer_replica") read_from_ = ReadFrom::kPreferReplica;
      else fail("read_from must be primary, replica or prefer_replica, not '" + value + "'");
      read_from_set_ = true;
    } else if (name == "replicas") {
      for (std::string_view node : split(value, ',')) replicas_.push_back(address(node, 6379, "replicas"));
    } else if (name == "sentinel_username") {
      sentinel_username_ = value;
    } else {
      sentinel_password_ = value;
      sentinel_password_set_ = true;
    }
  }

  std::string decoded(std::string_view raw, std::string_view name) const {
    std::string out;
    for (size_t i = 0; i < raw.size(); ++i) {
      if (raw[i] != '%') {
        out.push_back(raw[i]);
        continue;
      }
      unsigned value = 0;
      const auto hex = i + 2 < raw.size() ? raw.substr(i + 1, 2) : std::string_view();
      if (hex.size() != 2 || std::from_chars(hex.data(), hex.data() + 2, value, 16).ptr != hex.data() + 2) {
        fail("malformed percent-encoding in the value of option '" + std::string(name) + "'");
      }
      out.push_back(static_cast<char>(value));
      i += 2;
    }
    return out;
  }

  // host[:port] or [v6]:port; checked by the plain parser.
  NodeAddress address(std::string_view text, uint16_t default_port, std::string_view what) const {
    if (text.empty()) fail("an empty host in " + std::string(what));
    const size_t bracket = text.rfind(']');
    const size_t colon = text.rfind(':');
    const bool has_port = colon != std::string_view::npos && (bracket == std::string_view::npos || colon > bracket) &&
                          (bracket != std::string_view::npos || text.find(':') == colon);
    const std::string url = "redis://" + std::string(text) + (has_port ? "" : ":" + std::to_string(default_port));
    try {
      const ConnectionOptions parsed = parse_plain_url(url);
      return {parsed.host, parsed.port};
    } catch (const Error&) {
      fail("invalid host '" + std::string(text.substr(0, 100)) + "' in " + std::string(what));
    }
  }

  // redis+sentinel://[userinfo@]host1[:port],host2[:port]/master_name[/db]
  ConnectionOptions parse_sentinel(std::string_view head, bool tls, size_t authority_start, const std::string& query) {
    const size_t at = head.rfind('@');
    const size_t hosts_start = at == std::string_view::npos || at < authority_start ? authority_start : at + 1;
    const size_t path_at = std::min(head.find('/', hosts_start), head.size());
    const std::string_view hosts = head.substr(hosts_start, path_at - hosts_start);
    std::vector<std::string_view> path = split(head.substr(std::min(path_at + 1, head.size())), '/');
    if (path_at >= head.size() || path[0].empty()) {
      fail("no master name: write redis+sentinel://host1:26379,host2:26379/master_name[/db]");
    }
    if (path.size() > 2) fail("expected /master_name[/db] after the Sentinel hosts");
    SentinelOptions sentinel;
    for (std::string_view host : split(hosts, ',')) sentinel.sentinels.push_back(address(host, kSentinelPort, "the Sentinel hosts"));
    sentinel.master_name = decoded(path[0], "master name");
    sentinel.username = sentinel_username_;
    sentinel.password = sentinel_password_;
    // The rest is a plain URL aimed (for now) at the first Sentinel.
    std::string plain = tls ? "rediss://" : "redis://";
    plain += head.substr(authority_start, hosts_start - authority_start);
    plain += "127.0.0.1:" + std::to_string(kSentinelPort);
    if (path.size() == 2 && !path[1].empty()) plain += "/" + std::string(path[1]);
    if (!query.empty()) plain += "?" + query;
    ConnectionOptions options = parse_plain_url(plain);
    if (options.cluster) fail("a Sentinel URL cannot also be a cluster URL");
    options.host = sentinel.sentinels.front().host;
    options.port = sentinel.sentinels.front().port;
    options.sentinel = std::move(sentinel);
    return options;
  }

  void apply(ConnectionOptions& options) const {
    if (read_from_set_ && options.read_from_replicas) fail("give read_from or read_from_replicas, not both");
    if (!replicas_.empty() && (options.cluster || !options.sentinel.master_name.empty() || !options.unix_path.empty())) {
      fail("replicas is for a standalone primary (a Cluster or Sentinel names its replicas itself)");
    }
    // Cluster's own option (a replica of each shard when it has a healthy one) follows read_from,
    // for redis+cluster:// and for a plain URL that turns out to reach a cluster.
    if (read_from_ != ReadFrom::kPrimary) options.read_from_replicas = true;
    if (options.cluster) return;
    options.read_from = read_from_set_ || !options.read_from_replicas ? read_from_ : ReadFrom::kPreferReplica;
    options.replicas = replicas_;
  }

  std::string_view url_;
  std::vector<std::string> seen_;
  ReadFrom read_from_ = ReadFrom::kPrimary;
  bool read_from_set_ = false;
  std::vector<NodeAddress> replicas_;
  std::string sentinel_username_;
  std::string sentinel_password_;
  bool sentinel_password_set_ = false;
};

}  // namespace

std::string NodeAddress::endpoint() const {
  if (host.find(':') != std::string::npos) return "[" + host + "]:" + std::to_string(port);
  return host + ":" + std::to_string(port);
}

ConnectionOptions parse_routing_url(std::string_view url) { return RoutingUrl(url).parse(); }

}  // namespace polars_redis::net
