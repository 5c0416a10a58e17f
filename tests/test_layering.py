"""The house rules: faces import the engine, never the reverse; engine stages keep to their lane.

Every import counts, also one inside a function: a lazy import is still a dependency.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

STAGES = (
    "jobs.ingest",
    "jobs.classify",
    "jobs.deliver",
    "jobs.people",
    "jobs.answers",
    "jobs.ops",
    "jobs.publish",
    "jobs.directory",
)
FACES = ("bot", "telegram", "web", "starlette", "fastapi", "jinja2")

# module prefix -> imports it must never make (prefixes); first matching prefix wins
RULES: list[tuple[str, tuple[str, ...]]] = [
    # decisions over data: no storage, no network, no other stage
    ("jobs.classify", (*[s for s in STAGES if s != "jobs.classify"], "jobs.db", "jobs.models", "sqlalchemy", "httpx")),
    ("jobs.answers", (*[s for s in STAGES if s != "jobs.answers"], "jobs.db", "jobs.models", "sqlalchemy", "httpx")),
    # parsers turn bytes into notices: no storage, no network, no classifier, no other stage
    (
        "jobs.ingest.parse",
        (
            *[s for s in STAGES if s != "jobs.ingest"],
            "jobs.db",
            "jobs.models",
            "sqlalchemy",
            "httpx",
            "jobs.ingest.fetch",
            "jobs.ingest.sources",
            "jobs.ingest.poll",
            "jobs.ingest.store",
        ),
    ),
    # ingestion stores notices; what happens to them next is injected (Runtime.announce)
    ("jobs.ingest", ("jobs.deliver", "jobs.people", "jobs.answers", "jobs.ops")),
    # delivery reads the pure "what changed" decision of ingestion, nothing else of it
    (
        "jobs.deliver",
        (
            "jobs.people",
            "jobs.answers",
            "jobs.ops",
            "jobs.ingest.fetch",
            "jobs.ingest.sources",
            "jobs.ingest.poll",
            "jobs.ingest.store",
            "jobs.ingest.parse",
        ),
    ),
    ("jobs.people", ("jobs.ops", "jobs.ingest", "jobs.publish", "jobs.directory")),
    # the web section's reads: stored notices and the pure "what changed" decision
    (
        "jobs.publish",
        (
            "jobs.deliver",
            "jobs.people",
            "jobs.answers",
            "jobs.ops",
            "jobs.directory",
            "jobs.ingest.fetch",
            "jobs.ingest.sources",
            "jobs.ingest.poll",
            "jobs.ingest.store",
            "jobs.ingest.parse",
        ),
    ),
    # the directory and purchase matching: people's data, outbox rows like broadcasts
    ("jobs.directory", ("jobs.ingest", "jobs.deliver", "jobs.ops", "jobs.publish", "jobs.answers")),
    ("jobs.ops", ()),
    # the composition root of the engine may build every stage
    ("jobs.runtime", ()),
    # settings gather each stage's own settings dataclasses, nothing else of a stage
    ("jobs.config", tuple(f"{s}." for s in STAGES)),
    # the rest of the core knows no stage
    ("jobs", STAGES),
]


def imports_of(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
            names += [f"{node.module}.{a.name}" for a in node.names]  # ``from jobs import broadcasts``
    return names


def module_name(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")


def engine_modules() -> list[Path]:
    return [p for p in sorted((ROOT / "jobs").rglob("*.py")) if "migrations" not in p.parts]


def within(name: str, prefix: str) -> bool:
    return name == prefix.rstrip(".") or name.startswith(prefix if prefix.endswith(".") else prefix + ".")


def test_jobs_never_imports_a_face() -> None:
    offenders = [f"{module_name(p)}: {n}" for p in engine_modules() for n in imports_of(p) if n.split(".")[0] in FACES]
    assert offenders == []


def test_engine_stages_keep_to_their_lane() -> None:
    offenders = []
    for path in engine_modules():
        mod = module_name(path)
        forbidden = next(f for prefix, f in RULES if within(mod, prefix))
        for name in imports_of(path):
            if (mod == "jobs.config" and "settings" in name.split(".")) or name.startswith(mod + "."):
                continue
            hits = [f for f in forbidden if within(name, f)]
            if hits:
                offenders.append(f"{mod} imports {name}")
    assert offenders == []


@pytest.mark.parametrize(
    ("module", "name", "allowed"),
    [
        ("jobs.ingest.poll", "jobs.deliver.outbox", False),
        ("jobs.ingest.parse.eforms", "jobs.ingest.parse.eforms_lots", True),
        ("jobs.ingest.parse.eforms_lots", "jobs.ingest.store", False),
        ("jobs.ingest.parse.feed", "jobs.classify", False),
        ("jobs.deliver.resolve", "jobs.ingest.decide", True),
        ("jobs.deliver.resolve", "jobs.ingest.store", False),
        ("jobs.classify.engine", "sqlalchemy", False),
        ("jobs.answers.ask", "jobs.models", False),
        ("jobs.models", "jobs.people.staff", False),
        ("jobs.people.broadcasts", "jobs.deliver.outbox", True),
        ("jobs.publish.listing", "jobs.ingest.decide", True),
        ("jobs.publish.listing", "jobs.ingest.store", False),
        ("jobs.directory.profiles", "jobs.people.audit", True),
        ("jobs.directory.matching", "jobs.deliver.match", False),
        ("jobs.people.privacy", "jobs.directory.profiles", False),
    ],
)
def test_the_rules_say_what_they_mean(module: str, name: str, allowed: bool) -> None:
    """The rule table itself, on examples (so a typo in it cannot silently allow everything)."""
    forbidden = next(f for prefix, f in RULES if within(module, prefix))
    assert (not any(within(name, f) for f in forbidden)) is allowed


def test_handlers_only_translate() -> None:
    """Handlers call the engine and reply: no SQL, no scheduler, no other handler module."""
    offenders = []
    for path in sorted((ROOT / "bot" / "handlers").glob("*.py")):
        mod = module_name(path)
        for name in imports_of(path):
            if within(name, "sqlalchemy") or within(name, "jobs.models") or within(name, "jobs.db"):
                offenders.append(f"{mod} imports {name} (SQL belongs in jobs/)")
            if within(name, "bot.handlers") and not within(name, "bot.handlers.common") and name != "bot.handlers":
                offenders.append(f"{mod} imports {name} (dispatch goes through bot/router.py)")
        text = path.read_text(encoding="utf-8")
        for word in ("job_queue", "run_once(", "run_repeating("):
            if word in text:
                offenders.append(f"{mod} uses {word} (scheduling belongs in bot/scheduled.py)")
    assert offenders == []


def test_scheduled_jobs_do_not_reach_into_handlers() -> None:
    names = imports_of(ROOT / "bot" / "scheduled.py")
    assert [n for n in names if within(n, "bot.handlers")] == []


def test_engine_runs_without_telegram_loaded() -> None:
    """Importing every engine module (and running the poll job's imports) loads no Telegram."""
    modules = sorted(module_name(p) for p in engine_modules())
    code = (
        "import importlib, sys\n"
        f"for m in {modules!r}: importlib.import_module(m)\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('telegram', 'bot', 'web'))\n"
        "print(','.join(bad))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == ""


def test_web_face_imports_the_engine_never_the_bot() -> None:
    """The web section is a face of its own: the engine, never bot/ or Telegram."""
    offenders = [
        f"{module_name(p)}: {n}"
        for p in sorted((ROOT / "web").rglob("*.py"))
        for n in imports_of(p)
        if n.split(".")[0] in ("bot", "telegram")
        or within(n, "sqlalchemy")
        or within(n, "jobs.models")
        or within(n, "jobs.db")
    ]
    assert offenders == []


def test_update_processing_and_polling_are_plumbing() -> None:
    """bot/updates.py orders updates knowing nothing of handlers or storage; bot/polling.py
    follows the engine's leadership without reaching into handlers or SQL."""
    stdlib = ("__future__", "asyncio", "collections", "contextlib", "inspect", "typing")
    updates = imports_of(ROOT / "bot" / "updates.py")
    assert [n for n in updates if n.split(".")[0] not in ("telegram", *stdlib)] == []
    polling = imports_of(ROOT / "bot" / "polling.py")
    bad = ("bot.handlers", "sqlalchemy", "jobs.models", "jobs.db")
    assert [n for n in polling if any(within(n, b) for b in bad)] == []


# -- size: a newcomer reads a module in one sitting -----------------------------------------

MODULE_LINES = 400
FUNCTION_LINES = 60


def _python_files() -> list[Path]:
    files = [*(ROOT / "jobs").rglob("*.py"), *(ROOT / "bot").rglob("*.py"), *(ROOT / "web").rglob("*.py")]
    return sorted(p for p in files if "migrations" not in p.parts)


def test_modules_and_functions_are_short_or_say_why() -> None:
    """Over ~400 lines a module says why in its docstring ("Longer than 400 lines ..."); over
    ~60 lines a function says why in a comment or its docstring near its top ("Long ...")."""
    too_long: list[str] = []
    for path in _python_files():
        source = path.read_text(encoding="utf-8")
        tree = ast.parse(source)
        name = path.relative_to(ROOT).as_posix()
        if source.count("\n") > MODULE_LINES and "Longer than 400 lines" not in (ast.get_docstring(tree) or ""):
            too_long.append(f"{name}: {source.count(chr(10))} lines")
        lines = source.splitlines()
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = (node.end_lineno or node.lineno) - node.lineno + 1
                head = "\n".join(lines[node.lineno - 1 : node.lineno + 8])
                if length > FUNCTION_LINES and "Long" not in head:
                    too_long.append(f"{name}:{node.lineno} {node.name}() {length} lines")
    assert not too_long, "split these or say why:\n" + "\n".join(too_long)
