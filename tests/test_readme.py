"""README and docs stay true: two Quick start commands, CI runs the second, the first names real
commands; every command of the CLI and of the bot is documented."""

from __future__ import annotations

import argparse
import re

from telegram.ext import BaseHandler, CommandHandler, ConversationHandler

from bot.app import add_handlers
from bot.cli import build_parser
from tests.conftest import ROOT


def quick_start() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```sh\n(.*?)```", section, flags=re.S)
    assert block is not None
    return [line for line in block.group(1).splitlines() if line.strip()]


def subcommands() -> dict[str, argparse.ArgumentParser]:
    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(sub.choices)


def test_quick_start_has_exactly_two_commands_and_ci_runs_the_test_command() -> None:
    run, test = quick_start()
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert test in ci.splitlines()
    assert "pip install -e" in run


def test_quick_start_uses_existing_subcommands() -> None:
    run, _ = quick_start()
    parser = build_parser()
    used = [part.split() for part in run.split("&&") if part.split()[:1] == ["udbudsbot"]]
    assert len(used) >= 1, "the first Quick start command runs no udbudsbot command"
    for words in used:
        parser.parse_args(words[1:])  # exits (fails the test) on an unknown command or flag


def test_every_cli_command_is_in_the_commands_table_and_nothing_else() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme.split("## Commands", 1)[1].split("\n## ", 1)[0]
    documented = set(re.findall(r"^\|\s*`udbudsbot ([a-z-]+)", table, flags=re.M))
    assert documented == set(subcommands())


def test_every_documented_cli_option_exists() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme.split("## Commands", 1)[1].split("\n## ", 1)[0]
    commands = subcommands()
    for name, usage in re.findall(r"^\|\s*`udbudsbot ([a-z-]+)([^`]*)`", table, flags=re.M):
        options = {o for a in commands[name]._actions for o in a.option_strings}
        for flag in re.findall(r"--[a-z-]+", usage):
            assert flag in options, f"udbudsbot {name}: README names {flag}, the parser has {sorted(options)}"


def _commands(handler: BaseHandler) -> set[str]:  # type: ignore[type-arg]
    if isinstance(handler, CommandHandler):
        return set(handler.commands)
    if isinstance(handler, ConversationHandler):
        inner = [*handler.entry_points, *handler.fallbacks, *(h for hs in handler.states.values() for h in hs)]
        return set().union(*(_commands(h) for h in inner))
    return set()


def test_every_bot_command_is_documented() -> None:
    from telegram.ext import ApplicationBuilder

    app = ApplicationBuilder().token("123:TEST").build()
    add_handlers(app)
    registered = set().union(*(_commands(h) for hs in app.handlers.values() for h in hs))
    assert {"start", "stop", "broadcast", "deletemydata"} <= registered  # the walk found them
    docs = (ROOT / "docs" / "bot.md").read_text(encoding="utf-8")
    missing = sorted(c for c in registered if not re.search(rf"`/{re.escape(c)}\b", docs))
    assert missing == [], f"bot commands not in docs/bot.md: {missing}"


def test_every_bench_script_is_in_benchmarks_md() -> None:
    """Each runnable script in bench/ is named in BENCHMARKS.md (``bench.NAME`` or ``bench/NAME.py``)."""
    text = (ROOT / "BENCHMARKS.md").read_text(encoding="utf-8")
    scripts = [p.stem for p in sorted((ROOT / "bench").glob("*.py")) if "__main__" in p.read_text(encoding="utf-8")]
    assert len(scripts) >= 10  # the glob found the scripts
    missing = [s for s in scripts if f"bench.{s}" not in text and f"bench/{s}.py" not in text]
    assert not missing, f"bench scripts not in BENCHMARKS.md: {missing}"
