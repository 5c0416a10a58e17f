"""A fixed amount of classifier work, to count instructions (the machine's load does not
change them): parse every shared eForms file ROUNDS times, classifying every notice too
unless told not to, after one warm-up round. Per round, on one tree:

    V="valgrind --tool=callgrind --callgrind-out-file=/dev/null"; P=$(python3 -c 'import sys; print(sys.executable)')
    $V $P bench/classify_work.py 0 --parse-only   # A: start-up and warm-up
    $V $P bench/classify_work.py 3 --parse-only   # B
    $V $P bench/classify_work.py 3                # C
    # parse = (B - A) / 3, classify = (C - B) / 3 ("Collected" in valgrind's summary)
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from jobs.classify import Classifier  # noqa: E402
from jobs.config import load_settings  # noqa: E402
from jobs.ingest.parse import parse_document  # noqa: E402

NOW = datetime(2024, 6, 3, 12, 0, tzinfo=UTC)


def main(argv: list[str]) -> int:
    rounds, classify = int(argv[0]), "--parse-only" not in argv
    files = [
        p for p in sorted((ROOT.parent / "shared" / "fixtures" / "eforms").rglob("*.xml")) if "invalid" not in p.parts
    ]
    blobs = [p.read_bytes() for p in files]
    settings = load_settings(ROOT / "config.toml", env={})
    clf = Classifier(settings.classifier, settings.money)
    for n in (n for b in blobs for n in parse_document(b, fmt="eforms").notices):
        clf.classify(n, NOW)
    for _ in range(rounds):
        notices = [n for b in blobs for n in parse_document(b, fmt="eforms").notices]
        if classify:
            for n in notices:
                clf.classify(n, NOW)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
