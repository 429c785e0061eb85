"""The translation catalogues: Vietnamese complete and faithful to its placeholders, English present, both compiled.

The .po files are parsed with a tiny reader below (no polib): enough for the files makemessages writes
(msgctxt, msgid, msgid_plural, msgstr, msgstr[n], continuation lines, # comments and flags).
"""

import gettext
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

LOCALE = Path(settings.BASE_DIR) / "locale"
VI_PO = LOCALE / "vi" / "LC_MESSAGES" / "django.po"
EN_PO = LOCALE / "en" / "LC_MESSAGES" / "django.po"

# %(name)s, %s, %d, %r, %% and friends; {name} for str.format strings.
PLACEHOLDER = re.compile(r"%(?:\([^)]+\))?[-#0 +]*\d*(?:\.\d+)?[sdifgr%]|\{[A-Za-z_][A-Za-z0-9_]*\}")
TAG = re.compile(r"</?[A-Za-z][^>]*>")


def _unquote(text: str) -> str:
    body = text.strip()
    assert body.startswith('"') and body.endswith('"'), text
    escapes = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}
    return re.sub(r"\\(.)", lambda m: escapes.get(m.group(1), m.group(1)), body[1:-1])


def po_entries(path: Path) -> list[dict]:
    """Return the entries of a .po file: msgctxt, msgid, msgid_plural, msgstr ({form: text}), flags, obsolete."""
    entries, entry, field = [], None, None
    for line in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        if not line.strip():
            if entry is not None:
                entries.append(entry)
            entry, field = None, None
            continue
        if entry is None:
            entry = {
                "msgctxt": None,
                "msgid": "",
                "msgid_plural": None,
                "msgstr": {},
                "flags": set(),
                "obsolete": False,
            }
        if line.startswith("#~"):
            entry["obsolete"] = True
            continue
        if line.startswith("#,"):
            entry["flags"] |= {flag.strip() for flag in line[2:].split(",")}
            continue
        if line.startswith("#"):
            continue
        match = re.match(r"^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(\".*\")$", line)
        if match:
            keyword, index, value = match.groups()
            field = ("msgstr", int(index or 0)) if keyword.startswith("msgstr") else keyword
        else:
            value = line
        if isinstance(field, tuple):
            entry["msgstr"][field[1]] = entry["msgstr"].get(field[1], "") + _unquote(value)
        else:
            entry[field] = (entry[field] or "") + _unquote(value)
    return entries


def _messages(path: Path) -> list[dict]:
    return [e for e in po_entries(path) if e["msgid"] and not e["obsolete"]]


def _header(path: Path) -> str:
    return next(e for e in po_entries(path) if e["msgid"] == "")["msgstr"][0]


def test_the_vietnamese_catalogue_is_complete_and_not_fuzzy():
    messages = _messages(VI_PO)
    assert len(messages) > 500
    header = _header(VI_PO)
    assert "Language: vi\n" in header
    assert "Plural-Forms: nplurals=1; plural=0;" in header
    untranslated = [e["msgid"] for e in messages if not all(e["msgstr"].values()) or not e["msgstr"]]
    fuzzy = [e["msgid"] for e in messages if "fuzzy" in e["flags"]]
    assert untranslated == []
    assert fuzzy == []
    assert not any("fuzzy" in e["flags"] for e in po_entries(VI_PO) if e["msgid"] == "")
    # Vietnamese has one plural form: every plural entry has exactly msgstr[0].
    assert all(sorted(e["msgstr"]) == [0] for e in messages if e["msgid_plural"] is not None)


def test_every_placeholder_and_tag_of_a_msgid_is_kept_in_its_msgstr():
    problems = []
    for entry in _messages(VI_PO):
        wanted = set(PLACEHOLDER.findall(entry["msgid"])) | set(PLACEHOLDER.findall(entry["msgid_plural"] or ""))
        for translation in entry["msgstr"].values():
            found = set(PLACEHOLDER.findall(translation))
            if wanted != found:  # a missing one loses data, an extra one raises KeyError at run time
                problems.append((entry["msgid"], sorted(wanted ^ found)))
            if sorted(TAG.findall(entry["msgid"])) != sorted(TAG.findall(translation)):
                problems.append((entry["msgid"], "HTML"))
    assert problems == []


def test_the_english_catalogue_exists_and_needs_no_translations():
    messages = _messages(EN_PO)
    assert "Language: en\n" in _header(EN_PO)
    assert {e["msgid"] for e in messages} == {e["msgid"] for e in _messages(VI_PO)}


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_committed_mo_files_match_the_po_files(language):
    """The .mo files are committed (CI may lack gettext): they must be compiled from the current .po."""
    po = LOCALE / language / "LC_MESSAGES" / "django.po"
    with open(po.with_suffix(".mo"), "rb") as handle:
        catalogue = gettext.GNUTranslations(handle)
    for entry in _messages(po):
        key = entry["msgid"] if entry["msgctxt"] is None else f"{entry['msgctxt']}\x04{entry['msgid']}"
        expected = entry["msgstr"][0] or entry["msgid"]  # the English catalogue leaves every msgstr empty
        if entry["msgid_plural"] is None:
            assert catalogue.gettext(key) == expected, entry["msgid"]
        else:
            assert catalogue.ngettext(key, entry["msgid_plural"], 1) == expected, entry["msgid"]


@pytest.mark.django_db
def test_the_home_page_is_vietnamese_by_default_and_english_on_request(client):
    vi = client.get(reverse("reports:home")).content.decode()
    assert '<html lang="vi">' in vi
    for text in ("Xếp hạng", "So sánh", "Chỉ số", "Độ phủ dữ liệu", "Tìm kiếm", "Chỉ số cải cách hành chính"):
        assert text in vi
    assert "Rankings" not in vi and "Skip to content" not in vi

    en = client.get(reverse("reports:home"), HTTP_COOKIE="django_language=en").content.decode()
    assert '<html lang="en">' in en
    for text in ("Rankings", "Compare", "Indicators", "Coverage", "Search", "Administrative reform indicators"):
        assert text in en
    assert "Xếp hạng" not in en


@pytest.mark.django_db
def test_the_language_switch_sets_english(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    html = client.get(reverse("reports:home")).content.decode()
    assert '<html lang="en">' in html and "Rankings" in html


@pytest.mark.django_db
def test_an_english_browser_still_gets_vietnamese_until_english_is_chosen(client):
    html = client.get(reverse("reports:home"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert 'lang="vi"' in html
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert 'lang="en"' in client.get(reverse("reports:home")).content.decode()
