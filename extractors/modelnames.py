"""Models (SPEC §1.4): named DVK models with their field, owners and localities.

A model is a quoted name in a model context (after "mô hình", in a list "tiêu biểu như …", or
continuing such a list), an unquoted "mô hình <description>" followed by its owner or place
("mô hình trồng hoa lan trong nhà lưới của anh …"), an unquoted item of a list of models opened by a
colon and split at ";" ("Tiêu biểu như các mô hình: A tại xã X; B của Hội Y; …") or in bulleted
lines, or the name after a count of its instances ("6 mô hình Làng bản văn hóa"). An unquoted or
unclosed name ends before its place phrase (a cue "tại / ở …", or a unit or village word before a
name: "xã Tân Lập", not "xã hội") or its owner phrase ("của …"). A caption that repeats a model of
the body gives way to the body's mention. Field words after "mô hình" ("N mô hình AN-QP") and
ordinals ("mô hình thứ 7") are no names; an apostrophe inside a word ("Ê’đê") is no quote mark. A
group's field comes from the clause that introduces it (several fields listed after "lĩnh vực"
make it null), never from what an amount given went to. A parenthesis is an owner only when it opens
with an organisation or a person; a bare "ông" / "chị" is none; an item with a place phrase of its
own keeps it; a unit in the body that recognised a model ("được Huyện ủy A công nhận") is not its
place; a body mention keeps its caption's owner and place when it names none, and a bare name after
"ở" is a unit the article names with its type. Cue, blocker, stop and owner words are data
(``[models]``, ``[owners]``, ``[[model_topic]]``, ``[model_field]`` in ``data/lexicon.toml``).
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from functools import cache

import regex

from .gazetteer import Unit
from .layout import Layout, Sentence, Span
from .lexicon import (
    PhraseRule,
    alternation,
    field_rules,
    find_all,
    fold,
    lexicon,
    movement_phrases,
    phrase_regex,
    topic_rules,
    unit_type_before,
    words,
)
from .localities import Mention, to_locality
from .records import Locality, Model
from .text import QUOTES, clean_name, key

_OPENERS = "“‘\"”"
# an apostrophe between two letters is part of a word ("Ê’đê", "H'Mông"), not a quote mark
_IN_WORD = r"(?!(?<=\p{L})['’](?=\p{L}))"
_QUOTE_MARK = regex.compile(_IN_WORD + "[" + regex.escape(QUOTES + "‘’") + "]")
# one quote mark: a quote character, doubled or not ("‘‘", "’’"), or two apostrophes ("''")
_QUOTE_RUN = regex.compile(_IN_WORD + "(?:(?P<q>[" + regex.escape(QUOTES + "‘’") + "])(?P=q)*|'')")


@dataclass
class Quote:
    open: int  # index of the opening quote character
    start: int  # first character of the name
    end: int  # end of the name (exclusive)
    close: int | None  # index of the closing quote character, None when it never closes
    close_end: int | None = None  # end of the closing mark ("’’" is one mark)


@dataclass
class Found:
    name: str
    start: int
    end: int  # end of the name's evidence (closing quote included)
    after: int  # where attachments (owner, place) may start
    sentence: int
    quoted: bool
    owners: list[str] = field(default_factory=list)
    localities: list[Locality] = field(default_factory=list)
    inner: list[Locality] = field(default_factory=list)  # units written inside the name
    own_attachments: bool = False
    attach_end: int = 0
    group: int = -1
    field: str | None = None


# --- quotes -------------------------------------------------------------------------------------
def _is_open(text: str, i: int, j: int, end: int) -> bool | None:
    """Whether the quote mark text[i:j] opens (True), closes (False) or cannot tell (None)."""
    prev = text[i - 1] if i > 0 else " "
    nxt = text[j] if j < end else " "
    prev_space = prev.isspace() or prev in "([{,;:–-…" or prev in QUOTES
    next_space = nxt.isspace() or nxt in ".,;:)]}…!?" or j >= end
    if prev_space and not next_space:
        return True
    if next_space and not prev_space:
        return False
    ch = text[i]
    if ch in "“‘":
        return True
    if ch in "”’":
        return False
    return None


def find_quotes(text: str, span: Span) -> list[Quote]:
    marks = [(m.start(), m.end()) for m in _QUOTE_RUN.finditer(text, span.start, span.end)]
    kinds = [_is_open(text, i, j, span.end) for i, j in marks]
    out: list[Quote] = []
    k = 0
    expect_open = True
    while k < len(marks):
        (i, i_end), kind = marks[k], kinds[k]
        if kind is None:
            kind = expect_open
        if not kind:
            k += 1
            continue
        # its close is the next mark, unless that one opens
        j = k + 1
        if j < len(marks) and kinds[j] is not True:
            close, close_end = marks[j]
            start = i_end
            while start < close and text[start].isspace():
                start += 1
            out.append(Quote(i, start, close, close, close_end))
            k = j + 1
            expect_open = True
        else:
            out.append(Quote(i, i_end, span.end, None))
            k += 1
    return out


# --- lexicon ------------------------------------------------------------------------------------
@cache
def _m() -> dict[str, object]:
    return lexicon()["models"]  # type: ignore[no-any-return]


def _alternation(words: object) -> str:
    """Folded words as one regex alternation, longest first."""
    return alternation(words)  # type: ignore[arg-type]


@cache
def _cue_end() -> regex.Pattern[str]:
    """A cue right before a quote, maybe with a qualifier or the movement's name between
    ("mô hình điểm “…”", "mô hình dân vận khéo “…”", "Mô hình “Dân vận khéo” “…”")."""
    movement = _alternation(movement_phrases())
    quals = _alternation(_m()["cue_qualifiers"])
    subjects = (r"|(?:" + _alternation(_m()["cue_subjects"]) + r")(?:\s+[^\W\d]+){0,8}?\s+(?:"
                + _alternation(_m()["cue_subject_verbs"]) + r")")
    return regex.compile(r"(?<![\w])(?:" + _alternation(_m()["cues"]) + subjects + r")(?:\s+(?:" + quals + r"))?"
                         r"(?:\s*\"?(?:" + movement + r")\"?)?\s*:?\s*$")


@cache
def _blocker_end() -> regex.Pattern[str]:
    """A blocker ending the text. Searched from the end (``(?r)``): only whether there is one is
    ever asked, and a search from the start tried every position before the end."""
    return regex.compile(r"(?r)(?<![\w])(?:" + _alternation(_m()["blockers"]) + r")(?:\s+thi đua)?\s*:?\s*$")


@cache
def _movement() -> regex.Pattern[str]:
    return phrase_regex(movement_phrases())


@cache
def _owner_heads() -> regex.Pattern[str]:
    return regex.compile(r"^(?:" + _alternation(lexicon()["owners"]["heads"]) + r")(?![\w])")


@cache
def _villages() -> regex.Pattern[str]:
    return regex.compile(r"^(?:" + _alternation(_m()["villages"]) + r")(?![\w])")


_UNIT_TYPE = regex.compile(r"^(?:tỉnh|thành phố|tp\.?|huyện|quận|thị xã|tx\.?|xã|phường|thị trấn)\s")


def _stop_regex(words: list[str]) -> regex.Pattern[str]:
    """Literal stop words; a period is checked by ``_ends_sentence`` where it matches."""
    return regex.compile("|".join(regex.escape(fold(w)) for w in words))


@cache
def _abbreviation_end() -> regex.Pattern[str]:
    """An abbreviated unit type right before a period ("P", "TP" of "P. Tân Phong", "TP.Vinh")."""
    abbr = [fold(w)[:-1] for w in _m()["place_words"] if w.endswith(".")]  # type: ignore[attr-defined]
    return regex.compile(r"(?<![\w])(?:" + "|".join(regex.escape(a) for a in abbr) + r")$")


def _ends_sentence(lay: Layout, pos: int) -> bool:
    """Whether the period at ``pos`` ends a sentence: not in "1.000", "v.v", "P.Tân Phong" or
    "P. Tân Phong"; yes before a capital even without a space ("… mới.Các mô hình")."""
    text = lay.text
    nxt = text[pos + 1] if pos + 1 < len(text) else " "
    if nxt.isdigit() or (nxt.isalpha() and not nxt.isupper()):
        return False
    return not _abbreviation_end().search(lay.folded, max(0, pos - 4), pos)


def _first_stop(lay: Layout, pattern: regex.Pattern[str], start: int, end: int,
                lower_only: bool = False) -> regex.Match[str] | None:
    """The first match of a stop pattern in [start, end), skipping periods that end no sentence;
    with ``lower_only`` a stop word written with a capital is part of a name ("Sở Xây dựng",
    "Hội Làm vườn", "Quỹ Hỗ trợ nông dân"), not the verb after it."""
    for m in pattern.finditer(lay.folded, start, end):
        if m.group() == "." and not _ends_sentence(lay, m.start()):
            continue
        word = regex.match(r"\s*(\p{L})", m.group())
        if lower_only and word and lay.text[m.start() + word.start(1)].isupper():
            continue
        return m
    return None


@cache
def _name_stops() -> regex.Pattern[str]:
    """Literal stops, then unit / village words (a stop only before a name), as one regex."""
    literal = "|".join(regex.escape(fold(w)) for w in _m()["name_stops"])  # type: ignore[attr-defined]
    places = _alternation(_m()["place_words"])
    return regex.compile(rf"(?P<lit>{literal})|(?<=\s)(?P<place>{places})(?:(?<=\.)\s*|\s+)")


@cache
def _place_cue() -> regex.Pattern[str]:
    return regex.compile(r"(?:" + _alternation(_m()["place_cues"]) + r")\s+")


@cache
def _place_not_after() -> regex.Pattern[str]:
    return regex.compile(r"(?<![\w])(?:" + _alternation(_m()["place_not_after"]) + r")\s*$")


@cache
def _place_word() -> regex.Pattern[str]:
    return regex.compile(r"(?:" + _alternation(_m()["place_words"]) + r")(?:(?<=\.)\s*|\s+)")


@cache
def _descriptor() -> regex.Pattern[str]:
    return regex.compile(r"(?:" + _alternation(_m()["place_word_not_before"]) + r")(?![\w])")


def _names_place(text: str, pos: int) -> bool:
    """Whether a unit or village name (capitalised word or number) starts at ``pos``, not a
    description ("làng Văn hóa")."""
    if not (pos < len(text) and (text[pos].isupper() or text[pos].isdigit())):
        return False
    return not _descriptor().match(fold(text[pos:pos + 16]))


def _is_place_at(lay: Layout, pos: int, limit: int) -> int:
    """Length of a place phrase's opening at ``pos`` ("tại ", "xã " before a name), else 0."""
    folded = lay.folded
    m = _place_cue().match(folded, pos, limit)
    if m and not _place_not_after().search(folded, max(0, pos - 12), pos):
        return m.end() - pos
    m = _place_word().match(folded, pos, limit)
    if m and _names_place(lay.text, m.end()):
        return m.end() - pos
    return 0


def _name_end(lay: Layout, start: int, limit: int, commas: bool = True) -> int | None:
    """Where an unquoted or unclosed name ends: a stop word, a place or owner phrase (SPEC §4)."""
    text, folded = lay.text, lay.folded
    for m in _name_stops().finditer(folded, start, limit):
        if m.group("place") is not None:
            if m.start() > start and _names_place(text, m.end()):
                return m.start()
            continue  # "xã hội"; or the name's own first word ("Làng Văn hóa …")
        stop = m.group("lit")
        if stop == "," and not commas:
            continue
        if stop == "." and not _ends_sentence(lay, m.start()):
            continue  # "P.Tân Phong", "1.000"
        if stop.strip() in ("ở", "tại") and _place_not_after().search(folded, max(0, m.start() - 12), m.start()):
            continue
        return m.start()
    return None


@cache
def _owner_stops() -> regex.Pattern[str]:
    return _stop_regex(_m()["owner_stops"] + list(QUOTES))  # type: ignore[operator]


@cache
def _generic() -> regex.Pattern[str]:
    """Words after "mô hình" that name no model: generic words, or an ordinal ("thứ 7", "số 3")."""
    ordinal = r"(?:" + _alternation(_m()["ordinal_heads"]) + r")\s*(?:\d+|[ivxl]+|" \
        + _alternation(_m()["ordinal_numbers"]) + r")"
    return regex.compile(r"(?:" + _alternation(_m()["generic_heads"]) + r"|" + ordinal + r")(?![\w])")  # .match only


@cache
def _field_words() -> regex.Pattern[str]:
    """Field words and their abbreviations ("an ninh - quốc phòng", "AN-QP", "KT", "KT-XH"); not the
    phrases that only block a field ("xã hội hóa", "nhà văn hóa")."""
    every = {fold(p) for r in lexicon()["field"] for p in r["phrases"]}
    phrases = {fold(p) for r in lexicon()["field"] if r["code"] for p in r["phrases"]}
    for short, long in lexicon()["abbreviations"].items():
        if fold(long) in every or fold(short) in every:
            phrases |= {fold(short), fold(long)}
    return regex.compile(r"(?<![\w])(?:" + _alternation(phrases) + r")(?![\w])")


def _only_field_words(folded_name: str) -> bool:
    """Whether a name is nothing but field words: a category ("AN-QP", "KT, VH-XH"), not a model."""
    rest = regex.sub(r"(?<![\w])và(?![\w])", " ", _field_words().sub(" ", folded_name))
    return bool(_field_words().search(folded_name)) and not regex.search(r"[\p{L}\d]", rest)


@cache
def _category() -> regex.Pattern[str]:
    return regex.compile(r"(?:" + _alternation(_m()["category_heads"]) + r")(?![\w])")  # .match only


@cache
def _list_cue() -> regex.Pattern[str]:
    return regex.compile(r"(?<![\w])(?:" + _alternation(_m()["list_cues"]) + r")\s*:")


@cache
def _list_mark() -> regex.Pattern[str]:
    return phrase_regex(_m()["list_marks"])  # type: ignore[arg-type]


@cache
def _list_word_end() -> regex.Pattern[str]:
    return regex.compile(r"(?<![\w])(?:" + _alternation(_m()["list_words"]) + r")\s*:?\s*$")


@cache
def _quantity() -> regex.Pattern[str]:
    units = _alternation(lexicon()["owners"]["quantity_units"])
    return regex.compile(r"^\s*[\d.,]+\s*(?:" + units + r")(?![\w])")


# --- finding names ------------------------------------------------------------------------------
def _sentence_index(lay: Layout, pos: int) -> int:
    return lay.sentence_index(pos)


def _quoted(lay: Layout, quotes: list[list[Quote]]) -> list[Found]:
    """The names in quotes (``quotes``: each paragraph's, :func:`find_quotes`)."""
    text, folded = lay.text, lay.folded
    out: list[Found] = []
    bullets = set(_bullet_items(lay))
    for para_i, para in enumerate(lay.paragraphs):
        prev_model_end: int | None = None
        prev_blocked_end: int | None = None
        for q in quotes[para_i]:
            if q.close is None:  # unclosed: the name ends at the first stop
                stop = _name_end(lay, q.start, min(para.end, q.start + 200))
                if stop is None and q.start + 200 >= para.end and text[para.end - 1] not in ".!?…;:":
                    continue  # runs into the end of a cut excerpt: a fragment, not a name
                end = stop if stop is not None else min(para.end, q.start + 200)
                ev_end, after = end, end
            else:
                close_end = q.close_end if q.close_end is not None else q.close + 1
                end, ev_end, after = q.close, close_end, close_end
            name = clean_name(text[q.start:end])
            if not name or len(name.split()) > 40:
                continue
            before = folded[max(para.start, q.open - 60):q.open]
            gap_model = folded[prev_model_end:q.open] if prev_model_end is not None else None
            gap_blocked = folded[prev_blocked_end:q.open] if prev_blocked_end is not None else None
            if _movement().fullmatch(key(name)) or key(name) in ("dvk",):
                continue
            if _blocked(before) or (
                    gap_blocked is not None and _continues(gap_blocked)
                    and not _cue_end().search(before)):
                prev_blocked_end, prev_model_end = ev_end, None
                continue
            # "mô hình của Chi hội “X”": the model carries its owner's quoted name
            owned = _NAMED_OWNER.search(before)
            bullet_head = para_i in bullets and bool(
                _BULLET_HEAD.fullmatch(folded, para.start, q.open))
            cue = _cue_end().search(before)
            talk_start = lay.paragraphs[para_i - 1].start if para_i else para.start
            if cue and not _MODEL_NOUN.search(cue.group()) and not _MODEL_NOUN.search(
                    folded, max(talk_start, q.open - 300), q.open):
                cue = None  # "các sản phẩm như “…”": a bare "như" needs models talked about
            is_model = bool(cue) or bool(owned) or bullet_head or (
                gap_model is not None and _continues(gap_model))
            if not is_model:
                continue
            found = Found(name, q.open, ev_end, after, _sentence_index(lay, q.open), True)
            if owned:
                o_start = q.open - (len(before) - owned.start("owner"))
                found.owners = [text[o_start:ev_end].strip()]
            out.append(found)
            prev_model_end, prev_blocked_end = ev_end, None
    return out


_MARKER = r"\s*(?:[-+•*–]|\d{1,2}[.)]|[a-zđ][.)])\s+"  # a bullet or a number opening a line
_BULLET = regex.compile(_MARKER)
_BULLET_HEAD = regex.compile(_MARKER + r"(?:mô hình\s*)?")
_MODEL_NOUN = regex.compile(r"(?<![\w])(?:mô hình|điển hình)(?![\w])")
_NAMED_OWNER = regex.compile(r"(?<![\w])mô hình\s+của\s+(?P<owner>[^\"',.;:()]{2,50}?)\s*$")

# patterns the hot paths used to give as strings (one lookup each call): compiled once here
_SENTENCE_STOP = regex.compile(r"[.!?](?:\s|$)")
_ITEM_SEP = regex.compile(r"\s*,\s*|\s+và\s+")
_COMMA_SEP = regex.compile(r",\s*")
_LEAD_GAP = regex.compile(r"[\s…]*(?:\.\.\.)?\s*")
_SPACES_AT = regex.compile(r"\s*")
_OWNER_LEAD = regex.compile(r"(?:trên địa bàn\s+)?(?:của|do)\s+")
_GROUP_STOP = regex.compile(r"[;!?]|\.(?!\d)|…(?=\s*\p{Lu})")
_NAME_STOP = regex.compile(r",| và | gắn với | để | nhằm ")


def _blocked(before: str) -> bool:
    """A blocker right before the quote, or before the list words that join it ("các cuộc vận động
    như “…”")."""
    if _blocker_end().search(before):
        return True
    m = _list_word_end().search(before)
    return bool(m) and bool(_blocker_end().search(before[:m.start()]))


def _continues(gap: str) -> bool:
    """Text between two quoted names that keeps them in one list."""
    if len(gap) > 160 or _SENTENCE_STOP.search(gap.replace("...", "…")):
        return False
    return not _blocker_end().search(gap)


_UNQUOTED = regex.compile(r"(?<![\w])(?P<plural>các |những |nhiều |một số |số )?mô hình\s+(?=[\p{L}\d\"'])")
_INSTANCE = regex.compile(r"(?<![\w.,])\d+\s+mô hình\s+")


_ITEM_HEAD = regex.compile(
    r"(?:(?:cùng|và|với)\s+)?(?P<plural>(?:các|những|nhiều|một số)\s+)?(?:mô hình|điển hình)\s+")
_LIST_END = regex.compile(r"[!?]|…|\.\.\.|\.")
_CLAUSE_END = regex.compile(r"[;:…!?]|\.")
_PLACE_END = regex.compile(r"[;…(]|\.| đã | được | đang | góp phần | mang lại ")


_PLURAL_CUE = regex.compile(r"(?<![\w])(?:các|những) mô hình")


def _comma_items(lay: Layout, start: int, end: int, starts: set[int]) -> list[tuple[int, int]]:
    """A list "các mô hình: A, B, C" without ";" split at its commas, when every part is short; a
    comma before a unit's bare name ("tại xã A, B") stays inside its item (``starts``: where the
    mentions of units start)."""
    folded = lay.folded
    parts: list[tuple[int, int]] = []
    pos = start
    for sep in regex.finditer(r",\s*|\s+và\s+", folded[start:end]):
        at = start + sep.start()
        if start + sep.end() in starts or folded[pos:at].count("(") > folded[pos:at].count(")"):
            continue
        parts.append((pos, at))
        pos = start + sep.end()
    parts.append((pos, end))

    def name_words(s: int, e: int) -> int:
        stop = _name_end(lay, s, e, commas=False)
        return len(folded[s:e if stop is None else stop].split())

    if len(parts) < 2 or any(name_words(s, e) > 8 for s, e in parts):
        return []
    return parts


#: how far back (characters) a list cue's own sentence is read for a blocker or list words right
#: before it ("các cuộc vận động như: …"): a bounded look keeps the cost of every cue constant
CUE_LOOKBACK = 400


def _listed(lay: Layout, quoted: list[Found], mentions: list[Mention]) -> list[Found]:
    """Unquoted items of a list of models opened by a colon ("Tiêu biểu như các mô hình: A tại xã
    X; B của Hội Y; …"): each item up to its ";", its name up to its place or owner phrase. A list
    ends at its full stop or where the next list opens."""
    folded = lay.folded
    out: list[Found] = []
    quoted_starts = sorted(f.start for f in quoted)
    mention_starts = {mm.start for mm in mentions}
    # what the text of a cue's sentence before it holds, read once per sentence: the first "mô
    # hình", the first "điển hình", the first list mark (a context holds one iff it starts there)
    firsts: dict[tuple[int, int], tuple[int, int, int]] = {}

    def context_has(start: int, bound: int, end: int) -> tuple[bool, bool]:
        """("mô hình" or "điển hình" in folded[start:end], a list mark in it), for ``end`` <=
        ``bound``, the end of the sentence (a list mark never holds the cue's colon)."""
        if (start, bound) not in firsts:
            noun, typical = folded.find("mô hình", start, bound), folded.find("điển hình", start, bound)
            mark = _list_mark().search(folded[start:bound])
            firsts[start, bound] = (noun + len("mô hình") if noun >= 0 else bound + 1,
                                    typical + len("điển hình") if typical >= 0 else bound + 1,
                                    start + mark.start() if mark else bound + 1)
        noun_end, typical_end, mark_start = firsts[start, bound]
        return noun_end <= end or typical_end <= end, mark_start < end

    for para in lay.paragraphs:
        cues = list(_list_cue().finditer(folded, para.start, para.end))
        for k, cue in enumerate(cues):
            # the next list's cue ends this one (each list read to the end of the paragraph, with
            # every list after it, was quadratic)
            limit = cues[k + 1].start() if k + 1 < len(cues) else para.end
            first = _SPACE_RUN.match(folded, cue.end(), limit)
            list_start = first.end() if first else cue.end()
            stop = _first_stop(lay, _LIST_END, list_start, limit)
            list_end = stop.start() if stop else limit
            bounds = []
            pos = list_start
            for sep in regex.finditer(";", folded[list_start:list_end]):
                inside = folded[pos:list_start + sep.start()]
                if inside.count("(") > inside.count(")"):
                    continue  # a ";" inside a parenthesis does not end the item
                bounds.append((pos, list_start + sep.start()))
                pos = list_start + sep.end()
            bounds.append((pos, list_end))
            sent = lay.sentence_at(cue.start())
            ctx_start, ctx_bound = (sent.start, sent.end) if sent else (para.start, para.end)
            if cue.end() <= ctx_bound:
                models_talked, marked = context_has(ctx_start, ctx_bound, cue.end())
            else:  # a cue across the sentence's end: read as it is
                whole = folded[ctx_start:cue.end()]
                models_talked = "mô hình" in whole or "điển hình" in whole
                marked = bool(_list_mark().search(whole))
            before = folded[max(ctx_start, cue.start() - CUE_LOOKBACK):cue.end()]
            opens_model = bool(_ITEM_HEAD.match(folded, list_start, list_end))
            if not (models_talked or opens_model) or _blocked(before):
                continue
            if "mô hình" not in cue.group() and not opens_model and (len(bounds) < 2 or not marked):
                continue
            if len(bounds) == 1 and _PLURAL_CUE.search(cue.group()):
                bounds = _comma_items(lay, list_start, list_end, mention_starts) or bounds
            for i_s, i_e in bounds:
                item = _list_item(lay, i_s, i_e, quoted_starts, mention_starts)
                if item is not None:
                    out.append(item)
    # a list in lines of its own: "Các mô hình tiêu biểu:" then "- Nuôi gà thả vườn (xã A)" …
    for i in _bullet_items(lay):
        para = lay.paragraphs[i]
        marker = _BULLET.match(folded, para.start, para.end)
        start = marker.end() if marker else para.start
        if _unit_count_row().match(lay.text, start, para.end) or _COUNT_ROW.match(folded, start, para.end):
            # "- TP A: 120 mô hình", "- H. B: 45": a unit's count, no model; "- Hội LHPN: 342 mô
            # hình", "- Đồn BP A (xã A): 9 mô hình": a body's or any label's count
            continue
        stop = _first_stop(lay, _LIST_END, start, para.end)
        semi = folded.find(";", start, para.end)
        end = min(x for x in (stop.start() if stop else para.end, semi if semi >= 0 else para.end))
        item = _list_item(lay, start, end, quoted_starts, mention_starts)
        if item is not None:
            out.append(item)
    return out


_SPACE_RUN = regex.compile(r"\s*")
#: a bullet line that is a label's count: a label, a colon, a number and the count's noun
_COUNT_ROW = regex.compile(
    r"[^:;\n]{1,80}:\s*(?:khoảng\s+|hơn\s+|gần\s+|trên\s+)?\d[\d.,]*\s*(?:mô hình|điển hình|mh)(?![\w])")


@cache
def _unit_count_row() -> regex.Pattern[str]:
    """A bullet line that is a unit's count: its type word (or abbreviation), its name, a colon, a
    number ("- TX A: 120", "- H. B: 95", "- Phường 9: 14")."""
    return regex.compile(rf"(?i:{unit_type_before()})(?:\p{{Lu}}[^:;\n]{{0,40}}|\d{{1,2}})\s*:\s*"
                         r"(?:khoảng\s+|hơn\s+|gần\s+)?\d")


def _bullet_items(lay: Layout) -> list[int]:
    """Paragraphs that are the bulleted items of a list of models opened by a line ending in ":"."""
    out: list[int] = []
    opened = False
    for i, para in enumerate(lay.paragraphs):
        line = lay.folded[para.start:para.end].rstrip()
        if opened and _BULLET.match(line):
            out.append(i)
            continue
        opened = line.endswith(":") and ("mô hình" in line or "điển hình" in line) and not _blocked(line)
    return out


def _list_item(lay: Layout, i_s: int, i_e: int, quoted_starts: list[int],
               mention_starts: set[int]) -> Found | None:
    """The unquoted model an item of a list names, up to its place or owner phrase
    (``quoted_starts``: where the quoted names start, sorted; ``mention_starts``: the units')."""
    text, folded = lay.text, lay.folded
    ws = regex.match(r"\s*", folded[i_s:i_e])
    start = i_s + (ws.end() if ws else 0)
    k = bisect.bisect_left(quoted_starts, i_s)
    if _QUOTE_MARK.search(text, start, i_e) or (k < len(quoted_starts) and quoted_starts[k] < i_e):
        return None  # quoted names are read by the quoted pass
    head = _ITEM_HEAD.match(folded, start, i_e)
    if head is not None:
        if head.group("plural"):
            return None
        start = head.end()
    rest = folded[start:i_e]
    if not rest or (_generic().match(rest) and not _movement().match(rest)) \
            or _is_place_at(lay, start, i_e) or start in mention_starts:
        return None  # an item opening with a place names no model
    end = _name_end(lay, start, i_e, commas=False)
    end = i_e if end is None else end
    name = clean_name(text[start:end])
    if not name or len(name.split()) > 20 or not name[0].isalnum() \
            or regex.search(r"(?<![\w])mô hình(?![\w])", fold(name)) or _only_field_words(fold(name)):
        return None  # prose that mentions models is not a model's name; field words are a category
    movement = _movement().match(fold(name))
    if movement:  # the movement's own name is no model; "Dân vận khéo trong chỉnh trang …" is one
        tail = fold(name)[movement.end():].strip(" \"'")
        if not tail or not tail[0].isalpha() or (_generic().match(tail) and not _movement_link().match(tail)):
            return None
    return Found(name, start, end, end, _sentence_index(lay, start), False)


@cache
def _movement_link() -> regex.Pattern[str]:
    return regex.compile(r"^(?:" + _alternation(_m()["movement_links"]) + r")(?![\w])")


def _skip_movement(lay: Layout, start: int, limit: int) -> int:
    """After "mô hình", skip the movement's own name ("mô hình “Dân vận khéo” vận động …"); -1 when
    a quoted name of another kind starts here (the quoted pass reads it)."""
    text, folded = lay.text, lay.folded
    if _QUOTE_MARK.match(text, start):
        close = _QUOTE_MARK.search(text, start + 1, min(limit, start + 40))
        if close is None or not _movement().fullmatch(key(text[start + 1:close.start()])):
            return -1
        pos = close.end()
    else:
        mm = _movement().match(folded, start, limit)
        if mm is None:
            return start
        pos = mm.end()
    ws = _GAP.match(folded, pos, limit)
    if ws is None or ws.end() >= limit or not text[ws.end()].isalpha():
        return -1
    return ws.end()


_GAP = regex.compile(r"\s+")
_OWNER_OR_SIZE = regex.compile(r"(?:của|quy mô)\s")
#: how far (characters) after "mô hình" an unquoted name and its owner or place phrase are looked
#: for: a description longer than this is running text, and the bound keeps each match's cost fixed
MAX_UNQUOTED = 300


@cache
def _attach_opening() -> regex.Pattern[str]:
    """A space before what may open an owner or place phrase (a parenthesis, "của", "quy mô", a
    place cue or word): every position where one of the checks of :func:`_attach_start` can pass."""
    heads = _alternation(["của", "quy mô", *_m()["place_cues"], *_m()["place_words"]])  # type: ignore[misc]
    return regex.compile(r"\s(?=\(|" + heads + ")")


_SPACE = regex.compile(r"\s")


def _attach_start(lay: Layout, start: int, end: int, openings: list[int]) -> tuple[int, str] | None:
    """The first owner or place phrase after an unquoted name: (its position, "owner" / "place").

    The phrase opens after a run of spaces. ``openings`` (sorted) holds every position of the
    paragraph after a space where one may open (found by one scan of the paragraph, so a run of
    names does not rescan its neighbours' words); each is checked here in text order."""
    folded = lay.folded

    def gap_start(pos: int) -> int:  # the first space of the run that ends at ``pos``
        g = pos - 1
        while g > start and _SPACE.match(folded, g - 1):
            g -= 1
        return g

    for k in range(bisect.bisect_right(openings, start), bisect.bisect_left(openings, end)):
        pos = openings[k]
        if folded.startswith("(", pos):
            return gap_start(pos), "paren"
        if _OWNER_OR_SIZE.match(folded, pos, end):
            return gap_start(pos), "owner" if folded.startswith("của", pos) else "place"
        if _is_place_at(lay, pos, end):
            return gap_start(pos), "place"
    # a run of spaces that reaches ``end``, before a parenthesis just past it
    if end > start and _SPACE.match(folded, end - 1) and folded.startswith("(", end):
        return gap_start(end), "paren"
    return None


def _unquoted(lay: Layout, taken_found: list[Found]) -> list[Found]:
    text, folded = lay.text, lay.folded
    taken = [(f.start, f.attach_end or f.end) for f in taken_found]
    out: list[Found] = []
    for para in lay.paragraphs:
        openings: list[int] | None = None  # for _attach_start, once per paragraph
        for m in _UNQUOTED.finditer(folded, para.start, para.end):
            if m.group("plural"):
                continue
            start = _skip_movement(lay, m.end(), para.end)
            if start < 0 or any(s <= start < e for s, e in taken):
                continue
            # matched in place: a slice to the paragraph's end for every match was quadratic
            # (``start`` follows a space, so the lookbehinds see what they saw in a slice)
            if _generic().match(folded, start, para.end) or _movement().match(folded, start, para.end):
                continue
            clause_end = min(para.end, start + MAX_UNQUOTED)
            cm = _first_stop(lay, _CLAUSE_END, start, clause_end)
            if cm:
                clause_end = cm.start()
            if openings is None:
                openings = [o.end() for o in _attach_opening().finditer(folded, para.start, para.end)]
            attach = _attach_start(lay, start, clause_end, openings)
            instance = _INSTANCE.search(folded, max(para.start, m.start() - 8), m.end() + 1)
            if instance and _field_words().match(folded, start, para.end):
                continue  # "2 mô hình AN-QP", "18 mô hình kinh tế": a count by field, no name
            if (_category().match(folded, start, para.end) or _field_words().match(folded, start, para.end)) and not (
                    attach and attach[1] == "owner"
                    and _owner_heads().match(regex.sub(r"^\s*của\s+", "", folded[attach[0]:clause_end]))):
                continue
            if attach is None and not (instance and text[start].isupper()):
                continue
            if instance and not text[start].isupper():
                continue  # "Gần 60 mô hình “Dân vận khéo” tạo sức lan tỏa tại …": a count's noun, no name
            if attach is not None:
                verb = _name_end(lay, start, attach[0], commas=False)  # "nuôi bò được triển khai tại …"
                end = attach[0] if verb is None else verb
            else:
                stop = _NAME_STOP.search(folded[start:clause_end])
                end = start + stop.start() if stop else clause_end
            name = clean_name(text[start:end])
            if not name or len(name.split()) > 25 or _only_field_words(fold(name)):
                continue
            out.append(Found(name, start, end, end, _sentence_index(lay, start), False))
    return out


# --- attachments: owners and localities -----------------------------------------------------------
def _split_items(text: str, folded: str, start: int, end: int) -> list[tuple[int, int]]:
    """Split a phrase at commas / "và" where the next part opens an organisation, unit or village."""
    items: list[tuple[int, int]] = []
    pos = start
    for m in _ITEM_SEP.finditer(folded[start:end]):
        nxt = folded[start + m.end():end]
        unit = _UNIT_TYPE.match(nxt + " ")
        named_unit = unit is not None and _names_place(text, start + m.end() + unit.end())
        if _owner_heads().match(nxt) or _villages().match(nxt) or named_unit:
            items.append((pos, start + m.start()))
            pos = start + m.end()
    items.append((pos, end))
    return [(s, e) for s, e in items if e > s]


@cache
def _unit_word() -> regex.Pattern[str]:
    """A unit's type word, bare or named ("xã", "phường, xã", "huyện Lạc Sơn")."""
    words = [w for r in lexicon()["unit_type"] for w in r["words"]]
    return regex.compile(r"^(?:" + _alternation(words) + r")(?![\w])")


@cache
def _unit_word_end() -> regex.Pattern[str]:
    """A unit's type word ending an owner before the unit's name ("Hội CCB P.", "Công an huyện ");
    a committee ("Huyện ủy", "UBND xã") stays in the owner."""
    words = [w for r in lexicon()["unit_type"] for w in r["words"] if "ủy" not in w and "ubnd" not in w]
    return regex.compile(r"\s*(?<![\w])(?:" + _alternation(words) + r")\s*$")


def _owner_list_end(lay: Layout, start: int, end: int) -> int:
    """An owner phrase goes on past a comma only into another owner, a unit or a village
    ("của anh A, thôn B, xã C"; "của Đoàn Thanh niên, Hội CCB"), else it ends there."""
    text, folded = lay.text, lay.folded
    for m in _COMMA_SEP.finditer(folded[start:end]):
        nxt = start + m.end()
        rest = folded[nxt:end]
        if _titles().match(rest) or not (
                _owner_heads().match(rest) or _villages().match(rest) or _unit_word().match(rest)
                or _names_place(text, nxt)):
            return start + m.start()
    return end


@cache
def _pronoun() -> regex.Pattern[str]:
    return regex.compile(r"(?:" + _alternation(lexicon()["owners"]["pronouns"]) + r")")


@cache
def _recognised() -> regex.Pattern[str]:
    """A recognising body's name before a unit: "được Ban Thường vụ Huyện ủy " (``[models]
    recognised_after``), the body opening with a capital."""
    return regex.compile(r"(?<![\w])(?:" + _alternation(_m()["recognised_after"]) + r")\s+(?P<body>[^,;:.()\"]{0,40})$")


def _by_recogniser(lay: Layout, mm: Mention) -> bool:
    """Whether a unit is named inside the body that recognised a model ("được Huyện ủy A công
    nhận"), not as the model's place."""
    m = _recognised().search(lay.folded, max(0, mm.start - 50), mm.start)
    if m is None:
        return False
    body = m.start("body")
    if body >= mm.start or not lay.text[body].isupper() or len(m.group("body").split()) > 5:
        return False  # "được triển khai tại xã A": a verb, no body
    return bool(_recognition().match(lay.folded, mm.end, min(len(lay.folded), mm.end + 60)))


@cache
def _recognition() -> regex.Pattern[str]:
    """The verb of a recognition right after the body's unit ("… Huyện ủy A công nhận")."""
    return regex.compile(r"[^,;:.()]{0,20}?(?<![\w])(?:" + _alternation(_m()["recognition_verbs"]) + r")(?![\w])")


@cache
def _titles() -> regex.Pattern[str]:
    return regex.compile(r"^(?:" + _alternation(lexicon()["owners"]["titles"]) + r")(?![\w])")


@cache
def _size() -> regex.Pattern[str]:
    words = _alternation(_m()["size_words"])
    bounds = _alternation([w for ws in lexicon()["bounds"].values() for w in ws])
    return regex.compile(rf"(?:{words})(?:\s+(?:{bounds}))?\s+[\d.,]+\s*[\p{{L}}\d]*(?:\s+\d)?,?")


@cache
def _unit_word_names() -> regex.Pattern[str]:
    return regex.compile(r"(?<![\w])(?:" + _alternation(lexicon()["owners"]["names_with_unit_word"]) + r")\s*$")


class _Mentions:
    """Mentions in their order, those starting in a range found by bisection (the ones placed in
    the text are in text order; a unit of the URL, at -1, comes last): a model's attachments read
    the few mentions near it, not all of them."""

    def __init__(self, mentions: list[Mention]) -> None:
        self.items = mentions
        self.placed = [mm for mm in mentions if mm.start >= 0]
        starts = [mm.start for mm in self.placed]
        ordered = all(a <= b for a, b in zip(starts, starts[1:], strict=False))
        self.starts: list[int] | None = starts if ordered else None
        self.unplaced_ends = [mm.end for mm in mentions if mm.end < 0]
        self.ends = sorted(mm.end for mm in mentions if mm.end >= 0)

    def starting(self, start: int, end: int) -> list[Mention]:
        """The mentions with ``start <= mm.start < end``, in order."""
        if start < 0 or self.starts is None:
            return [mm for mm in self.items if start <= mm.start < end]
        return self.placed[bisect.bisect_left(self.starts, start):bisect.bisect_left(self.starts, max(start, end))]

    def blank_before(self, folded: str, pos: int) -> bool:
        """``any(mm.end <= pos and not folded[mm.end:pos].strip() for mm in mentions)``."""
        if any(e <= pos and not folded[e:pos].strip() for e in self.unplaced_ends):
            return True
        blank = pos  # the run of spaces that ends at ``pos``
        while blank > 0 and folded[blank - 1].isspace():
            blank -= 1
        k = bisect.bisect_left(self.ends, blank)
        return k < len(self.ends) and self.ends[k] <= pos


def _attach(lay: Layout, f: Found, mentions: _Mentions, next_start: int,
            by_name: dict[str, list[Locality]]) -> None:
    """(``mentions``: those not in a name written with its unit word, see :func:`extract_models`.)"""
    text, folded = lay.text, lay.folded
    para_i = lay.paragraph_of(f.start)
    para_end = lay.paragraphs[para_i].end if para_i is not None else len(text)
    limit = min(para_end, next_start)
    pos = f.after
    # matched in place, not on a slice to ``limit`` (no lookbehind: the same match, offsets shifted)
    ws = _LEAD_GAP.match(folded, pos, limit) if pos < limit else None
    pos = ws.end() if ws else pos
    # units written inside the name itself
    f.inner = [to_locality(m.unit) for m in mentions.starting(f.start, f.end) if m.unit is not None]
    spans: list[tuple[int, int, bool]] = []  # (start, end, is_owner_phrase)
    parens: set[int] = set()  # starts of the spans that are a parenthesis after the name
    claimed: set[int] = set()  # starts of the spans that are the model's own even naming no unit
    cued: set[int] = set()  # starts of the place phrases opened by a cue ("ở", "tại")
    seen_owner = seen_place = False
    for _ in range(4):
        ws = _SPACES_AT.match(folded, pos, limit) if pos < limit else None
        pos = ws.end() if ws else pos
        size = _size().match(folded, pos, limit)
        if size:  # "quy mô 50 con" between the name and its owner
            pos = size.end()
            continue
        if folded.startswith("(", pos):
            close = folded.find(")", pos, limit)
            inner = folded[pos + 1:close] if close > 0 else ""
            if close > 0 and ";" not in inner and len(inner.split()) <= 18 and "(" not in inner:
                # a quantity "(40 triệu đồng)" or a unit's parent "xã A (huyện B)" names no owner
                after_unit = mentions.blank_before(folded, pos)
                lead = regex.match(r"\s*(?:(?:của|do)\s+)?", folded[pos + 1:close])
                i_start = pos + 1 + (lead.end() if lead else 0)
                stop = _first_stop(lay, _owner_stops(), i_start, close, True) if i_start > pos + 1 else None
                claims = not (_quantity().match(inner) or after_unit)
                # an owner opens with an organisation or a person ("(Hội Phụ nữ xã A)"); an
                # explanation "(không để …)" or a share "(chiếm 36%)", "(35 mô hình)" names none
                head = regex.sub(r"^\d[\d.,]*\s+", "", folded[i_start:close])  # "(45 hộ gia đình …)"
                owner_paren = claims and bool(_owner_heads().match(head) or _titles().match(head))
                spans.append((i_start, stop.start() if stop else close, owner_paren))
                if claims:
                    claimed.add(i_start)
                parens.add(i_start)
                pos = close + 1
                continue
            # a long description in parentheses, to the ";" that ends the item: its units are the
            # model's, and a "của X" closing it names the owner
            semi = folded.rfind(";", pos, limit)
            region_end = semi if semi > pos else limit
            spans.append((pos + 1, region_end, False))
            own = list(regex.finditer(r"(?<![\w])của\s+", folded[pos:region_end]))
            if own:
                o_start = pos + own[-1].end()
                stop = _first_stop(lay, _owner_stops(), o_start, region_end, True)
                spans.append((o_start, stop.start() if stop else region_end, True))
            pos = region_end
            break
        m = _OWNER_LEAD.match(folded, pos, limit) if pos < limit else None
        if m and not seen_owner:
            seen_owner = True
            o_start = m.end()
            stop = _first_stop(lay, _owner_stops(), o_start, limit, True)
            o_end = _owner_list_end(lay, o_start, stop.start() if stop else limit)
            spans.append((o_start, o_end, True))
            pos = o_end
            partner = _PARTNER.match(folded, pos, limit)
            if partner is not None and not _is_partner(text, folded, partner.end()):
                partner = None
            if partner is not None:  # "do Công an xã phối hợp với Ban công tác Mặt trận thôn thực hiện"
                p_start = partner.end()
                stop = _first_stop(lay, _owner_stops(), p_start, limit, True)
                p_end = _owner_list_end(lay, p_start, stop.start() if stop else limit)
                spans.append((p_start, p_end, True))
                pos = p_end
            continue
        pm = _place_cue().match(folded, pos, limit)
        if pm and _place_not_after().search(folded, max(0, pos - 12), pos):
            pm = None
        if (pm or _is_place_at(lay, pos, limit) or _UNIT_TYPE.match(folded[pos:limit] + " ")) \
                and not seen_place:
            seen_place = True
            p_start = pm.end() if pm else pos
            stop = _first_stop(lay, _PLACE_END, p_start, limit)
            p_end = stop.start() if stop else limit
            spans.append((p_start, p_end, False))
            claimed.add(p_start)  # "“A” ở thôn B, “C” của Hội D xã E": A has a place of its own
            if pm:
                cued.add(p_start)
            pos = p_end
            continue
        break
    f.attach_end = pos
    for s, e, owner_phrase in spans:
        span_mentions = [mm for mm in mentions.starting(s, e) if mm.unit is not None]
        for mm in span_mentions:
            loc = to_locality(mm.unit)  # type: ignore[arg-type]
            if loc not in f.localities:
                f.localities.append(loc)
        if not span_mentions and s in cued:
            bare = _bare_unit(text[s:e], by_name)  # "… “X” ở Hải An": a unit the article names
            if bare is not None and bare not in f.localities:
                f.localities.append(bare)
        if span_mentions or owner_phrase or s in claimed:
            f.own_attachments = True
        if not owner_phrase:
            continue
        for i_s, i_e in _split_items(text, folded, s, e):
            item = text[i_s:i_e].strip(" ,;:.…")
            fitem = fold(item)
            if not item or _villages().match(fitem) or _UNIT_TYPE.match(fitem + " ") \
                    or _pronoun().fullmatch(fitem):
                continue  # a village, a unit, or a bare "ông" / "chị" without a name
            inside = [mm for mm in span_mentions if i_s <= mm.start < i_e]
            if inside and s in parens and _owner_heads().match(fitem):
                pass  # "“X” (Công an xã A)": a parenthesis names its organisation verbatim
            elif inside and not inside[0].in_list:
                cut = inside[0].start
                tw = _unit_word_end().search(folded[i_s:cut])
                item = text[i_s:i_s + (tw.start() if tw else cut - i_s)].strip(" ,;:.…")
            elif inside:
                continue
            if item and any(ch.isalpha() for ch in item):
                f.owners.append(clean_name(item))


#: a partner credited with the owner: "… phối hợp với …", "… cùng với …"
_PARTNER = regex.compile(r"\s*(?:phối hợp|cùng)\s+với\s+(?=\S)")


def _is_partner(text: str, folded: str, pos: int) -> bool:
    """A partner opens with an organisation or a person ("Ban công tác Mặt trận …", "anh A"), not
    with "người dân", "sự hỗ trợ", "nhiều mô hình khác"."""
    head = folded[pos:pos + 60]  # (the patterns are anchored at a string's start)
    return bool(_owner_heads().match(head) or _pronoun().match(head)
                or (text[pos:pos + 1].isupper() and not _UNIT_TYPE.match(head)))
_NAME_RUN = regex.compile(r"\p{Lu}[\p{L}’'\-]*(?:\s+\p{Lu}[\p{L}’'\-]*)*")


def _units_by_name(mentions: list[Mention]) -> dict[str, list[Locality]]:
    """The units the article names, by their folded name."""
    out: dict[str, list[Locality]] = {}
    seen: set[Unit] = set()  # a unit named again gives a Locality equal to one already listed
    for mm in mentions:
        if mm.unit is not None and mm.unit not in seen:
            seen.add(mm.unit)
            loc = to_locality(mm.unit)
            same = out.setdefault(key(mm.unit.name), [])
            if loc not in same:
                same.append(loc)
    return out


def _bare_unit(phrase: str, by_name: dict[str, list[Locality]]) -> Locality | None:
    """The unit a place phrase names by its bare name ("ở Hải An", a headline's way) when the
    article names that one unit elsewhere with its type ("huyện Hải An")."""
    m = _NAME_RUN.match(phrase)
    units = by_name.get(key(m.group()), []) if m else []
    return units[0] if len(units) == 1 else None


def _group(found: list[Found], lay: Layout) -> None:
    """Consecutive models of one list share a trailing owner or place (GUIDELINES §5.3)."""
    gid = 0
    for i, f in enumerate(found):
        gap = lay.text[found[i - 1].attach_end:f.start] if i else ""
        if i and found[i - 1].sentence == f.sentence and _continues(fold(gap)) and len(gap) <= 80 \
                and ";" not in lay.text[found[i - 1].end:f.start] \
                and not regex.search(r"…\s*\p{Lu}", gap):
            f.group = found[i - 1].group
        else:
            gid += 1
            f.group = gid
    groups: dict[int, list[Found]] = {}
    for f in found:
        groups.setdefault(f.group, []).append(f)
    for members in groups.values():
        last = members[-1]
        if not last.own_attachments:
            continue
        for f in members[:-1]:
            if not f.own_attachments:
                f.owners = [] if _other_group(f.name, last.owners) else list(last.owners)
                f.localities = list(last.localities)


@cache
def _member_groups() -> regex.Pattern[str]:
    return phrase_regex(lexicon()["owners"]["member_groups"])


@cache
def _abbreviations() -> tuple[tuple[regex.Pattern[str], str], ...]:
    """Each abbreviation's pattern and its folded spelling, compiled once, in the lexicon's order."""
    table = {**lexicon()["abbreviations"], **lexicon()["owners"]["group_abbreviations"]}
    return tuple((regex.compile(rf"(?<![\w]){regex.escape(fold(short))}(?![\w])"), fold(long))
                 for short, long in table.items())


def _expand(text: str) -> str:
    """Folded text with abbreviations spelled out ("CCB" -> "cựu chiến binh")."""
    out = fold(text)
    for pattern, long in _abbreviations():
        out = pattern.sub(long, out)  # a template, as regex.sub always took it
    return out


def _other_group(name: str, owners: list[str]) -> bool:
    """Whether a model's name names a member group that none of the owners belongs to."""
    groups = {m.group() for m in _member_groups().finditer(_expand(name))}
    if not groups or not owners:
        return False
    owned = _expand(" ".join(owners))
    return not any(g in owned for g in groups)


# --- field --------------------------------------------------------------------------------------
class _Covered:
    """Spans (the models and quotes of an article), asked whether one holds a position: by
    bisection over the starts with the furthest end so far (a hit is not checked against all)."""

    def __init__(self, spans: list[tuple[int, int]]) -> None:
        ordered = sorted(spans)
        self.starts = [a for a, _ in ordered]
        self.reach: list[int] = []
        furthest = -1
        for _, b in ordered:
            furthest = max(furthest, b)
            self.reach.append(furthest)

    def holds(self, pos: int) -> bool:
        """``any(s <= pos < e for s, e in spans)``."""
        k = bisect.bisect_right(self.starts, pos)
        return k > 0 and self.reach[k - 1] > pos


def _field_hits(lay: Layout, start: int, end: int, rules: list[PhraseRule],
                quotes: _Covered) -> list[str]:
    ignore = words("model_field", "ignore_after")
    out = []
    for h in find_all(rules, lay.folded, start, end):
        if not h.rule.code or quotes.holds(h.start):
            continue
        if _given_amount().search(lay.folded, max(start, h.start - 40), h.start):
            continue  # "đóng góp 2 tỷ đồng xây dựng nông thôn mới": what the amount went to
        back = lay.folded[max(start, h.start - 60):h.start]
        found_ignore = list(ignore.finditer(back))
        last = found_ignore[-1] if found_ignore else None
        if last is not None:
            between = back[last.end():]
            for rule in rules:
                between = rule.pattern.sub(" ", between)
            if regex.fullmatch(r"[\s,\-và]*(?:xây dựng\s*)?", between):
                continue
        out.append(h.rule.code)
    return out


@cache
def _given_amount() -> regex.Pattern[str]:
    """An amount of money, land or work right before field words (``[model_field] given_units``)."""
    units = _alternation(lexicon()["model_field"]["given_units"])
    return regex.compile(r"(?<![\w])\d[\d.,]*\s*(?:(?:triệu|tỷ|nghìn|ngàn)\s+)?(?:" + units + r")\s+$")


def _clause_field(lay: Layout, start: int, end: int, quotes: _Covered) -> tuple[bool, str | None]:
    """The field the clause [start, end) introducing a group names: (decided, code). A "lĩnh vực"
    in it decides by the fields its phrase lists: one is the group's, several make it mixed
    ("tập trung vào lĩnh vực phát triển KT-XH, bảo đảm AN-QP, xây dựng đô thị văn minh" -> null);
    else the last field words of the clause."""
    rules = field_rules() + topic_rules()
    heads = list(_HEADING.finditer(lay.folded, start, end))
    if heads:
        codes = _listed_fields(lay, heads[-1].end(), end, quotes)
        if codes:
            return True, codes[0] if len(codes) == 1 else None
    hits = _field_hits(lay, start, end, rules, quotes)
    return (True, hits[-1]) if hits else (False, None)


def _listed_fields(lay: Layout, start: int, end: int, quotes: _Covered) -> list[str]:
    """The distinct fields of the enumeration opening at ``start`` ("kinh tế, văn hóa và …",
    "phát triển KT-XH, bảo đảm AN-QP"): field words joined by commas, "và" or up to two words."""
    codes: list[str] = []
    pos = start
    for h in find_all(field_rules(), lay.folded, start, end):
        if quotes.holds(h.start):
            break
        gap = lay.folded[pos:h.start]
        if pos > start and not regex.fullmatch(r"\s*[,;/&–-]?\s*(?:và\s+)?(?:\S+\s+){0,2}", gap):
            break
        if pos == start and len(gap.split()) > 2:
            break
        if h.rule.code and h.rule.code not in codes:
            codes.append(h.rule.code)
        pos = h.end
    return codes


@cache
def _count_of_models() -> regex.Pattern[str]:
    return regex.compile(r"\d+\s+(?:" + _alternation(lexicon()["counts"]["heads"]) + r")(?![\w])")


_HEADING = regex.compile(r"(?:trên|trong|về|đối với)?\s*lĩnh vực\s")


class _FieldIndex:
    """What the field of every group of models is looked up in, found once per article: marks
    (";", ":", the clause ends), the "lĩnh vực" headings of each paragraph, the field each sentence
    opens with, the groups before each model of a sentence (a list of many models stays linear)."""

    def __init__(self, lay: Layout, found: list[Found]) -> None:
        self.lay = lay
        self.marks = {ch: _Marks(lay.folded, ch) for ch in _CLAUSE_MARKS + ":"}
        self._headings: dict[int, list[regex.Match[str]]] = {}
        # the starts when the sentences are in order without overlap (found once per layout)
        self.sentence_starts: list[int] | None = lay._starts_of("sentences", lay.sentences)
        self._codes: list[str | None] = []  # each sentence's opening field, read to its end
        self._last_code: list[int] = []  # the last sentence so far with one
        self.found_starts = [f.start for f in found]
        self.found_ordered = all(a <= b for a, b in zip(self.found_starts, self.found_starts[1:], strict=False))
        # per sentence: the models by end, with the best attach_end so far and its group, and the
        # best of the other groups
        rows: dict[int, list[tuple[int, int, int]]] = {}
        for f in found:
            rows.setdefault(f.sentence, []).append((f.end, f.attach_end, f.group))
        self._ends: dict[int, list[int]] = {}
        self._best: dict[int, list[tuple[int, int, int | None]]] = {}
        for sent, items in rows.items():
            items.sort(key=lambda x: x[0])
            best: list[tuple[int, int, int | None]] = []
            b1: tuple[int, int] | None = None  # (value, group)
            b2: int | None = None
            for _, value, group in items:
                if b1 is None or value > b1[0]:
                    if b1 is not None:
                        b2 = b1[0] if b1[1] != group else b2
                    b1 = (value, group)
                elif group != b1[1]:
                    b2 = value if b2 is None else max(b2, value)
                best.append((b1[0], b1[1], b2))
            self._ends[sent] = [x[0] for x in items]
            self._best[sent] = best

    def prev_end(self, sentence: int, before: int, group: int, default: int) -> int:
        """``max((g.attach_end for g in found if g.sentence == sentence and g.end <= before and
        g.group != group), default=default)``."""
        ends = self._ends.get(sentence)
        if not ends:
            return default
        k = bisect.bisect_right(ends, before)
        if k == 0:
            return default
        v1, g1, v2 = self._best[sentence][k - 1]
        if g1 != group:
            return v1
        return default if v2 is None else v2

    def next_start(self, found: list[Found], last: Found, default: int) -> int:
        """``min((g.start for g in found if g.start > last.end and g.group != last.group),
        default=default)``: the models are in text order and a group's members are consecutive,
        so the first model after the group's end."""
        if not self.found_ordered:
            return min((g.start for g in found if g.start > last.end and g.group != last.group), default=default)
        k = bisect.bisect_right(self.found_starts, last.end)
        return self.found_starts[k] if k < len(self.found_starts) else default

    def headings(self, start: int, end: int) -> list[regex.Match[str]]:
        """``list(_HEADING.finditer(folded, start, end))`` for ``start`` a paragraph's start."""
        lay = self.lay
        para_i = lay.paragraph_of(start)
        if para_i is None or lay.paragraphs[para_i].start != start or end > lay.paragraphs[para_i].end:
            return list(_HEADING.finditer(lay.folded, start, end))
        if para_i not in self._headings:
            para = lay.paragraphs[para_i]
            self._headings[para_i] = list(_HEADING.finditer(lay.folded, para.start, para.end))
        # a heading ending by ``end`` is found alike in the shorter range (none spans it)
        return [m for m in self._headings[para_i] if m.end() <= end]

    def sentence_starting(self, pos: int) -> Sentence | None:
        """``next((s for s in lay.sentences if s.start == pos), None)``."""
        if self.sentence_starts is None:
            return next((s for s in self.lay.sentences if s.start == pos), None)
        k = bisect.bisect_left(self.sentence_starts, pos)
        return self.lay.sentences[k] if k < len(self.sentence_starts) and self.sentence_starts[k] == pos else None

    def _opening_code(self, sent: Span, end: int) -> str | None:
        m = _OPENING.match(self.lay.folded, sent.start, min(end, sent.end))
        return _only_field(self.lay, m.start("topic"), m.end("topic")) if m else None

    def opening(self, start: int, end: int) -> str | None:
        """:func:`_opening_field` by the sentences' codes found once (the last non-null one)."""
        sentences, starts = self.lay.sentences, self.sentence_starts
        assert starts is not None
        lo, hi = bisect.bisect_left(starts, start), bisect.bisect_left(starts, end)
        while len(self._codes) < hi:
            j = len(self._codes)
            self._codes.append(self._opening_code(sentences[j], sentences[j].end))
            prev = self._last_code[j - 1] if j else -1
            self._last_code.append(j if self._codes[j] is not None else prev)
        j = hi - 1
        if j < lo:
            return None
        if sentences[j].end > end:  # the sentence that ``end`` cuts is read to ``end``
            code = self._opening_code(sentences[j], end)
            if code is not None:
                return code
            j -= 1
        i = self._last_code[j] if j >= lo else -1
        return self._codes[i] if i >= lo else None


def _fields(found: list[Found], lay: Layout, para_quotes: list[list[Quote]]) -> None:
    covered = [(f.start, f.end) for f in found] + [
        (q.open, (q.close or q.end) + 1) for qs in para_quotes for q in qs]
    quotes = _Covered(covered)
    index = _FieldIndex(lay, found)
    colons, semis = index.marks[":"], index.marks[";"]
    frules = field_rules()
    groups: dict[int, list[Found]] = {}
    for f in found:
        groups.setdefault(f.group, []).append(f)
    for members in groups.values():
        first, last = members[0], members[-1]
        sent = lay.sentences[first.sentence] if first.sentence >= 0 else None
        para_i = lay.paragraph_of(first.start)
        para = lay.paragraphs[para_i] if para_i is not None else None
        if sent is None or para is None:
            continue
        # 1. the clause that opens the group (since the previous group in the sentence)
        prev_end = index.prev_end(first.sentence, first.start, first.group, sent.start)
        # the colon that opens the list belongs to its introducing clause ("… kinh tế như: …"):
        # the last colon before the group, with nothing but "các mô hình" after it
        colon_at = colons.last_before(sent.start, first.start)
        own_colon = colon_at >= 0 and bool(_OWN_COLON_TAIL.fullmatch(lay.folded, colon_at + 1, first.start))
        cut = colon_at if own_colon else first.start
        prev_end = max(prev_end, semis.last_before(sent.start, cut) + 1, colons.last_before(sent.start, cut) + 1)
        decided, code = _clause_field(lay, prev_end, first.start, quotes)
        if not decided:
            # an item of a list "…: A; B; C" takes the clause that introduces the list
            colon = colons.last_before(sent.start, first.start)
            if colon >= 0:
                list_start = max(semis.last_before(sent.start, colon) + 1, colons.last_before(sent.start, colon) + 1)
                decided, code = _clause_field(lay, max(list_start, sent.start), colon, quotes)
        # 2. the clause after the group, to the end of its sentence
        nxt = index.next_start(found, last, sent.end)
        stop = _GROUP_STOP.search(lay.text[last.attach_end:nxt])
        if stop:
            nxt = last.attach_end + stop.start()
        if not decided:
            outro = _field_hits(lay, last.attach_end, min(sent.end, nxt), frules, quotes)
            code = outro[0] if outro else None
            decided = code is not None
        # 3. a "lĩnh vực X" heading earlier in the paragraph, or a sentence opening "Về X:"
        if not decided and code is None:
            code = _heading_field(lay, para.start, first.start, quotes, index)
        if not decided and code is None:
            code = _opening_field(lay, para.start, first.start, index)
        # 4. the paragraph's opening sentence
        if not decided and code is None:
            first_sent = index.sentence_starting(para.start)
            if first_sent is not None and first_sent.end <= first.start:
                hits = _field_hits(lay, first_sent.start, first_sent.end, frules, quotes)
                code = hits[0] if hits and len(set(hits)) == 1 \
                    and not _mixed_topics(lay.folded, first_sent.start, first_sent.end, len(hits)) else None
        # 5. a heading line of its own right before the paragraph ("Lĩnh vực kinh tế")
        if not decided and code is None and para_i:
            code = _heading_line(lay, lay.paragraphs[para_i - 1])
        for f in members:
            f.field = code


def _mixed_topics(folded: str, start: int, end: int, field_hits: int) -> bool:
    """An opening sentence that lists several topics of which few name a field ("Các mô hình tập
    trung vào xóa nhà tạm, phát triển cây chè, xây dựng nông thôn mới, phòng chống ma túy"): the
    models after it take no field from it."""
    opener = _TOPIC_LIST_OPENER.search(folded, start, end)
    if opener is None:
        return False  # "Các cấp ủy, chính quyền, … tập trung lãnh đạo …": commas between subjects
    items = len(_TOPIC_SEPARATORS.findall(folded, opener.end(), end)) + 1
    return items >= 3 and field_hits < items - 1


_TOPIC_SEPARATORS = regex.compile(r"[,;]")
_TOPIC_LIST_OPENER = regex.compile(r"(?<![\w])(?:tập trung vào|hướng vào|hướng về|chủ yếu về|như|gồm)(?![\w])|:")


_OWN_COLON_TAIL = regex.compile(r"\s*(?:(?:các|những)\s+)?(?:mô hình\s*)?")
_OPENING = regex.compile(r"(?:về|đối với|trên|trong)\s+(?:các\s+)?(?:lĩnh vực\s+)?(?P<topic>[^:,.;]{2,60}?)\s*[:,]")


def _only_field(lay: Layout, start: int, end: int) -> str | None:
    """The field that the words in [start, end) name, when they are nothing but one field's words."""
    hits = [h for h in find_all(field_rules(), lay.folded, start, end) if h.rule.code]
    if not hits or len({h.rule.code for h in hits}) != 1:
        return None
    rest = lay.folded[start:end]
    for h in sorted(hits, key=lambda h: -h.start):
        rest = rest[:h.start - start] + " " * (h.end - h.start) + rest[h.end - start:]
    return hits[0].rule.code if regex.fullmatch(r"[\s,\-–và]*", rest) else None


def _opening_field(lay: Layout, start: int, end: int, index: _FieldIndex | None = None) -> str | None:
    """A sentence of the paragraph opening with its field: "Về văn hóa - xã hội: có các mô hình …"
    (the last such; ``index``: each sentence's field found once)."""
    if index is not None and index.sentence_starts is not None:
        return index.opening(start, end)
    code = None
    for sent in lay.sentences:
        if not start <= sent.start < end:
            continue
        m = _OPENING.match(lay.folded, sent.start, min(end, sent.end))
        if m:
            code = _only_field(lay, m.start("topic"), m.end("topic")) or code
    return code


def _heading_line(lay: Layout, para: Span) -> str | None:
    """A short line that only names a field ("Lĩnh vực kinh tế", "2. Về an ninh - quốc phòng:")."""
    line = lay.folded[para.start:para.end]
    if len(line.split()) > 12:
        return None
    m = regex.match(r"\s*(?:(?:\d+|[a-zđ]|[ivx]+)[.)]\s*|[*•+\-–]\s*)?(?:(?:về|đối với|trên|trong)\s+)?"
                    r"(?:các\s+)?(?:lĩnh vực\s+)?", line)
    head = para.start + (m.end() if m else 0)
    tail = regex.search(r"[\s:.]*$", line)
    end = para.start + (tail.start() if tail else len(line))
    return _only_field(lay, head, end) if head < end else None


_CLAUSE_MARKS = ".…;!?"


def _heading_field(lay: Layout, start: int, end: int, quotes: _Covered,
                   index: _FieldIndex | None = None) -> str | None:
    """The field of the last "lĩnh vực X" heading in [start, end) that names one field (``index``:
    the article's headings and marks, found once, the last heading read first)."""
    if index is None:
        index = _FieldIndex(lay, [])
    for m in reversed(index.headings(start, end)):
        clause_start = max(index.marks[p].last_before(start, m.start()) for p in _CLAUSE_MARKS)
        clause_start = max(clause_start + 1, start)
        # the words of its own clause: "Trong giai đoạn …, nhiều mô hình trong lĩnh vực kinh tế …"
        words = lay.folded[clause_start:m.start()].split(",")[-1].split()
        stops = [x for x in (index.marks[p].first_from(clause_start, end) for p in _CLAUSE_MARKS) if x >= 0]
        clause = lay.folded[clause_start:min(stops, default=end)]
        if len(words) > 7 or _count_of_models().search(clause):
            continue  # a breakdown of a total ("25 điển hình trên lĩnh vực văn hóa") is no heading
        scope = min(end, m.end() + 60, m.start() + len(clause))
        hits = _field_hits(lay, m.end(), scope, field_rules(), quotes)
        if hits and len(set(hits)) == 1:  # a heading names one field; "kinh tế, nông thôn mới" is none
            return hits[0]
    return None


def _is_caption(lay: Layout, pos: int) -> bool:
    """A short line without a closing punctuation mark: a photo caption or a heading."""
    i = lay.paragraph_of(pos)
    if i is None:
        return False
    p = lay.paragraphs[i]
    line = lay.text[p.start:p.end].rstrip().rstrip(QUOTES + "‘’)]")
    return bool(line) and line[-1] not in ".!?…:;" and len(line.split()) <= 40


def _sentence_place(lay: Layout, found: list[Found], mentions: list[Mention]) -> None:
    """A sentence opened by a place phrase ("Tại xã A, …") places its models that name no unit."""
    commas, index = _Marks(lay.folded, ","), _Mentions(mentions)
    for f in found:
        if f.localities or f.inner or f.sentence < 0:
            continue
        sent = lay.sentences[f.sentence]
        pm = _place_cue().match(lay.folded, sent.start, f.start)
        comma = commas.first_from(sent.start, f.start) if pm is not None else -1
        if pm is None or comma < 0:
            continue
        units = [mm for mm in index.starting(pm.end(), comma) if mm.unit is not None]
        if units:
            f.localities = [to_locality(mm.unit) for mm in units]  # type: ignore[arg-type]


class _Marks:
    """The positions of one character in the text, for ``rfind`` / ``find`` by bisection."""

    def __init__(self, text: str, ch: str) -> None:
        self.at: list[int] = []
        i = text.find(ch)
        while i >= 0:
            self.at.append(i)
            i = text.find(ch, i + 1)

    def last_before(self, start: int, end: int) -> int:
        """``text.rfind(ch, start, end)``."""
        k = bisect.bisect_left(self.at, end) - 1
        return self.at[k] if k >= 0 and self.at[k] >= start else -1

    def first_from(self, start: int, end: int) -> int:
        """``text.find(ch, start, end)``."""
        k = bisect.bisect_left(self.at, start)
        return self.at[k] if k < len(self.at) and self.at[k] < end else -1


def _item_places(lay: Layout, found: list[Found], mentions: list[Mention]) -> None:
    """A model alone in its list item (between ";") or sentence, naming no unit of its own, takes
    the units named in that item ("phường A có mô hình “B”; …") (SPEC §4 "Model localities")."""
    folded = lay.folded
    starts = [g.start for g in found]  # in order (extract_models sorts them)
    ordered = all(a <= b for a, b in zip(starts, starts[1:], strict=False))
    semis = _Marks(folded, ";")
    index = _Mentions(mentions)
    for f in found:
        if f.localities or f.inner or f.sentence < 0:
            continue
        sent = lay.sentences[f.sentence]
        start = max(semis.last_before(sent.start, f.start) + 1, sent.start)
        end = semis.first_from(f.end, sent.end)
        end = sent.end if end < 0 else end
        if ordered:
            others = bisect.bisect_left(starts, max(start, end)) - bisect.bisect_left(starts, start) \
                - (1 if start <= f.start < end else 0)
            if others > 0:
                continue
        elif any(g is not f and start <= g.start < end for g in found):
            continue
        units = [mm for mm in index.starting(start, end) if mm.unit is not None
                 and not f.start <= mm.start < f.end]
        locs: list[Locality] = []
        for mm in units:
            loc = to_locality(mm.unit)  # type: ignore[arg-type]
            if loc not in locs:
                locs.append(loc)
        f.localities = locs


def extract_models(lay: Layout, mentions: list[Mention]) -> list[Model]:
    mentions = [mm for mm in mentions if mm.start < 0 or not _by_recogniser(lay, mm)]
    quotes = [find_quotes(lay.text, para) for para in lay.paragraphs]  # once: names and fields both read them
    quoted = _quoted(lay, quotes)
    listed = _listed(lay, quoted, mentions)
    found = sorted(quoted + listed + _unquoted(lay, quoted + listed), key=lambda f: f.start)
    # a name of one letter is an initial or a unit type ("- H. Bố Trạch: 86 mô hình"), no model
    found = [f for f in found if len(regex.sub(r"\W", "", f.name)) > 1]
    by_name = _units_by_name(mentions)
    attachable = _Mentions([mm for mm in mentions  # not a unit inside a name ("… Hội Nông dân xã")
                            if not _unit_word_names().search(lay.folded, max(0, mm.start - 16), mm.start)])
    for i, f in enumerate(found):
        nxt = found[i + 1].start if i + 1 < len(found) else len(lay.text)
        _attach(lay, f, attachable, nxt, by_name)
    _group(found, lay)
    _sentence_place(lay, found, mentions)
    _item_places(lay, found, mentions)
    _fields(found, lay, quotes)
    out: dict[str, Model] = {}
    captions: set[str] = set()
    caption_at: dict[int | None, bool] = {}  # by paragraph: a long one is read once

    def is_caption(pos: int) -> bool:
        i = lay.paragraph_of(pos)
        if i not in caption_at:
            caption_at[i] = _is_caption(lay, pos)
        return caption_at[i]

    for f in found:
        locs = list(f.inner) + [loc for loc in f.localities if loc not in f.inner]
        k = key(f.name)
        if k in captions and not is_caption(f.start):
            # a caption repeats a model of the body: the body's mention is the record, and keeps
            # the caption's owner and place when it names none ("… “X” ở huyện A" as a heading)
            cap = out.pop(k)
            captions.discard(k)
            f.owners = f.owners or cap.owners
            locs = locs or cap.localities
        if k in out:
            prev = out[k]
            prev.field = prev.field or f.field  # type: ignore[assignment]
            prev.owners = prev.owners or f.owners
            prev.localities = prev.localities or locs
            continue
        if is_caption(f.start):
            captions.add(k)
        out[k] = Model(name=f.name, field=f.field, owners=f.owners,  # type: ignore[arg-type]
                       localities=locs, text=lay.text[f.start:f.end], start=f.start, end=f.end)
    return list(out.values())
