"""The translation catalogues: refresh them from the code and compile them (scripts/messages).

``locale/<lang>/LC_MESSAGES/django.po`` holds the server's strings (templates and Python),
``djangojs.po`` the scripts' (served by Django's JavaScriptCatalog). ``locale_django/`` holds
translations of Django's own strings for languages Django does not ship (Gujarati); makemessages
never touches it. The ``.mo`` files are committed, compiled with Babel (no GNU gettext needed to
run the project); a test checks that each one says exactly what its ``.po`` file says.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE_DIRS = (ROOT / "locale", ROOT / "locale_django")

#: What makemessages leaves out: the environment, tests, vendored code, generated data.
IGNORED = (".venv/*", "tests/*", "bench/*", "data/*", "docs/*", "locale_django/*", "*/vendor/*")


def po_files() -> list[Path]:
    return sorted(p for folder in CATALOGUE_DIRS for p in folder.glob("*/LC_MESSAGES/*.po"))


def compiled(po_path: Path) -> bytes:
    """The ``.mo`` bytes of ``po_path``: fuzzy entries left out, as msgfmt does."""
    from io import BytesIO

    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with po_path.open("rb") as handle:
        catalog = read_po(handle)
    out = BytesIO()
    write_mo(out, catalog, use_fuzzy=False)
    return out.getvalue()


def compile_all() -> list[Path]:
    written = []
    for po_path in po_files():
        mo_path = po_path.with_suffix(".mo")
        data = compiled(po_path)
        if not mo_path.exists() or mo_path.read_bytes() != data:
            mo_path.write_bytes(data)
            written.append(mo_path)
    return written


def make_all() -> None:
    """makemessages for every interface language but English (the msgids are English)."""
    import django
    from django.conf import settings
    from django.core.management import call_command
    from django.utils.translation import to_locale

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    locales = [to_locale(code) for code, _name in settings.LANGUAGES if code != "en"]
    os.chdir(ROOT)
    common = {"locale": locales, "no_location": True, "no_obsolete": True, "verbosity": 0}
    call_command(
        "makemessages",
        domain="django",
        extensions=["html", "txt", "py"],
        ignore_patterns=list(IGNORED),
        **common,
    )
    call_command(
        "makemessages",
        domain="djangojs",
        extensions=["js"],
        ignore_patterns=list(IGNORED),
        **common,
    )


def fill_headers() -> None:
    """Give a catalogue makemessages just created its language and plural rule (it leaves
    placeholders that Babel and msgfmt refuse); a translator's own header is kept."""
    from babel.messages.plurals import get_plural

    for po_path in po_files():
        lang = po_path.parent.parent.name
        text = po_path.read_text(encoding="utf-8")
        new = text.replace('"Language: \\n"', f'"Language: {lang}\\n"', 1)
        placeholder = "nplurals=INTEGER; plural=EXPRESSION;"
        if placeholder in new:
            new = new.replace(placeholder, get_plural(lang).plural_forms, 1)
        if new != text:
            po_path.write_text(new, encoding="utf-8")


def drop_guesses() -> None:
    """makemessages' msgmerge guesses a translation for a new msgid from a similar old one and
    marks it fuzzy; a guess is not a translation: it becomes untranslated (the catalogue test
    then names it), so nobody ships a fuzzy entry by accident."""
    import subprocess

    for po_path in po_files():
        if (
            po_path.is_relative_to(ROOT / "locale")
            and "#, fuzzy" in po_path.read_text("utf-8").split("\n\n", 1)[1]
        ):
            subprocess.run(  # noqa: S603
                [  # noqa: S607
                    "msgattrib",
                    "--clear-fuzzy",
                    "--empty",
                    "--no-location",
                    "-o",
                    str(po_path),
                    str(po_path),
                ],
                check=True,
            )


def _gettext(*args: str) -> None:
    import subprocess

    subprocess.run([*args], check=True)  # noqa: S603 - GNU gettext's tools, on paths we chose


def merge(theirs: Path, ours: Path) -> None:
    """Take a translator's catalogue into ours: their translations of the msgids we still have
    (exact matches only: a guess from a similar msgid would be fuzzy, so untranslated) win over
    ours, ours stay where they have none; their header (their plural rule); our msgids, and
    nothing of theirs that the code no longer says."""
    work = ours.with_suffix(".work")
    work.mkdir(exist_ok=True)
    try:
        quiet = ["--no-location"]
        _gettext(
            "msgattrib", *quiet, "--translated", "--no-fuzzy", "-o", f"{work}/t.po", str(theirs)
        )
        _gettext("msgattrib", *quiet, "--translated", "--no-fuzzy", "-o", f"{work}/o.po", str(ours))
        _gettext(
            "msgcat", *quiet, "--use-first", "-o", f"{work}/both.po", f"{work}/o.po", f"{work}/t.po"
        )
        # The header comes from ours (msgcat took it first); theirs win on each message.
        _gettext(
            "msgcat",
            *quiet,
            "--use-first",
            "-o",
            f"{work}/both.po",
            f"{work}/t.po",
            f"{work}/both.po",
        )
        _gettext(
            "msgmerge",
            "--quiet",
            *quiet,
            "--no-fuzzy-matching",
            "-o",
            f"{work}/merged.po",
            f"{work}/both.po",
            str(ours),
        )
        _gettext("msgattrib", *quiet, "--no-obsolete", "-o", str(ours), f"{work}/merged.po")
    finally:
        for path in work.iterdir():
            path.unlink()
        work.rmdir()


def main(argv: list[str]) -> int:
    action = argv[1] if len(argv) > 1 else "make"
    if action == "make":
        make_all()
        fill_headers()
        drop_guesses()
    elif action == "merge" and len(argv) == 4:
        merge(Path(argv[2]), Path(argv[3]))
    elif action != "compile":
        print("usage: scripts/messages [make|compile|merge THEIRS.po OURS.po]", file=sys.stderr)
        return 2
    for path in compile_all():
        print(f"compiled {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
