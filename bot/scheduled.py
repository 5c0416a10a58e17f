"""The scheduled jobs: three-line adapters from PTB's JobQueue to the engine's functions."""

from __future__ import annotations

import functools
import time as _time
from collections.abc import Callable, Coroutine
from datetime import time
from typing import Any
from zoneinfo import ZoneInfo

from telegram.ext import Application

from bot import staffchat
from bot.deps import Context, Deps, deps_of
from jobs.classify.engine import rules_version
from jobs.deliver.digest import build_digests
from jobs.deliver.send import drain_outbox
from jobs.deliver.workers import ensure_worker, heartbeat
from jobs.ingest.poll import poll_due_sources
from jobs.ingest.rescore import rescore_all
from jobs.ops.retention import prune
from jobs.people import broadcasts as bc
from jobs.people.subscribers import get_subscriber

Job = Callable[[Context], Coroutine[Any, Any, None]]


def deps_of_app(app: Application) -> Deps:
    deps = app.bot_data.deps
    assert deps is not None, "schedule after post_init built Deps"
    return deps


def leader_only(job: Job) -> Job:
    """Run ``job`` only in the process that leads (jobs/ops/leader.py); every process sends."""

    @functools.wraps(job)
    async def run(context: Context) -> None:
        deps = deps_of(context)
        if deps.leadership.is_leader:
            await job(context)
        else:
            deps.metrics.standby_skips.labels(job.__name__).inc()

    return run


async def leader_job(context: Context) -> None:
    """Keep the lead, or try to take it (a standby becomes leader when the leader dies)."""
    await deps_of(context).leadership.tick()


async def heartbeat_job(context: Context) -> None:
    """This process is alive: the messages it claimed stay its own (the first run registers it)."""
    await heartbeat(deps_of(context).rt)


@leader_only
async def poll_job(context: Context) -> None:
    deps = deps_of(context)
    deps.metrics.observe_polls(await poll_due_sources(deps.rt))


SEND_JOB_SECONDS = 10.0  # one run of the sender job sends batches for about this long


async def send_job(context: Context) -> None:
    """Send due messages batch by batch for about SEND_JOB_SECONDS; the next run goes on.

    Bounded so that a long fan-out does not hold a stopping process: PTB waits for running
    jobs at shutdown, and systemd's stop timeout would otherwise kill it mid-batch.
    """
    deps = deps_of(context)
    await ensure_worker(deps.rt)  # claims carry this process's worker id (jobs/deliver/workers.py)
    until = _time.monotonic() + SEND_JOB_SECONDS
    while True:
        report = await drain_outbox(deps.rt, deps.notifier, deps.limiter, max_rounds=1)
        deps.metrics.observe_drain(report)
        handled = report.sent + report.retried + report.gone + report.failed + report.to_digest
        if not handled or _time.monotonic() >= until:
            return


@leader_only
async def digest_job(context: Context) -> None:
    await build_digests(deps_of(context).rt)


@leader_only
async def rescore_job(context: Context) -> None:
    """At start: re-assess stored notices whose assessment was made by other rules."""
    deps = deps_of(context)
    if deps.rt.assess is not None:
        version = rules_version(deps.settings.classifier, deps.settings.money)
        await rescore_all(deps.rt.db, deps.rt.assess, stale_for=version)


@leader_only
async def retention_job(context: Context) -> None:
    """Daily: delete notices and messages older than [retention] allows."""
    await prune(deps_of(context).rt)


@leader_only
async def staff_job(context: Context) -> None:
    """Start due broadcasts and watch those being sent, also after a restart."""
    deps = deps_of(context)
    await staffchat.start_due_broadcasts(context.bot, deps)
    for row in await bc.sending(deps.rt.db):
        sub = await get_subscriber(deps.rt.db, row.origin_chat_id) if row.origin_chat_id else None
        track_broadcast(context, row.id, sub.language if sub is not None else staffchat.STAFF_LANG)


def track_broadcast(context: Context, bid: int, lang: str) -> None:
    """Edit a broadcast's progress message every ``staff.progress_seconds`` (once per broadcast and process)."""
    name = f"broadcast-progress-{bid}"
    job_queue = context.job_queue
    if job_queue is None or job_queue.get_jobs_by_name(name):
        return
    every = deps_of(context).settings.staff.progress_seconds
    job_queue.run_repeating(
        progress_job,
        interval=every,
        first=every,
        name=name,
        data={"id": bid, "lang": lang, "last": ""},
        job_kwargs={"id": name, "replace_existing": True, "max_instances": 1, "coalesce": True},
    )


async def progress_job(context: Context) -> None:
    job = context.job
    assert job is not None and isinstance(job.data, dict)
    shown = await staffchat.show_progress(
        context.bot, deps_of(context), int(job.data["id"]), str(job.data["lang"]), str(job.data["last"])
    )
    if shown is None:
        job.schedule_removal()
    else:
        job.data["last"] = shown


@leader_only
async def advice_job(context: Context) -> None:
    """Post the advice requests the staff chat did not get when they were made."""
    await staffchat.repost_requests(context.bot, deps_of(context))
    await staffchat.repost_profiles(context.bot, deps_of(context))


@leader_only
async def weekly_chart_job(context: Context) -> None:
    """Mondays: the week's notices per category and level, to the staff chat."""
    deps = deps_of(context)
    chat = deps.settings.telegram.staff_chat_id
    if chat:
        await staffchat.send_chart(context.bot, deps, chat, staffchat.STAFF_LANG)


def schedule(app: Application, *, poll_seconds: float, send_seconds: float, first: float = 1.0) -> None:
    """Register the jobs by name, once (memory job store: they are re-created at every start)."""
    jq = app.job_queue
    assert jq is not None, "install python-telegram-bot[job-queue]"
    opts = {"max_instances": 1, "coalesce": True, "replace_existing": True}
    leader_seconds = deps_of_app(app).settings.ops.leader_check_seconds
    jq.run_repeating(
        leader_job, interval=leader_seconds, first=leader_seconds, name="leader", job_kwargs={"id": "leader", **opts}
    )
    beat = deps_of_app(app).settings.delivery.worker_timeout_seconds / 4
    jq.run_repeating(
        heartbeat_job, interval=beat, first=first / 2, name="heartbeat", job_kwargs={"id": "heartbeat", **opts}
    )
    jq.run_repeating(poll_job, interval=poll_seconds, first=first, name="poll", job_kwargs={"id": "poll", **opts})
    jq.run_repeating(send_job, interval=send_seconds, first=first, name="send", job_kwargs={"id": "send", **opts})
    jq.run_repeating(digest_job, interval=60, first=first, name="digest", job_kwargs={"id": "digest", **opts})
    jq.run_once(rescore_job, when=first, name="rescore", job_kwargs={"id": "rescore", **opts})
    at = time(3, 30, tzinfo=ZoneInfo(deps_of_app(app).settings.delivery.timezone))  # a quiet hour
    jq.run_daily(retention_job, time=at, name="retention", job_kwargs={"id": "retention", **opts})
    jq.run_repeating(staff_job, interval=send_seconds, first=first, name="staff", job_kwargs={"id": "staff", **opts})
    jq.run_repeating(advice_job, interval=60, first=first, name="advice", job_kwargs={"id": "advice", **opts})
    chart_hour = deps_of_app(app).settings.staff.weekly_chart_hour
    if chart_hour >= 0:
        monday = time(chart_hour, 0, tzinfo=ZoneInfo(deps_of_app(app).settings.delivery.timezone))
        jq.run_daily(  # PTB counts days from Sunday = 0
            weekly_chart_job, time=monday, days=(1,), name="weekly_chart", job_kwargs={"id": "weekly_chart", **opts}
        )
