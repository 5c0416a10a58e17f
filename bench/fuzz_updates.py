"""The full fuzz run: 10,000 or more random updates through the real bot.

``tests/test_fuzz_updates.py`` runs a few thousand updates in CI; this runs the same test
with more, for one or several seeds, on SQLite (and PostgreSQL with ``--postgresql``, where
the test uses a fifth of the count), and prints one line per run::

    python bench/fuzz_updates.py                    # 10,000 updates, the test's seed
    python bench/fuzz_updates.py --updates 20000 --seeds 1 2 3 --postgresql
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--updates", type=int, default=10_000)
    p.add_argument("--seeds", type=int, nargs="*", default=[20261130])
    p.add_argument("--postgresql", action="store_true", help="also the PostgreSQL variant")
    args = p.parse_args()
    which = "sqlite or postgresql" if args.postgresql else "sqlite"
    failed = 0
    for seed in args.seeds:
        env = {**os.environ, "UDBUDSBOT_FUZZ_SEED": str(seed), "UDBUDSBOT_FUZZ_UPDATES": str(args.updates)}
        started = time.monotonic()
        done = subprocess.run(
            [sys.executable, "-m", "pytest", "tests/test_fuzz_updates.py", "-k", which, "-q", "-s",
             "-p", "no:cacheprovider", "-o", "timeout=3600"],
            cwd=ROOT, env=env, capture_output=True, text=True, check=False,
        )  # fmt: skip
        lines = [line for line in done.stdout.splitlines() if line.startswith("fuzz:")]
        status = "ok" if done.returncode == 0 else "FAILED"
        print(f"seed {seed}: {status} in {time.monotonic() - started:.0f} s; " + "; ".join(lines))
        if done.returncode != 0:
            failed += 1
            print(done.stdout[-4000:])
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
