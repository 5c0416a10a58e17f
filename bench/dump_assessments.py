"""Every assessment of every notice in the fixtures, as JSON lines, to compare two trees.

For each file under ../shared/fixtures, tests/data/notices and examples (any supported
format; a file that is not a notice gives an "error" line), one line per notice: its
level, score and every reason (signal, Danish and English sentence, evidence), and the
same for each lot. The whole pass runs twice in one process, so that warm caches must
give the same answers as cold ones. Two trees classify alike when their dumps are equal
(run it in each tree; it imports the tree it sits in):

    python3 bench/dump_assessments.py > /tmp/this.jsonl    # and the same in the other tree
    cmp /tmp/other.jsonl /tmp/this.jsonl
"""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from jobs.classify import Classifier, Reason  # noqa: E402
from jobs.config import load_settings  # noqa: E402
from jobs.ingest.parse import parse_document  # noqa: E402

NOW = datetime(2024, 6, 3, 12, 0, tzinfo=UTC)
FOLDERS = (ROOT.parent / "shared" / "fixtures", ROOT / "tests" / "data" / "notices", ROOT / "examples")


def _reasons(reasons: tuple[Reason, ...]) -> list[list[str]]:
    return [[r.signal, r.da, r.en, r.evidence] for r in reasons]


def main() -> int:
    settings = load_settings(ROOT / "config.toml", env={})
    clf = Classifier(settings.classifier, settings.money)
    out = sys.stdout
    for _ in range(2):
        for folder in FOLDERS:
            for path in sorted(p for p in folder.rglob("*") if p.is_file()):
                name = str(path.relative_to(folder))
                try:
                    page = parse_document(path.read_bytes())
                except Exception as e:  # not a notice file
                    out.write(json.dumps({"file": name, "error": type(e).__name__}) + "\n")
                    continue
                for n in page.notices:
                    a = clf.classify(n, NOW)
                    lots = [[la.lot_id, la.score, la.level, _reasons(la.reasons)] for la in a.lots]
                    line = {"file": name, "id": n.id, "score": a.score, "level": a.level}
                    line |= {"reasons": _reasons(a.reasons), "rv": a.rules_version, "lots": lots}
                    out.write(json.dumps(line, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
