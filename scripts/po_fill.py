"""Fill a catalogue's empty translations from a JSON file {msgid: msgstr}, then report
what is still untranslated. Usage: python scripts/po_fill.py fr translations.json"""

import json
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    language, source = sys.argv[1], Path(sys.argv[2])
    translations = json.loads(source.read_text(encoding="utf-8"))
    po_path = ROOT / "backend" / "locale" / language / "LC_MESSAGES" / "django.po"
    po = polib.pofile(str(po_path))
    for entry in po:
        if entry.msgid in translations and (not entry.msgstr or entry.fuzzy):
            entry.msgstr = translations[entry.msgid]
            if entry.fuzzy:
                entry.flags.remove("fuzzy")
    po.save()
    po.save_as_mofile(str(po_path.with_suffix(".mo")))
    missing = [e.msgid for e in po if not e.msgstr and not e.msgid_plural]
    for msgid in missing:
        print(json.dumps(msgid, ensure_ascii=False))  # noqa: T201
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
