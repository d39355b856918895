// parse_url either succeeds or throws Error(kInvalidArgument), and no message shows the password.
//
// Build from the repository root, then run it with -max_total_time=60:
//   clang++-14 -std=c++20 -g -O1 -fsanitize=fuzzer,address,undefined -Icpp/include
//     cpp/fuzz/url_fuzz.cpp cpp/src/net/url.cpp cpp/src/net/redact.cpp cpp/src/error.cpp
#include <cctype>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

#include "polars_redis/error.hpp"
#include "polars_redis/net/url.hpp"

namespace {

// The password by the URL grammar, found independently of the parser: after "://", the user
// info ends at the last '@' before the first '/', '?' or '#'; the password follows its first
// ':' (a user info without ':' is treated as a password as a whole).
std::string_view password_of(std::string_view url, bool& has_colon) {
  has_colon = false;
  const size_t scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return {};
  const std::string_view rest = url.substr(scheme_end + 3);
  const std::string_view authority = rest.substr(0, rest.find_first_of("/?#"));
  const size_t at = authority.rfind('@');
  if (at == std::string_view::npos) return {};
  const std::string_view userinfo = authority.substr(0, at);
  const size_t colon = userinfo.find(':');
  has_colon = colon != std::string_view::npos;
  return has_colon ? userinfo.substr(colon + 1) : userinfo;
}

std::optional<std::string> decoded(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out.push_back(text[i]);
      continue;
    }
    if (i + 2 >= text.size() || !std::isxdigit(static_cast<unsigned char>(text[i + 1])) ||
        !std::isxdigit(static_cast<unsigned char>(text[i + 2]))) {
      return std::nullopt;
    }
    const long value = std::strtol(std::string(text.substr(i + 1, 2)).c_str(), nullptr, 16);
    out.push_back(static_cast<char>(value));
    i += 2;
  }
  return out;
}

[[noreturn]] void fail(const char* what, std::string_view url, const std::string& detail) {
  std::fprintf(stderr, "%s\nurl: %.*s\ndetail: %s\n", what, static_cast<int>(url.size()),
               url.data(), detail.c_str());
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view url(reinterpret_cast<const char*>(data), size);
  bool has_colon = false;
  const std::string_view password = password_of(url, has_colon);
  const std::optional<std::string> plain = decoded(password);
  try {
    const polars_redis::net::ConnectionOptions options = polars_redis::net::parse_url(url);
    if (!has_colon && !password.empty()) fail("accepted user info without ':'", url, "");
    if (has_colon && options.password != plain) fail("wrong password", url, options.password);
  } catch (const polars_redis::Error& error) {
    const std::string message = error.what();
    if (error.kind() != polars_redis::ErrorKind::kInvalidArgument) {
      fail("wrong error kind", url, message);
    }
    // Neither as written, nor decoded, nor as quote_for_message() would show either.
    std::string forms[] = {std::string(password), plain.value_or(std::string()), "", ""};
    forms[2] = polars_redis::quote_for_message(forms[0], forms[0].size());
    forms[3] = polars_redis::quote_for_message(forms[1], forms[1].size());
    for (const std::string& form : forms) {
      if (!form.empty() && message.find(form) != std::string::npos) {
        fail("message shows the password", url, message);
      }
    }
  }
  return 0;
}
