#include "polars_redis/json/path.hpp"

#include <string>

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

namespace {

// A recursive-descent reader of one path; `error` records the first problem and its position.
class PathChecker {
 public:
  explicit PathChecker(std::string_view path) : p_(path) {}

  std::optional<std::string> check() {
    if (!eat('$')) return error("it must start with '$'");
    // RedisJSON reads anything else (`$a`, `$ .a`) as a legacy path, whose replies differ.
    if (!done() && p_[i_] != '.' && p_[i_] != '[') return error("expected '.' or '[' right after '$'");
    while (!error_ && (skip_spaces(), !done())) step();
    if (error_) return error_;
    return std::nullopt;
  }

 private:
  static bool is_literal_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           std::string_view("-_`~+#%$^/:").find(c) != std::string_view::npos;
  }
  static bool is_digit(char c) { return c >= '0' && c <= '9'; }

  bool done() const { return i_ >= p_.size(); }
  bool eat(char c) {
    if (done() || p_[i_] != c) return false;
    ++i_;
    return true;
  }
  // The grammar lets spaces stand between tokens.
  void skip_spaces() {
    while (!done() && p_[i_] == ' ') ++i_;
  }
  std::optional<std::string> error(const std::string& what) {
    if (!error_) {
      error_ = what + (done() ? " (at the end)" : " (at character " + std::to_string(i_ + 1) + ")");
    }
    return error_;
  }

  void literal() {
    const size_t start = i_;
    while (!done() && is_literal_char(p_[i_])) ++i_;
    if (i_ == start) error("expected a field name (letters, digits or -_`~+#%$^/:), '*' or '['");
  }

  void step() {
    if (eat('[')) return bracket();
    if (!eat('.')) {
      error("expected '.', '..' or '['");
      return;
    }
    eat('.');  // `..` (descent) takes the same steps as `.`
    skip_spaces();
    if (eat('*')) return;
    if (eat('[')) return bracket();
    literal();
  }

  // -?[1-9][0-9]* or -?[0-9]
  bool number(bool allow_negative = true) {
    const size_t start = i_;
    if (allow_negative) eat('-');
    if (done() || !is_digit(p_[i_])) {
      i_ = start;
      return false;
    }
    if (p_[i_++] == '0') return true;
    while (!done() && is_digit(p_[i_])) ++i_;
    return true;
  }

  void bracket() {
    skip_spaces();
    if (eat('*')) return close_bracket();
    if (eat('?')) return filter();
    if (!done() && (p_[i_] == '\'' || p_[i_] == '"')) {
      do {
        skip_spaces();
        if (!quoted()) return;
        skip_spaces();
      } while (eat(','));
      return close_bracket();
    }
    // Indexes `n,m`, or a slice `[a]:[b][:[step]]` with a positive step.
    const bool first = number();
    skip_spaces();
    if (eat(':')) {
      skip_spaces();
      number();
      skip_spaces();
      if (eat(':')) {
        skip_spaces();
        if (!done() && is_digit(p_[i_]) && p_[i_] == '0') {
          error("a slice step must be a positive integer");
          return;
        }
        number(false);
      }
      return close_bracket();
    }
    if (!first) {
      error("expected an index, a slice, a quoted name, '*' or '?' inside '['");
      return;
    }
    while (skip_spaces(), eat(',')) {
      skip_spaces();
      if (!number()) {
        error("expected an index after ','");
        return;
      }
    }
    close_bracket();
  }

  void close_bracket() {
    skip_spaces();
    if (!eat(']')) error("expected ']'");
  }

  // '...' or "...": the other quote may appear inside; a backslash escapes only the quote or itself.
  bool quoted() {
    const char quote = p_[i_];
    if (quote != '\'' && quote != '"') {
      error("expected a quoted name");
      return false;
    }
    ++i_;
    while (!done() && p_[i_] != quote) {
      if (p_[i_] == '\\') {
        if (i_ + 1 >= p_.size() || (p_[i_ + 1] != quote && p_[i_ + 1] != '\\')) {
          ++i_;
          error(std::string("a backslash in a quoted name may only escape ") + quote + " or \\");
          return false;
        }
        ++i_;
      }
      ++i_;
    }
    if (!eat(quote)) {
      error(std::string("unterminated quoted name: expected ") + quote);
      return false;
    }
    return true;
  }

  // `[?...]`: brackets, parentheses and braces balanced and quotes closed up to the final ']'.
  void filter() {
    std::string open;
    const size_t start = i_;
    while (!done()) {
      const char c = p_[i_];
      if (c == '\'' || c == '"') {
        if (!quoted()) return;
        continue;
      }
      if (c == ']' && open.empty()) break;
      if (c == '(' || c == '[' || c == '{') open.push_back(c == '(' ? ')' : c == '[' ? ']' : '}');
      if (c == ')' || c == ']' || c == '}') {
        if (open.empty() || open.back() != c) {
          error(std::string("unbalanced '") + c + "' in the filter");
          return;
        }
        open.pop_back();
      }
      ++i_;
    }
    if (!open.empty()) {
      error(std::string("unclosed filter: expected '") + open.back() + "'");
      return;
    }
    if (p_.substr(start, i_ - start).find_first_not_of(' ') == std::string_view::npos) {
      error("empty filter after '?'");
      return;
    }
    close_bracket();
  }

  std::string_view p_;
  size_t i_ = 0;
  std::optional<std::string> error_;
};

}  // namespace

std::optional<std::string> path_error(std::string_view path) { return PathChecker(path).check(); }

}  // namespace polars_redis::json
