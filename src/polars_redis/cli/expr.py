"""Filters and dtypes given as command-line text, parsed without ever evaluating Python.

``--where`` takes SQL (``age > 30 AND city = 'Paris'``, parsed by Polars' own SQL parser) or, when
the text names ``pl``, Polars expression syntax (``pl.col("age") > 30``). The latter is
interpreted node by node: only the constructors, operators and methods listed here are applied,
to Polars objects this module made, with constant arguments. Nothing reaches ``eval``, builtins,
attributes outside the lists, or a callable given by the user.
"""

from __future__ import annotations

import ast
import operator
from collections.abc import Callable
from typing import Any

import polars as pl


class CliError(Exception):
    """A problem with the command line's input, reported as one line without a traceback."""


# Polars dtypes by name: the only dtypes --schema, cast() and lit(dtype=) accept.
DTYPES: dict[str, type[pl.DataType]] = {dtype.__name__: dtype for dtype in (
    pl.Boolean, pl.Int8, pl.Int16, pl.Int32, pl.Int64, pl.UInt8, pl.UInt16, pl.UInt32, pl.UInt64,
    pl.Float32, pl.Float64, pl.Decimal, pl.String, pl.Binary, pl.Date, pl.Datetime, pl.Time,
    pl.Duration, pl.Categorical, pl.List, pl.Array, pl.Struct, pl.Null,
)}
DTYPES["Utf8"] = pl.String

# Expression methods applied on request, with the keyword arguments each may take.
_EXPR_METHODS: dict[str, frozenset[str]] = {
    **{name: frozenset() for name in (
        "is_null", "is_not_null", "is_nan", "is_not_nan", "is_finite", "not_", "abs", "and_", "or_",
        "eq", "ne", "lt", "le", "gt", "ge", "len", "round", "floor", "ceil", "neg")},
    "is_in": frozenset({"nulls_equal"}),
    "is_between": frozenset({"closed"}),
    "fill_null": frozenset(),
    "cast": frozenset({"strict"}),
}
_NAMESPACE_METHODS: dict[str, dict[str, frozenset[str]]] = {
    "str": {
        "contains": frozenset({"literal", "strict"}), "starts_with": frozenset(), "ends_with": frozenset(),
        "to_lowercase": frozenset(), "to_uppercase": frozenset(), "len_chars": frozenset(),
        "len_bytes": frozenset(), "strip_chars": frozenset(),
    },
    "dt": {name: frozenset() for name in (
        "year", "month", "day", "hour", "minute", "second", "weekday", "ordinal_day", "date")},
}
_PL_FUNCTIONS: dict[str, frozenset[str]] = {
    "col": frozenset(), "lit": frozenset({"dtype"}), "all_horizontal": frozenset(),
    "any_horizontal": frozenset(),
}

_BINARY: dict[type[ast.operator], Callable[[Any, Any], Any]] = {
    ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv,
    ast.FloorDiv: operator.floordiv, ast.Mod: operator.mod, ast.Pow: operator.pow,
    ast.BitAnd: operator.and_, ast.BitOr: operator.or_, ast.BitXor: operator.xor,
}
_COMPARE: dict[type[ast.cmpop], Callable[[Any, Any], Any]] = {
    ast.Eq: operator.eq, ast.NotEq: operator.ne, ast.Lt: operator.lt, ast.LtE: operator.le,
    ast.Gt: operator.gt, ast.GtE: operator.ge,
}
_CONSTANT_TYPES = (str, int, float, bool, type(None))
# Guards against inputs built to exhaust the parser or the interpreter.
_MAX_TEXT = 10_000
_MAX_CONSTANT = 10_000
# The syntax the interpreter knows; each has a method _<kind>.
_NODE_KINDS = frozenset({"Expression", "Constant", "Name", "List", "Tuple", "Attribute", "Call", "UnaryOp",
                         "BinOp", "Compare", "Dict"})


def _is_dtype(value: Any) -> bool:
    return isinstance(value, pl.DataType) or (isinstance(value, type) and issubclass(value, pl.DataType))


class _Namespace:
    """``expr.str`` / ``expr.dt``: a method namespace the interpreter made itself."""

    def __init__(self, name: str, target: Any) -> None:
        self.name = name
        self.target = target


class _Interpreter:
    """Evaluates a parsed expression by walking it; every node kind it does not know is refused."""

    def __init__(self, text: str, what: str, names: dict[str, Any]) -> None:
        self.text = text
        self.what = what
        self.names = names

    def fail(self, problem: str) -> CliError:
        return CliError(f"{self.what} {self.text!r}: {problem}")

    def value(self, node: ast.AST) -> Any:
        kind = type(node).__name__
        if kind not in _NODE_KINDS:
            raise self.fail(f"{kind} is not allowed")
        return getattr(self, f"_{kind}")(node)

    def _Expression(self, node: ast.Expression) -> Any:
        return self.value(node.body)

    def _Constant(self, node: ast.Constant) -> Any:
        if not isinstance(node.value, _CONSTANT_TYPES):
            raise self.fail(f"constant {node.value!r} is not allowed")
        if isinstance(node.value, int) and abs(node.value) > 10**18:
            raise self.fail("integer constants must fit 64 bits")
        return node.value

    def _Name(self, node: ast.Name) -> Any:
        if node.id not in self.names:
            known = ", ".join(sorted(self.names)) if len(self.names) < 5 else "pl and dtype names"
            raise self.fail(f"unknown name {node.id!r} (only {known} may be used)")
        return self.names[node.id]

    def _List(self, node: ast.List | ast.Tuple) -> list[Any]:
        if len(node.elts) > _MAX_CONSTANT:
            raise self.fail(f"lists are limited to {_MAX_CONSTANT} items")
        items = [self.value(item) for item in node.elts]
        for item in items:
            if not isinstance(item, _CONSTANT_TYPES):
                raise self.fail("lists may hold constants only")
        return items

    _Tuple = _List

    def _Dict(self, node: ast.Dict) -> dict[str, Any]:
        # Only as Struct({"name": dtype}): the operators and methods refuse a dict argument.
        fields = {}
        for key, value in zip(node.keys, node.values, strict=True):
            name = self.value(key) if key is not None else None
            dtype = self.value(value)
            if not isinstance(name, str) or not _is_dtype(dtype):
                raise self.fail("a dict may only map field names to dtypes, as in Struct({\"a\": Int64})")
            fields[name] = dtype
        return fields

    def _Attribute(self, node: ast.Attribute) -> Any:
        target = self.value(node.value)
        if target is pl:
            if node.attr in DTYPES:
                return DTYPES[node.attr]
            if node.attr in _PL_FUNCTIONS:
                return ("pl", node.attr)
        elif isinstance(target, pl.Expr):
            if node.attr in _NAMESPACE_METHODS:
                return _Namespace(node.attr, target)
            if node.attr in _EXPR_METHODS:
                return ("expr", node.attr, target)
        elif isinstance(target, _Namespace) and node.attr in _NAMESPACE_METHODS[target.name]:
            return ("namespace", node.attr, target)
        raise self.fail(f"attribute {node.attr!r} is not allowed")

    def _Call(self, node: ast.Call) -> Any:
        function = self.value(node.func)
        if any(isinstance(arg, ast.Starred) for arg in node.args) or any(k.arg is None for k in node.keywords):
            raise self.fail("* and ** arguments are not allowed")
        args = [self.value(arg) for arg in node.args]
        kwargs = {k.arg: self.value(k.value) for k in node.keywords if k.arg is not None}
        if _is_dtype(function) and isinstance(function, type):
            return self._dtype_call(function, args, kwargs)
        if not isinstance(function, tuple):
            raise self.fail(f"{ast.unparse(node.func)} cannot be called")
        allowed, method = self._method(function)
        for key in kwargs:
            if key not in allowed:
                raise self.fail(f"{ast.unparse(node.func)}() takes no keyword {key!r} here")
        for arg in [*args, *kwargs.values()]:
            if not (isinstance(arg, (pl.Expr, list, *_CONSTANT_TYPES)) or _is_dtype(arg)):
                raise self.fail(f"{ast.unparse(node.func)}() got an argument that is not allowed")
        try:
            return method(*args, **kwargs)
        except Exception as exc:  # wrong arguments for a listed method
            raise self.fail(f"{ast.unparse(node.func)}() failed: {exc}") from None

    def _method(self, function: tuple[Any, ...]) -> tuple[frozenset[str], Callable[..., Any]]:
        kind, name = function[0], function[1]
        if kind == "pl":
            return _PL_FUNCTIONS[name], getattr(pl, name)
        if kind == "expr":
            return _EXPR_METHODS[name], getattr(function[2], name)
        namespace: _Namespace = function[2]
        return _NAMESPACE_METHODS[namespace.name][name], getattr(getattr(namespace.target, namespace.name), name)

    def _dtype_call(self, dtype: type[pl.DataType], args: list[Any], kwargs: dict[str, Any]) -> pl.DataType:
        for arg in [*args, *kwargs.values()]:
            if not (isinstance(arg, (dict, *_CONSTANT_TYPES)) or _is_dtype(arg)):
                raise self.fail(f"{dtype.__name__}() takes dtypes and constants only")
        try:
            return dtype(*args, **kwargs)
        except Exception as exc:
            raise self.fail(f"{dtype.__name__}(...) failed: {exc}") from None

    def _UnaryOp(self, node: ast.UnaryOp) -> Any:
        operand = self.value(node.operand)
        if isinstance(node.op, ast.USub) and isinstance(operand, (int, float)) and not isinstance(operand, bool):
            return -operand
        if isinstance(operand, pl.Expr):
            if isinstance(node.op, ast.Invert):
                return ~operand
            if isinstance(node.op, ast.USub):
                return -operand
        raise self.fail(f"{type(node.op).__name__} applies to expressions only (use ~ for not)")

    def _BinOp(self, node: ast.BinOp) -> Any:
        left, right = self.value(node.left), self.value(node.right)
        # One side must be an expression: constant arithmetic (10 ** 10 ** 10) would run here.
        if not (isinstance(left, pl.Expr) or isinstance(right, pl.Expr)):
            raise self.fail("an operator needs an expression on one side (write pl.lit(...))")
        self._check_operand(left)
        self._check_operand(right)
        return self._apply(_BINARY[type(node.op)], left, right)

    def _Compare(self, node: ast.Compare) -> Any:
        if len(node.ops) != 1 or type(node.ops[0]) not in _COMPARE:
            raise self.fail("write one comparison (<, <=, >, >=, ==, !=) per term; use is_in() for 'in'")
        left, right = self.value(node.left), self.value(node.comparators[0])
        if not (isinstance(left, pl.Expr) or isinstance(right, pl.Expr)):
            raise self.fail("a comparison needs an expression on one side")
        self._check_operand(left)
        self._check_operand(right)
        return self._apply(_COMPARE[type(node.ops[0])], left, right)

    def _check_operand(self, value: Any) -> None:
        if not isinstance(value, (pl.Expr, *_CONSTANT_TYPES)):
            raise self.fail("operators apply to expressions and constants only")

    def _apply(self, function: Callable[[Any, Any], Any], left: Any, right: Any) -> Any:
        try:
            return function(left, right)
        except Exception as exc:
            raise self.fail(f"the operator failed: {exc}") from None


def _interpret(text: str, what: str, names: dict[str, Any]) -> Any:
    if len(text) > _MAX_TEXT:
        raise CliError(f"{what} is longer than {_MAX_TEXT} characters")
    try:
        tree = ast.parse(text.strip(), mode="eval")
        return _Interpreter(text, what, names).value(tree)
    except SyntaxError as exc:
        raise CliError(f"{what} {text!r} is not a valid expression: {exc.msg}") from None
    except (RecursionError, MemoryError):
        raise CliError(f"{what} {text!r} is nested too deeply") from None


def _names_pl(text: str) -> bool:
    """Whether `text` is Python that mentions ``pl``: then it is Polars syntax, else SQL."""
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except (SyntaxError, RecursionError, MemoryError, ValueError):
        return False
    return any(isinstance(node, ast.Name) and node.id == "pl" for node in ast.walk(tree))


def parse_where(text: str) -> pl.Expr:
    """``"age > 30 AND city = 'Paris'"`` (SQL) or ``'pl.col("age") > 30'`` -> a Polars expression."""
    if len(text) > _MAX_TEXT:
        raise CliError(f"--where is longer than {_MAX_TEXT} characters")
    if _names_pl(text):
        expr = _interpret(text, "--where", {"pl": pl})
    else:
        try:
            expr = pl.sql_expr(text)
        except (Exception, pl.exceptions.PanicException) as exc:  # syntax, unknown function, ...
            raise CliError(f"--where {text!r} is not a valid SQL expression: {exc} "
                           "(or write Polars syntax, e.g. pl.col(\"age\") > 30)") from None
    if not isinstance(expr, pl.Expr):
        raise CliError(f"--where {text!r} must be a Polars expression, got {type(expr).__name__}")
    return expr


_DTYPE_NAMES: dict[str, Any] = {**DTYPES, "pl": pl}


def _split_top_level(text: str) -> list[str]:
    """Split on commas outside parentheses/brackets, so ``ts=Datetime("ms", "UTC")`` stays whole."""
    parts, depth, start = [], 0, 0
    for i, char in enumerate(text):
        if char in "([{":
            depth += 1
        elif char in ")]}":
            depth -= 1
        elif char == "," and depth == 0:
            parts.append(text[start:i])
            start = i + 1
    parts.append(text[start:])
    return [p.strip() for p in parts if p.strip()]


def parse_schema(text: str) -> dict[str, pl.DataType]:
    """``'name=String,age=Int64,ts=Datetime("ms")'`` -> {column: dtype}, in order."""
    if len(text) > _MAX_TEXT:
        raise CliError(f"--schema is longer than {_MAX_TEXT} characters")
    schema: dict[str, pl.DataType] = {}
    for part in _split_top_level(text):
        name, sep, dtype_text = part.partition("=")
        name = name.strip()
        if not sep or not name or not dtype_text.strip():
            raise CliError(f"--schema entry {part!r} must look like name=Dtype, e.g. age=Int64")
        dtype = _interpret(dtype_text, f"--schema dtype for {name!r}:", _DTYPE_NAMES)
        if isinstance(dtype, type) and issubclass(dtype, pl.DataType):
            dtype = dtype()
        if not isinstance(dtype, pl.DataType):
            raise CliError(f"--schema dtype for {name!r}: {dtype_text.strip()!r} is not a Polars dtype")
        schema[name] = dtype
    if not schema:
        raise CliError("--schema is empty; give name=Dtype pairs, e.g. 'name=String,age=Int64'")
    return schema
