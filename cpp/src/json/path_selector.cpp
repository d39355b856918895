#include "polars_redis/json/path_selector.hpp"

#include <algorithm>
#include <charconv>
#include <cstdint>

#include "polars_redis/error.hpp"
#include "polars_redis/json/path.hpp"

namespace polars_redis::json {

struct PathSelector::Step {
  enum class Kind { kNames, kWildcard, kIndexes, kSlice } kind;
  std::vector<std::string> names;
  std::vector<int64_t> indexes;
  std::optional<int64_t> start, end;
  int64_t step = 1;
};

namespace {

using Step = PathSelector::Step;

[[noreturn]] void refuse(std::string_view path, const std::string& why) {
  throw Error(ErrorKind::kInvalidArgument,
              "the JSONPath '" + quote_for_message(path) + "' cannot be evaluated without the server: " + why +
                  "; read it with snapshot=False (SCAN)");
}

// Reads a path that path_error() accepted into steps.
class PathReader {
 public:
  explicit PathReader(std::string_view path) : p_(path) {}

  std::vector<Step> read() {
    if (const auto problem = path_error(p_)) refuse(p_, *problem);
    i_ = 1;  // past '$'
    std::vector<Step> steps;
    while (spaces(), i_ < p_.size()) steps.push_back(step());
    return steps;
  }

 private:
  Step step() {
    if (eat('[')) return bracket();
    eat('.');
    if (peek() == '.') refuse(p_, "recursive descent ('..') is evaluated by the server");
    spaces();
    if (eat('*')) return Step{Step::Kind::kWildcard, {}, {}, {}, {}};
    if (eat('[')) return bracket();
    const size_t start = i_;
    while (i_ < p_.size() && p_[i_] != '.' && p_[i_] != '[' && p_[i_] != ' ') ++i_;
    return Step{Step::Kind::kNames, {std::string(p_.substr(start, i_ - start))}, {}, {}, {}};
  }

  Step bracket() {
    spaces();
    Step step{Step::Kind::kIndexes, {}, {}, {}, {}};
    if (eat('*')) {
      step.kind = Step::Kind::kWildcard;
    } else if (peek() == '?') {
      refuse(p_, "filters ('[?...]') are evaluated by the server");
    } else if (peek() == '\'' || peek() == '"') {
      step.kind = Step::Kind::kNames;
      do {
        spaces();
        step.names.push_back(quoted());
        spaces();
      } while (eat(','));
    } else {
      const std::optional<int64_t> first = number();
      spaces();
      if (eat(':')) {
        step.kind = Step::Kind::kSlice;
        step.start = first;
        spaces();
        step.end = number();
        spaces();
        if (eat(':')) {
          spaces();
          step.step = number().value_or(1);
        }
      } else {
        step.indexes.push_back(*first);
        while (spaces(), eat(',')) {
          spaces();
          step.indexes.push_back(*number());
        }
      }
    }
    spaces();
    eat(']');
    return step;
  }

  std::string quoted() {
    const char quote = p_[i_++];
    std::string name;
    while (p_[i_] != quote) {
      if (p_[i_] == '\\') ++i_;  // escapes only the quote or itself (path_error checked)
      name.push_back(p_[i_++]);
    }
    ++i_;
    return name;
  }

  std::optional<int64_t> number() {
    const size_t start = i_;
    if (peek() == '-') ++i_;
    while (i_ < p_.size() && p_[i_] >= '0' && p_[i_] <= '9') ++i_;
    if (i_ == start) return std::nullopt;
    int64_t value = 0;
    if (std::from_chars(p_.data() + start, p_.data() + i_, value).ec != std::errc()) {
      refuse(p_, "an index does not fit in 64 bits");
    }
    return value;
  }

  char peek() const { return i_ < p_.size() ? p_[i_] : '\0'; }
  bool eat(char c) {
    if (peek() != c) return false;
    ++i_;
    return true;
  }
  void spaces() {
    while (peek() == ' ') ++i_;
  }

  std::string_view p_;
  size_t i_ = 0;
};

// Walks well-formed JSON text: the spans of values, members and elements, without building a tree.
class JsonText {
 public:
  explicit JsonText(std::string_view text) : t_(text) {}

  // The value starting at or after `at` (leading whitespace skipped): its span.
  std::string_view value_at(size_t& at) const {
    skip_spaces(at);
    const size_t start = at;
    if (at >= t_.size()) malformed(at);
    const char c = t_[at];
    if (c == '"') {
      skip_string(at);
    } else if (c == '{' || c == '[') {
      skip_container(at);
    } else {
      while (at < t_.size() && std::string_view(",]} \t\r\n").find(t_[at]) == std::string_view::npos) ++at;
      if (at == start) malformed(at);
    }
    return t_.substr(start, at - start);
  }

  // Calls visit(key, value) for each member of the object `object` (a span from value_at), or
  // visit(index, value) for each element of an array; returns false when `value` is neither.
  template <typename Visit>
  static bool members(std::string_view value, Visit&& visit) {
    if (value.empty() || (value[0] != '{' && value[0] != '[')) return false;
    const bool object = value[0] == '{';
    const JsonText text(value);
    size_t at = 1;
    text.skip_spaces(at);
    if (at < value.size() && value[at] == (object ? '}' : ']')) return true;
    for (size_t index = 0;; ++index) {
      std::string key;
      if (object) {
        text.skip_spaces(at);
        key = text.string_at(at);
        text.skip_spaces(at);
        text.expect(at, ':');
      }
      const std::string_view member = text.value_at(at);
      if (object) {
        visit(std::string_view(key), index, member);
      } else {
        visit(std::string_view(), index, member);
      }
      text.skip_spaces(at);
      if (at < value.size() && value[at] == ',') {
        ++at;
        continue;
      }
      text.expect(at, object ? '}' : ']');
      return true;
    }
  }

 private:
  [[noreturn]] void malformed(size_t at) const {
    throw Error(ErrorKind::kProtocol, "a JSON document in the snapshot is malformed near byte " + std::to_string(at) +
                                          ": " + quote_for_message(t_.substr(at > 20 ? at - 20 : 0, 40)));
  }
  void expect(size_t& at, char c) const {
    if (at >= t_.size() || t_[at] != c) malformed(at);
    ++at;
  }
  void skip_spaces(size_t& at) const {
    while (at < t_.size() && (t_[at] == ' ' || t_[at] == '\t' || t_[at] == '\n' || t_[at] == '\r')) ++at;
  }
  void skip_string(size_t& at) const {
    ++at;
    while (at < t_.size() && t_[at] != '"') at += t_[at] == '\\' ? 2 : 1;
    expect(at, '"');
  }
  void skip_container(size_t& at) const {
    std::string open;
    do {
      if (at >= t_.size()) malformed(at);
      const char c = t_[at];
      if (c == '"') {
        skip_string(at);
        continue;
      }
      if (c == '{' || c == '[') open.push_back(c == '{' ? '}' : ']');
      if (c == '}' || c == ']') {
        if (open.empty() || open.back() != c) malformed(at);
        open.pop_back();
      }
      ++at;
    } while (!open.empty());
  }
  static void append_utf8(uint32_t code, std::string& out) {
    if (code < 0x80) {
      out.push_back(static_cast<char>(code));
    } else if (code < 0x800) {
      out.push_back(static_cast<char>(0xC0 | (code >> 6)));
      out.push_back(static_cast<char>(0x80 | (code & 0x3F)));
    } else if (code < 0x10000) {
      out.push_back(static_cast<char>(0xE0 | (code >> 12)));
      out.push_back(static_cast<char>(0x80 | ((code >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (code & 0x3F)));
    } else {
      out.push_back(static_cast<char>(0xF0 | (code >> 18)));
      out.push_back(static_cast<char>(0x80 | ((code >> 12) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | ((code >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (code & 0x3F)));
    }
  }
  uint32_t hex4(size_t at) const {
    uint32_t code = 0;
    if (at + 4 > t_.size() || std::from_chars(t_.data() + at, t_.data() + at + 4, code, 16).ptr != t_.data() + at + 4) {
      malformed(at);
    }
    return code;
  }
  // A member name, unescaped (keys are compared with the path's names as text).
  std::string string_at(size_t& at) const {
    expect(at, '"');
    std::string out;
    while (at < t_.size() && t_[at] != '"') {
      if (t_[at] != '\\') {
        out.push_back(t_[at++]);
        continue;
      }
      if (at + 1 >= t_.size()) malformed(at);
      const char e = t_[at + 1];
      at += 2;
      switch (e) {
        case 'b': out.push_back('\b'); break;
        case 'f': out.push_back('\f'); break;
        case 'n': out.push_back('\n'); break;
        case 'r': out.push_back('\r'); break;
        case 't': out.push_back('\t'); break;
        case 'u': {
          uint32_t code = hex4(at);
          at += 4;
          if (code >= 0xD800 && code < 0xDC00 && at + 6 <= t_.size() && t_[at] == '\\' && t_[at + 1] == 'u') {
            const uint32_t low = hex4(at + 2);
            if (low >= 0xDC00 && low < 0xE000) {
              code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00);
              at += 6;
            }
          }
          append_utf8(code, out);
          break;
        }
        default: out.push_back(e);  // '"', '\\', '/'
      }
    }
    expect(at, '"');
    return out;
  }

  std::string_view t_;
};

// The array element positions `step` selects from an array of `size` elements, in order.
std::vector<size_t> positions(const Step& step, size_t size) {
  const auto n = static_cast<int64_t>(size);
  std::vector<size_t> out;
  if (step.kind == Step::Kind::kIndexes) {
    for (int64_t index : step.indexes) {
      if (index < 0) index = std::max<int64_t>(n + index, 0);
      if (index < n) out.push_back(static_cast<size_t>(index));
    }
    return out;
  }
  const auto bound = [n](std::optional<int64_t> value, int64_t otherwise) {
    if (!value) return otherwise;
    return std::clamp<int64_t>(*value < 0 ? n + *value : *value, 0, n);
  };
  const int64_t end = bound(step.end, n);
  for (int64_t i = bound(step.start, 0); i < end; i = step.step > end - i ? end : i + step.step) {
    out.push_back(static_cast<size_t>(i));
  }
  return out;
}

void apply(const Step& step, std::string_view value, std::vector<std::string_view>& out) {
  const bool object = !value.empty() && value[0] == '{';
  switch (step.kind) {
    case Step::Kind::kWildcard:
      JsonText::members(value, [&](std::string_view, size_t, std::string_view member) { out.push_back(member); });
      return;
    case Step::Kind::kNames: {
      if (!object) return;
      std::vector<std::pair<std::string, std::string_view>> found;
      JsonText::members(value, [&](std::string_view key, size_t, std::string_view member) {
        if (std::find(step.names.begin(), step.names.end(), key) != step.names.end()) found.emplace_back(key, member);
      });
      for (const std::string& name : step.names) {
        for (const auto& [key, member] : found) {
          if (key == name) {
            out.push_back(member);
            break;
          }
        }
      }
      return;
    }
    case Step::Kind::kIndexes:
    case Step::Kind::kSlice: {
      if (value.empty() || value[0] != '[') return;
      std::vector<std::string_view> elements;
      JsonText::members(value, [&](std::string_view, size_t, std::string_view element) { elements.push_back(element); });
      for (size_t position : positions(step, elements.size())) out.push_back(elements[position]);
      return;
    }
  }
}

}  // namespace

PathSelector::PathSelector(std::string_view path) : steps_(PathReader(path).read()) {}
PathSelector::~PathSelector() = default;
PathSelector::PathSelector(PathSelector&&) noexcept = default;
PathSelector& PathSelector::operator=(PathSelector&&) noexcept = default;

std::vector<std::string_view> PathSelector::select(std::string_view document) const {
  size_t at = 0;
  std::vector<std::string_view> current{JsonText(document).value_at(at)};
  std::vector<std::string_view> next;
  for (const Step& step : steps_) {
    next.clear();
    for (std::string_view value : current) apply(step, value, next);
    current.swap(next);
  }
  return current;
}

std::optional<std::string> client_path_error(std::string_view path) {
  try {
    PathSelector{path};
  } catch (const Error& error) {
    return std::string(error.what());
  }
  return std::nullopt;
}

}  // namespace polars_redis::json
