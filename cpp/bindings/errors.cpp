// The Python exception hierarchy, rooted at RedisError, and the translation of core errors.
#include "bindings.hpp"
#include "polars_redis/error.hpp"
#include "polars_redis/net/missing_module.hpp"
#include "polars_redis/write/row_writer.hpp"

namespace polars_redis::bindings {

namespace {

PyObject* g_errors[8] = {};

PyObject* make_error(nb::module_& m, const char* name, PyObject* bases, const char* doc) {
  std::string qualified = std::string("polars_redis.") + name;
  PyObject* type = PyErr_NewExceptionWithDoc(qualified.c_str(), doc, bases, nullptr);
  if (!type) throw nb::python_error();
  m.attr(name) = nb::handle(type);
  return type;
}

PyObject* bases(PyObject* a, PyObject* b = nullptr) {
  return b ? PyTuple_Pack(2, a, b) : PyTuple_Pack(1, a);
}

}  // namespace

void register_errors(nb::module_& m) {
  PyObject* base = make_error(m, "RedisError", bases(PyExc_Exception), "Base class of every polars-redis error.");
  PyObject* connection = make_error(m, "RedisConnectionError", bases(base, PyExc_ConnectionError),
                                    "Cannot connect, or the connection was lost.");
  g_errors[static_cast<int>(ErrorKind::kConnection)] = connection;
  g_errors[static_cast<int>(ErrorKind::kTimeout)] =
      make_error(m, "RedisTimeoutError", bases(base, PyExc_TimeoutError), "A connect, read or write timed out.");
  g_errors[static_cast<int>(ErrorKind::kAuthentication)] =
      make_error(m, "AuthenticationError", bases(connection), "The server rejected the credentials.");
  g_errors[static_cast<int>(ErrorKind::kResponse)] =
      make_error(m, "ResponseError", bases(base), "The server answered a command with an error.");
  g_errors[static_cast<int>(ErrorKind::kProtocol)] =
      make_error(m, "ProtocolError", bases(base), "The server sent bytes that are not valid RESP.");
  g_errors[static_cast<int>(ErrorKind::kSchema)] = make_error(
      m, "SchemaError", bases(base, PyExc_ValueError), "A value does not parse as the dtype the schema asks for.");
  g_errors[static_cast<int>(ErrorKind::kKeyExists)] =
      make_error(m, "KeyExistsError", bases(base), "if_exists='fail' found keys that already exist.");
  g_errors[static_cast<int>(ErrorKind::kInvalidArgument)] = make_error(
      m, "ConfigurationError", bases(base, PyExc_ValueError), "An invalid URL, option or dtype.");

  nb::register_exception_translator([](const std::exception_ptr& p, void*) {
    try {
      std::rethrow_exception(p);
    } catch (const write::WriteFailure& e) {
      // The rows committed, as an attribute, so a sink can add its earlier batches.
      PyObject* type = g_errors[static_cast<int>(e.kind())];
      PyObject* error = PyObject_CallFunction(type, "s", e.what());
      if (error == nullptr) return;
      PyObject* committed = PyLong_FromLongLong(e.committed());
      PyObject_SetAttrString(error, "committed_rows", committed);
      Py_XDECREF(committed);
      PyErr_SetObject(type, error);
      Py_DECREF(error);
    } catch (const Error& e) {
      const std::string hint = e.kind() == ErrorKind::kResponse ? net::missing_module_hint(e.what()) : std::string();
      PyErr_SetString(g_errors[static_cast<int>(e.kind())], hint.empty() ? e.what() : (e.what() + hint).c_str());
    }
  });
}

}  // namespace polars_redis::bindings
