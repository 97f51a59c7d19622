"""Date expressions resolved against the document date, at the precision the text gives.

Events are dated by what the text says ("in June 2020" -> "2020-06"), never by the
header date, so a partial ISO string ("YYYY", "YYYY-MM", "YYYY-MM-DD") is the value.
Relative expressions ("yesterday", "last year", "On February 1") need the document
date and resolve to None without it. A range is dated by its start, which is the
first expression found.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from spacy.tokens import Span as SpacySpan

MONTHS = {
    "jan": 1,
    "feb": 2,
    "mar": 3,
    "apr": 4,
    "may": 5,
    "jun": 6,
    "jul": 7,
    "aug": 8,
    "sep": 9,
    "oct": 10,
    "nov": 11,
    "dec": 12,
}
_MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_WEEKDAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_DAY = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?(?!\d)"
_YEAR = r"(?:1[89]\d\d|20\d\d)(?!\d|,\d)"


def _of_year(prefix: str) -> str:
    """ "June 2 of next year": the year named relative to the document's."""
    return rf"\s+of\s+(?P<{prefix}_of>(?i:last|this|next))\s+year"


_MONTH_NAME = r"(?:January|February|March|April|May|June|July|August|September|October|November|December)"
#: Seasons, as (first month, last month); a winter starts in December.
SEASONS = {"spring": (3, 5), "summer": (6, 8), "fall": (9, 11), "autumn": (9, 11), "winter": (12, 2)}
_SEASON = r"(?:spring|summer|fall|autumn|winter)"

_PATTERN = re.compile(
    r"(?P<iso>\b(?:1[89]|20)\d\d-[01]\d-[0-3]\d\b)"
    rf"|(?:\b{_WEEKDAY},?\s+)?\b(?P<md_month>{_MONTH})\s+(?P<md_day>{_DAY})(?:,?\s+(?P<md_year>{_YEAR})|{_of_year('md')})?"
    rf"|\b(?P<dm_day>{_DAY})\s+(?:of\s+)?(?P<dm_month>{_MONTH})(?:,?\s+(?P<dm_year>{_YEAR}))?"
    rf"|\b(?P<my_month>{_MONTH})(?:,?\s+(?:of\s+)?(?P<my_year>{_YEAR})|{_of_year('my')})?\b"
    r"|\b(?P<rel>(?i:yesterday|today|tonight|this\s+(?:morning|afternoon|evening|week|month|year)"
    r"|last\s+(?:night|week|month|year)|next\s+(?:week|month|year)))\b"
    rf"|\b[Ll]ast\s+(?:(?P<last_weekday>{_WEEKDAY})|(?P<last_month>{_MONTH_NAME}))\b"
    rf"|\b(?i:(?P<season_ref>last|this|the|over\s+the)\s+(?P<season>{_SEASON}))\b(?!\s+of\b)"
    rf"|\b(?P<weekday>{_WEEKDAY})\b"
    rf"|(?<![\d,.$])\b(?P<year>{_YEAR})\b"
)
#: What joins the two ends of a range: "January and October 2023", "March to June 2022".
_RANGE = re.compile(r"\s*(?:,\s*)?(?:and|to|through|until|till|-|–|—)\s*$", re.I)
_YEAR_CUES = {
    "in",
    "since",
    "from",
    "by",
    "until",
    "through",
    "of",
    "early",
    "late",
    "mid",
    "between",
    "during",
    "before",
    "after",
    "around",
    "circa",
    "as",
    "fiscal",
}


@dataclass(frozen=True)
class DateMention:
    """A date expression found in the document text and its resolved value."""

    start: int
    end: int
    text: str
    value: str


def _parse_doc_date(doc_date: str | None) -> date | None:
    if not doc_date:
        return None
    try:
        return date.fromisoformat(doc_date[:10])
    except ValueError:
        return None


def _month(name: str) -> int:
    return MONTHS[name[:3].lower()]


def _nearest_year(month: int, day: int, anchor: date) -> int:
    """The year that puts a yearless "July 10" closest to the document date. News mostly reports
    what happened, so a future reading must be twice as close ("in January" in a July text is
    last January; "set for June 25" in a March text is this June)."""
    candidates = []
    for year in (anchor.year - 1, anchor.year, anchor.year + 1):
        try:
            days = (date(year, month, min(day, 28 if month == 2 else day)) - anchor).days
        except ValueError:
            continue
        candidates.append((abs(days) * (2 if days > 0 else 1), year))
    return min(candidates)[1]


def _relative(expression: str, anchor: date) -> str:
    words = expression.lower().split()
    if words[0] == "yesterday" or words == ["last", "night"]:
        return (anchor - timedelta(days=1)).isoformat()
    if words[0] in ("today", "tonight") or words[-1] in ("morning", "afternoon", "evening"):
        return anchor.isoformat()
    unit = words[-1]
    step = {"last": -1, "this": 0, "next": 1}[words[0]]
    if unit == "year":
        return str(anchor.year + step)
    if unit == "month":
        index = anchor.year * 12 + anchor.month - 1 + step
        return f"{index // 12:04d}-{index % 12 + 1:02d}"
    shifted = anchor + timedelta(weeks=step)
    return f"{shifted.year:04d}-{shifted.month:02d}"


def _last_weekday(name: str, anchor: date) -> date:
    """ "last Wednesday": that weekday in the calendar week before the document's."""
    monday = anchor - timedelta(days=anchor.weekday() + 7)
    return monday + timedelta(days=_WEEKDAYS.index(name.lower()))


def _last_month(month: int, anchor: date) -> str:
    """ "last November": the latest such month before the document's month."""
    year = anchor.year if month < anchor.month else anchor.year - 1
    return f"{year:04d}-{month:02d}"


def _season(reference: str, name: str, anchor: date) -> str:
    """ "last spring", "over the summer": the year of the latest such season begun before the
    document's month ("this" keeps the document's year). Seasons are dated to the year only."""
    first, _ = SEASONS[name.lower()]
    if reference.lower() == "this":
        return str(anchor.year)
    return str(anchor.year if first < anchor.month else anchor.year - 1)


def _relative_value(groups: dict[str, str | None], anchor: date) -> str | None:
    """The value of an expression that only means something against the document date."""
    if groups["rel"]:
        return _relative(groups["rel"], anchor)
    if groups["last_weekday"]:
        return _last_weekday(groups["last_weekday"], anchor).isoformat()
    if groups["last_month"]:
        return _last_month(_month(groups["last_month"]), anchor)
    if groups["season"]:
        return _season(groups["season_ref"] or "last", groups["season"], anchor)
    if groups["weekday"]:
        back = (anchor.weekday() - _WEEKDAYS.index(groups["weekday"].lower())) % 7
        return (anchor - timedelta(days=back)).isoformat()
    return None


def _value(match: re.Match[str], anchor: date | None, year: int | None = None) -> str | None:
    """The ISO value of one regex match, or None when it needs a document date we lack.

    `year` is the year the text gives a month that names none: the end of its range ("between
    January and October 2023") or a year stated just before ("In 2021, ... In March, ...")."""
    groups = match.groupdict()
    if groups["iso"]:
        return groups["iso"]
    if groups["year"]:
        return groups["year"]
    for prefix in ("md", "dm", "my"):
        if groups[f"{prefix}_month"]:
            month = _month(groups[f"{prefix}_month"])
            day_text = groups.get(f"{prefix}_day")
            day = int(re.match(r"\d+", day_text).group()) if day_text else None
            year_text = groups[f"{prefix}_year"]
            relative_year = groups.get(f"{prefix}_of")
            if year_text:
                year = int(year_text)
            elif relative_year and anchor is not None:
                year = anchor.year + {"last": -1, "this": 0, "next": 1}[relative_year.lower()]
            elif year is None:
                if anchor is None:
                    return None
                year = _nearest_year(month, day or 15, anchor)
            return f"{year:04d}-{month:02d}" + (f"-{day:02d}" if day else "")
    return _relative_value(groups, anchor) if anchor else None


def _stated_year(match: re.Match[str]) -> int | None:
    """The year a match spells out, if any."""
    groups = match.groupdict()
    text = groups["iso"] or groups["year"] or groups["md_year"] or groups["dm_year"] or groups["my_year"]
    return int(text[:4]) if text else None


def _bare_month(match: re.Match[str]) -> bool:
    """A month (with or without its day) that names no year of its own."""
    groups = match.groupdict()
    return any(
        groups[f"{p}_month"] and not groups[f"{p}_year"] and not groups.get(f"{p}_of") for p in ("md", "dm", "my")
    )


#: Days before the document date within which a yearless day is taken as this year's ("On February
#: 28" in a text of February 29), whatever year the paragraph named before.
_RECENT_DAYS = 31


def _just_before(match: re.Match[str], anchor: date | None) -> bool:
    """A yearless day in the weeks before publication: news gives no year for the recent past, so a
    year named earlier in the paragraph ("ransoms paid in 2021") does not carry to it."""
    groups = match.groupdict()
    prefix = next((p for p in ("md", "dm") if groups[f"{p}_day"] and not groups[f"{p}_year"]), None)
    if anchor is None or prefix is None or groups.get(f"{prefix}_of"):
        return False
    month, day = _month(groups[f"{prefix}_month"]), int(re.match(r"\d+", groups[f"{prefix}_day"]).group())
    try:
        told = date(_nearest_year(month, day, anchor), month, day)
    except ValueError:
        return False
    return 0 <= (anchor - told).days <= _RECENT_DAYS


def find_dates(
    text: str,
    doc_date: str | None,
    *,
    offset: int = 0,
    year_spans: tuple[tuple[int, int], ...] = (),
    context_year: int | None = None,
) -> list[DateMention]:
    """Every resolvable date expression in `text`, in order; offsets shifted by `offset`.

    Bare years are only taken after a temporal cue word ("in 2006", "since 2006"), inside
    a range, or inside one of `year_spans` (spaCy DATE entities, relative to `text`), so
    counts like "1400 offenders" are not read as years. A month without a year takes the year
    of the range it opens ("between January and October 2023" is 2023-01), else the last year
    stated before it in `text` or, failing that, `context_year` (the year the paragraph stated
    last); only then the year nearest the document date.
    """
    anchor = _parse_doc_date(doc_date)
    matches = []
    for match in _PATTERN.finditer(text):
        if match.group("year"):
            before = text[: match.start()].rstrip(" (").rsplit(None, 1)
            previous = before[-1].lower().strip("(–-") if before else ""
            in_range = text[: match.start()].endswith(("–", "-")) or re.match(r"[–-]\d{4}", text[match.end() :])
            tagged = any(start <= match.start() and match.end() <= end for start, end in year_spans)
            if previous not in _YEAR_CUES and not in_range and not tagged:
                continue
        matches.append(match)
    found = []
    stated, carried = context_year, True
    for i, match in enumerate(matches):
        year = None if carried and _just_before(match, anchor) else stated
        following = matches[i + 1] if i + 1 < len(matches) else None
        if _bare_month(match) and following is not None and _RANGE.match(text[match.end() : following.start()]):
            year = _stated_year(following) or year
        value = _value(match, anchor, year)
        if value is not None:
            found.append(DateMention(offset + match.start(), offset + match.end(), match.group(), value))
        carried = carried and _stated_year(match) is None
        stated = _stated_year(match) or stated
    return found


def year_before(text: str, position: int) -> int | None:
    """The last year stated in the paragraph of `text` before `position` (the year a later month means)."""
    start = text.rfind("\n", 0, position) + 1
    years = [_stated_year(m) for m in _PATTERN.finditer(text, start, position)]
    years = [y for y in years if y is not None]
    return years[-1] if years else None


def resolve_date(expression: str, doc_date: str | None) -> str | None:
    """The value of the first date in `expression` ("from August of 2022 to ..." -> "2022-08")."""
    anchor = _parse_doc_date(doc_date)
    for match in _PATTERN.finditer(expression):
        value = _value(match, anchor)
        if value is not None:
            return value
    return None


def sentence_dates(sentence: SpacySpan, doc_date: str | None, text: str | None = None) -> list[DateMention]:
    """The date expressions of one sentence, with document character offsets; `text` is
    `sentence.text` when the caller has it already."""
    spans = tuple(
        (ent.start_char - sentence.start_char, ent.end_char - sentence.start_char)
        for ent in sentence.ents
        if ent.label_ == "DATE"
    )
    from kg.extract.context import doc_text

    return find_dates(
        sentence.text if text is None else text,
        doc_date,
        offset=sentence.start_char,
        year_spans=spans,
        context_year=year_before(doc_text(sentence.doc), sentence.start_char),
    )
