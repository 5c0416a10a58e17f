"""``udbudsbot poll --once`` and ``udbudsbot rescore``."""

from __future__ import annotations

import sys

from jobs.config import Settings
from jobs.ingest.poll import poll_due_sources
from jobs.runtime import open_runtime


async def poll_once(settings: Settings, *, force: bool = False) -> int:
    async with open_runtime(settings) as rt:
        reports = await poll_due_sources(rt, force=force)
    for r in reports:
        if r.ok:
            state = (
                "not modified"
                if r.not_modified
                else (
                    f"{len(r.result.new)} new, {len(r.result.changed)} changed, "
                    f"{r.result.duplicates} known, {r.result.aliases} seen elsewhere"
                    + (" (silent baseline)" if r.baseline else "")
                )
            )
            print(f"{r.source}: {state}")
            for err in r.item_errors:
                print(f"udbudsbot: source {r.source}: {err}", file=sys.stderr)
        else:
            print(f"udbudsbot: source {r.source} FAILED: {r.error}", file=sys.stderr)
    if not reports:
        print("no source is due")
    return 0 if all(r.ok for r in reports) else 1


async def rescore(settings: Settings, *, only_stale: bool = False) -> int:
    from jobs.classify.engine import rules_version
    from jobs.ingest.rescore import rescore_all

    async with open_runtime(settings) as rt:
        assert rt.assess is not None
        stale_for = rules_version(settings.classifier, settings.money) if only_stale else None
        count = await rescore_all(rt.db, rt.assess, stale_for=stale_for, progress=_progress)
    print(f"re-scored {count} notices")
    return 0


def _progress(count: int) -> None:
    print(f"rescore: {count} notices so far", file=sys.stderr, flush=True)
