// The plan reader: typed getters over a plan dict that reject the keys no getter asked for.
#include "plan_reader.hpp"

#include <algorithm>

#include <nanobind/stl/string.h>

namespace polars_redis::bindings {

namespace plan_detail {

namespace {

std::string python_type_name(nb::handle value) { return Py_TYPE(value.ptr())->tp_name; }

}  // namespace

void wrong_type(nb::handle value, const std::string& what, const char* expected) {
  throw Error(ErrorKind::kInvalidArgument, what + " must be " + expected + ", got " + python_type_name(value));
}

void out_of_range(nb::handle value, const std::string& what, const char* target) {
  const std::string text = nb::cast<std::string>(nb::str(value));
  throw Error(ErrorKind::kInvalidArgument, what + " is " + quote_for_message(text) + ", which does not fit in " + target);
}

bool is_int(nb::handle value) { return PyLong_Check(value.ptr()) && !PyBool_Check(value.ptr()); }

}  // namespace plan_detail

namespace {

// Edit distance counting an adjacent transposition as one edit ("pattren" is one from "pattern").
size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::vector<size_t>> d(a.size() + 1, std::vector<size_t>(b.size() + 1));
  for (size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[a.size()][b.size()];
}

// The known keys nearest to `unknown` (empty when none is near enough to be a likely misspelling).
std::vector<std::string> closest(const std::string& unknown, const std::vector<std::string>& known) {
  const size_t limit = std::max<size_t>(2, unknown.size() / 3);
  size_t best = limit + 1;
  std::vector<std::string> out;
  for (const std::string& name : known) {
    const size_t distance = edit_distance(unknown, name);
    if (distance < best) {
      best = distance;
      out.clear();
    }
    if (distance == best && std::find(out.begin(), out.end(), name) == out.end()) out.push_back(name);
  }
  return out;
}

std::string quoted_list(const std::vector<std::string>& names, const char* last_separator) {
  std::string out;
  for (size_t i = 0; i < names.size(); ++i) {
    if (i > 0) out += i + 1 == names.size() ? last_separator : ", ";
    out += "'" + quote_for_message(names[i]) + "'";
  }
  return out;
}

}  // namespace

nb::tuple cast_tuple(nb::handle value, size_t length, const std::string& what) {
  nb::tuple tuple = cast_value<nb::tuple>(value, what);
  if (tuple.size() != length) {
    throw Error(ErrorKind::kInvalidArgument,
                what + " must have " + std::to_string(length) + " items, got " + std::to_string(tuple.size()));
  }
  return tuple;
}

std::string text_or_bytes(nb::handle value, const std::string& what) {
  if (PyBytes_Check(value.ptr())) {
    auto data = nb::borrow<nb::bytes>(value);
    return std::string(data.c_str(), data.size());
  }
  if (!PyUnicode_Check(value.ptr())) plan_detail::wrong_type(value, what, "str or bytes");
  return nb::cast<std::string>(value);
}

PlanReader::PlanReader(nb::handle plan, std::string entry, std::string path)
    : entry_(std::move(entry)), path_(std::move(path)) {
  plan_ = cast_value<nb::dict>(plan, place(""));
}

bool PlanReader::has(const char* name) {
  if (std::find(known_.begin(), known_.end(), name) == known_.end()) known_.emplace_back(name);
  return plan_.contains(name) && !plan_[name].is_none();
}

PlanReader PlanReader::nested(const char* name) {
  if (!has(name)) missing(name);
  return inner(plan_[name], std::string("['") + name + "']");
}

PlanReader PlanReader::inner(nb::handle value, const std::string& subpath) const {
  return PlanReader(value, entry_, path_ + subpath);
}

std::optional<PlanReader> PlanReader::optional_nested(const char* name) {
  if (!has(name)) return std::nullopt;
  return nested(name);
}

std::string PlanReader::place(const std::string& subpath) const { return "plan" + path_ + subpath + " for " + entry_; }

void PlanReader::missing(const char* name) const {
  throw Error(ErrorKind::kInvalidArgument, describe(name) + " is required");
}

void PlanReader::finish() const {
  std::vector<std::string> unknown;
  for (auto [key, value] : plan_) {
    const std::string name = nb::cast<std::string>(nb::str(key));
    if (std::find(known_.begin(), known_.end(), name) == known_.end()) unknown.push_back(name);
  }
  if (unknown.empty()) return;
  std::string message = unknown.size() > 1 ? "unknown plan keys " : "unknown plan key ";
  message += quoted_list(unknown, ", ");
  if (!path_.empty()) message += " in plan" + path_;
  message += " for " + entry_;
  bool unmatched = false;
  for (const std::string& name : unknown) {
    const std::vector<std::string> near = closest(name, known_);
    if (near.empty()) {
      unmatched = true;
      continue;
    }
    message += "; did you mean " + quoted_list(near, " or ");
    if (unknown.size() > 1) message += " for '" + quote_for_message(name) + "'";
    message += "?";
  }
  if (unmatched) {
    std::vector<std::string> sorted = known_;
    std::sort(sorted.begin(), sorted.end());
    message += "; the known keys are " + quoted_list(sorted, ", ");
  }
  throw Error(ErrorKind::kInvalidArgument, message);
}

}  // namespace polars_redis::bindings
