#include "polars_redis/json/row_extractor.hpp"

#include <simdjson.h>

#include <algorithm>
#include <unordered_map>

#include "polars_redis/arrow/nested_builders.hpp"
#include "polars_redis/error.hpp"
#include "polars_redis/json/path.hpp"

namespace polars_redis::json {

namespace ondemand = simdjson::ondemand;

namespace {

constexpr size_t kNotFound = SIZE_MAX;

// The builder tree of one column, with what is needed to match object fields by name.
struct Node {
  arrow::ColumnBuilder* builder = nullptr;
  TypeId id = TypeId::kString;
  std::vector<Node> children;     // Struct fields, or the List item
  std::vector<std::string> names;  // Struct field names
  std::unordered_map<std::string_view, size_t> index;
  std::vector<size_t> order_guess;  // field index at each position of the last object
  std::vector<char> seen;
};

void bind_node(Node& node, arrow::ColumnBuilder* builder) {
  node.builder = builder;
  const DataType& dtype = builder->dtype();
  node.id = dtype.id;
  if (dtype.id == TypeId::kList) {
    node.children.resize(1);
    bind_node(node.children[0], &static_cast<arrow::ListBuilder*>(builder)->items());
  } else if (dtype.id == TypeId::kStruct) {
    auto* struct_builder = static_cast<arrow::StructBuilder*>(builder);
    node.children.resize(struct_builder->num_fields());
    node.names = dtype.field_names;
    for (size_t i = 0; i < node.children.size(); ++i) bind_node(node.children[i], &struct_builder->field(i));
  }
  for (size_t i = 0; i < node.names.size(); ++i) node.index.emplace(node.names[i], i);
  node.seen.resize(node.names.size());
}

// Objects written by one application keep one field order: try last time's answer first.
size_t lookup(Node& node, size_t position, std::string_view name) {
  if (position < node.order_guess.size()) {
    const size_t guess = node.order_guess[position];
    if (guess != kNotFound && node.names[guess] == name) return guess;
  } else {
    node.order_guess.resize(position + 1, kNotFound);
  }
  auto found = node.index.find(name);
  const size_t field = found == node.index.end() ? kNotFound : found->second;
  node.order_guess[position] = field;
  return field;
}

std::string_view trim_right(std::string_view text) {
  while (!text.empty() && (text.back() == ' ' || text.back() == '\n' || text.back() == '\r' || text.back() == '\t')) {
    text.remove_suffix(1);
  }
  return text;
}

bool is_integer(TypeId id) { return id >= TypeId::kInt8 && id <= TypeId::kUInt64; }

// Text columns take a sub-document as its JSON text (for str.json_decode later); an Enum only
// when that text is one of its categories.
bool is_text(TypeId id) { return id == TypeId::kString || id == TypeId::kCategorical || id == TypeId::kEnum; }

// A value that does not fit its dtype; `suffix` grows (".b", "[2]") while unwinding to the column.
struct Mismatch {
  std::string suffix;
  std::string raw;
  std::string dtype;
  size_t field = 0;  // set by each enclosing object while unwinding: ends as the top-level field
};

// JSONPath step for a field inside a matched value, for messages.
std::string step_for(std::string_view name) { return field_path(name).substr(1); }

class Appender {
 public:
  explicit Appender(bool ignore_errors) : ignore_errors_(ignore_errors) {}

  void append(ondemand::value value, Node& node) {
    switch (value.type()) {
      case ondemand::json_type::null:
        node.builder->append_null();
        return;
      case ondemand::json_type::object: {
        ondemand::object object = value.get_object();
        if (node.id == TypeId::kStruct) {
          fill_struct(object, node);
          static_cast<arrow::StructBuilder*>(node.builder)->close_struct();
        } else if (!is_text(node.id) || !node.builder->append_text(object.raw_json())) {
          mismatch(node, object.raw_json());
        }
        return;
      }
      case ondemand::json_type::array: {
        ondemand::array array = value.get_array();
        if (node.id == TypeId::kList) {
          Node& item = node.children[0];
          size_t i = 0;
          for (auto element : array) {
            try {
              append(element.value(), item);
            } catch (Mismatch& error) {
              error.suffix = "[" + std::to_string(i) + "]" + error.suffix;
              throw;
            }
            ++i;
          }
          static_cast<arrow::ListBuilder*>(node.builder)->close_list();
        } else if (!is_text(node.id) || !node.builder->append_text(array.raw_json())) {
          mismatch(node, array.raw_json());
        }
        return;
      }
      case ondemand::json_type::number:
        append_number(value, node);
        return;
      case ondemand::json_type::string: {
        std::string_view raw = trim_right(value.raw_json_token());
        if (node.id == TypeId::kList || node.id == TypeId::kStruct) return mismatch(node, raw);
        std::string_view text = value.get_string();
        if (!node.builder->append_text(text)) mismatch(node, raw);
        return;
      }
      case ondemand::json_type::boolean: {
        const bool flag = value.get_bool();
        if (node.id == TypeId::kList || node.id == TypeId::kStruct || !node.builder->append_bool(flag)) {
          mismatch(node, flag ? "true" : "false");
        }
        return;
      }
    }
  }

  // Fills every field of a Struct node from an object (absent fields null).
  void fill_struct(ondemand::object object, Node& node) {
    std::fill(node.seen.begin(), node.seen.end(), 0);
    size_t position = 0;
    for (auto field : object) {
      std::string_view name = field.unescaped_key();
      const size_t child = lookup(node, position++, name);
      if (child == kNotFound || node.seen[child]) continue;  // unknown or repeated field
      node.seen[child] = 1;
      try {
        append(field.value(), node.children[child]);
      } catch (Mismatch& error) {
        error.suffix = step_for(node.names[child]) + error.suffix;
        error.field = child;
        throw;
      }
    }
    for (size_t i = 0; i < node.children.size(); ++i) {
      if (!node.seen[i]) node.children[i].builder->append_null();
    }
  }

 private:
  void append_number(ondemand::value value, Node& node) {
    std::string_view raw = trim_right(value.raw_json_token());
    bool ok = false;
    if (is_integer(node.id)) {
      // Integers exactly; otherwise only an integral value (3.0, 3e2) fits.
      int64_t integer = 0;
      double real = 0;
      if (value.get_int64().get(integer) == simdjson::SUCCESS) {
        ok = node.builder->append_int64(integer);
      } else {
        ok = node.builder->append_text(raw) ||
             (value.get_double().get(real) == simdjson::SUCCESS && node.builder->append_double(real));
      }
    } else if (node.id == TypeId::kFloat32 || node.id == TypeId::kFloat64) {
      double real = 0;
      ok = value.get_double().get(real) == simdjson::SUCCESS ? node.builder->append_double(real)
                                                               : node.builder->append_text(raw);
    } else if (node.id != TypeId::kList && node.id != TypeId::kStruct) {
      // Decimal from the exact digits; Date/Datetime as epoch numbers; String as the number's text.
      ok = node.builder->append_text(raw);
    }
    if (!ok) mismatch(node, raw);
  }

  void mismatch(Node& node, std::string_view raw) {
    if (ignore_errors_) {
      node.builder->append_null();
      return;
    }
    throw Mismatch{"", std::string(raw), node.builder->dtype().name()};
  }

  bool ignore_errors_;
};

}  // namespace

struct RowExtractor::Impl {
  std::vector<JsonColumn> columns;
  bool whole_document;
  std::vector<std::string> paths;
  Node root;  // whole document: a Struct-like node of the columns; else one child per column
  std::unordered_map<std::string_view, size_t> path_index;
  std::vector<size_t> path_guess;
  std::vector<char> seen;
  std::vector<char> all_matches;  // per column: a List column over an indefinite path
  Appender appender;
  ondemand::parser parser;
  std::string padded;  // the reply copied with simdjson's required padding after it

  Impl(std::vector<JsonColumn> cols, bool whole, bool ignore_errors)
      : columns(std::move(cols)), whole_document(whole), appender(ignore_errors) {}

  [[noreturn]] void throw_schema(std::string_view key, size_t column, const Mismatch& error) const {
    const JsonColumn& spec = columns[column];
    throw Error(ErrorKind::kSchema, "cannot read " + spec.path + error.suffix + " (column '" +
                                        quote_for_message(spec.name) + "') of JSON document '" +
                                        quote_for_message(key) + "' as " + error.dtype + ": raw value '" +
                                        quote_for_message(error.raw) +
                                        "' (pass ignore_errors=True to read it as null)");
  }

  // The first match of a path's result array, or null when the path matched nothing; for a List
  // column over an indefinite path, all matches as one list.
  void append_first(std::string_view key, ondemand::array matches, size_t column) {
    if (all_matches[column]) {
      Node& list = root.children[column];
      size_t i = 0;
      for (auto match : matches) {
        try {
          appender.append(match.value(), list.children[0]);
        } catch (Mismatch& error) {
          error.suffix = " (match " + std::to_string(i) + ")" + error.suffix;
          throw_schema(key, column, error);
        }
        ++i;
      }
      static_cast<arrow::ListBuilder*>(list.builder)->close_list();
      return;
    }
    bool any = false;
    for (auto match : matches) {
      try {
        appender.append(match.value(), root.children[column]);
      } catch (const Mismatch& error) {
        throw_schema(key, column, error);
      }
      any = true;
      break;
    }
    if (!any) root.children[column].builder->append_null();
  }

  void append_document(std::string_view key, ondemand::document& doc) {
    if (whole_document) {
      ondemand::array wrapper = doc.get_array();
      for (auto element : wrapper) {
        ondemand::value document = element.value();
        if (document.type() == ondemand::json_type::object) {
          try {
            appender.fill_struct(document.get_object(), root);
          } catch (Mismatch& error) {
            // The column's path already holds the top-level step.
            error.suffix.erase(0, step_for(columns[error.field].name).size());
            throw_schema(key, error.field, error);
          }
          return;
        }
        break;  // a document that is not an object has none of the fields
      }
      for (Node& column : root.children) column.builder->append_null();
      return;
    }
    if (paths.size() == 1) {
      append_first(key, doc.get_array(), 0);
      return;
    }
    std::fill(seen.begin(), seen.end(), 0);
    size_t position = 0;
    for (auto field : doc.get_object()) {
      std::string_view path = field.unescaped_key();
      size_t column = kNotFound;
      if (position < path_guess.size() && path_guess[position] != kNotFound && paths[path_guess[position]] == path) {
        column = path_guess[position];
      } else {
        auto found = path_index.find(path);
        if (found != path_index.end()) column = found->second;
        if (position >= path_guess.size()) path_guess.resize(position + 1, kNotFound);
        path_guess[position] = column;
      }
      ++position;
      if (column == kNotFound || seen[column]) continue;
      seen[column] = 1;
      append_first(key, field.value().get_array(), column);
    }
    for (size_t i = 0; i < seen.size(); ++i) {
      if (!seen[i]) root.children[i].builder->append_null();
    }
  }
};

RowExtractor::RowExtractor(std::vector<JsonColumn> columns, bool whole_document, bool ignore_errors)
    : impl_(std::make_unique<Impl>(std::move(columns), whole_document, ignore_errors)) {
  Impl& s = *impl_;
  if (whole_document) {
    for (auto& column : s.columns) column.path = field_path(column.name);
    s.paths = {"$"};
    s.all_matches.assign(s.columns.size(), 0);
  } else {
    for (const auto& column : s.columns) {
      s.all_matches.push_back(column.dtype.id == TypeId::kList && !is_definite(column.path));
    }
    for (size_t i = 0; i < s.columns.size(); ++i) {
      if (!s.path_index.emplace(s.columns[i].path, i).second) {
        throw Error(ErrorKind::kInvalidArgument,
                    "two columns select the same JSONPath '" + quote_for_message(s.columns[i].path) + "'");
      }
      s.paths.push_back(s.columns[i].path);
    }
    s.seen.resize(s.columns.size());
  }
}

RowExtractor::~RowExtractor() = default;

const std::vector<std::string>& RowExtractor::paths() const { return impl_->paths; }

void RowExtractor::bind(const std::vector<arrow::ColumnBuilder*>& builders) {
  Impl& s = *impl_;
  s.root = Node{};
  s.root.id = TypeId::kStruct;
  s.root.children.resize(builders.size());
  for (size_t i = 0; i < builders.size(); ++i) {
    bind_node(s.root.children[i], builders[i]);
    s.root.names.push_back(s.columns[i].name);
  }
  for (size_t i = 0; i < s.root.names.size(); ++i) s.root.index.emplace(s.root.names[i], i);
  s.root.seen.resize(s.root.names.size());
}

void RowExtractor::append_row(std::string_view key, std::string_view reply) {
  Impl& s = *impl_;
  s.padded.reserve(reply.size() + simdjson::SIMDJSON_PADDING);
  s.padded.assign(reply);
  try {
    ondemand::document doc = s.parser.iterate(s.padded.data(), s.padded.size(), s.padded.capacity());
    s.append_document(key, doc);
  } catch (const simdjson::simdjson_error& error) {
    throw Error(ErrorKind::kProtocol, "JSON.GET '" + quote_for_message(key) +
                                          "' returned text that is not valid JSON: " + error.what());
  }
}

}  // namespace polars_redis::json
