#include "polars_redis/json/schema_inference.hpp"

#include <simdjson.h>

#include <unordered_map>

#include "polars_redis/error.hpp"

namespace polars_redis::json {

namespace ondemand = simdjson::ondemand;

namespace {

// What the values seen at one position of the documents have in common.
struct Shape {
  enum Kind { kNone, kBool, kInt, kFloat, kString, kObject, kArray, kMixed } kind = kNone;
  std::vector<std::string> names;  // kObject, in the order first seen
  std::vector<std::unique_ptr<Shape>> fields;
  std::unordered_map<std::string, size_t> index;
  std::unique_ptr<Shape> item;  // kArray

  // Merges a kind; false when the shape is (now) mixed and needs no more detail.
  bool merge(Kind seen) {
    if (kind == seen || kind == kMixed) return kind != kMixed;
    if (kind == kNone) {
      kind = seen;
    } else if ((kind == kInt && seen == kFloat) || (kind == kFloat && seen == kInt)) {
      kind = kFloat;
    } else {
      kind = kMixed;
      names.clear();
      fields.clear();
      index.clear();
      item.reset();
    }
    return kind != kMixed;
  }

  Shape& field(std::string_view name) {
    auto [it, inserted] = index.try_emplace(std::string(name), fields.size());
    if (inserted) {
      names.emplace_back(name);
      fields.push_back(std::make_unique<Shape>());
    }
    return *fields[it->second];
  }

  DataType dtype() const {
    switch (kind) {
      case kBool: return DataType::of(TypeId::kBoolean);
      case kInt: return DataType::of(TypeId::kInt64);
      case kFloat: return DataType::of(TypeId::kFloat64);
      case kObject: {
        if (fields.empty()) break;  // only {} seen: Polars has no field-less struct to offer
        std::vector<std::pair<std::string, DataType>> members;
        for (size_t i = 0; i < fields.size(); ++i) members.emplace_back(names[i], fields[i]->dtype());
        return DataType::struct_of(std::move(members));
      }
      case kArray:
        return DataType::list_of(item ? item->dtype() : DataType::of(TypeId::kString));
      default: break;
    }
    return DataType::of(TypeId::kString);
  }
};

void observe_object(ondemand::object object, Shape& shape);

void observe(ondemand::value value, Shape& shape) {
  switch (value.type()) {
    case ondemand::json_type::null:
      return;
    case ondemand::json_type::boolean:
      shape.merge(Shape::kBool);
      return;
    case ondemand::json_type::string:
      shape.merge(Shape::kString);
      return;
    case ondemand::json_type::number: {
      // unsigned_integer means beyond int64: only a float column holds it.
      const bool integer = value.get_number_type() == ondemand::number_type::signed_integer;
      shape.merge(integer ? Shape::kInt : Shape::kFloat);
      return;
    }
    case ondemand::json_type::object:
      if (shape.merge(Shape::kObject)) observe_object(value.get_object(), shape);
      return;
    case ondemand::json_type::array:
      if (shape.merge(Shape::kArray)) {
        for (auto element : value.get_array()) {
          if (!shape.item) shape.item = std::make_unique<Shape>();
          observe(element.value(), *shape.item);
        }
      }
      return;
  }
}

void observe_object(ondemand::object object, Shape& shape) {
  for (auto field : object) {
    std::string_view name = field.unescaped_key();
    observe(field.value(), shape.field(name));
  }
}

}  // namespace

struct SchemaInferrer::Impl {
  Shape root;
  ondemand::parser parser;
  std::string padded;
};

SchemaInferrer::SchemaInferrer() : impl_(std::make_unique<Impl>()) { impl_->root.kind = Shape::kObject; }
SchemaInferrer::~SchemaInferrer() = default;

void SchemaInferrer::observe_reply(std::string_view reply) {
  Impl& s = *impl_;
  s.padded.reserve(reply.size() + simdjson::SIMDJSON_PADDING);
  s.padded.assign(reply);
  try {
    ondemand::document doc = s.parser.iterate(s.padded.data(), s.padded.size(), s.padded.capacity());
    for (auto element : doc.get_array()) {
      ondemand::value document = element.value();
      if (document.type() == ondemand::json_type::object) observe_object(document.get_object(), s.root);
      break;
    }
  } catch (const simdjson::simdjson_error& error) {
    throw Error(ErrorKind::kProtocol, std::string("JSON.GET returned text that is not valid JSON: ") + error.what());
  }
}

std::vector<std::pair<std::string, DataType>> SchemaInferrer::result() const {
  std::vector<std::pair<std::string, DataType>> schema;
  const Shape& root = impl_->root;
  for (size_t i = 0; i < root.fields.size(); ++i) schema.emplace_back(root.names[i], root.fields[i]->dtype());
  return schema;
}

}  // namespace polars_redis::json
