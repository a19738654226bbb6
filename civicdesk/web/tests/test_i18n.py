"""Both catalogues are complete and current, and the English interface shows no untranslated text."""

import html
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

from civicdesk.cases import actions
from civicdesk.cases.models import Case, CaseEvent
from civicdesk.catalogue.models import Category
from civicdesk.knowledge.models import Article
from civicdesk.org.models import Unit, User

PACKAGE = Path(__file__).resolve().parents[2]
LOCALES = ["en", "zh_Hans"]
CJK = re.compile(r"[\u3400-\u9fff\uff01-\uff5e\u3000-\u303f]+")
PLACEHOLDER = re.compile(r"%\(\w+\)[sdf]|%\.\d+f|\{\w*\}")


def catalogue(locale):
    return polib.pofile(str(PACKAGE / "locale" / locale / "LC_MESSAGES" / "django.po"))


@pytest.mark.parametrize("locale", LOCALES)
def test_every_entry_is_translated_with_the_same_placeholders(locale):
    po = catalogue(locale)
    assert len(po) > 300
    for entry in po:
        assert not entry.obsolete and "fuzzy" not in entry.flags, entry.msgid
        assert entry.msgstr.strip(), f"{locale}: no translation for {entry.msgid!r}"
        assert sorted(PLACEHOLDER.findall(entry.msgstr)) == sorted(PLACEHOLDER.findall(entry.msgid)), (
            f"{locale}: placeholders differ in {entry.msgid!r}"
        )
    if locale == "en":
        untranslated = [e.msgid for e in po if CJK.search(e.msgstr)]
        assert not untranslated, untranslated


@pytest.mark.parametrize("locale", LOCALES)
def test_compiled_catalogue_matches_its_source(locale):
    """The .mo is committed so a server needs no gettext tools; it must say what the .po says."""
    mo = polib.mofile(str(PACKAGE / "locale" / locale / "LC_MESSAGES" / "django.mo"))
    compiled = {e.msgid: e.msgstr for e in mo}
    source = {e.msgid: e.msgstr for e in catalogue(locale)}
    assert compiled == source, "run `make messages` to recompile"


@pytest.mark.skipif(not shutil.which("xgettext"), reason="gettext is not installed (make system-packages)")
def test_catalogues_cover_every_marked_string_in_the_source(tmp_path):
    """Extract the strings afresh from a copy of the source; the committed catalogues must have them all."""
    copy = tmp_path / "civicdesk"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__", "*.mo", "*.po", "static"))
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    subprocess.run(
        [sys.executable, "-m", "django", "makemessages", "-l", "en", "-i", "*/tests/*"],
        cwd=copy,
        env=env,
        check=True,
        capture_output=True,
    )
    extracted = {e.msgid for e in polib.pofile(str(copy / "locale/en/LC_MESSAGES/django.po"))}
    for locale in LOCALES:
        committed = {e.msgid for e in catalogue(locale)}
        assert not extracted - committed, f"{locale} lacks {sorted(extracted - committed)} (make messages)"
        assert not committed - extracted, f"{locale} has stale {sorted(committed - extracted)}"


def strings_in(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from strings_in(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings_in(item)


def data_strings():
    """Text that is the city's data, not the interface: it stays in the language it was written in."""
    texts = []
    texts += Unit.objects.values_list("name", flat=True)
    for category in Category.objects.all():
        texts += [category.name, category.full_name]
    for case in Case.objects.select_related("citizen"):
        texts += [case.title, case.description, case.address, case.reply, case.citizen.name]
        texts += [case.citizen.masked_name]
        texts += strings_in(case.classification)  # the citizen's own words behind the suggestion
        texts += strings_in(case.duplicate_check)  # earlier cases' titles
    for event in CaseEvent.objects.all():
        texts += [event.actor_name, *strings_in(event.payload)]
    for user in User.objects.all():
        texts += [user.display_name, user.first_name, user.last_name]
    for article in Article.objects.all():
        texts += [article.title, article.answer, article.basis, article.keywords]
    return sorted({t for t in texts if t}, key=len, reverse=True)


def untranslated_text(response):
    page = response.content.decode()
    page = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", page, flags=re.S)
    page = re.sub(r'<option value="(zh-hans|en)"[^>]*>[^<]*</option>', " ", page)  # language names
    text = html.unescape(re.sub(r"<[^>]+>", "\n", page))
    text = "\n".join(line.strip() for line in text.splitlines())
    for data in data_strings():
        text = text.replace(data, " ")
    return sorted(set(CJK.findall(text)))


@pytest.fixture
def worked_case(city, submit):
    """A case with a reply, a reopen and an urge, so the case page shows most of what it can show."""
    case = actions.dispatch(submit(), city.dispatcher, city.dept)
    case = actions.accept(case, city.handler)
    case = actions.request_extension(case, city.handler, days=3, reason="需要协调")
    case = actions.decide_extension(case, city.leader, approve=True, note="同意")
    case = actions.reply(case, city.handler, text="已修复")
    case = actions.rate(case, city.operator, resolved="not", satisfied="not", comment="灯还是不亮")
    return actions.urge(case, city.supervisor, note="请加快")


def english(client, user=None):
    client.cookies["django_language"] = "en"
    if user:
        client.force_login(user)
    return client


PUBLIC_PAGES = ["/", "/submit/", "/track/", "/login/", "/register/", "/no-such-page/"]


@pytest.mark.parametrize("url", PUBLIC_PAGES)
def test_public_pages_in_english(client, city, url):
    response = english(client).get(url)
    assert response.status_code in (200, 404)
    assert '<html lang="en">' in response.content.decode()
    assert untranslated_text(response) == []


@pytest.mark.parametrize(
    "who, url",
    [
        ("operator", "/console/"),
        ("operator", "/cases/"),
        ("operator", "/cases/?state=nonsense&received_after=yesterday"),
        ("operator", "/knowledge/"),
        ("operator", "/knowledge/new/"),
        ("dispatcher", "/queue/"),
        ("dispatcher", "/queue/?tab=returned"),
        ("dispatcher", "/queue/?tab=disputed"),
        ("dispatcher", "/queue/?tab=unclassified"),
        ("dispatcher", "/queue/?tab=unsure"),
        ("dispatcher", "/queue/?tab=auto"),
        ("handler", "/workbench/"),
        ("handler", "/workbench/?tab=overdue"),
        ("leader", "/workbench/?tab=requests"),
        ("supervisor", "/overview/"),
        ("supervisor", "/assessment/"),
        ("supervisor", "/dashboard/"),
        ("leader", "/dashboard/?period=year&unit=nonsense"),
        ("dispatcher", "/hotspots/"),
        ("dispatcher", "/topics/"),
        ("leader", "/assessment/?period=year"),
        ("supervisor", "/cases/{number}/"),
        ("handler", "/cases/{number}/"),
        ("citizen_user", "/my/"),
        ("citizen_user", "/queue/"),
    ],
)
def test_staff_pages_in_english(client, city, worked_case, who, url):
    response = english(client, getattr(city, who)).get(url.format(number=worked_case.number))
    assert response.status_code in (200, 403) or (response.status_code == 400 and "nonsense" in url)
    assert untranslated_text(response) == []


def test_the_citizens_tracking_page_in_english(client, city, worked_case):
    c = english(client)
    c.post("/track/", {"number": worked_case.number, "phone": "13800138000"})
    response = c.get(f"/track/{worked_case.number}/")
    assert response.status_code == 200
    assert untranslated_text(response) == []


def test_form_errors_come_in_the_users_language(client, city):
    response = english(client).post("/submit/", {"kind": "complaint", "description": "", "phone": "12345"})
    page = response.content.decode()
    assert "Phone number not valid" in page and "Description must not be empty" in page
    assert Case.objects.count() == 0
    assert untranslated_text(response) == []


def test_the_language_switch_remembers_the_choice(client, city):
    assert '<html lang="zh-hans">' in client.get("/").content.decode()
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/track/"})
    assert response.status_code == 302 and response["Location"] == "/track/"
    page = client.get("/track/").content.decode()
    assert '<html lang="en">' in page and "Track a request" in page
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    assert "查询诉求进度" in client.get("/track/").content.decode()


# Modules whose Chinese literals are data, not interface text.
DATA_MODULES = {
    "settings.py",  # the language's own name in its own script, as language menus show it
    "conftest.py",  # test fixtures: a small Chinese city
    "catalogue/taxonomy.py",  # category names of the shipped taxonomy
    "knowledge/models.py",  # Chinese stop words for the knowledge-base search
    "classifier/training.py",  # the column headers of Chinese offices' spreadsheets
    "insight/replies.py",  # the Chinese words reply scoring looks for
    "insight/hotspots.py",  # the Chinese place words hotspot mining looks for
    "board/redact.py",  # the Chinese words that mark names and house numbers in free text
    "cases/ledger_import.py",  # the column headings and state words of Chinese offices' ledgers
    "field/needs.py",  # the bullets Chinese keyboards start list lines with
}
TRANSLATORS = {"_", "gettext", "gettext_lazy", "pgettext", "pgettext_lazy", "ngettext", "ngettext_lazy"}


def untranslatable_literals(path):
    import ast

    tree = ast.parse(path.read_text(encoding="utf-8"))
    marked = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            if name in TRANSLATORS:
                marked.update(id(inner) for inner in ast.walk(node))
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr):
            marked.add(id(body[0].value))  # docstrings
    return [
        f"{path.relative_to(PACKAGE)}:{node.lineno}: {node.value[:40]!r}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and CJK.search(node.value)
        and id(node) not in marked
    ]


def test_no_interface_text_escapes_translation():
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE)
        if {"tests", "migrations", "demo"} & set(relative.parts) or relative.as_posix() in DATA_MODULES:
            continue
        found += untranslatable_literals(path)
    assert not found, "\n".join(found)
