// A finished RecordBatch as a Python object speaking the Arrow PyCapsule interface, so that
// pl.DataFrame(batch) imports it without copying; and the frames that cross the other way.
#include <cstdlib>

#include "bindings.hpp"

namespace polars_redis::bindings {

namespace {

struct ArrowBatch {
  arrow::RecordBatch batch;
  bool exported = false;
};

void release_schema_capsule(void* p) noexcept {
  auto* schema = static_cast<ArrowSchema*>(p);
  if (schema->release) schema->release(schema);
  delete schema;
}

void release_array_capsule(void* p) noexcept {
  auto* array = static_cast<ArrowArray*>(p);
  if (array->release) array->release(array);
  delete array;
}

nb::tuple export_capsules(ArrowBatch& self, nb::handle requested_schema) {
  if (self.exported) throw nb::value_error("this batch was already exported (the Arrow C interface moves it)");
  auto* schema = new ArrowSchema{};
  auto* array = new ArrowArray{};
  self.batch.export_to(schema, array);
  self.exported = true;
  return arrow_capsules(schema, array);
}

}  // namespace

nb::tuple arrow_capsules(ArrowSchema* schema, ArrowArray* array) {
  nb::capsule schema_capsule(schema, "arrow_schema", release_schema_capsule);
  nb::capsule array_capsule(array, "arrow_array", release_array_capsule);
  return nb::make_tuple(schema_capsule, array_capsule);
}

void register_arrow_batch(nb::module_& m) {
  def_arrow_batch_class<ArrowBatch>(m, "ArrowBatch", "One batch of rows from a scan (Arrow struct array).",
                                    &ArrowBatch::batch, &export_capsules);
}

ArrowArrayStream* stream_from_capsule(nb::handle capsule) {
  void* pointer = PyCapsule_GetPointer(capsule.ptr(), "arrow_array_stream");
  if (pointer == nullptr) throw nb::python_error();
  return static_cast<ArrowArrayStream*>(pointer);
}

nb::object wrap_batch(arrow::RecordBatch batch) {
  return nb::cast(ArrowBatch{std::move(batch)}, nb::rv_policy::move);
}

}  // namespace polars_redis::bindings
