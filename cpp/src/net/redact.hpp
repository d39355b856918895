#pragma once
// Keeping passwords out of error messages.
#include <string>
#include <string_view>
#include <vector>

namespace polars_redis::net {

// Replaces every occurrence of each non-empty secret in `text` with "***", or with a run of
// another character when a secret contains '*', so that no occurrence survives or is formed
// across a replacement. (Secrets that use all 256 byte values are erased instead.)
std::string redact_secrets(std::string text, const std::vector<std::string_view>& secrets);

}  // namespace polars_redis::net
