// A scan's budget on the server (read/scan_pacer.hpp): read from the plan, and checked when the
// scan is built so that a bad value fails at scan_* time rather than at collect.
#include "bindings.hpp"

namespace polars_redis::bindings {

read::ScanBudget budget_from_plan(const nb::dict& plan) {
  read::ScanBudget budget;
  if (plan.contains("max_server_share") && !plan["max_server_share"].is_none()) {
    budget.max_server_share = nb::cast<double>(plan["max_server_share"]);
  }
  if (plan.contains("max_commands_per_second") && !plan["max_commands_per_second"].is_none()) {
    budget.max_commands_per_second = nb::cast<double>(plan["max_commands_per_second"]);
  }
  read::validate_budget(budget);
  return budget;
}

void register_budget(nb::module_& m) {
  m.def("validate_budget", [](const nb::dict& plan) { budget_from_plan(plan); }, nb::arg("plan"),
        "Raise ConfigurationError if plan's max_server_share or max_commands_per_second is out of range.");
}

}  // namespace polars_redis::bindings
