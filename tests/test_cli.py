"""The udbudsbot command line, run as a user would (a subprocess), on real files and URLs."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.conftest import FIXTURES, ROOT
from tests.feedserver import FeedServer, Route

EVERY_FORMAT = [
    FIXTURES / "eforms/sdk-examples/cn_24_multilingual.xml",
    ROOT / "examples/feeds/udbud-dk-rss.xml",
    ROOT / "examples/feeds/kommune-atom.xml",
    FIXTURES / "ted-api-v3/ted-search-tenderpilot.json",
    FIXTURES / "udbud-dk/udbud.redacted.jl",
    FIXTURES / "ocds/contracts-finder/CFSearchStr.json",
]


def cli(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=cwd,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), "HOME": str(cwd)},
    )


def test_scan_json_reads_every_format_by_content(tmp_path: Path, feed_server: FeedServer) -> None:
    # a misleading name: the format comes from the content
    disguised = tmp_path / "notice.txt"
    disguised.write_bytes((FIXTURES / "eforms/sdk-examples/cn_24_open.xml").read_bytes())
    broken = tmp_path / "broken.xml"
    broken.write_bytes(b"<ContractNotice><cbc:ID")
    feed_server.routes["/feed"] = Route(body=(ROOT / "examples/feeds/kommune-atom.xml").read_bytes())
    proc = cli(
        "scan",
        "--json",
        *map(str, EVERY_FORMAT),
        str(disguised),
        str(broken),
        str(tmp_path / "missing.xml"),
        feed_server.url("/feed"),
    )
    lines = [json.loads(line) for line in proc.stdout.splitlines()]
    errors = proc.stderr.strip().splitlines()
    assert len(errors) == 2, proc.stderr
    assert errors[0].startswith(f"udbudsbot: {broken}: malformed XML")
    assert errors[1] == f"udbudsbot: {tmp_path / 'missing.xml'}: no such file ({tmp_path / 'missing.xml'})"
    by_source: dict[str, list[dict[str, object]]] = {}
    for d in lines:
        assert {
            "source",
            "id",
            "title",
            "buyer",
            "deadline",
            "value",
            "currency",
            "cpv",
            "lots",
            "level",
            "score",
            "reasons",
        } <= set(d)
        by_source.setdefault(str(d["source"]), []).append(d)
    assert set(by_source) == {p.name for p in EVERY_FORMAT} | {"notice.txt", feed_server.url("/feed")}
    multi = by_source["cn_24_multilingual.xml"][0]
    assert multi["title"].startswith("Levering af IT-tjenester")  # type: ignore[union-attr]
    assert (multi["value"], multi["currency"]) == (4500000, "EUR")
    assert len(by_source["CFSearchStr.json"]) >= 90
    assert len(by_source["udbud.redacted.jl"]) == 250
    assert by_source["notice.txt"][0]["id"] == "c4c415ee-ac08-4465-8fa6-57568cf69462"
    assert proc.returncode == 0  # some inputs failed, but notices were printed


def test_scan_table_without_arguments_uses_the_configured_sources() -> None:
    proc = cli("scan")
    assert proc.returncode == 0, proc.stderr
    assert "notices" in proc.stdout and "Level" in proc.stdout
    assert "suitable" in proc.stdout or "possible" in proc.stdout


def test_classify_prints_one_line_per_notice_and_lot() -> None:
    f = FIXTURES / "eforms/sdk-examples/cn_24_maximal.xml"
    proc = cli("classify", "--json", "--lots", str(f))
    assert proc.returncode == 0, proc.stderr
    lines = [json.loads(line) for line in proc.stdout.splitlines()]
    notice_lines = [d for d in lines if "lot" not in d]
    lot_lines = [d for d in lines if "lot" in d]
    assert len(notice_lines) == 1 and len(lot_lines) >= 2
    for d in lines:
        assert d["level"] in ("suitable", "possible", "unlikely")
        assert 0 <= d["score"] <= 100
        assert all({"signal", "weight", "evidence"} <= set(r) for r in d["reasons"])


def test_poll_once_then_rescore(tmp_path: Path) -> None:
    config = (ROOT / "config.toml").read_text(encoding="utf-8")
    config = config.replace(
        'url = "sqlite+aiosqlite:///var/udbudsbot.sqlite3"', f'url = "sqlite+aiosqlite:///{tmp_path}/db.sqlite3"'
    )
    config = config.replace('url = "examples/', f'url = "{ROOT}/examples/')
    cfg = tmp_path / "config.toml"
    cfg.write_text(config, encoding="utf-8")
    first = cli("--config", str(cfg), "poll", "--once")
    assert first.returncode == 0, first.stderr
    assert "udbud-dk-rss: 45 new, 0 changed, 0 known, 0 seen elsewhere (silent baseline)" in first.stdout
    second = cli("--config", str(cfg), "poll", "--once")
    assert second.stdout.strip() == "no source is due"
    forced = cli("--config", str(cfg), "poll", "--all")
    assert "udbud-dk-rss: 0 new, 0 changed, 45 known" in forced.stdout
    rescored = cli("--config", str(cfg), "rescore")
    assert rescored.returncode == 0
    count = int(rescored.stdout.split()[1])
    assert count > 100
