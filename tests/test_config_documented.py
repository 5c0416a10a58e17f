"""Every config.toml key is documented in docs/configuration.md (datasette's habit),
and the table documents only keys the settings really have."""

from __future__ import annotations

import re
import tomllib
import types
import typing
from dataclasses import fields, is_dataclass
from typing import Any

from jobs.config import Settings
from tests.conftest import ROOT


def documented_keys() -> set[str]:
    doc = (ROOT / "docs" / "configuration.md").read_text(encoding="utf-8")
    section = doc.split("Every key of `config.toml`", 1)[1]  # after the environment table
    return set(re.findall(r"^\|\s*`([^`]+)`\s*\|", section, flags=re.M))


def _unwrap(tp: Any) -> Any:
    """X | None -> X."""
    if typing.get_origin(tp) in (typing.Union, types.UnionType):
        return next(a for a in typing.get_args(tp) if a is not type(None))
    return tp


def setting_keys(cls: Any, prefix: str = "") -> set[str]:
    """Dotted keys Settings accepts; a dict-typed table (keys are data) is one key."""
    out: set[str] = set()
    hints = typing.get_type_hints(cls)
    for f in fields(cls):
        if f.name == "base_dir":
            continue
        path = f"{prefix}.{f.name}" if prefix else f.name
        tp = _unwrap(hints[f.name])
        args = typing.get_args(tp)
        if is_dataclass(tp):
            out |= setting_keys(tp, path)
        elif typing.get_origin(tp) is tuple and args and is_dataclass(args[0]):
            out |= setting_keys(args[0], f"{path}[]")
        elif typing.get_origin(tp) is dict and args and is_dataclass(args[1]):
            out |= setting_keys(args[1], f"{path}.*")
        else:
            out.add(path)
    return out


def config_keys(data: Any, valid: set[str], prefix: str = "") -> set[str]:
    """Dotted keys used in config.toml, folded the same way as ``setting_keys``."""
    keys: set[str] = set()
    for k, v in data.items():
        path = f"{prefix}.{k}" if prefix else k
        if path not in valid and f"{prefix}.*" in {p.rsplit(".", 1)[0] for p in valid if ".*." in p}:
            path = f"{prefix}.*"
        if path in valid:
            keys.add(path)
        elif isinstance(v, dict):
            keys |= config_keys(v, valid, path)
        elif isinstance(v, list) and v and all(isinstance(i, dict) for i in v):
            for item in v:
                keys |= config_keys(item, valid, f"{path}[]")
        else:
            keys.add(path)  # unknown: load_settings would refuse it; reported below
    return keys


def test_every_config_key_is_documented() -> None:
    valid = setting_keys(Settings)
    used = config_keys(tomllib.loads((ROOT / "config.toml").read_text(encoding="utf-8")), valid)
    assert used <= valid, f"config.toml has keys Settings does not know: {sorted(used - valid)}"
    missing = sorted(valid - documented_keys())
    assert not missing, f"settings missing from docs/configuration.md: {missing}"


def test_documented_keys_exist() -> None:
    """The table documents no key the settings cannot hold (docs kept true)."""
    extra = sorted(documented_keys() - setting_keys(Settings))
    assert not extra, f"docs/configuration.md documents keys Settings does not have: {extra}"
