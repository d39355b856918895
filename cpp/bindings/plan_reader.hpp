#pragma once
// Reading a plan: the dict the Python layer builds for one entry point (scan_hashes, write_json...).
// Every key asked for is recorded, present or not; finish() then rejects the keys nobody asked for,
// so a misspelt or stale key fails loudly instead of leaving an option at its default. Values are
// type-checked with an error naming the key, the type expected and the Python type received.
#include <cstdint>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include <nanobind/nanobind.h>

#include "polars_redis/error.hpp"

namespace polars_redis::bindings {

namespace nb = nanobind;

namespace plan_detail {

[[noreturn]] void wrong_type(nb::handle value, const std::string& what, const char* expected);
[[noreturn]] void out_of_range(nb::handle value, const std::string& what, const char* target);
bool is_int(nb::handle value);

}  // namespace plan_detail

// `value` as T, or ConfigurationError "<what> must be <type>, got <Python type>". Accepted: bool
// (True/False only), integers (int, not bool; checked against T's range), double (int or float),
// std::string (str), std::vector<std::string> (list or tuple of str), nb::list (list or tuple),
// nb::tuple (tuple or list), nb::dict.
template <typename T>
T cast_value(nb::handle value, const std::string& what) {
  using plan_detail::wrong_type;
  if constexpr (std::is_same_v<T, bool>) {
    if (!PyBool_Check(value.ptr())) wrong_type(value, what, "bool");
    return value.ptr() == Py_True;
  } else if constexpr (std::is_integral_v<T>) {
    if (!plan_detail::is_int(value)) wrong_type(value, what, "int");
    T out{};
    if (!nb::try_cast<T>(value, out, false)) {
      plan_detail::out_of_range(value, what, std::is_signed_v<T> ? "a signed integer" : "an unsigned integer");
    }
    return out;
  } else if constexpr (std::is_same_v<T, double>) {
    if (!PyFloat_Check(value.ptr()) && !plan_detail::is_int(value)) wrong_type(value, what, "float");
    return nb::cast<double>(value);
  } else if constexpr (std::is_same_v<T, std::string>) {
    if (!PyUnicode_Check(value.ptr())) wrong_type(value, what, "str");
    return nb::cast<std::string>(value);
  } else if constexpr (std::is_same_v<T, std::vector<std::string>>) {
    if (!PyList_Check(value.ptr()) && !PyTuple_Check(value.ptr())) wrong_type(value, what, "list[str]");
    std::vector<std::string> out;
    size_t i = 0;
    for (nb::handle item : nb::borrow<nb::sequence>(value)) {
      out.push_back(cast_value<std::string>(item, what + "[" + std::to_string(i++) + "]"));
    }
    return out;
  } else if constexpr (std::is_same_v<T, nb::list>) {
    if (PyList_Check(value.ptr())) return nb::borrow<nb::list>(value);
    if (!PyTuple_Check(value.ptr())) wrong_type(value, what, "list");
    return nb::steal<nb::list>(PySequence_List(value.ptr()));
  } else if constexpr (std::is_same_v<T, nb::tuple>) {
    if (PyTuple_Check(value.ptr())) return nb::borrow<nb::tuple>(value);
    if (!PyList_Check(value.ptr())) wrong_type(value, what, "tuple");
    return nb::steal<nb::tuple>(PySequence_Tuple(value.ptr()));
  } else if constexpr (std::is_same_v<T, nb::dict>) {
    if (!PyDict_Check(value.ptr())) wrong_type(value, what, "dict");
    return nb::borrow<nb::dict>(value);
  } else {
    static_assert(sizeof(T) == 0, "cast_value: unsupported plan value type");
  }
}

// A tuple (or list) of exactly `length` items, else ConfigurationError naming `what`.
nb::tuple cast_tuple(nb::handle value, size_t length, const std::string& what);

// A str or bytes value as the bytes to send (str as UTF-8), else ConfigurationError naming `what`.
std::string text_or_bytes(nb::handle value, const std::string& what);

class PlanReader {
 public:
  // `entry`: the entry point the plan is for; `path`: where a nested plan sits ("" at the top).
  PlanReader(nb::handle plan, std::string entry, std::string path = "");

  // Whether the key is present with a value other than None (the key counts as read).
  bool has(const char* name);

  // The value, or ConfigurationError when it is absent or None.
  template <typename T>
  T required(const char* name) {
    std::optional<T> value = optional<T>(name);
    if (!value) missing(name);
    return std::move(*value);
  }

  // The value, or nullopt when it is absent or None.
  template <typename T>
  std::optional<T> optional(const char* name) {
    if (!has(name)) return std::nullopt;
    return cast_value<T>(plan_[name], describe(name));
  }

  template <typename T>
  T get(const char* name, T fallback) {
    std::optional<T> value = optional<T>(name);
    return value ? std::move(*value) : std::move(fallback);
  }

  // A nested plan (a dict), read the same way; its own finish() checks its keys.
  PlanReader nested(const char* name);
  std::optional<PlanReader> optional_nested(const char* name);

  // A dict found inside this plan's values (e.g. a dtype in a list of fields) at `subpath`
  // ("['fields'][0][1]"), read as a nested plan.
  PlanReader inner(nb::handle value, const std::string& subpath) const;

  // "plan['fields'][0] for scan_hashes": how errors name a value at `subpath` of this plan.
  std::string place(const std::string& subpath) const;
  // place() of a key: "plan['name'] for scan_hashes".
  std::string describe(const std::string& name) const { return place("['" + name + "']"); }

  // ConfigurationError naming every key of the plan no getter asked for, the entry point and the
  // known keys closest to each.
  void finish() const;

 private:
  [[noreturn]] void missing(const char* name) const;

  nb::dict plan_;
  std::string entry_;
  std::string path_;
  std::vector<std::string> known_;
};

}  // namespace polars_redis::bindings
