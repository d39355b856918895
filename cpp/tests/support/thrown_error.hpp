#pragma once
// Test support: the Error a piece of code throws, for the test to check its kind and message.
#include <string>

#include <gtest/gtest.h>

#include "polars_redis/error.hpp"

namespace polars_redis::test_support {

// The Error `action` throws. When it throws none, the test fails with `unexpected` (whatever the
// returned placeholder then passes or fails).
template <typename Action>
Error thrown_error(Action action, const std::string& unexpected = "no error") {
  try {
    action();
  } catch (const Error& error) {
    return error;
  }
  ADD_FAILURE() << unexpected;
  return Error(ErrorKind::kInvalidArgument, "no error was thrown");
}

}  // namespace polars_redis::test_support
