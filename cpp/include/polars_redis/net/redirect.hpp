#pragma once
// Redis Cluster redirections, as error replies: "MOVED <slot> <endpoint>" (the slot has another
// owner now), "ASK <slot> <endpoint>" (the slot is migrating and this key is not here: send the
// command once to the target, preceded by ASKING) and "TRYAGAIN ..." (the slot is being migrated:
// try again shortly). A node that answers any of them executed nothing of the command.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace polars_redis::net {

enum class RedirectKind { kMoved, kAsk, kTryAgain };

struct Redirect {
  RedirectKind kind = RedirectKind::kMoved;
  int slot = -1;      // -1 for TRYAGAIN
  std::string host;   // empty: the same host as the node that answered ("?" endpoint, or TRYAGAIN)
  uint16_t port = 0;  // 0 for TRYAGAIN
  bool operator==(const Redirect&) const = default;
};

// The redirection carried by an error reply's message (no leading '-'); nullopt for any other
// error, and for a malformed MOVED/ASK (which then stays an error).
std::optional<Redirect> parse_redirect(std::string_view message);

// "MOVED", "ASK" or "TRYAGAIN".
const char* redirect_kind_name(RedirectKind kind);

}  // namespace polars_redis::net
