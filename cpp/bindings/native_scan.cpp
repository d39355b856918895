// The one Python scan object: a background reader whose batches are pulled with the GIL released;
// and the entry points that start one.
#include <deque>

#include <nanobind/stl/string.h>

#include "bindings.hpp"
#include "polars_redis/net/interrupt.hpp"

namespace polars_redis::bindings {

namespace {

class NativeScan {
 public:
  NativeScan(read::BackgroundReader::Produce produce, int restarts, std::optional<read::RowNumbering> numbering)
      : reader_(std::make_unique<read::BackgroundReader>(std::move(produce), restarts, std::move(numbering))) {}

  nb::object next_batch() {
    std::optional<arrow::RecordBatch> batch;
    try {
      ReleasedGil release;
      const uint64_t seen = net::interrupt_count();
      batch = reader_->next([seen] { net::throw_if_interrupted(seen); });
    } catch (const net::Interrupted&) {
      close();  // the producer's waits give up too: no thread or connection is left behind
      throw;
    }
    if (!batch) return nb::none();
    return wrap_batch(std::move(*batch));
  }

  void close() {
    ReleasedGil release;
    reader_->cancel();
  }

 private:
  std::unique_ptr<read::BackgroundReader> reader_;
};

}  // namespace

void register_native_scan(nb::module_& m) {
  nb::class_<NativeScan>(m, "NativeScan", "A running scan producing Arrow batches on a background thread.")
      .def("next_batch", &NativeScan::next_batch,
           nb::sig("def next_batch(self) -> ArrowBatch | None"), "The next batch, or None when the scan is complete.")
      .def("close", &NativeScan::close, "Stop the scan and its background thread.");
}

nb::object make_native_scan(read::BackgroundReader::Produce produce, int restarts,
                            std::optional<read::RowNumbering> numbering) {
  return nb::cast(NativeScan(std::move(produce), restarts, std::move(numbering)), nb::rv_policy::move);
}

const char* plan_entry_signature(const std::string& name, const char* result) {
  static std::deque<std::string> signatures;  // stable addresses
  return signatures.emplace_back("def " + name + "(url: str, plan: dict[str, typing.Any]) -> " + result).c_str();
}

void def_native_scan(nb::module_& m, const char* name,
                     nb::object (*start)(const std::string& url, const nb::dict& plan),
                     const char* doc) {
  m.def(name, start, nb::sig(plan_entry_signature(name, "NativeScan")), nb::arg("url"), nb::arg("plan"), doc);
}

}  // namespace polars_redis::bindings
