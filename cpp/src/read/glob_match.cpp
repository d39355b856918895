#include "polars_redis/read/glob_match.hpp"

namespace polars_redis::read {

namespace {

// The server compares pattern bytes as C `char`, signed on the platforms it runs on; class ranges
// use that order, so bytes >= 0x80 sort before ASCII there. Kept for identical answers.
int as_char(char c) { return static_cast<signed char>(c); }

class Matcher {
 public:
  explicit Matcher(std::string_view pattern) : pattern_(pattern) {}

  // Matches pattern_[p..] against text; sets give_up_ when no longer match of an earlier '*'
  // can help (the rest of the pattern fails from every later start).
  bool match(size_t p, std::string_view text, int depth) {
    if (depth > kMaxDepth) return false;  // the server's own guard against abusive patterns
    size_t t = 0;
    while (p < pattern_.size() && t < text.size()) {
      const char c = pattern_[p];
      if (c == '*') {
        while (at(p + 1) == '*' && p + 1 < pattern_.size()) ++p;
        if (p + 1 == pattern_.size()) return true;
        for (; t < text.size(); ++t) {
          if (match(p + 1, text.substr(t), depth + 1)) return true;
          if (give_up_) return false;
        }
        give_up_ = true;
        return false;
      }
      if (c == '?') {
        ++t;
      } else if (c == '[') {
        if (!match_class(p, text[t])) return false;
        ++t;
      } else {
        if (c == '\\' && p + 1 < pattern_.size()) ++p;
        if (pattern_[p] != text[t]) return false;
        ++t;
      }
      ++p;
      if (t == text.size()) {
        while (p < pattern_.size() && pattern_[p] == '*') ++p;
        break;
      }
    }
    return p >= pattern_.size() && t == text.size();
  }

 private:
  static constexpr int kMaxDepth = 1000;

  // The pattern byte at i, or NUL past the end (the server reads its terminator there).
  char at(size_t i) const { return i < pattern_.size() ? pattern_[i] : '\0'; }

  // On entry p is at '['; on exit at the class's closing ']' (or the pattern's last byte when the
  // class is unterminated: then everything after '[' belongs to it).
  bool match_class(size_t& p, char ch) {
    ++p;
    const bool negate = at(p) == '^';
    if (negate) ++p;
    bool found = false;
    for (;; ++p) {
      const size_t left = p < pattern_.size() ? pattern_.size() - p : 0;
      if (at(p) == '\\' && left >= 2) {
        ++p;
        if (pattern_[p] == ch) found = true;
      } else if (left > 0 && pattern_[p] == ']') {
        break;
      } else if (left == 0) {
        --p;
        break;
      } else if (left >= 3 && pattern_[p + 1] == '-') {
        int lo = as_char(pattern_[p]), hi = as_char(pattern_[p + 2]);
        if (lo > hi) std::swap(lo, hi);
        const int c = as_char(ch);
        if (c >= lo && c <= hi) found = true;
        p += 2;
      } else if (pattern_[p] == ch) {
        found = true;
      }
    }
    return found != negate;
  }

  std::string_view pattern_;
  bool give_up_ = false;
};

}  // namespace

bool glob_match(std::string_view pattern, std::string_view text) {
  // SCAN treats a lone "*" as no filter at all, so it also keeps the empty key.
  if (pattern == "*") return true;
  // Otherwise, like the server's matcher, an empty text matches only the empty pattern.
  if (pattern.empty() || text.empty()) return pattern.empty() && text.empty();
  return Matcher(pattern).match(0, text, 0);
}

}  // namespace polars_redis::read
