"""Spasm Guide command line: run | demo | check-content | content-signoff | safety-notice |
content-map | content-review | health | link | qr | backup | restore."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

# PTB 22 warns when RetryAfter.retry_after is read as an int; opt in to the timedelta it will
# return in the future, which the rate limiter and dispatcher already handle.
os.environ.setdefault("PTB_TIMEDELTA", "1")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="main.py", description=__doc__)
    sub = parser.add_subparsers(dest="command")
    sub.add_parser("run", help="serve Telegram (polling or webhook, from the environment); the default")
    sub.add_parser("demo", help="chat with the bot in this terminal, no token needed")
    check = sub.add_parser("check-content", help="validate the YAML content and print a summary")
    check.add_argument("--content", type=Path, help="content directory (default: the shipped one)")
    signoff = sub.add_parser(
        "content-signoff", help="record a clinician's sign-off of this content version (content/signoff.yaml)"
    )
    signoff.add_argument("--content", type=Path)
    signoff.add_argument("--reviewer", required=True, help="the reviewer's name, as it should appear in /about")
    signoff.add_argument("--role", required=True, help="a role id from strings governance.roles.* (e.g. gp)")
    signoff.add_argument("--registration", required=True, help="professional registration, e.g. 'GMC 1234567'")
    signoff.add_argument("--scope", help="what the review covered (default: the hazard log's intended use)")
    signoff.add_argument("--decisions", type=Path, help="the decisions exported from the review sheet")
    signoff.add_argument("--date", help="the date of the review, YYYY-MM-DD (default: today, UTC)")
    cmap = sub.add_parser("content-map", help="write a Mermaid flowchart of menus and checklist")
    cmap.add_argument("--content", type=Path)
    cmap.add_argument("--output", type=Path, help="file to write (default: stdout)")
    review = sub.add_parser(
        "content-review", help="write the clinical review sheet: one HTML page, languages side by side"
    )
    review.add_argument("--content", type=Path)
    review.add_argument("--output", type=Path, help="file to write (default: content-review.html)")
    notice = sub.add_parser(
        "safety-notice", help="send a correction to the users whose checklist outcome relied on older words of ITEMS"
    )
    notice.add_argument("--items", required=True, help="item ids, comma-separated (as in the review sheet)")
    notice.add_argument("--message-file", type=Path, required=True, help="YAML: the notice per language (en:, it:)")
    notice.add_argument("--dry-run", action="store_true", help="only say how many users it would reach")
    sub.add_parser("health", help="exit 0 if the running bot is healthy, 1 otherwise")
    back = sub.add_parser("backup", help="write a verified copy of the database (safe while the bot runs)")
    back.add_argument("file", nargs="?", type=Path, help="the copy to write")
    back.add_argument("--dir", type=Path, help="write timestamped copies here, keeping the newest BACKUP_KEEP")
    back.add_argument("--loop", action="store_true", help="with --dir: repeat every BACKUP_EVERY_HOURS")
    rest = sub.add_parser("restore", help="replace the database with a backup (stop the bot first)")
    rest.add_argument("file", type=Path, help="the backup to restore")
    link = sub.add_parser("link", help="print the t.me link that opens the bot at PAGE ('check', 'log')")
    qr = sub.add_parser("qr", help="write a QR code of PAGE's link for print (PNG or SVG)")
    for cmd in (link, qr):
        cmd.add_argument(
            "page",
            metavar="PAGE",
            help="a page id (see content/pages.yaml), 'check' for the checklist or 'log' for the diary's log",
        )
        cmd.add_argument("--lang", help="open it in this language whatever the user's Telegram says (e.g. it)")
        cmd.add_argument("--username", help="the bot's @username; without it, asked from Telegram with the token")
    qr.add_argument("--output", type=Path, required=True, help="the image file to write")
    qr.add_argument("--format", choices=("png", "svg"), help="default: from the file's extension")
    args = parser.parse_args(argv)
    command = args.command or "run"

    # The codec's own check (every button's data fits 64 bytes) is part of "valid content".
    from bot.app import load_checked_content as load_content
    from content.problems import ContentError

    if command == "check-content":
        from content.loader import summary

        try:
            content = load_content(args.content or os.environ.get("BOT_CONTENT_DIR") or None)
        except ContentError as exc:
            print(f"content is invalid ({len(exc.problems)} problems):", file=sys.stderr)
            for problem in exc.problems:
                print(f"  {problem}", file=sys.stderr)
            return 1
        from content.governance import review_lines, review_state

        try:
            state = review_state(content, args.content or os.environ.get("BOT_CONTENT_DIR") or None)
        except ContentError as exc:
            print(f"the hazard log is invalid ({len(exc.problems)} problems):", file=sys.stderr)
            for problem in exc.problems:
                print(f"  {problem}", file=sys.stderr)
            return 1
        print("content is valid")
        for key, value in summary(content).items():
            print(f"  {key}: {value}")
        for line in review_lines(content, state):
            print(f"  {line}")
        return 0

    if command == "content-signoff":
        from datetime import UTC, date, datetime

        from content.governance import sign

        root = args.content or os.environ.get("BOT_CONTENT_DIR") or None
        try:
            content = load_content(root)
            day = date.fromisoformat(args.date) if args.date else datetime.now(UTC).date()
        except ContentError as exc:
            print(f"content is invalid, not signed:\n{exc}", file=sys.stderr)
            return 1
        except ValueError:
            print(f"error: --date {args.date!r} is not YYYY-MM-DD", file=sys.stderr)
            return 2
        ok, lines = sign(
            content,
            root,
            reviewer=args.reviewer,
            role=args.role,
            registration=args.registration,
            scope=args.scope,
            decisions=args.decisions,
            day=day,
        )
        print("\n".join(lines), file=sys.stdout if ok else sys.stderr)
        return 0 if ok else 1

    if command == "content-map":
        from content.mermaid import content_map

        try:
            content = load_content(args.content or os.environ.get("BOT_CONTENT_DIR") or None)
        except ContentError as exc:
            print(exc, file=sys.stderr)
            return 1
        text = content_map(content)
        if args.output:
            args.output.write_text(text, encoding="utf-8")
        else:
            sys.stdout.write(text)
        return 0

    if command == "content-review":
        from datetime import UTC, datetime

        from content.governance import review_state
        from content.review import review_html

        root = args.content or os.environ.get("BOT_CONTENT_DIR") or None
        try:
            content = load_content(root)
            hazards = review_state(content, root).hazards
        except ContentError as exc:
            print(exc, file=sys.stderr)
            return 1
        output = args.output or Path("content-review.html")
        generated = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")  # for the reviewer's file, not a user
        output.write_text(review_html(content, generated=generated, hazards=hazards), encoding="utf-8")
        print(f"wrote {output} (content version {content.fingerprint})")
        return 0

    from bot.infra.settings import Settings, SettingsError

    try:
        settings = Settings.from_env(need_token=command == "run")
    except SettingsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2

    if command == "health":
        from bot.health import check

        return check(settings)

    if command == "backup":
        from bot.backups import backup_command

        return backup_command(settings, args.file, args.dir, loop=args.loop)

    if command == "restore":
        from bot.backups import restore_command

        return restore_command(settings, args.file)

    from bot.infra.logs import setup_logging

    setup_logging(
        settings.log_level if command == "run" else "WARNING",
        settings.log_format,
        secrets=(settings.token.reveal(), settings.webhook_secret.reveal()),
    )
    try:
        content = load_content(settings.content_dir)
    except ContentError as exc:
        print(f"error: the content is invalid, not starting:\n{exc}", file=sys.stderr)
        return 1

    if command == "safety-notice":
        from bot.notices import notice_command

        return notice_command(settings, content, args.items, args.message_file, dry_run=args.dry_run)

    if command in ("link", "qr"):
        from bot import posters

        token, base_url = settings.token.reveal(), settings.base_url or None
        if command == "link":
            return posters.link_command(
                content, args.page, language=args.lang, username=args.username, token=token, base_url=base_url
            )
        return posters.qr_command(
            content,
            args.page,
            output=args.output,
            fmt=args.format,
            language=args.lang,
            username=args.username,
            token=token,
            base_url=base_url,
        )

    if command == "demo":
        from bot.demo import run_demo

        run_demo(settings, content)
        return 0

    from telegram.error import InvalidToken, NetworkError

    from bot.infra.logs import RedactTokenFilter
    from bot.runner import serve
    from storage.db import StorageError

    redact = RedactTokenFilter((settings.token.reveal(), settings.webhook_secret.reveal())).redact
    default_hook = sys.excepthook

    def redacting_hook(kind: type[BaseException], value: BaseException, tb: object) -> None:
        # A last line of defence: library exceptions may carry the token in their text.
        import traceback

        sys.stderr.write(redact("".join(traceback.format_exception(kind, value, tb))))  # type: ignore[arg-type]

    sys.excepthook = redacting_hook
    try:
        serve(settings, content)
    except StorageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except InvalidToken:
        print(
            "error: Telegram rejected TELEGRAM_BOT_TOKEN (revoked or mistyped?): check it with @BotFather (/token)",
            file=sys.stderr,
        )
        return 2
    except NetworkError as exc:
        print(f"error: cannot reach Telegram: {redact(str(exc))}", file=sys.stderr)
        return 1
    finally:
        sys.excepthook = default_hook
    return 0


if __name__ == "__main__":
    sys.exit(main())
