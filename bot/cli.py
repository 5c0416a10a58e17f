"""The ``udbudsbot`` command line: the composition root for runs without Telegram."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
import time
import traceback
from collections.abc import Sequence
from typing import Any

from jobs.config import Settings, load_settings
from jobs.errors import ConfigError, UdbudError

RETRY_FIRST_SECONDS = 5.0  # Telegram unreachable at start: wait this long, then double (capped)
RETRY_MAX_SECONDS = 300.0


def _global_options(*, defaults: bool) -> argparse.ArgumentParser:
    """--config and -v, accepted before or after the subcommand: the subcommand's copies
    have no default, so that they only override what was given before it."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--config",
        default=None if defaults else argparse.SUPPRESS,
        help="config file (default: $UDBUDSBOT_CONFIG or ./config.toml)",
    )
    common.add_argument(
        "-v", "--verbose", action="store_true", default=False if defaults else argparse.SUPPRESS, help="log more"
    )
    return common


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="udbudsbot",
        description="Tender alerts for social enterprises.",
        parents=[_global_options(defaults=True)],
    )
    common = _global_options(defaults=False)
    sub = p.add_subparsers(dest="command", required=True)
    original = sub.add_parser

    def add_parser(name: str, **kw: Any) -> argparse.ArgumentParser:
        return original(name, parents=[common], **kw)

    sub.add_parser = add_parser  # type: ignore[method-assign]

    scan = sub.add_parser("scan", help="parse (and classify) files, URLs or the configured sources")
    scan.add_argument("inputs", nargs="*", metavar="PATH|URL")
    scan.add_argument("--json", action="store_true", help="one JSON object per notice")
    scan.add_argument("--language", choices=("da", "en"), default="en", help="language of levels and reasons")

    poll = sub.add_parser("poll", help="poll the due sources into the database")
    poll.add_argument("--once", action="store_true", help="one round, then exit (the default)")
    poll.add_argument("--all", action="store_true", help="poll every enabled source, due or not")

    cls = sub.add_parser("classify", help="suitability of notices in files or URLs")
    cls.add_argument("inputs", nargs="+", metavar="FILE")
    cls.add_argument("--json", action="store_true", help="JSON lines (the default output)")
    cls.add_argument("--lots", action="store_true", help="also one line per lot")
    cls.add_argument("--language", choices=("da", "en"), default="da", help="language of the reasons' text")

    sub.add_parser("run", help="run the Telegram bot with its scheduled jobs (needs TELEGRAM_BOT_TOKEN)")
    web = sub.add_parser("web", help="serve the public web section (notices, feeds, directory, advice)")
    web.add_argument("--host", help="address to listen on (default: web.host)")
    web.add_argument("--port", type=int, help="port to listen on (default: web.port)")
    rescore = sub.add_parser("rescore", help="re-classify stored notices with the current rules")
    rescore.add_argument("--stale", action="store_true", help="only notices assessed by other rules")
    sub.add_parser("migrate", help="apply database migrations")
    bc = sub.add_parser("broadcast", help="send or schedule a message to subscribers (staff broadcast)")
    bc.add_argument("--text", required=True, help="the message (plain text; see --html)")
    bc.add_argument("--html", action="store_true", help="the text is Telegram HTML (<b>, <i>, <a href>...)")
    bc.add_argument("--category", action="append", default=[], help="only subscribers of this category (repeat)")
    bc.add_argument("--language", choices=("da", "en"), help="only subscribers with this language")
    bc.add_argument(
        "--relevant", nargs="?", type=int, const=0, metavar="NOTICE", help="only those who marked a notice relevant"
    )
    bc.add_argument("--at", help="send time, e.g. '2026-12-01 09:00' or 'i morgen kl. 9' (default: now)")
    bc.add_argument("--dry-run", action="store_true", help="only print how many would get it")
    copy = sub.add_parser("copy-db", help="copy every row into a new, empty database (SQLite to PostgreSQL)")
    copy.add_argument("--from", dest="source", metavar="URL", help="source database (default: database.url)")
    copy.add_argument("--to", dest="target", metavar="URL", required=True, help="target database, empty")
    copy.add_argument("--batch", type=int, default=1000, help="rows per insert (default 1000)")
    return p


def run_bot(settings: Settings) -> int:
    from jobs.config import secret

    token = secret("TELEGRAM_BOT_TOKEN")
    if token is None:
        print("udbudsbot: TELEGRAM_BOT_TOKEN is not set (the bot's token comes from the environment)", file=sys.stderr)
        return 2
    from telegram.error import InvalidToken, NetworkError

    from bot.app import run
    from jobs.answers.faq.knowledge import load_faq

    logging.getLogger("telegram.ext").addFilter(_BootstrapFailure())  # said in one line below instead
    attempt = 0
    while True:
        try:
            load_faq(settings.faq.resolve(settings.base_dir))  # fail early, in one line, not inside PTB
            run(settings, token)  # PTB owns the event loop (and the signal handlers) here
            return 0
        except ConfigError as e:
            print(f"udbudsbot: {e}", file=sys.stderr)
            return 2
        except InvalidToken:  # PTB's message quotes the token: say what happened without it
            print("udbudsbot: Telegram refused the bot token (check TELEGRAM_BOT_TOKEN)", file=sys.stderr)
            return 2
        except NetworkError as e:  # at start: no network, DNS, a proxy, Telegram down
            attempt += 1
            delay = min(RETRY_MAX_SECONDS, RETRY_FIRST_SECONDS * 2 ** (attempt - 1))
            print(
                f"udbudsbot: Telegram is unreachable at {settings.telegram.base_url} ({_one_line(e)}); "
                f"attempt {attempt} failed, retrying in {delay:g} s",
                file=sys.stderr,
                flush=True,
            )
            time.sleep(delay)
            asyncio.set_event_loop(asyncio.new_event_loop())  # PTB closed the last one


class _BootstrapFailure(logging.Filter):
    """PTB logs a failed start with a traceback; ``run_bot`` says it in one line and retries."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith("Network Retry Loop (Bootstrap")


def _one_line(e: BaseException) -> str:
    text = " ".join(str(e).split()) or type(e).__name__
    return text[:300]


def run_web(settings: Settings, host: str | None, port: int | None) -> int:
    from web.server import serve

    host = host or settings.web.host
    port = settings.web.port if port is None else port
    if not 1 <= port <= 65535:
        print(f"udbudsbot: --port must be 1-65535, not {port}", file=sys.stderr)
        return 2
    try:
        return serve(settings, host, port)
    except OSError as e:
        print(f"udbudsbot: {e}", file=sys.stderr)
        return 2


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    if not args.verbose and args.command != "run":
        # the command prints each source's failure once, in its summary
        logging.getLogger("jobs.ingest.poll").setLevel(logging.CRITICAL)
    try:
        settings = load_settings(args.config)
    except ConfigError as e:
        print(f"udbudsbot: {e}", file=sys.stderr)
        return 2
    from bot.logsetup import protect_secrets

    protect_secrets(settings)  # source tokens, webhook secret, bot token, database password
    try:
        if args.command == "run":
            return run_bot(settings)
        if args.command == "web":
            return run_web(settings, args.host, args.port)
        return asyncio.run(dispatch(args, settings))
    except UdbudError as e:  # a database that cannot be used, a copy that cannot start...
        print(f"udbudsbot: {_one_line(e)}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("udbudsbot: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # the reader went away (`udbudsbot scan | head`): stop quietly, as cat does
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no second error at exit
        return 141
    except Exception as e:
        from jobs.db import CONNECT_ERRORS

        if isinstance(e, CONNECT_ERRORS):  # the database went away during the command
            from jobs.db import unreachable

            print(f"udbudsbot: {unreachable(settings.database.url, e)}", file=sys.stderr)
            return 1
        if args.verbose:
            traceback.print_exc()
        print(
            f"udbudsbot: {args.command} failed: {type(e).__name__}: {_one_line(e)}"
            + ("" if args.verbose else " (run with -v to see where)"),
            file=sys.stderr,
        )
        return 1


async def dispatch(args: argparse.Namespace, settings: Settings) -> int:
    if args.command == "scan":
        from bot.commands.scan import scan

        return await scan(settings, args.inputs, as_json=args.json, lang=args.language)
    if args.command == "classify":
        from bot.commands.scan import classify

        return await classify(settings, args.inputs, lots=args.lots, lang=args.language)
    if args.command == "poll":
        from bot.commands.poll import poll_once

        return await poll_once(settings, force=args.all)
    if args.command == "rescore":
        from bot.commands.poll import rescore

        return await rescore(settings, only_stale=args.stale)
    if args.command == "copy-db":
        from bot.commands.copydb import copy_db

        return await copy_db(settings, args.source, args.target, batch=args.batch)
    if args.command == "broadcast":
        from bot.commands.broadcast import broadcast

        return await broadcast(
            settings,
            text=args.text,
            is_html=args.html,
            categories=args.category,
            language=args.language,
            relevant=args.relevant,
            at=args.at,
            dry_run=args.dry_run,
        )
    if args.command == "migrate":
        from jobs.db import open_database

        db = await open_database(settings.database.url)
        await db.close()
        return 0
    raise AssertionError(args.command)  # pragma: no cover
