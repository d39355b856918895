#include "redact.hpp"

namespace polars_redis::net {
namespace {

bool any_contains(const std::vector<std::string_view>& secrets, char c) {
  for (std::string_view secret : secrets) {
    if (secret.find(c) != std::string_view::npos) return true;
  }
  return false;
}

}  // namespace

std::string redact_secrets(std::string text, const std::vector<std::string_view>& secrets) {
  // Any occurrence overlapping a run of `mask` would contain `mask`, which no secret does; so one
  // left-to-right pass per secret removes them all.
  int candidate = 0;
  while (candidate < 256 && any_contains(secrets, static_cast<char>('*' + candidate))) ++candidate;
  if (candidate == 256) {
    // The secrets use every byte value: erase occurrences until none is left (each pass
    // shortens the text, so this ends).
    for (bool found = true; found;) {
      found = false;
      for (std::string_view secret : secrets) {
        const size_t at = secret.empty() ? std::string::npos : text.find(secret);
        if (at != std::string::npos) {
          text.erase(at, secret.size());
          found = true;
        }
      }
    }
    return text;
  }
  const char mask = static_cast<char>('*' + candidate);
  for (std::string_view secret : secrets) {
    if (secret.empty()) continue;
    for (size_t at = text.find(secret); at != std::string::npos; at = text.find(secret, at + 3)) {
      text.replace(at, secret.size(), 3, mask);
    }
  }
  return text;
}

}  // namespace polars_redis::net
