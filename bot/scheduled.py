"""The scheduled jobs: three-line adapters from PTB's JobQueue to the engine's functions."""

from __future__ import annotations

from telegram.ext import Application

from bot.deps import Context, deps_of
from jobs.classify.engine import rules_version
from jobs.deliver import drain_outbox
from jobs.digest import build_digests
from jobs.poll import poll_due_sources
from jobs.rescore import rescore_all


async def poll_job(context: Context) -> None:
    await poll_due_sources(deps_of(context).rt)


async def send_job(context: Context) -> None:
    deps = deps_of(context)
    await drain_outbox(deps.rt, deps.notifier, deps.limiter)


async def digest_job(context: Context) -> None:
    await build_digests(deps_of(context).rt)


async def rescore_job(context: Context) -> None:
    """At start: re-assess stored notices whose assessment was made by other rules."""
    deps = deps_of(context)
    if deps.rt.assess is not None:
        version = rules_version(deps.settings.classifier, deps.settings.money)
        await rescore_all(deps.rt.db, deps.rt.assess, stale_for=version)


def schedule(app: Application, *, poll_seconds: float, send_seconds: float, first: float = 1.0) -> None:
    """Register the jobs by name, once (memory job store: they are re-created at every start)."""
    jq = app.job_queue
    assert jq is not None, "install python-telegram-bot[job-queue]"
    opts = {"max_instances": 1, "coalesce": True, "replace_existing": True}
    jq.run_repeating(poll_job, interval=poll_seconds, first=first, name="poll", job_kwargs={"id": "poll", **opts})
    jq.run_repeating(send_job, interval=send_seconds, first=first, name="send", job_kwargs={"id": "send", **opts})
    jq.run_repeating(digest_job, interval=60, first=first, name="digest", job_kwargs={"id": "digest", **opts})
    jq.run_once(rescore_job, when=first, name="rescore", job_kwargs={"id": "rescore", **opts})
