#include "polars_redis/json/path.hpp"

namespace polars_redis::json {

namespace {
bool is_identifier(std::string_view name) {
  if (name.empty()) return false;
  for (size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    const bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    const bool digit = c >= '0' && c <= '9';
    if (!letter && !(digit && i > 0)) return false;
  }
  return true;
}
}  // namespace

std::string field_path(std::string_view name) {
  if (is_identifier(name)) return "$." + std::string(name);
  std::string path = "$[\"";
  for (char c : name) {
    if (c == '"' || c == '\\') path += '\\';
    path += c;
  }
  path += "\"]";
  return path;
}

bool is_definite(std::string_view path) {
  if (path.empty() || path[0] != '$') return false;
  size_t i = 1;
  while (i < path.size()) {
    if (path[i] == '.') {
      // `.name`: an identifier-like run; `..` or `.*` select several.
      size_t j = i + 1;
      while (j < path.size() && path[j] != '.' && path[j] != '[') ++j;
      std::string_view name = path.substr(i + 1, j - i - 1);
      if (name.empty() || name == "*") return false;
      i = j;
    } else if (path[i] == '[') {
      if (i + 1 >= path.size()) return false;
      const char open = path[i + 1];
      if (open == '"' || open == '\'') {
        // A quoted name: skip to the matching unescaped quote, which must close the bracket.
        size_t j = i + 2;
        while (j < path.size() && path[j] != open) j += path[j] == '\\' ? 2 : 1;
        if (j + 1 >= path.size() || path[j + 1] != ']') return false;
        i = j + 2;
      } else {
        // An index: optional minus sign and digits only.
        size_t j = i + 1;
        if (j < path.size() && path[j] == '-') ++j;
        const size_t digits = j;
        while (j < path.size() && path[j] >= '0' && path[j] <= '9') ++j;
        if (j == digits || j >= path.size() || path[j] != ']') return false;
        i = j + 1;
      }
    } else {
      return false;
    }
  }
  return true;
}

}  // namespace polars_redis::json
