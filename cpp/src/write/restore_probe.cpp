#include "polars_redis/write/restore_probe.hpp"

#include <charconv>

#include "polars_redis/net/connection.hpp"
#include "polars_redis/net/connection_pool.hpp"
#include "polars_redis/rdb/format.hpp"

namespace polars_redis::write {

namespace {

std::string_view info_field(std::string_view info, std::string_view name) {
  const std::string needle = std::string(name) + ":";
  size_t at = info.find(needle);
  if (at == std::string_view::npos) return {};
  at += needle.size();
  const size_t end = info.find_first_of("\r\n", at);
  return info.substr(at, end == std::string_view::npos ? std::string_view::npos : end - at);
}

int64_t to_int(std::string_view text, int64_t fallback) {
  int64_t value = fallback;
  std::from_chars(text.data(), text.data() + text.size(), value);
  return value;
}

// A RESTORE the server must refuse for its payload (too short to hold a trailer): the reply tells
// whether the command itself may run here. A redirection (cluster) or BUSYKEY also says it may.
bool restore_allowed(net::Connection& conn, std::string& reason) {
  resp::Reply reply = conn.command({"RESTORE", "polars-redis:restore-probe", "0", "x"});
  const auto root = reply.root();
  if (!root.is_error()) {
    reason = "unexpected reply to a RESTORE probe";
    return false;
  }
  const std::string_view text = root.str();
  for (std::string_view accepted : {"ERR DUMP payload", "ERR Bad data format", "MOVED ", "ASK ", "BUSYKEY", "TRYAGAIN"}) {
    if (text.starts_with(accepted)) return true;
  }
  reason = "RESTORE refused: " + std::string(text.substr(0, 200));
  return false;
}

}  // namespace

int rdb_version_for_server(const std::string& version) {
  int major = 0, minor = 0;
  const char* end = version.data() + version.size();
  auto [p, ec] = std::from_chars(version.data(), end, major);
  if (ec != std::errc() || p == end || *p != '.') return 0;
  std::from_chars(p + 1, end, minor);
  if (major < 7) return 0;
  if (major == 7 && minor < 2) return 10;
  if (major == 7 && minor < 4) return 11;
  return rdb::kMaxVersion;  // 7.4 writes 12; later servers read it
}

RestoreSupport probe_restore(const net::ConnectionOptions& connection) {
  RestoreSupport support;
  auto conn = net::acquire(connection);
  {
    resp::Reply info = conn->command({"INFO", "server"});
    if (info.root().is_error()) {
      support.reason = "INFO server refused: " + std::string(info.root().str().substr(0, 200));
      return support;
    }
    support.server_version = std::string(info_field(info.root().str(), "redis_version"));
  }
  support.rdb_version = rdb_version_for_server(support.server_version);
  if (support.rdb_version == 0) {
    support.reason = "Redis " + support.server_version + " predates the listpack encodings (7.0)";
    return support;
  }
  if (!restore_allowed(*conn, support.reason)) return support;
  support.usable = true;
  {
    // Refused (ACL): the defaults stand; the server converts whatever exceeds its own limits.
    resp::Reply config = conn->command({"CONFIG", "GET", "*-max-listpack-*", "set-max-intset-entries"});
    const auto root = config.root();
    if (root.is_aggregate()) {
      auto item = root.first_child();
      const size_t n = root.type() == resp::Type::kMap ? root.size() : root.size() / 2;
      for (size_t i = 0; i < n; ++i) {
        const auto value = item.next_sibling();
        support.limits.apply(item.str(), to_int(value.str(), 0));
        item = value.next_sibling();
      }
    }
  }
  {
    // RedisJSON 2.x (module version 20000 on) saves documents as text under encoding version 3.
    resp::Reply modules = conn->command({"MODULE", "LIST"});
    const auto root = modules.root();
    if (root.is_aggregate()) {
      auto module = root.first_child();
      for (size_t i = 0, n = root.size(); i < n; ++i, module = module.next_sibling()) {
        std::string_view name;
        int64_t version = 0;
        const size_t fields = module.type() == resp::Type::kMap ? module.size() : module.size() / 2;
        auto key = module.first_child();
        for (size_t f = 0; f < fields; ++f) {
          const auto value = key.next_sibling();
          if (key.str() == "name") name = value.str();
          if (key.str() == "ver") version = value.integer();
          key = value.next_sibling();
        }
        if (name == "ReJSON" && version >= 20000) support.json = true;
      }
    }
  }
  return support;
}

}  // namespace polars_redis::write
