// Reads the hashes matching a pattern through the polars-redis C++ core into an Arrow C stream
// (ArrowArrayStream), then walks the exported arrays the way any Arrow consumer would.
//
//   read_hashes URL PATTERN FIELD[:TYPE]...      TYPE: string (default), int64, float64
//
// Prints the schema, the row count, the first rows, and the sum of every int64/float64 column.
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <exception>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "polars_redis/arrow/c_data.hpp"
#include "polars_redis/arrow/record_batch.hpp"
#include "polars_redis/error.hpp"
#include "polars_redis/net/url.hpp"
#include "polars_redis/read/background_reader.hpp"
#include "polars_redis/read/hash_fetcher.hpp"
#include "polars_redis/read/key_scan.hpp"

namespace pr = polars_redis;

namespace {

// ---------------------------------------------------------------------------------------------
// An ArrowArrayStream over the core's BackgroundReader: the scan runs on the reader's thread and
// each get_next() hands over one finished batch (a struct array, one child per column).

struct StreamState {
  std::unique_ptr<pr::read::BackgroundReader> reader;
  pr::read::KeyScanOptions scan;
  pr::read::HashFetchOptions fetch;
  std::string last_error;
};

// The schema without waiting for data: the same columns, in the same order, that run_key_scan
// builds (the key column, then the fetcher's), exported from an empty batch.
int stream_get_schema(ArrowArrayStream* stream, ArrowSchema* out) {
  auto* state = static_cast<StreamState*>(stream->private_data);
  try {
    pr::arrow::BatchBuilder builder;
    if (state->scan.include_key) builder.add_column(state->scan.key_column_name, pr::DataType::of(pr::TypeId::kString));
    pr::read::HashFetcher(state->fetch).add_columns(builder);
    ArrowArray empty;
    builder.finish().export_to(out, &empty);
    empty.release(&empty);
    return 0;
  } catch (const std::exception& error) {
    state->last_error = error.what();
    return EIO;
  }
}

int stream_get_next(ArrowArrayStream* stream, ArrowArray* out) {
  auto* state = static_cast<StreamState*>(stream->private_data);
  try {
    std::optional<pr::arrow::RecordBatch> batch = state->reader->next();
    if (!batch) {
      out->release = nullptr;  // end of stream, as the C stream interface specifies
      return 0;
    }
    ArrowSchema schema;
    batch->export_to(&schema, out);
    schema.release(&schema);
    return 0;
  } catch (const std::exception& error) {
    state->last_error = error.what();
    return EIO;
  }
}

const char* stream_get_last_error(ArrowArrayStream* stream) {
  auto* state = static_cast<StreamState*>(stream->private_data);
  return state->last_error.empty() ? nullptr : state->last_error.c_str();
}

void stream_release(ArrowArrayStream* stream) {
  auto* state = static_cast<StreamState*>(stream->private_data);
  state->reader.reset();  // cancels and joins the scan thread before the options it reads go away
  delete state;
  stream->release = nullptr;
}

void open_hash_stream(pr::read::KeyScanOptions scan, pr::read::HashFetchOptions fetch, ArrowArrayStream* out) {
  auto* state = new StreamState{nullptr, std::move(scan), std::move(fetch), {}};
  state->reader = std::make_unique<pr::read::BackgroundReader>([state](pr::read::BatchQueue& queue) {
    pr::read::HashFetcher fetcher(state->fetch);
    pr::read::run_key_scan(state->scan, fetcher, queue);
  });
  out->get_schema = stream_get_schema;
  out->get_next = stream_get_next;
  out->get_last_error = stream_get_last_error;
  out->release = stream_release;
  out->private_data = state;
}

// ---------------------------------------------------------------------------------------------
// Reading the exported arrays: validity bitmap, then the values by Arrow format.

bool is_valid(const ArrowArray& array, int64_t row) {
  const auto* bits = static_cast<const uint8_t*>(array.buffers[0]);
  if (bits == nullptr) return true;
  const int64_t i = array.offset + row;
  return (bits[i / 8] >> (i % 8)) & 1;
}

// Utf8View ("vu"): 16-byte views; up to 12 bytes inline, longer ones point into a data buffer.
std::string_view string_view_at(const ArrowArray& array, int64_t row) {
  const auto* view = static_cast<const uint8_t*>(array.buffers[1]) + 16 * (array.offset + row);
  int32_t length;
  std::memcpy(&length, view, 4);
  if (length <= 12) return {reinterpret_cast<const char*>(view + 4), static_cast<size_t>(length)};
  int32_t buffer_index, offset;
  std::memcpy(&buffer_index, view + 8, 4);
  std::memcpy(&offset, view + 12, 4);
  return {static_cast<const char*>(array.buffers[2 + buffer_index]) + offset, static_cast<size_t>(length)};
}

std::string cell(const ArrowSchema& schema, const ArrowArray& array, int64_t row) {
  if (!is_valid(array, row)) return "null";
  const std::string_view format = schema.format;
  if (format == "vu") return std::string(string_view_at(array, row));
  if (format == "l") return std::to_string(static_cast<const int64_t*>(array.buffers[1])[array.offset + row]);
  if (format == "g") {
    char text[32];
    std::snprintf(text, sizeof text, "%.17g", static_cast<const double*>(array.buffers[1])[array.offset + row]);
    return text;
  }
  return "<" + std::string(format) + ">";
}

double number(const ArrowSchema& schema, const ArrowArray& array, int64_t row) {
  if (std::string_view(schema.format) == "l") return static_cast<double>(static_cast<const int64_t*>(array.buffers[1])[array.offset + row]);
  return static_cast<const double*>(array.buffers[1])[array.offset + row];
}

pr::DataType parse_type(std::string_view name) {
  if (name == "string") return pr::DataType::of(pr::TypeId::kString);
  if (name == "int64") return pr::DataType::of(pr::TypeId::kInt64);
  if (name == "float64") return pr::DataType::of(pr::TypeId::kFloat64);
  throw pr::Error(pr::ErrorKind::kInvalidArgument, "unknown type '" + std::string(name) + "' (string, int64, float64)");
}

int run(int argc, char** argv) {
  if (argc < 4) {
    std::fprintf(stderr, "usage: %s URL PATTERN FIELD[:string|int64|float64]...\n", argv[0]);
    return 2;
  }
  pr::read::KeyScanOptions scan;
  scan.connection = pr::net::parse_url(argv[1]);
  scan.pattern = argv[2];
  scan.type_filter = "hash";
  pr::read::HashFetchOptions fetch;
  for (int i = 3; i < argc; ++i) {
    const std::string_view spec = argv[i];
    const size_t colon = spec.find(':');
    fetch.fields.push_back({std::string(spec.substr(0, colon)),
                            parse_type(colon == std::string_view::npos ? "string" : spec.substr(colon + 1))});
  }

  ArrowArrayStream stream;
  open_hash_stream(std::move(scan), std::move(fetch), &stream);

  ArrowSchema schema;
  if (stream.get_schema(&stream, &schema) != 0) throw pr::Error(pr::ErrorKind::kInvalidArgument, stream.get_last_error(&stream));
  std::printf("schema");
  for (int64_t c = 0; c < schema.n_children; ++c) std::printf(" %s:%s", schema.children[c]->name, schema.children[c]->format);
  std::printf("\n");

  const int64_t columns = schema.n_children;
  std::vector<double> sums(columns, 0.0);
  int64_t rows = 0, batches = 0, printed = 0;
  for (;;) {
    ArrowArray batch;
    if (stream.get_next(&stream, &batch) != 0) {
      const std::string message = stream.get_last_error(&stream);
      schema.release(&schema);
      stream.release(&stream);
      throw std::runtime_error(message);
    }
    if (batch.release == nullptr) break;
    ++batches;
    for (int64_t row = 0; row < batch.length; ++row) {
      for (int64_t c = 0; c < columns; ++c) {
        const std::string_view format = schema.children[c]->format;
        if ((format == "l" || format == "g") && is_valid(*batch.children[c], row))
          sums[c] += number(*schema.children[c], *batch.children[c], row);
      }
      if (printed < 5) {
        ++printed;
        std::printf("row");
        for (int64_t c = 0; c < columns; ++c)
          std::printf(" %s=%s", schema.children[c]->name, cell(*schema.children[c], *batch.children[c], row).c_str());
        std::printf("\n");
      }
    }
    rows += batch.length;
    batch.release(&batch);
  }
  std::printf("rows %lld batches %lld\n", static_cast<long long>(rows), static_cast<long long>(batches));
  for (int64_t c = 0; c < columns; ++c) {
    const std::string_view format = schema.children[c]->format;
    if (format == "l" || format == "g") std::printf("sum %s %.17g\n", schema.children[c]->name, sums[c]);
  }
  schema.release(&schema);
  stream.release(&stream);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const std::exception& error) {
    std::fprintf(stderr, "error: %s\n", error.what());
    return 1;
  }
}
