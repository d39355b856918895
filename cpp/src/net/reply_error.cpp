// Turning error replies into exceptions.
#include "polars_redis/error.hpp"
#include "polars_redis/net/connection.hpp"

namespace polars_redis::net {

bool is_authentication_error(std::string_view message) {
  return message.starts_with("WRONGPASS") || message.starts_with("NOAUTH") ||
         message.find("invalid password") != std::string_view::npos ||
         message.find("invalid username-password pair") != std::string_view::npos;
}

void throw_if_error(const resp::NodeView& reply, std::string_view command) {
  if (!reply.is_error()) return;
  // Long enough for a script's error with its location, short enough for a log line.
  constexpr size_t kShownLength = 1000;
  const std::string_view message = reply.str();
  throw Error(is_authentication_error(message) ? ErrorKind::kAuthentication : ErrorKind::kResponse,
              std::string(command) + " failed: " + quote_for_message(message, kShownLength));
}

}  // namespace polars_redis::net
