#include "polars_redis/resp/command_text.hpp"

#include <charconv>

#include "polars_redis/error.hpp"

namespace polars_redis::resp {

namespace {

bool is_placeholder(std::string_view argument) {
  if (argument.size() < 3 || argument.front() != '<' || argument.back() != '>') return false;
  for (char c : argument.substr(1, argument.size() - 2)) {
    if (!(c >= 'a' && c <= 'z') && c != '_' && c != ' ') return false;
  }
  return true;
}

bool is_shell_safe(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         std::string_view("_@%+=:,./-").find(c) != std::string_view::npos;
}

// Reads "<marker><number>\r\n" at `pos`.
int64_t read_header(std::string_view encoded, size_t& pos, char marker) {
  const size_t end = encoded.find("\r\n", pos);
  if (pos >= encoded.size() || encoded[pos] != marker || end == std::string_view::npos) {
    throw Error(ErrorKind::kProtocol, "not an encoded command at byte " + std::to_string(pos));
  }
  int64_t value = -1;
  auto [ptr, ec] = std::from_chars(encoded.data() + pos + 1, encoded.data() + end, value);
  if (ec != std::errc() || ptr != encoded.data() + end || value < 0) {
    throw Error(ErrorKind::kProtocol, "not an encoded command at byte " + std::to_string(pos));
  }
  pos = end + 2;
  return value;
}

}  // namespace

std::string quote_argument(std::string_view argument) {
  if (argument.empty()) return "''";
  if (is_placeholder(argument)) return std::string(argument);
  bool safe = true;
  for (char c : argument) safe = safe && is_shell_safe(c);
  if (safe) return std::string(argument);
  std::string quoted = "'";
  for (char c : argument) quoted += c == '\'' ? std::string("'\"'\"'") : std::string(1, c);
  return quoted + "'";
}

std::vector<std::string> command_texts(std::string_view encoded) {
  std::vector<std::string> lines;
  size_t pos = 0;
  while (pos < encoded.size()) {
    const int64_t argc = read_header(encoded, pos, '*');
    std::string line;
    for (int64_t i = 0; i < argc; ++i) {
      const auto length = static_cast<size_t>(read_header(encoded, pos, '$'));
      if (pos + length + 2 > encoded.size()) throw Error(ErrorKind::kProtocol, "an encoded command is cut short");
      if (i > 0) line += ' ';
      line += quote_argument(encoded.substr(pos, length));
      pos += length + 2;
    }
    lines.push_back(std::move(line));
  }
  return lines;
}

}  // namespace polars_redis::resp
