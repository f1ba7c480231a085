"""The ``sambandh`` command: serve, worker, demo, user create, token create, and every Django
management command (``sambandh migrate``, ``sambandh shell``, ...)."""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


def _fail(message: str, code: int = 2) -> int:
    print(f"sambandh: {message}", file=sys.stderr)
    return code


def _validation_text(exc: Any) -> str:
    fields = "; ".join(f"{k}: {v}" for k, v in getattr(exc, "fields", {}).items())
    return f"{exc.message} {fields}".strip()


def cmd_serve(args: argparse.Namespace) -> int:
    _setup()
    from django.core.management import call_command

    from sambandh.accounts.models import User
    from sambandh.demo.admin import demo_admin_ensure

    call_command("migrate", interactive=False, verbosity=0)
    if args.demo and not User.objects.exists():
        admin, password = demo_admin_ensure()
        print("Loading demo data (first start only)...", flush=True)
        from sambandh.demo.generate import load_demo

        load_demo("small", admin=admin)
    if User.objects.exists():
        if args.demo:
            admin, password = demo_admin_ensure()
            email = admin.email
            print("\n  Sambandh is starting.")
            print(f"  Open http://{args.host}:{args.port}/ and sign in as")
            print(f"    email:    {email}")
            if password:
                print(f"    password: {password}")
            else:
                print(
                    "    password: the one you set (reset it with "
                    "`sambandh changepassword <email>`)"
                )
            print("", flush=True)
    else:
        print(
            "No users yet: create one with `sambandh user create --email you@example.com "
            "--role admin --password ...`",
            flush=True,
        )
    from granian import Granian
    from granian.constants import Interfaces

    worker = _start_worker() if args.worker else None
    try:
        Granian(
            target="config.wsgi:application",
            address=args.host,
            port=args.port,
            interface=Interfaces.WSGI,
            workers=args.workers,
            blocking_threads=args.threads,
            log_access=False,
        ).serve()
    finally:
        if worker is not None:
            _stop(worker)
    return 0


def _start_worker() -> Any:
    """A background worker beside the web server (``sambandh worker``, its own process): what
    follows a change (search re-indexing, notifications) and the scheduled jobs run on a single
    machine without a second command. Deployments that run workers apart pass --no-worker."""
    import subprocess

    print("  A background worker runs beside it (sambandh worker).", flush=True)
    code = "from sambandh.cli import main; raise SystemExit(main(['worker']))"
    return subprocess.Popen([sys.executable, "-c", code], env=os.environ.copy())  # noqa: S603


def _stop(process: Any) -> None:
    import subprocess

    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()


def cmd_worker(args: argparse.Namespace) -> int:
    import datetime
    import logging

    now = None
    if args.now:
        try:
            now = datetime.datetime.fromisoformat(args.now)
        except ValueError:
            return _fail(f"--now: not an ISO 8601 date and time: {args.now!r}")
        if now.tzinfo is None:
            return _fail("--now needs a time zone offset, e.g. 2026-01-31T02:00:00+00:00")
    if args.interval <= 0:
        return _fail("--interval must be greater than zero")
    if not 0 <= args.nice <= 19:
        return _fail("--nice must be from 0 to 19")
    if args.nice and hasattr(os, "nice"):
        # Background work yields the CPU to the web server on the same machine: a bulk job or
        # an import never slows the pages people are waiting for (issue 8).
        os.nice(args.nice)
    _setup()
    from sambandh.events.worker import run_worker

    # Warnings and errors only (a task that failed, a lease lost); -v lets the worker's own
    # INFO lines (start, stop, each task) through as well.
    level = logging.INFO if args.verbose else logging.WARNING
    for name in ("sambandh.events", "django.tasks", "django_tasks_db"):
        logging.getLogger(name).setLevel(level)
    return run_worker(
        until_idle=args.until_idle, now=now, worker_id=args.worker_id, interval=args.interval
    )


def cmd_demo(args: argparse.Namespace) -> int:
    _setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    call_command("demo", size=args.size)
    return 0


def cmd_user(args: argparse.Namespace) -> int:
    _setup()
    from sambandh.core.errors import ServiceError

    if args.action != "create":
        return _fail("usage: sambandh user create --email E --role R [--password P]")
    from sambandh.accounts.services import user_create

    try:
        user = user_create(
            email=args.email, role=args.role, password=args.password, full_name=args.name or ""
        )
    except ServiceError as exc:
        return _fail(_validation_text(exc))
    print(f"Created {user.role} {user.email} (id {user.pk})")
    return 0


def cmd_token(args: argparse.Namespace) -> int:
    _setup()
    from sambandh.accounts.services import token_create, user_by_email
    from sambandh.core.errors import ServiceError

    if args.action != "create":
        return _fail("usage: sambandh token create --email E")
    user = user_by_email(args.email)
    if user is None:
        return _fail(f"no user with email {args.email}")
    expires_at = None
    if args.expires_days is not None:
        import datetime

        from django.utils import timezone

        if not 0 < args.expires_days <= 10_000:
            return _fail("--expires-days: give a number of days from 1 on")
        expires_at = timezone.now() + datetime.timedelta(days=args.expires_days)
    try:
        token, secret = token_create(
            user=user,
            name=args.name or "cli",
            scopes=args.scope or ["all:write"],
            expires_at=expires_at,
        )
    except ServiceError as exc:
        return _fail(_validation_text(exc))
    print(f"API token {token.prefix}… for {user.email}; it is shown only once:")
    print(secret)
    return 0


def cmd_duplicates(args: argparse.Namespace) -> int:
    """Scan for duplicates and write the pairs as CSV (id_a, id_b, score, external_id_a,
    external_id_b); the review queue gets them too unless --no-store."""
    if not 0 < args.threshold < 1:
        return _fail("--threshold must be between 0 and 1 (a match probability)")
    if args.workers is not None and args.workers < 1:
        return _fail("--workers must be 1 or more")
    try:
        out = sys.stdout if args.out == "-" else open(args.out, "w", newline="", encoding="utf-8")  # noqa: SIM115
    except OSError as exc:
        return _fail(f"cannot write {args.out}: {exc.strerror}")
    _setup()
    import time

    from sambandh.dedupe.scan import run_scan

    started = time.perf_counter()
    try:
        result = run_scan(
            args.type,
            out=out,
            store=args.store,
            threshold=args.threshold,
            workers=args.workers,
            progress=lambda text: print(
                f"{time.perf_counter() - started:.0f} s: {text}", file=sys.stderr, flush=True
            ),
        )
    finally:
        if out is not sys.stdout:
            out.close()
    blocking = result.stats.blocking
    print(
        f"{result.stats.records} {args.type} scanned, {blocking.candidate_pairs} candidate pairs "
        f"compared ({result.stats.workers} processes), {result.pairs} possible duplicates in "
        f"{time.perf_counter() - started:.0f} s"
        + (
            f"; {blocking.skipped_blocks} oversized blocks skipped"
            if blocking.skipped_blocks
            else ""
        ),
        file=sys.stderr,
    )
    return 0


def _import_user(email: str | None) -> Any:
    from sambandh.accounts.models import User
    from sambandh.accounts.services import user_by_email

    if email:
        return user_by_email(email)
    admins = User.objects.filter(role="admin", is_active=True).order_by("id")
    return admins.first() if admins.count() == 1 else None


def cmd_import(args: argparse.Namespace) -> int:
    """Import a file in this process; prints the counts and where the per-row report is.
    Exit 0 when it ran (rejected rows or not), 2 when the file or an option is wrong."""
    import json

    mapping = None
    if args.mapping:
        try:
            with open(args.mapping, encoding="utf-8") as handle:
                mapping = json.load(handle)
        except (OSError, ValueError) as exc:
            return _fail(f"--mapping: cannot read a JSON object from {args.mapping}: {exc}")
        if not isinstance(mapping, dict):
            return _fail(f"--mapping: {args.mapping} must hold a JSON object")
    try:
        source = open(args.path, "rb")  # noqa: SIM115 - closed below
    except OSError as exc:
        return _fail(f"cannot read {args.path}: {exc.strerror}")
    _setup()
    from sambandh.core.errors import ServiceError
    from sambandh.imports.selectors import job_report_lines
    from sambandh.imports.services import import_start

    user = _import_user(args.user)
    if user is None:
        return _fail(
            f"no user with email {args.user}"
            if args.user
            else "name the importing user: --user EMAIL"
        )
    try:
        with source:
            job = import_start(
                actor=user,
                record_type=args.type,
                upload=source,
                filename=os.path.basename(args.path),
                preset=args.preset,
                mapping=mapping,
                external_id_column=args.external_id_column,
                external_system=args.external_system,
                on_duplicate=args.on_duplicate,
                bad_cells=args.bad_cells,
                dry_run=args.dry_run,
                background=False,
            )
    except ServiceError as exc:
        return _fail(_validation_text(exc))
    report = args.report or f"{args.path}.import-{job.pk}-report.csv"
    try:
        import csv

        with open(report, "w", newline="", encoding="utf-8") as out:
            csv.writer(out).writerows(job_report_lines(job=job))
    except OSError as exc:
        report = f"not written ({exc.strerror}); GET /api/v1/imports/{job.pk}/report"
    prefix = "dry run: would have " if job.dry_run else ""
    print(
        f"{prefix}created {job.created}, updated {job.updated}, merged {job.merged}, "
        f"unchanged {job.unchanged}, rejected {job.rejected}"
        + (f", flagged {job.flagged}" if job.flagged else "")
        + f" ({job.processed_rows} rows, import {job.pk}, {job.status})"
    )
    print(f"report: {report}")
    if job.status == "failed":
        print(
            f"sambandh: the import failed: {job.error.strip().splitlines()[-1:]}", file=sys.stderr
        )
        return 1
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="sambandh", description="Sambandh CRM")
    sub = parser.add_subparsers(dest="command")

    serve = sub.add_parser("serve", help="migrate and serve the web app and API")
    serve.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
    serve.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    serve.add_argument("--workers", type=int, default=int(os.environ.get("WEB_WORKERS", "2")))
    serve.add_argument("--threads", type=int, default=int(os.environ.get("WEB_THREADS", "4")))
    serve.add_argument("--demo", action="store_true", help="load demo data into an empty database")
    serve.add_argument(
        "--no-worker",
        dest="worker",
        action="store_false",
        help="do not start a background worker beside the server (run `sambandh worker` apart)",
    )
    serve.set_defaults(func=cmd_serve)

    worker = sub.add_parser(
        "worker",
        help="run background tasks and scheduled jobs",
        description=(
            "Run background tasks (event handlers, fan-outs) and scheduled jobs until stopped "
            "(SIGTERM or Ctrl+C finish the current task first). Run one per machine, or "
            "several: they never run the same task or job slot twice. With --until-idle, run "
            "what is due now and exit 0 (for cron and tests)."
        ),
    )
    worker.add_argument(
        "--until-idle",
        action="store_true",
        help="run the pending tasks and due job slots, then exit with status 0",
    )
    worker.add_argument(
        "--interval",
        type=float,
        default=1.0,
        help="seconds to wait when there is nothing to do (default: 1)",
    )
    worker.add_argument(
        "--nice",
        type=int,
        default=os.environ.get("WORKER_NICE", "10"),
        help="lower the worker's CPU priority by this much, 0 to 19, so that requests served "
        "on the same machine come first (default: 10, or WORKER_NICE)",
    )
    worker.add_argument(
        "--worker-id", default=None, help="a name for this worker (default: host-pid)"
    )
    worker.add_argument(
        "--now",
        default=None,
        help=(
            "act as if it were this time (ISO 8601 with offset) for job slots, leases and "
            "retries: for tests and for replaying a missed slot by hand"
        ),
    )
    worker.add_argument("-v", "--verbose", action="store_true", help="log what the worker does")
    worker.set_defaults(func=cmd_worker)

    demo = sub.add_parser("demo", help="load demo data")
    demo.add_argument("--size", choices=["small", "large"], default="small")
    demo.set_defaults(func=cmd_demo)

    user = sub.add_parser("user", help="manage users")
    user.add_argument("action", choices=["create"])
    user.add_argument("--email", required=True)
    user.add_argument("--role", required=True)
    user.add_argument("--password")
    user.add_argument("--name")
    user.set_defaults(func=cmd_user)

    token = sub.add_parser("token", help="manage API tokens")
    token.add_argument("action", choices=["create"])
    token.add_argument("--email", required=True)
    token.add_argument("--name")
    token.add_argument(
        "--scope",
        action="append",
        help="what it may do, repeatable: people:read, deals:write, all:read... "
        "(default all:write)",
    )
    token.add_argument(
        "--expires-days", type=int, help="days until it stops working (default never)"
    )
    token.set_defaults(func=cmd_token)

    duplicates = sub.add_parser("duplicates", help="find duplicate people or organizations")
    duplicates.add_argument("action", choices=["scan"])
    duplicates.add_argument("--type", choices=["people", "organizations"], required=True)
    duplicates.add_argument("--out", required=True, help="the CSV file to write (- for stdout)")
    duplicates.add_argument(
        "--threshold",
        type=float,
        default=0.8,
        help="the lowest match probability of a pair reported on its own (default: 0.8)",
    )
    duplicates.add_argument(
        "--no-store",
        dest="store",
        action="store_false",
        help="write the CSV only; leave the review queue as it is (for a read-only database)",
    )
    duplicates.add_argument(
        "--workers",
        type=int,
        default=None,
        help="processes that score the candidate pairs (default: one per core)",
    )
    duplicates.set_defaults(func=cmd_duplicates)

    imports = sub.add_parser(
        "import",
        help="import people, organizations, leads or deals from a file",
        description=(
            "Import a CSV (any delimiter and encoding), XLSX or vCard file. Prints the counts "
            "and where the per-row report is; exits 0 when it ran (even with rejected rows), "
            "2 when the file cannot be read or an option is wrong."
        ),
    )
    imports.add_argument("path", help="the file to import")
    imports.add_argument(
        "--type", required=True, choices=["people", "organizations", "leads", "deals"]
    )
    imports.add_argument("--preset", help="a built-in (salesforce, hubspot...) or saved preset")
    imports.add_argument("--mapping", help="a JSON file: column name -> field key")
    imports.add_argument("--external-id-column", help="the column holding the source system's id")
    imports.add_argument("--external-system", help="the name of that system (default: the preset)")
    imports.add_argument(
        "--dry-run", action="store_true", help="say what would happen; write nothing"
    )
    imports.add_argument(
        "--on-duplicate",
        choices=["update", "skip", "flag", "create"],
        default="update",
        help="a row whose email matches a record: update it (default), skip it, create and flag "
        "the pair for review, or create anyway",
    )
    imports.add_argument(
        "--bad-cells",
        choices=["reject", "skip"],
        default="reject",
        help="a cell that does not clean (an invalid email, a date that is not one): reject its "
        "row (default), or write the row without that cell, named in the report",
    )
    imports.add_argument("--user", help="the importing user's email (default: the only admin)")
    imports.add_argument("--report", help="where to write the per-row report (CSV)")
    imports.set_defaults(func=cmd_import)
    return parser


OWN_COMMANDS = {"serve", "worker", "demo", "user", "token", "duplicates", "import", "-h", "--help"}


def main(argv: list[str] | None = None) -> int:
    """Every write the command makes is audited as ``source="cli"`` (the worker's tasks and
    jobs as ``job``, set where they run; a server's requests by their middleware)."""
    from sambandh.core.audit_context import audit_context

    with audit_context(source="cli"):
        return _main(argv)


def _main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] not in OWN_COMMANDS:
        # Everything else is a Django management command.
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
        from django.core.management import execute_from_command_line

        execute_from_command_line(["sambandh", *argv])
        return 0
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 0
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
