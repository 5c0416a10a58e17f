"""Turn a TOML table into frozen dataclasses, with one clear line per mistake.

Kept apart from ``config.py`` (which only declares the settings) so the
declarations stay readable. Supports the types the settings use: str, int,
float, bool, Decimal, ``X | None``, ``tuple[X, ...]``, ``dict[str, X]``,
``Literal[...]`` and nested dataclasses.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

from jobs.errors import ConfigError

T = TypeVar("T")


def build(cls: type[T], data: Any, *, path: str, file: str) -> T:
    """Build dataclass ``cls`` from ``data``; ``path`` is the dotted key for messages."""
    if not isinstance(data, dict):
        raise ConfigError(f"{file}: [{path}] must be a table")
    hints = typing.get_type_hints(cls)
    fields = {f.name: f for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
    unknown = sorted(set(data) - set(fields))
    if unknown:
        raise ConfigError(f"{file}: unknown key {_join(path, unknown[0])}")
    kwargs: dict[str, Any] = {}
    for name, fld in fields.items():
        key = _join(path, name)
        if name in data:
            kwargs[name] = convert(hints[name], data[name], path=key, file=file)
        elif fld.default is dataclasses.MISSING and fld.default_factory is dataclasses.MISSING:
            raise ConfigError(f"{file}: missing key {key}")
    try:
        return cls(**kwargs)
    except (ValueError, TypeError) as e:  # __post_init__ validation
        raise ConfigError(f"{file}: [{path}] {e}") from e


def convert(tp: Any, value: Any, *, path: str, file: str) -> Any:
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if dataclasses.is_dataclass(tp):
        return build(tp, value, path=path, file=file)  # type: ignore[arg-type]
    if origin in (typing.Union, types.UnionType):
        non_none = [a for a in args if a is not type(None)]
        if value is None or (isinstance(value, str) and value == "" and type(None) in args):
            return None
        return convert(non_none[0], value, path=path, file=file)
    if origin is typing.Literal:
        if value not in args:
            allowed = ", ".join(repr(a) for a in args)
            raise ConfigError(f"{file}: {path} must be one of {allowed}, not {value!r}")
        return value
    if origin is tuple:
        if not isinstance(value, list):
            raise ConfigError(f"{file}: {path} must be a list")
        item = args[0]
        return tuple(convert(item, v, path=f"{path}[{i}]", file=file) for i, v in enumerate(value))
    if origin is dict:
        if not isinstance(value, dict):
            raise ConfigError(f"{file}: {path} must be a table")
        return {str(k): convert(args[1], v, path=_join(path, k), file=file) for k, v in value.items()}
    if tp is bool:
        if not isinstance(value, bool):
            raise ConfigError(f"{file}: {path} must be true or false, not {value!r}")
        return value
    if tp is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ConfigError(f"{file}: {path} must be a whole number, not {value!r}")
        return value
    if tp is float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ConfigError(f"{file}: {path} must be a number, not {value!r}")
        return float(value)
    if tp is Decimal:
        if isinstance(value, bool):
            raise ConfigError(f"{file}: {path} must be a number, not {value!r}")
        try:
            return Decimal(str(value))
        except InvalidOperation as e:
            raise ConfigError(f"{file}: {path} must be a number, not {value!r}") from e
    if tp is str:
        if not isinstance(value, str):
            raise ConfigError(f"{file}: {path} must be a string, not {value!r}")
        return value
    raise ConfigError(f"{file}: {path} has an unsupported type {tp!r}")  # pragma: no cover


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key
