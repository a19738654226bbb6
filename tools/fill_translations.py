"""Fill English translations for new interface strings after `make messages`, then compile.

    .venv/bin/python tools/fill_translations.py FILE.json   # {"中文 msgid": "English", ...}

Only empty or fuzzy English entries are filled from the file; the zh_Hans catalogue gets msgstr = msgid.
Prints what is still missing, so nothing untranslated slips through (the i18n tests fail on it too)."""

import json
import subprocess
import sys
from pathlib import Path

import polib

LOCALE = Path(__file__).resolve().parent.parent / "civicdesk" / "locale"


def main():
    translations = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8")) if len(sys.argv) > 1 else {}
    english = polib.pofile(str(LOCALE / "en/LC_MESSAGES/django.po"))
    missing = []
    for entry in english:
        if entry.msgstr and "fuzzy" not in entry.flags:
            continue
        if entry.msgid in translations:
            entry.msgstr = translations[entry.msgid]
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
            entry.previous_msgid = None
        else:
            missing.append(entry.msgid)
    english.save()
    chinese = polib.pofile(str(LOCALE / "zh_Hans/LC_MESSAGES/django.po"))
    for entry in chinese:
        if not entry.msgstr or "fuzzy" in entry.flags:
            entry.msgstr = entry.msgid
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
            entry.previous_msgid = None
    chinese.save()
    subprocess.run(["django-admin", "compilemessages"], cwd=LOCALE.parent, check=True, capture_output=True)
    for msgid in missing:
        print("missing:", msgid)
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
