#pragma once
// An Arrow C stream handed over by Polars (DataFrame.__arrow_c_stream__), read batch by batch as
// struct arrays whose children are the DataFrame's columns.
#include <memory>
#include <string>
#include <vector>

#include "polars_redis/arrow/c_data.hpp"
#include "polars_redis/arrow/column_view.hpp"

namespace polars_redis::arrow {

class ImportedStream {
 public:
  // Takes ownership of the stream (moves it out of `stream`, which is left released).
  explicit ImportedStream(ArrowArrayStream* stream);
  ~ImportedStream();
  ImportedStream(const ImportedStream&) = delete;
  ImportedStream& operator=(const ImportedStream&) = delete;

  // Column names in order, from the stream's schema.
  const std::vector<std::string>& names() const { return names_; }
  // Index of a column by name, or -1.
  int index_of(const std::string& name) const;

  // Loads the next batch; false at the end. Views from the previous batch become invalid.
  bool next();
  int64_t num_rows() const { return batch_.length; }
  const ColumnView& column(size_t i) const { return *columns_[i]; }

 private:
  void release_batch();
  ArrowArrayStream stream_{};
  ArrowSchema schema_{};
  ArrowArray batch_{};
  std::vector<std::string> names_;
  std::vector<std::unique_ptr<ColumnView>> columns_;
};

}  // namespace polars_redis::arrow
