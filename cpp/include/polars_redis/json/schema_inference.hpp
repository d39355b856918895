#pragma once
// Schema inference from sampled JSON documents: objects become Struct, arrays List (of the merged
// element type), integers Int64, other numbers Float64 (integers mixed with them too), booleans
// Boolean, strings String. A field seen with incompatible kinds (a number and a string, an object
// and an array, ...) or only as null, an empty object or an empty array's item, is String, which
// reads any JSON value (sub-documents as their JSON text): an inferred schema never makes a scan
// of the sampled documents fail.
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "polars_redis/convert/dtype.hpp"

namespace polars_redis::json {

class SchemaInferrer {
 public:
  SchemaInferrer();
  ~SchemaInferrer();
  // One `JSON.GET key $` reply (`[document]`). A document that is not an object adds nothing.
  // Throws Error(kProtocol) for text that is not JSON.
  void observe_reply(std::string_view reply);
  // The top-level fields in the order first seen.
  std::vector<std::pair<std::string, DataType>> result() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace polars_redis::json
