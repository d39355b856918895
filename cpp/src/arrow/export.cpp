#include "export.hpp"

#include <utility>

#include "polars_redis/arrow/owner_release.hpp"

namespace polars_redis::arrow::detail {
namespace {

alignas(64) const uint8_t kEmptyBuffer[64] = {};

struct ArrayOwner {
  std::vector<Buffer> buffers;
  std::vector<const void*> pointers;
  std::vector<ArrowArray> children;
  std::vector<ArrowArray*> child_pointers;
};

struct SchemaOwner {
  std::string format;
  std::string name;
  std::vector<ArrowSchema> children;
  std::vector<ArrowSchema*> child_pointers;
};

// Children live in a vector the owner never resizes, so their addresses stay valid.
template <typename T>
std::vector<T*> addresses_of(std::vector<T>& items) {
  std::vector<T*> pointers;
  pointers.reserve(items.size());
  for (T& item : items) pointers.push_back(&item);
  return pointers;
}

}  // namespace

void export_array(ArrowArray* out, int64_t length, int64_t null_count, std::vector<Buffer> buffers,
                  std::vector<ArrowArray> children) {
  auto* owner = new ArrayOwner{std::move(buffers), {}, std::move(children), {}};
  owner->pointers.reserve(owner->buffers.size());
  for (size_t i = 0; i < owner->buffers.size(); ++i) {
    const Buffer& buffer = owner->buffers[i];
    if (!buffer.empty()) {
      owner->pointers.push_back(buffer.data());
    } else {
      owner->pointers.push_back(i == 0 ? nullptr : kEmptyBuffer);
    }
  }
  owner->child_pointers = addresses_of(owner->children);

  out->length = length;
  out->null_count = null_count;
  out->offset = 0;
  out->n_buffers = static_cast<int64_t>(owner->pointers.size());
  out->n_children = static_cast<int64_t>(owner->children.size());
  out->buffers = owner->pointers.data();
  out->children = owner->child_pointers.data();
  out->dictionary = nullptr;
  out->release = release_owner<ArrayOwner, ArrowArray, &ArrayOwner::children>;
  out->private_data = owner;
}

void export_schema(ArrowSchema* out, std::string format, std::string name, int64_t flags,
                   std::vector<ArrowSchema> children) {
  auto* owner = new SchemaOwner{std::move(format), std::move(name), std::move(children), {}};
  owner->child_pointers = addresses_of(owner->children);

  out->format = owner->format.c_str();
  out->name = owner->name.c_str();
  out->metadata = nullptr;
  out->flags = flags;
  out->n_children = static_cast<int64_t>(owner->children.size());
  out->children = owner->child_pointers.data();
  out->dictionary = nullptr;
  out->release = release_owner<SchemaOwner, ArrowSchema, &SchemaOwner::children>;
  out->private_data = owner;
}

}  // namespace polars_redis::arrow::detail
