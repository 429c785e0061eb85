"""Vietnamese text helpers: NFC names, diacritic-free folding and Vietnamese collation.

Names are stored in NFC. Two derived forms are used everywhere a name is matched or sorted:

* ``fold`` removes every diacritic (``Đắk Lắk`` → ``dak lak``) so that searches typed
  without diacritics, with either tone-mark placement (Hoà/Hòa) or in any case still match.
* ``sort_key`` encodes the Vietnamese alphabet order (a ă â b c d đ e ê … ơ … ư …) with tone
  marks as a secondary difference, as plain lowercase ASCII. Byte order of the key is the
  Vietnamese order, so SQLite and PostgreSQL (any collation) sort the same way.
"""

import re
import unicodedata

# Combining marks that change the letter (ă â ê ô ơ ư) — part of the primary letter.
_LETTER_MARKS = {"\u0306": "breve", "\u0302": "circumflex", "\u031b": "horn"}
# Combining tone marks, in dictionary order: ngang (none), huyền, hỏi, ngã, sắc, nặng.
_TONE_MARKS = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}

_ALPHABET = [
    "a", "ă", "â", "b", "c", "d", "đ", "e", "ê", "f", "g", "h", "i", "j", "k", "l", "m",
    "n", "o", "ô", "ơ", "p", "q", "r", "s", "t", "u", "ư", "v", "w", "x", "y", "z",
]  # fmt: skip
# Primary weights: space, digits, then letters. Each weight becomes two letters from "b" on,
# so that "a" is free to mark the end of the primary part (shorter names sort first).
_PRIMARY = {" ": 0, **{str(d): 1 + d for d in range(10)}}
_PRIMARY.update({letter: 11 + i for i, letter in enumerate(_ALPHABET)})

_NON_ALNUM = re.compile(r"[^0-9a-z]+")
_SPACES = re.compile(r"\s+")


def nfc(text: str) -> str:
    """Return the text in Unicode NFC with inner white space collapsed."""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", text or "")).strip()


def _split_char(char: str) -> tuple[str, int]:
    """Return (base letter with its letter marks, tone number) for one lowercase character."""
    decomposed = unicodedata.normalize("NFD", char)
    tone = 0
    kept = []
    for part in decomposed:
        if part in _TONE_MARKS:
            tone = _TONE_MARKS[part]
        elif unicodedata.combining(part) and part not in _LETTER_MARKS:
            continue
        else:
            kept.append(part)
    return unicodedata.normalize("NFC", "".join(kept)), tone


def fold(text: str) -> str:
    """Return lowercase ASCII without diacritics, words separated by single spaces."""
    decomposed = unicodedata.normalize("NFD", nfc(text).lower().replace("đ", "d"))
    ascii_text = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _NON_ALNUM.sub(" ", ascii_text).strip()


def fold_compact(text: str) -> str:
    """Return the folded text without spaces: 'Hà Nội', 'Ha Noi' and 'Hanoi' all give 'hanoi'."""
    return fold(text).replace(" ", "")


def tone_key(text: str) -> str:
    """Return a key that keeps letter marks and tones but not where the tone mark sits.

    'Hoà' and 'Hòa' (old and new tone placement) give the same key; 'Hoà' and 'Hoa' do not.
    """
    words = []
    for word in fold_words_keep_marks(text):
        base, tones = [], []
        for char in word:
            letter, tone = _split_char(char)
            base.append(letter)
            if tone:
                tones.append(str(tone))
        words.append("".join(base) + "".join(tones))
    return " ".join(words)


def fold_words_keep_marks(text: str) -> list[str]:
    """Split lowercase NFC text into words of letters and digits."""
    return re.findall(r"\w+", nfc(text).lower())


def sort_key(text: str) -> str:
    """Return an ASCII key whose byte order is the Vietnamese alphabetical order of text."""
    primary, secondary = [], []
    for char in nfc(text).lower():
        letter, tone = _split_char(char)
        if letter not in _PRIMARY:
            # Letters outside the Vietnamese alphabet sort as their base letter; symbols as a space.
            letter = (fold(letter)[:1] or " ") if letter.isalnum() else " "
        weight = _PRIMARY.get(letter, 0)
        if weight == 0 and primary and primary[-1] == "ba":
            continue  # runs of spaces and punctuation count once
        primary.append(chr(ord("b") + weight // 24) + chr(ord("a") + weight % 24))
        secondary.append(chr(ord("a") + tone))
    return "".join(primary) + "a" + "".join(secondary)
