#include "polars_redis/net/missing_module.hpp"

#include <array>
#include <utility>

namespace polars_redis::net {

std::string missing_module_hint(std::string_view message) {
  static constexpr std::string_view kUnknown = "unknown command '";
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 8> kModules{{
      {"JSON.", "RedisJSON"}, {"FT.", "RediSearch"}, {"TS.", "RedisTimeSeries"}, {"BF.", "RedisBloom"},
      {"CF.", "RedisBloom"}, {"CMS.", "RedisBloom"}, {"TOPK.", "RedisBloom"}, {"TDIGEST.", "RedisBloom"},
  }};
  const size_t at = message.find(kUnknown);
  if (at == std::string_view::npos) return {};
  const std::string_view command = message.substr(at + kUnknown.size());
  for (const auto& [prefix, module] : kModules) {
    if (command.size() < prefix.size()) continue;
    bool same = true;  // Redis echoes the command as sent; compare without case
    for (size_t i = 0; i < prefix.size() && same; ++i) {
      char c = command[i];
      if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
      same = c == prefix[i];
    }
    if (same) {
      return " (" + std::string(prefix) + "* commands come from the " + std::string(module) +
             " module, which this server has not loaded: use Redis Stack or load the module)";
    }
  }
  return {};
}

}  // namespace polars_redis::net
