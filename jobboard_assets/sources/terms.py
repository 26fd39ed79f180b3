"""Pay, workplace type and employment type: from a board's structured fields, else from text.

Each board states these its own way ("FullTime", "Full-time (remote)", "permanent"; "OnSite",
"future-flexible"; compensation tiers, "OTE $168K - $231K", "EUR 60.000 - 75.000 / year").
These pure functions turn them into one vocabulary; docs/real-boards.md lists the rules.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from jobboard_assets.sources.text import fold

WORKPLACE_TYPES = ("remote", "hybrid", "onsite")
EMPLOYMENT_TYPES = ("full_time", "part_time", "contract", "temporary", "internship", "other")
SALARY_PERIODS = ("year", "month", "week", "day", "hour")


@dataclass(frozen=True)
class Salary:
    """A stated pay range; `minimum == maximum` for a single figure."""

    minimum: float
    maximum: float
    currency: str | None
    period: str | None


# --- workplace type -----------------------------------------------------------------------------

_WORKPLACE_WORDS = {
    "remote": "remote",
    "fullyremote": "remote",
    "remoteonly": "remote",
    "telecommute": "remote",
    "hybrid": "hybrid",
    "hybridremote": "hybrid",
    "flexible": "hybrid",
    "futureflexible": "hybrid",
    "onsite": "onsite",
    "inoffice": "onsite",
    "office": "onsite",
    "inperson": "onsite",
}
# In free text: hybrid first ("Remote / Hybrid" is hybrid), then on-site, then remote.
_TEXT_RULES = (
    ("hybrid", re.compile(r"\bhybrid\b")),
    ("onsite", re.compile(r"\b(?:on[\s-]?site|in[\s-]office|office[\s-]based|in[\s-]person)\b")),
    ("remote", re.compile(r"\b(?:remote|anywhere|worldwide|work from home|wfh|telecommut\w*)\b")),
)


def workplace_from_value(value: Any) -> str | None:
    """A board's own workplace field ("OnSite", "on-site", "Hybrid - Remote", "remote") or None."""
    if not isinstance(value, str):
        return None
    key = re.sub(r"[\s_-]", "", fold(value))
    if key in _WORKPLACE_WORDS:
        return _WORKPLACE_WORDS[key]
    return workplace_from_text(value)


def workplace_from_text(*texts: str | None) -> str | None:
    """The first workplace type a location or title states ("Remote (US)", "Berlin - Hybrid")."""
    for text in texts:
        if not text:
            continue
        folded = fold(text)
        for workplace, pattern in _TEXT_RULES:
            if pattern.search(folded):
                return workplace
    return None


def remote_flag(workplace_type: str | None) -> bool | None:
    """`remote` as derived from the workplace type: hybrid and on-site are not remote."""
    return None if workplace_type is None else workplace_type == "remote"


# --- employment type ----------------------------------------------------------------------------

_EMPLOYMENT_RULES = (
    (
        "internship",
        re.compile(
            r"\b(?:intern|internship|trainee|apprentice\w*|working student"
            r"|werkstudent\w*|praktik\w*|stage|co-?op|graduate program)\b"
        ),
    ),
    ("part_time", re.compile(r"\b(?:part[\s-]?time|teilzeit|mini[\s-]?job)\b")),
    ("temporary", re.compile(r"\b(?:temporary|temp|seasonal|fixed[\s-]?term|befristet)\b")),
    ("contract", re.compile(r"\b(?:contract\w*|freelance\w*|consultant contract|b2b|1099)\b")),
    ("full_time", re.compile(r"\b(?:full[\s-]?time|fulltime|permanent|vollzeit|regular|cdi)\b")),
)


def employment_type(value: Any) -> str | None:
    """A board's employment type normalized; an unrecognised statement is `other`."""
    if not isinstance(value, str) or not value.strip():
        return None
    spaced = re.sub(r"([a-z])([A-Z])", r"\1 \2", value.strip())  # Ashby's "FullTime"
    return employment_from_text(spaced) or "other"


def employment_from_text(text: str | None) -> str | None:
    """The employment type a title or label states ("Data Intern", "Part-time"), or None."""
    if not text:
        return None
    folded = fold(text)
    for kind, pattern in _EMPLOYMENT_RULES:
        if pattern.search(folded):
            return kind
    return None


# --- pay ----------------------------------------------------------------------------------------

_SYMBOLS = {
    "us$": "USD", "ca$": "CAD", "c$": "CAD", "a$": "AUD", "au$": "AUD", "nz$": "NZD",
    "s$": "SGD", "r$": "BRL", "hk$": "HKD", "$": "USD", "£": "GBP", "€": "EUR", "¥": "JPY",
    "₹": "INR",
}  # fmt: skip
_CODES = frozenset(
    "USD EUR GBP CAD AUD NZD CHF SEK NOK DKK PLN CZK HUF INR JPY SGD HKD BRL MXN ZAR ILS AED "
    "CNY KRW TRY RON BGN PHP IDR MYR THB ARS CLP COP".split()
)
_PERIOD_WORDS = {
    "year": "year", "yearly": "year", "annual": "year", "annually": "year", "yr": "year",
    "annum": "year", "jahr": "year", "pa": "year", "p.a.": "year",
    "month": "month", "monthly": "month", "mo": "month", "monat": "month",
    "week": "week", "weekly": "week", "wk": "week",
    "day": "day", "daily": "day", "tag": "day",
    "hour": "hour", "hourly": "hour", "hr": "hour", "h": "hour", "stunde": "hour",
}  # fmt: skip
_CURRENCY = (
    r"(?:" + "|".join(sorted(_CODES)) + r"|US\$|CA\$|C\$|AU\$|A\$|NZ\$|S\$|R\$|HK\$|[$£€¥₹])"
)
_AMOUNT = r"\d{1,3}(?:[.,\s]\d{3})+(?:[.,]\d{1,2})?|\d+(?:[.,]\d+)?"
_FIGURE = (
    r"(?P<{n}c1>" + _CURRENCY + r")?\s?(?P<{n}>" + _AMOUNT + r")\s?(?P<{n}k>[kKmM]\b)?"
    r"\s?(?P<{n}c2>" + "|".join(sorted(_CODES)) + r")?"
)
_RANGE = re.compile(
    _FIGURE.replace("{n}", "low") + r"\s*(?:-|–|—|to|bis)\s*" + _FIGURE.replace("{n}", "high")
)
_DIGIT = re.compile(r"\d")  # what every amount of `_RANGE` starts with
# What may follow a range: a currency code in brackets ("(AUD)"), then a unit ("/ year",
# "per 30 minute call", "a month"). "per" and "/" name a unit whatever it is; "a" only a period.
_AFTER_RANGE = re.compile(
    r"\s*(?:[(\[]\s*(?P<code>[A-Za-z]{3})\s*[)\]])?"
    r"(?:\s*(?P<per>/|\bper\b|\bpro\b|\bje\b|\ban?\b)\s*(?:\d+\s*)?(?P<unit>[a-zA-Z][a-zA-Z.-]*))?"
)
# Symbols shared by several currencies: a code or a specific symbol beside the amount wins.
_AMBIGUOUS_SYMBOLS = frozenset({"$", "¥"})


def salary_from_values(minimum: Any, maximum: Any, currency: Any, period: Any) -> Salary | None:
    """A structured pay range (Ashby components, Lever `salaryRange`, RSS salary elements)."""
    low = _number(minimum) or _number(maximum)  # one bound stated: a single figure
    high = _number(maximum) or low
    if low is None or high is None or low <= 0 or high < low:
        return None
    return Salary(low, high, _currency_code(currency), _period(period) or _usual_period(low, high))


def salary_from_text(text: str | None) -> Salary | None:
    """The first pay range a text states with a currency: "$95.4K–$190K annually", "OTE $168K -
    $231K", "EUR 60.000 - 75.000 / year", "CAD 40 – 50 per hour"; None when none is stated.

    A range without a currency ("10 - 20 years") is never pay; a code or specific symbol beside
    it wins over a bare "$" ("$70k - $92k (AUD)"); a unit that is not a period ("per 30 minute
    call", "/ word") leaves the period unknown; a period left unstated is a year for amounts of
    10,000 and more, an hour for amounts below 200, else unknown.
    """
    if not text or _DIGIT.search(text) is None:  # a description without a figure: no scan
        return None
    for match in _RANGE.finditer(text):
        after = _AFTER_RANGE.match(text, match.end())
        written = (match["lowc1"], match["lowc2"], match["highc1"], match["highc2"])
        currency = _range_currency((after["code"] if after else None, *written))
        if currency is None:
            continue
        low = _amount(match["low"], match["lowk"] or match["highk"])
        high = _amount(match["high"], match["highk"])
        if low is None or high is None or low <= 0 or high < low:
            continue
        rest = text[match.end() :]
        if after and after["unit"]:
            period = _period(after["unit"])
            if period is None and after["per"] not in ("a", "an"):
                return Salary(low, high, currency, None)  # "per call", "/ word": no period
            rest = text[after.end() :] if period else rest
        else:
            period = None
        period = period or _period_after(rest)
        return Salary(low, high, currency, period or _usual_period(low, high))
    return None


def _range_currency(written: tuple[str | None, ...]) -> str | None:
    """The currency of a range: a code or a specific symbol ("A$", "£") written beside it wins
    over a bare "$" ("$70k - $92k (AUD)" is AUD)."""
    found = [
        (token.strip(), code) for token in written if token and (code := _currency_code(token))
    ]
    specific = [code for token, code in found if token not in _AMBIGUOUS_SYMBOLS]
    return next(iter(specific or [code for _, code in found]), None)


def _usual_period(low: float, high: float) -> str | None:
    """An unstated period: a year for amounts of 10,000 and more, an hour below 200."""
    return "year" if low >= 10_000 else "hour" if high < 200 else None


def _period_after(rest: str) -> str | None:
    """A period named just after the range ("... annually", "... per hour", "(yearly)")."""
    words = re.findall(r"[a-zA-Z.]+", rest[:30])
    for word in words[:3]:
        period = _period(word)
        if period:
            return period
    return None


def _period(value: Any) -> str | None:
    """ "1 YEAR", "per-year-salary", "Hourly", "yr", "HOUR" as one of `SALARY_PERIODS`."""
    if not isinstance(value, str):
        return None
    for word in re.findall(r"[a-z.]+", value.casefold()):
        period = _PERIOD_WORDS.get(word.strip(".")) or _PERIOD_WORDS.get(word)
        if period:
            return period
    return None


def _currency_code(value: Any) -> str | None:
    if not isinstance(value, str) or not value.strip():
        return None
    token = value.strip()
    if token.upper() in _CODES:
        return token.upper()
    return _SYMBOLS.get(token.casefold())


def _amount(digits: str | None, suffix: str | None) -> float | None:
    """ "95.4" + K, "60.000" (European thousands), "90,000", "1 200" as a number."""
    if not digits:
        return None
    text = digits.replace(" ", "").replace("\u00a0", "")
    if re.fullmatch(r"\d{1,3}(?:[.,]\d{3})+", text):  # only thousands separators
        text = re.sub(r"[.,]", "", text)
    elif re.fullmatch(r"\d{1,3}(?:[.,]\d{3})+[.,]\d{1,2}", text):  # thousands and decimals
        text = re.sub(r"[.,](?=\d{3})", "", text).replace(",", ".")
    else:
        text = text.replace(",", ".")
    try:
        number = float(text)
    except ValueError:
        return None
    multiplier = {"k": 1_000, "m": 1_000_000}.get((suffix or "").casefold(), 1)
    return number * multiplier


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str):
        return _amount(value.strip(), None)
    return None
