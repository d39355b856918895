#pragma once
// Row numbers of the row index column, which is UInt32 as Polars' with_row_index makes it.
#include <cstdint>
#include <string>

namespace polars_redis::read {

inline constexpr int64_t kRowIndexMax = 4294967295;  // UInt32 max

// `offset + row`, or an InvalidArgument error naming `column` when that passes kRowIndexMax:
// a wrapped or missing number would give a wrong row index or uneven columns.
int64_t row_index_value(int64_t offset, int64_t row, const std::string& column);

}  // namespace polars_redis::read
