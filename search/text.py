"""Vietnamese text as search sees it.

Phones often send decomposed (NFD) text, and buyers type with or without
tones: everything is normalised to NFC first, then folded to the bare Latin
letters (``Cam sành Hàm Yên`` → ``cam sanh ham yen``, ``Đồng`` → ``dong``).
Folding keeps one character per NFC character, so a position found in the
folded text is the same position in the original: snippets highlight the
words as written.
"""

import html
import re
import unicodedata

# Queries longer than this are cut: no product title or description needs
# more, and a 10,000-character query must not reach the database whole.
QUERY_MAX_LENGTH = 200
# More words than this add nothing but cost (one condition per word).
QUERY_MAX_WORDS = 8

# Letters and digits; "_" is a word character to Python but a separator to
# every search engine.
_WORD_RE = re.compile(r"[^\W_]+")


def normalise(text) -> str:
    """NFC, stripped, inner whitespace collapsed; None and non-text become ""."""
    if not isinstance(text, str):
        return ""
    return " ".join(unicodedata.normalize("NFC", text).split())


def _fold_char(char: str) -> str:
    if char in "đĐ":
        return "d"
    base = unicodedata.normalize("NFD", char)[0]
    # A letter that lower-cases to two characters (rare outside Vietnamese)
    # keeps only the first, so positions stay aligned.
    return base.lower()[:1] or base


def fold(text) -> str:
    """Lower-case, without tones or marks, đ → d; same length as
    ``normalise``-d input."""
    return "".join(_fold_char(char) for char in normalise(text))


def exact(text) -> str:
    """Lower-case with the diacritics kept, for ranking exact spellings."""
    return "".join(char.lower()[:1] or char for char in normalise(text))


def folded_words(text) -> str:
    """The folded words of ``text`` joined by single spaces: what the
    database backend matches against."""
    return " ".join(_WORD_RE.findall(fold(text)))


def similarity(first: str, second: str) -> float:
    """pg_trgm's similarity of two words (shared trigrams over all
    trigrams), for SQLite, which has no trigram module."""
    if not first or not second:
        return 0.0
    a, b = _trigrams(first), _trigrams(second)
    shared = len(a & b)
    return shared / (len(a) + len(b) - shared)


def _trigrams(word: str) -> set:
    padded = f"  {word} "
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


def query_clean(query) -> str:
    """A user's query, normalised and cut to a size worth searching."""
    return normalise(query)[:QUERY_MAX_LENGTH].strip()


def words(text) -> list[str]:
    """The words of ``text`` as written (letters and digits only: quotes,
    colons, brackets and operators of any query syntax are dropped)."""
    return _WORD_RE.findall(text)[:QUERY_MAX_WORDS]


def snippet(text: str, query_words: list[str], *, length: int = 180) -> str:
    """Safe HTML: an extract of ``text`` around the first query word found
    (matched without tones), each match wrapped in <mark>."""
    text = normalise(text)
    if not text:
        return ""
    folded = fold(text)
    needles = sorted({fold(word) for word in query_words if word}, key=len, reverse=True)
    first = min((i for i in (folded.find(n) for n in needles) if i >= 0), default=0)
    start = max(0, first - length // 3)
    if start:
        # Begin at a word boundary.
        space = text.find(" ", start)
        start = space + 1 if 0 <= space < first else start
    end = min(len(text), start + length)
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > first else end
    pattern = "|".join(re.escape(n) for n in needles)
    parts = []
    position = start
    if pattern:
        for match in re.finditer(pattern, folded[start:end]):
            match_start, match_end = start + match.start(), start + match.end()
            parts.append(html.escape(text[position:match_start]))
            parts.append(f"<mark>{html.escape(text[match_start:match_end])}</mark>")
            position = match_end
    parts.append(html.escape(text[position:end]))
    prefix = "…" if start else ""
    suffix = "…" if end < len(text) else ""
    return prefix + "".join(parts) + suffix
