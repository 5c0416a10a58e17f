"""The udbudsbot command line, run as a user would (a subprocess), on real files and URLs."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

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
            "closed",
        } <= set(d)
        assert d["reasons"] and all({"signal", "text"} <= set(r) for r in d["reasons"])  # type: ignore[union-attr]
        by_source.setdefault(str(d["source"]), []).append(d)
    seen_in = set(by_source) | {src for d in lines for src in d["also_in"]}  # type: ignore[attr-defined]
    assert seen_in == {p.name for p in EVERY_FORMAT} | {"notice.txt", feed_server.url("/feed")}
    # the same Atom feed read from a file and over HTTP is shown once, naming both
    atom = [d for d in lines if str(d["id"]).startswith("urn:udbudsbot:example:")]
    assert atom and len({d["id"] for d in atom}) == len(atom)  # never twice
    both = {"kommune-atom.xml", feed_server.url("/feed")}
    assert all(both <= {d["source"], *d["also_in"]} for d in atom)  # type: ignore[misc]
    multi = by_source["cn_24_multilingual.xml"][0]
    assert multi["title"].startswith("Levering af IT-tjenester")  # type: ignore[union-attr]
    assert (multi["value"], multi["currency"]) == (4500000, "EUR")
    assert len(by_source["CFSearchStr.json"]) >= 80  # its releases of one procedure are one line
    assert by_source["notice.txt"][0]["id"] == "c4c415ee-ac08-4465-8fa6-57568cf69462"
    assert proc.returncode == 1  # notices were printed, but some inputs failed: say so in the exit code


def test_scan_without_arguments_prints_tab_separated_lines_when_piped() -> None:
    proc = cli("scan")  # stdout is a pipe here, as in `udbudsbot scan | less`
    assert proc.returncode == 0, proc.stderr
    header, *lines = proc.stdout.splitlines()
    assert header.split("\t") == ["source", "deadline", "status", "level", "title", "buyer", "value", "top_reason"]
    rows = [line.split("\t") for line in lines]
    assert rows and all(len(r) == 8 for r in rows)
    assert {r[2] for r in rows} == {"open", "closed", "no deadline"}
    assert max(len(line) for line in lines) > 80  # not squeezed into a terminal's width
    assert {r[3] for r in rows} <= {"suitable", "possible", "unlikely"}
    assert not any(signal in proc.stdout for signal in SIGNALS)  # sentences, never signal ids
    danish = [line.split("\t") for line in cli("scan", "--language", "da").stdout.splitlines()[1:]]
    assert {r[2] for r in danish} == {"åben", "lukket", "ingen frist"}
    assert {r[3] for r in danish} <= {"oplagt", "mulig", "usandsynlig"}
    assert not any(signal in cell for r in danish for cell in r for signal in SIGNALS)


def test_scan_piped_into_a_reader_that_stops_early_says_nothing() -> None:
    """`udbudsbot scan | head -1`: the closed pipe is not an error worth a line (nor a database error)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot", "scan", "--json"],  # far more than a pipe's buffer holds
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None and proc.stderr is not None
    first = proc.stdout.readline()
    proc.stdout.close()  # what head does after its line
    err = proc.stderr.read().decode()
    proc.stderr.close()
    assert proc.wait(timeout=60) == 141
    assert first.startswith(b"{") and err == ""


SIGNALS = (
    "sector_small",
    "sector_unknown",
    "specialised_large",
    "specialised_unknown",
    "works_large",
    "no_sign",
    "other_goods",
)


def test_scan_marks_only_notices_whose_deadline_has_passed_as_closed(tmp_path: Path) -> None:
    from tests.botkit import rss

    soon = (datetime.now(UTC) + timedelta(days=60)).isoformat(timespec="seconds")
    feed = tmp_path / "feed.xml"
    feed.write_bytes(
        rss(
            [
                {"guid": "past", "title": "Rengøring af skole", "deadline": "2021-01-04T12:00:00+01:00"},
                {"guid": "future", "title": "Rengøring af rådhus", "deadline": soon},
                {"guid": "none", "title": "Rengøring af hal"},
            ]
        )
    )
    lines = [json.loads(line) for line in cli("scan", "--json", str(feed)).stdout.splitlines()]
    assert {d["id"]: d["closed"] for d in lines} == {"past": True, "future": False, "none": False}
    rows = [line.split("\t") for line in cli("scan", str(feed)).stdout.splitlines()[1:]]
    assert sorted(r[2] for r in rows) == ["closed", "no deadline", "open"]


def test_classify_prints_one_line_per_notice_and_lot() -> None:
    f = FIXTURES / "eforms/sdk-examples/cn_24_maximal.xml"
    proc = cli("classify", "--json", "--lots", str(f))
    assert proc.returncode == 0, proc.stderr
    lines = [json.loads(line) for line in proc.stdout.splitlines()]
    notice_lines = [d for d in lines if "lot" not in d]
    lot_lines = [d for d in lines if "lot" in d]
    assert len(notice_lines) == 1 and len(lot_lines) >= 2
    for d in lines:
        assert {"source", "id", "title", "score", "level", "reasons"} <= set(d)
        assert d["level"] in ("suitable", "possible", "unlikely")
        assert 0 <= d["score"] <= 100
        assert d["reasons"] and all({"signal", "text"} <= set(r) and r["text"] for r in d["reasons"])
    danish = {r["text"] for d in lines for r in d["reasons"]}
    english = [json.loads(line) for line in cli("classify", "--lots", "--language", "en", str(f)).stdout.splitlines()]
    assert [d["level"] for d in english] == [d["level"] for d in lines]
    assert [[r["signal"] for r in d["reasons"]] for d in english] == [
        [r["signal"] for r in d["reasons"]] for d in lines
    ]
    assert danish.isdisjoint({r["text"] for d in english for r in d["reasons"]})  # translated, not copied


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
    assert "udbud-dk-rss: 40 new, 0 changed, 0 known, 0 seen elsewhere (silent baseline)" in first.stdout
    second = cli("--config", str(cfg), "poll", "--once")
    assert second.stdout.strip() == "no source is due"
    forced = cli("--config", str(cfg), "poll", "--all")
    assert "udbud-dk-rss: 0 new, 0 changed, 40 known" in forced.stdout
    rescored = cli("--config", str(cfg), "rescore")
    assert rescored.returncode == 0
    count = int(rescored.stdout.split()[1])
    assert count > 100


# --- failures: one line, what failed and what to do; global options anywhere -------------

UNREACHABLE_PG = "postgresql+asyncpg://postgres@127.0.0.1:1/udbudsbot"


def one_line_error(proc: subprocess.CompletedProcess[str]) -> str:
    assert proc.returncode != 0, proc.stdout
    assert "Traceback" not in proc.stderr, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    return lines[0]


def config_with(tmp_path: Path, url: str, name: str = "config.toml") -> Path:
    config = (ROOT / "config.toml").read_text(encoding="utf-8")
    config = config.replace('url = "sqlite+aiosqlite:///var/udbudsbot.sqlite3"', f'url = "{url}"')
    config = config.replace('url = "examples/', f'url = "{ROOT}/examples/')
    cfg = tmp_path / name
    cfg.write_text(config, encoding="utf-8")
    return cfg


@pytest.mark.parametrize(
    "args",
    [
        ["migrate"],
        ["poll", "--once"],
        ["rescore"],
        ["copy-db", "--to", "sqlite+aiosqlite:///{tmp}/new.sqlite3"],
    ],
)
def test_an_unreachable_database_is_one_line(tmp_path: Path, args: list[str]) -> None:
    cfg = config_with(tmp_path, UNREACHABLE_PG)
    proc = cli(*[a.replace("{tmp}", str(tmp_path)) for a in args], "--config", str(cfg))
    line = one_line_error(proc)
    assert line.startswith("udbudsbot: cannot use the database postgresql+asyncpg://postgres@127.0.0.1:1/udbudsbot: ")
    assert "is the server running" in line


def test_copy_db_to_an_unreachable_or_unsupported_target_is_one_line(tmp_path: Path) -> None:
    cfg = config_with(tmp_path, f"sqlite+aiosqlite:///{tmp_path}/db.sqlite3")
    line = one_line_error(cli("--config", str(cfg), "copy-db", "--to", UNREACHABLE_PG))
    assert line.startswith("udbudsbot: cannot use the database postgresql+asyncpg://postgres@127.0.0.1:1/")
    line = one_line_error(cli("--config", str(cfg), "copy-db", "--to", "mysql://u:secret@db/x"))
    assert line == (
        "udbudsbot: unsupported database URL mysql://u:***@db/x: use sqlite+aiosqlite:///PATH or "
        "postgresql+asyncpg://USER:PASSWORD@HOST:PORT/NAME"
    )


@pytest.mark.parametrize(
    ("url", "start"),
    [
        ("mysql://x/y", "udbudsbot: unsupported database URL mysql://x/y: use "),
        ("postgresql://u@h/db", "udbudsbot: unsupported database URL postgresql://u@h/db (postgresql+asyncpg://...)"),
        ("not a url", "udbudsbot: database URL 'not a url' cannot be read: use "),
    ],
)
def test_an_unsupported_database_url_is_one_line(tmp_path: Path, url: str, start: str) -> None:
    line = one_line_error(cli("migrate", "--config", str(config_with(tmp_path, url))))
    assert line.startswith(start)


def test_global_options_before_or_after_the_subcommand(tmp_path: Path) -> None:
    cfg = config_with(tmp_path, f"sqlite+aiosqlite:///{tmp_path}/db.sqlite3")
    after = cli("poll", "--once", "--config", str(cfg))
    assert after.returncode == 0, after.stderr
    assert "udbud-dk-rss:" in after.stdout
    before = cli("--config", str(cfg), "-v", "poll", "--all")
    assert before.returncode == 0 and "known" in before.stdout
    from bot.cli import build_parser

    for argv in (
        ["--config", "c.toml", "-v", "poll"],
        ["poll", "-v", "--config", "c.toml"],
        ["-v", "poll", "--config", "c.toml"],
    ):
        args = build_parser().parse_args(argv)
        assert (args.config, args.verbose) == ("c.toml", True)
    assert (build_parser().parse_args(["poll"]).config, build_parser().parse_args(["poll"]).verbose) == (None, False)
    verbose_after = cli("rescore", "--config", str(cfg), "-v")
    assert verbose_after.returncode == 0 and "rescore: " in verbose_after.stderr  # progress on stderr
    assert verbose_after.stdout.startswith("re-scored ")


def test_a_source_failure_is_reported_once(tmp_path: Path, feed_server: FeedServer) -> None:
    feed_server.routes["/gone"] = Route(status=410)
    cfg = tmp_path / "config.toml"
    cfg.write_text(
        f'[database]\nurl = "sqlite+aiosqlite:///{tmp_path}/db.sqlite3"\n\n'
        f'[[sources]]\nname = "gone"\nkind = "rss"\nurl = "{feed_server.url("/gone")}"\n',
        encoding="utf-8",
    )
    polled = cli("poll", "--config", str(cfg))
    assert polled.returncode == 1
    assert polled.stderr.strip().splitlines() == ["udbudsbot: source gone FAILED: HTTP 410 Gone"]
    scanned = cli("scan", "--config", str(cfg))
    assert scanned.returncode == 1
    assert scanned.stderr.strip().splitlines() == [
        f"udbudsbot: source gone ({feed_server.url('/gone')}): HTTP 410 Gone"
    ]


def test_run_retries_an_unreachable_telegram_one_line_per_attempt(tmp_path: Path) -> None:
    cfg = config_with(tmp_path, f"sqlite+aiosqlite:///{tmp_path}/db.sqlite3")
    cfg.write_text(cfg.read_text(encoding="utf-8").replace('path = "faq.toml"', f'path = "{ROOT}/faq.toml"'))
    env = {
        "PATH": "/usr/bin:/bin",
        "PYTHONPATH": str(ROOT),
        "HOME": str(tmp_path),
        "TELEGRAM_BOT_TOKEN": "123:abc",
        "TELEGRAM_API_BASE_URL": "http://127.0.0.1:1/bot",
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot", "run", "--config", str(cfg)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    lines: list[str] = []
    try:
        assert proc.stderr is not None
        while len(lines) < 2:
            line = proc.stderr.readline()
            assert line, f"run exited early: {lines}"
            lines.append(line.rstrip("\n"))
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        if proc.stderr is not None:
            proc.stderr.close()
    assert lines[0].startswith("udbudsbot: Telegram is unreachable at http://127.0.0.1:1/bot (")
    assert lines[0].endswith("attempt 1 failed, retrying in 5 s")
    assert lines[1].endswith("attempt 2 failed, retrying in 10 s")
    assert "123:abc" not in "".join(lines)


@pytest.fixture
def fresh_pg_url() -> Iterator[str]:
    """A new, empty PostgreSQL database for commands that use the public schema."""
    import asyncio
    import os

    from tests.conftest import PG_URL, _pg_reachable

    if not _pg_reachable():
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL is not reachable at {PG_URL}")
        pytest.skip(f"PostgreSQL is not reachable at {PG_URL}")
    name = f"udbudsbot_cli_{os.getpid()}"
    admin = PG_URL.replace("postgresql+asyncpg", "postgresql")

    async def run(sql: str) -> None:
        import asyncpg

        conn = await asyncpg.connect(admin)
        try:
            await conn.execute(sql)
        finally:
            await conn.close()

    asyncio.run(run(f'DROP DATABASE IF EXISTS "{name}"'))
    asyncio.run(run(f'CREATE DATABASE "{name}"'))
    try:
        yield PG_URL.rsplit("/", 1)[0] + f"/{name}"
    finally:
        asyncio.run(run(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def test_commands_on_postgresql_and_copying_sqlite_into_it(tmp_path: Path, fresh_pg_url: str) -> None:
    sqlite = f"sqlite+aiosqlite:///{tmp_path}/db.sqlite3"
    cfg = config_with(tmp_path, sqlite)
    assert cli("poll", "--config", str(cfg)).returncode == 0
    copied = cli("copy-db", "--to", fresh_pg_url, "--config", str(cfg))
    assert copied.returncode == 0, copied.stderr
    assert copied.stdout.startswith("copied ") and "notices: " in copied.stderr  # progress on stderr
    pg_cfg = config_with(tmp_path, fresh_pg_url, "pg.toml")
    for args in (["migrate"], ["rescore", "--stale"], ["poll", "--all"]):
        proc = cli(*args, "--config", str(pg_cfg))
        assert proc.returncode == 0, (args, proc.stderr)
        assert "Traceback" not in proc.stderr
    again = cli("copy-db", "--to", fresh_pg_url, "--config", str(cfg))
    line = one_line_error(again)
    assert line.startswith("udbudsbot: the target is not empty")
