#pragma once
// Servers without Redis Stack's modules answer their commands with "ERR unknown command
// 'JSON.GET' ...": name the module a user needs to load instead of leaving them to guess.
#include <string>
#include <string_view>

namespace polars_redis::net {

// " (JSON.* commands come from the RedisJSON module, which this server has not loaded: ...)"
// when `message` reports an unknown command of a module; empty otherwise.
std::string missing_module_hint(std::string_view message);

}  // namespace polars_redis::net
