"""Fill an app's catalogue from a JSON file {msgid: msgstr}, compile it, and list what
is still untranslated (exit 1 if anything is).

    python scripts/po_fill.py pioneers fr translations.json
"""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
PLURALS = {
    "fr": "nplurals=3; plural=(n == 0 || n == 1) ? 0 : n != 0 && n % 1000000 == 0 ? 1 : 2;",
    "en": "nplurals=2; plural=(n != 1);",
}


def main() -> int:
    app, language, source = sys.argv[1], sys.argv[2], Path(sys.argv[3])
    translations = json.loads(source.read_text(encoding="utf-8"))
    po_path = ROOT / app / "locale" / language / "LC_MESSAGES" / "django.po"
    po = polib.pofile(str(po_path))
    po.header = f"Terreau — {app} catalogue ({language}). AGPL-3.0-or-later."
    po.metadata_is_fuzzy = False
    po.metadata = {
        "Project-Id-Version": "Terreau",
        "Language": language,
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
        "Plural-Forms": PLURALS[language],
    }
    for entry in po:
        if language == "en":
            entry.msgstr = ""  # English is the source language: shown as written
            continue
        if entry.msgid_plural:
            # Plural entries take a list: one form per plural of the language.
            forms = translations.get(entry.msgid)
            if isinstance(forms, list) and (not any(entry.msgstr_plural.values()) or entry.fuzzy):
                entry.msgstr_plural = dict(enumerate(forms))
        elif entry.msgid in translations and not entry.msgstr:
            entry.msgstr = translations[entry.msgid]
        if entry.fuzzy:
            # A fuzzy entry is gettext's guess from a similar string: never trust it.
            if entry.msgid in translations and not entry.msgid_plural:
                entry.msgstr = translations[entry.msgid]
            elif not entry.msgid_plural:
                entry.msgstr = ""
            entry.flags.remove("fuzzy")
    po.save()
    if shutil.which("msgcat"):
        # Wrap lines the way makemessages (msgmerge) does, so later runs change nothing.
        subprocess.run(["msgcat", "-o", str(po_path), str(po_path)], check=True)  # noqa: S603, S607
        po = polib.pofile(str(po_path))
    po.save_as_mofile(str(po_path.with_suffix(".mo")))
    missing = [
        e.msgid
        for e in po
        if (not e.msgstr and not e.msgid_plural)
        or (e.msgid_plural and not all(e.msgstr_plural.values()))
    ]
    if language == "en":
        return 0  # English is the source language: empty msgstr means "as written"
    for msgid in missing:
        print(json.dumps(msgid, ensure_ascii=False))  # noqa: T201
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
