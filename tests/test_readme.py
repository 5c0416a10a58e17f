"""README's Quick start stays true: two commands, CI runs the second, the first names real commands."""

from __future__ import annotations

import re

from bot.cli import build_parser
from tests.conftest import ROOT


def quick_start() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```sh\n(.*?)```", section, flags=re.S)
    assert block is not None
    return [line for line in block.group(1).splitlines() if line.strip()]


def test_quick_start_has_exactly_two_commands_and_ci_runs_the_test_command() -> None:
    run, test = quick_start()
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert test in ci.splitlines()
    assert "pip install -e" in run


def test_quick_start_uses_existing_subcommands() -> None:
    run, _ = quick_start()
    parser = build_parser()
    for part in run.split("&&"):
        words = part.split()
        if words and words[0] == "udbudsbot":
            parser.parse_args(words[1:])  # exits (fails the test) on an unknown command or flag
