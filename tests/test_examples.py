"""The bundled examples tell the product's story on a first run (README's Quick start:
``udbudsbot poll --once && udbudsbot scan``), and they are rebuilt byte for byte."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from tests.conftest import ROOT
from tests.test_cli import cli, config_with

REBUILD = "the examples' open notices have expired: run `python examples/build_examples.py --today YYYY-MM-DD`"


def test_build_examples_is_deterministic() -> None:
    files = {p: p.read_bytes() for p in (ROOT / "examples").rglob("*") if p.is_file() and p.suffix != ".py"}
    proc = subprocess.run(
        [sys.executable, str(ROOT / "examples" / "build_examples.py")], capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stderr
    after = {p: p.read_bytes() for p in files}
    assert [p.name for p in files if after[p] != files[p]] == []


def test_first_run_shows_the_product(tmp_path: Path) -> None:
    cfg = config_with(tmp_path, f"sqlite+aiosqlite:///{tmp_path}/db.sqlite3")
    polled = cli("poll", "--once", "--config", str(cfg))
    assert polled.returncode == 0, polled.stderr
    assert "eforms-example: 0 new, 0 changed, 0 known, 1 seen elsewhere" in polled.stdout  # the store keeps it once
    scanned = cli("scan", "--json", "--config", str(cfg))
    assert scanned.returncode == 0, scanned.stderr
    rows = [json.loads(line) for line in scanned.stdout.splitlines()]
    now = datetime.now(UTC)
    open_rows = [r for r in rows if not r["closed"] and r["deadline"]]
    assert all(datetime.fromisoformat(r["deadline"]) > now for r in open_rows)
    assert len(open_rows) >= 6, REBUILD
    assert {r["level"] for r in open_rows} == {"suitable", "possible", "unlikely"}
    assert any(x["signal"].startswith("reserved") for r in open_rows for x in r["reasons"])  # a reserved contract, open
    sector_signals = {"sector_small", "sector_small_lot", "sector_medium", "sector_unknown", "vcse_sector"}
    assert any(x["signal"] in sector_signals for r in open_rows for x in r["reasons"])  # sector work, open
    assert {"da", "en"} <= {r["language"] for r in open_rows}  # Danish and English notices
    both = [r for r in rows if r["also_in"]]
    assert any({r["source"], *r["also_in"]} == {"udbud-dk-example", "eforms-example"} for r in both)
    titles = [(r["source"], r["id"]) for r in rows]
    assert len(titles) == len(set(titles))
    closed = [r for r in rows if r["closed"]]
    ended = ("award", "cancellation")
    passed = [r for r in closed if r["deadline"] and datetime.fromisoformat(r["deadline"]) <= now]
    assert closed and all(r in passed or r["notice_type"] in ended for r in closed)
    ted = [r for r in rows if r["source"] == "ted-example"]
    assert ted and all(r["cpv"] for r in ted)  # classification-cpv, as TED's API returns it
    assert all(r["reasons"] and all(x["text"] for x in r["reasons"]) for r in rows)  # every one explained
