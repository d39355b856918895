// The cluster key scan as a Python scan object. Shards produce batches concurrently, so a row's
// position in the output is known only when the consumer takes its batch: the row index column
// is built here and joined to the batch at the Arrow C Data Interface level (no copy of the
// other columns).
#include <cstdlib>
#include <vector>

#include "cluster_scan.hpp"
#include "polars_redis/arrow/owner_release.hpp"
#include "polars_redis/net/cluster_topology.hpp"
#include "polars_redis/net/read_restarts.hpp"
#include "polars_redis/read/row_index.hpp"

namespace polars_redis::bindings {

namespace {

// The parent structs whose children the joined struct borrows; released with it.
struct JoinedSchema {
  std::vector<ArrowSchema> parents;
  std::vector<ArrowSchema*> children;
};
struct JoinedArray {
  std::vector<ArrowArray> parents;
  std::vector<ArrowArray*> children;
  const void* buffers[1] = {nullptr};  // a struct array's validity: none
};

// A batch whose row index column is joined in front of the scan's columns when exported.
struct IndexedBatch {
  arrow::RecordBatch index;
  arrow::RecordBatch values;
  bool exported = false;
};

nb::tuple export_indexed(IndexedBatch& self, nb::handle) {
  if (self.exported) throw nb::value_error("this batch was already exported (the Arrow C interface moves it)");
  auto schema_joined = std::make_unique<JoinedSchema>();
  auto array_joined = std::make_unique<JoinedArray>();
  schema_joined->parents.resize(2);
  array_joined->parents.resize(2);
  const int64_t rows = self.values.num_rows();
  self.index.export_to(&schema_joined->parents[0], &array_joined->parents[0]);
  self.values.export_to(&schema_joined->parents[1], &array_joined->parents[1]);
  self.exported = true;
  for (int p = 0; p < 2; ++p) {
    for (int64_t c = 0; c < schema_joined->parents[p].n_children; ++c) {
      schema_joined->children.push_back(schema_joined->parents[p].children[c]);
      array_joined->children.push_back(array_joined->parents[p].children[c]);
    }
  }
  auto* schema = new ArrowSchema{};
  schema->format = "+s";
  schema->name = "";
  schema->n_children = static_cast<int64_t>(schema_joined->children.size());
  schema->children = schema_joined->children.data();
  schema->release = arrow::release_owner<JoinedSchema, ArrowSchema, &JoinedSchema::parents>;
  schema->private_data = schema_joined.release();
  auto* array = new ArrowArray{};
  array->length = rows;
  array->n_buffers = 1;
  array->n_children = static_cast<int64_t>(array_joined->children.size());
  array->buffers = array_joined->buffers;
  array->children = array_joined->children.data();
  array->release = arrow::release_owner<JoinedArray, ArrowArray, &JoinedArray::parents>;
  array->private_data = array_joined.release();
  return arrow_capsules(schema, array);
}

class ClusterScan {
 public:
  ClusterScan(read::KeyScanOptions options, read::FetcherFactory make_fetcher)
      : index_(options.include_row_index ? std::optional<std::string>(options.row_index_column_name) : std::nullopt),
        offset_(options.row_index_offset),
        reader_(std::make_unique<read::BackgroundReader>(
            [options, make_fetcher = std::move(make_fetcher)](read::BatchQueue& queue) {
              read::run_cluster_key_scan(options, make_fetcher, queue);
            },
            options.connection.retries)) {}

  nb::object next_batch() {
    std::optional<arrow::RecordBatch> batch;
    {
      ReleasedGil release;
      batch = reader_->next();
    }
    if (!batch) return nb::none();
    if (!index_) return wrap_batch(std::move(*batch));
    arrow::BatchBuilder builder;
    arrow::ColumnBuilder& column = builder.add_column(*index_, DataType::of(TypeId::kUInt32));
    column.reserve(batch->num_rows());
    for (int64_t i = 0; i < batch->num_rows(); ++i) {
      column.append_int64(read::row_index_value(offset_, rows_++, *index_));
    }
    return nb::cast(IndexedBatch{builder.finish(), std::move(*batch)}, nb::rv_policy::move);
  }

  void close() {
    ReleasedGil release;
    reader_->cancel();
  }

 private:
  std::optional<std::string> index_;
  int64_t offset_;
  int64_t rows_ = 0;  // rows numbered so far
  std::unique_ptr<read::BackgroundReader> reader_;
};

}  // namespace

bool reaches_cluster(const net::ConnectionOptions& options) {
  ReleasedGil release;
  return net::is_cluster(options);
}

bool read_reaches_cluster(const net::ConnectionOptions& options) {
  return net::with_read_restarts(options.retries, [&] { return reaches_cluster(options); });
}

nb::object make_cluster_key_scan(read::KeyScanOptions options, read::FetcherFactory make_fetcher) {
  return nb::cast(ClusterScan(std::move(options), std::move(make_fetcher)), nb::rv_policy::move);
}

void register_cluster_scan(nb::module_& m) {
  register_cluster_writes(m);
  register_cluster_nodes(m);
  m.def("cluster_key_slot", [](nb::bytes key) { return net::key_slot(std::string_view(key.c_str(), key.size())); },
        nb::arg("key"), "The Redis Cluster hash slot of a key (CRC16 of its hash tag, mod 16384).");
  def_arrow_batch_class<IndexedBatch>(m, "ClusterIndexedBatch", "A batch of a cluster scan with its row index column.",
                                      &IndexedBatch::values, &export_indexed);
  nb::class_<ClusterScan>(m, "ClusterScan", "A key scan over every shard of a Redis Cluster.")
      .def("next_batch", &ClusterScan::next_batch,
           nb::sig("def next_batch(self) -> ClusterIndexedBatch | ArrowBatch | None"),
           "The next batch, or None when the scan is complete.")
      .def("close", &ClusterScan::close, "Stop the scan and its shard threads.");
}

}  // namespace polars_redis::bindings
