#include "polars_redis/net/redirect.hpp"

#include <charconv>

#include "polars_redis/net/cluster_slot.hpp"

namespace polars_redis::net {

namespace {

template <typename Int>
bool parse_number(std::string_view text, Int& value) {
  if (text.empty()) return false;
  const char* end = text.data() + text.size();
  const auto [ptr, error] = std::from_chars(text.data(), end, value);
  return error == std::errc() && ptr == end;
}

// "host:port", "[v6]:port" or "v6:port": Redis prints IPv6 addresses without brackets, so the
// port is what follows the last colon. "?" (or nothing) before it: the host is unknown.
bool parse_endpoint(std::string_view text, std::string& host, uint16_t& port) {
  const size_t colon = text.rfind(':');
  if (colon == std::string_view::npos || !parse_number(text.substr(colon + 1), port) || port == 0) return false;
  std::string_view name = text.substr(0, colon);
  if (name.size() >= 2 && name.front() == '[' && name.back() == ']') name = name.substr(1, name.size() - 2);
  if (name == "?") name = {};
  host.assign(name);
  return true;
}

}  // namespace

std::optional<Redirect> parse_redirect(std::string_view message) {
  if (message.starts_with("TRYAGAIN") && (message.size() == 8 || message[8] == ' ')) {
    return Redirect{RedirectKind::kTryAgain, -1, {}, 0};
  }
  Redirect redirect;
  if (message.starts_with("MOVED ")) {
    redirect.kind = RedirectKind::kMoved;
    message.remove_prefix(6);
  } else if (message.starts_with("ASK ")) {
    redirect.kind = RedirectKind::kAsk;
    message.remove_prefix(4);
  } else {
    return std::nullopt;
  }
  const size_t space = message.find(' ');
  if (space == std::string_view::npos || !parse_number(message.substr(0, space), redirect.slot) ||
      redirect.slot < 0 || redirect.slot >= kClusterSlots) {
    return std::nullopt;
  }
  if (!parse_endpoint(message.substr(space + 1), redirect.host, redirect.port)) return std::nullopt;
  return redirect;
}

const char* redirect_kind_name(RedirectKind kind) {
  switch (kind) {
    case RedirectKind::kMoved: return "MOVED";
    case RedirectKind::kAsk: return "ASK";
    case RedirectKind::kTryAgain: return "TRYAGAIN";
  }
  return "?";
}

}  // namespace polars_redis::net
