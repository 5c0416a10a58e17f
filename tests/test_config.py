"""config.toml → typed settings; every mistake is one clear line naming key and file."""

from __future__ import annotations

import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from jobs.config import load_settings, secret
from jobs.errors import ConfigError
from tests.conftest import ROOT


def write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "config.toml"
    p.write_text(text, encoding="utf-8")
    return p


def test_shipped_config_loads() -> None:
    s = load_settings(ROOT / "config.toml", env={})
    assert s.database.url.startswith("sqlite+aiosqlite:///")
    assert s.database.url.endswith("/var/udbudsbot.sqlite3")
    assert Path(s.database.url.split(":///", 1)[1]).is_absolute()
    assert {src.name for src in s.sources if src.enabled} >= {"udbud-dk-rss", "ted-example"}
    assert s.money.to_dkk(Decimal(100), "EUR") == Decimal("746.00")
    assert s.money.to_dkk(None, "EUR") is None
    assert s.money.to_dkk(Decimal(1), "XYZ") is None  # unknown currency: unknown, not zero


def test_database_url_env_overrides(tmp_path: Path) -> None:
    p = write(tmp_path, "")
    s = load_settings(p, env={"UDBUDSBOT_DATABASE_URL": "postgresql+asyncpg://x@h/db"})
    assert s.database.url == "postgresql+asyncpg://x@h/db"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[fetch]\ntimeout_secs = 3\n", "unknown key fetch.timeout_secs"),
        ("[fetch]\nmax_bytes = 'big'\n", "fetch.max_bytes must be a whole number"),
        ("[poll]\nalert_after_failures = true\n", "poll.alert_after_failures must be a whole number"),
        ("[[sources]]\nname = 'x'\nkind = 'rss'\n", "missing key sources[0].url"),
        ("[[sources]]\nname = 'x'\nkind = 'gopher'\nurl = 'u'\n", "sources[0].kind must be one of"),
        ("[database\nurl = 1\n", "not valid TOML"),
        ("base_dir = '/'\n", "unknown key base_dir"),
        (
            "[[sources]]\nname='a'\nkind='rss'\nurl='u'\n[[sources]]\nname='a'\nkind='rss'\nurl='v'\n",
            "source names must be unique",
        ),
        ("[money.rates_to_dkk]\nEUR = 'x'\n", "money.rates_to_dkk.EUR must be a number"),
    ],
)
def test_config_errors_name_key_and_file(tmp_path: Path, text: str, expected: str) -> None:
    p = write(tmp_path, text)
    with pytest.raises(ConfigError) as exc:
        load_settings(p, env={})
    msg = str(exc.value)
    assert expected in msg
    assert str(p) in msg
    assert "\n" not in msg


def test_missing_config_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="config file not found"):
        load_settings(tmp_path / "nope.toml", env={})


def test_cli_reports_config_error_in_one_line(tmp_path: Path) -> None:
    p = write(tmp_path, "[fetch]\nbogus = 1\n")
    proc = subprocess.run(
        [sys.executable, "-m", "bot", "--config", str(p), "scan"], capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines() == [f"udbudsbot: {p}: unknown key fetch.bogus"]


def test_secrets_come_from_env_only() -> None:
    assert secret("UDBUD_DK_TOKEN", {"UDBUD_DK_TOKEN": " abc "}) == "abc"
    assert secret("UDBUD_DK_TOKEN", {}) is None
    assert secret("", {"": "x"}) is None
