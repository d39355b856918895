#pragma once
// Encoded commands as the text a person would type, for explain(): a description rendered from the
// bytes a reader really sends cannot drift from them.
#include <string>
#include <string_view>
#include <vector>

namespace polars_redis::resp {

// One argument quoted as a POSIX shell would need it (the rules of Python's shlex.quote), except a
// placeholder such as <key> or <cursor>, which stands for a value known only while running.
std::string quote_argument(std::string_view argument);

// Each command of `encoded` (RESP arrays of bulk strings, as resp/encoder.hpp writes them) as one
// line of quoted arguments. Throws Error(kProtocol) for anything else.
std::vector<std::string> command_texts(std::string_view encoded);

}  // namespace polars_redis::resp
