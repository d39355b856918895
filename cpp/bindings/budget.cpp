// A scan's budget on the server (read/scan_pacer.hpp): read from the plan, and checked when the
// scan is built so that a bad value fails at scan_* time rather than at collect.
#include <optional>

#include <nanobind/stl/optional.h>

#include "bindings.hpp"

namespace polars_redis::bindings {

namespace {

read::ScanBudget make_budget(std::optional<double> max_server_share, std::optional<double> max_commands_per_second) {
  read::ScanBudget budget;
  if (max_server_share) budget.max_server_share = *max_server_share;
  if (max_commands_per_second) budget.max_commands_per_second = *max_commands_per_second;
  read::validate_budget(budget);
  return budget;
}

}  // namespace

read::ScanBudget budget_from_plan(PlanReader& plan) {
  return make_budget(plan.optional<double>("max_server_share"), plan.optional<double>("max_commands_per_second"));
}

void register_budget(nb::module_& m) {
  m.def(
      "validate_budget",
      [](std::optional<double> max_server_share, std::optional<double> max_commands_per_second) {
        make_budget(max_server_share, max_commands_per_second);
      },
      nb::arg("max_server_share") = nb::none(),
        nb::arg("max_commands_per_second") = nb::none(),
        "Raise ConfigurationError if max_server_share or max_commands_per_second is out of range.");
}

}  // namespace polars_redis::bindings
