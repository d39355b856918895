#pragma once
// The release callback of an exported ArrowSchema or ArrowArray whose private data is an `Owner`
// keeping the structs its children come from (the vector `Owner::*kStructs`): each of those still
// live is released (a consumer may have moved one out, marking it released), then the owner.
#include <vector>

#include "polars_redis/arrow/c_data.hpp"

namespace polars_redis::arrow {

template <typename Owner, typename Struct, std::vector<Struct> Owner::*kStructs>
void release_owner(Struct* exported) {
  auto* owner = static_cast<Owner*>(exported->private_data);
  for (Struct& held : owner->*kStructs) {
    if (held.release != nullptr) held.release(&held);
  }
  delete owner;
  exported->release = nullptr;
}

}  // namespace polars_redis::arrow
