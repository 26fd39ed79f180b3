"""CSS selectors for the html kind, compiled once to XPath and run by lxml (C, not Python).

BeautifulSoup builds a Python object per node and soupsieve matches selectors in Python: on a
50-item list page that was 17 ms against 1.1 ms with lxml + cssselect, and the html boards were a
quarter of a backfill's CPU. cssselect (the selector engine of lxml and Scrapy) covers CSS 3 plus
`:has()`, `:is()` and `:contains()`; pseudo-elements are refused when the registry is loaded.
"""

from __future__ import annotations

from functools import lru_cache

from cssselect import SelectorError
from lxml.cssselect import CSSSelector


class InvalidSelector(ValueError):
    """A selector cssselect cannot parse or translate; the message says where."""


@lru_cache(maxsize=256)
def compile_selector(selector: str) -> CSSSelector:
    """The selector compiled for HTML documents (cached: a board reuses its selectors per page)."""
    try:
        return CSSSelector(selector, translator="html")
    except SelectorError as error:
        raise InvalidSelector(str(error).splitlines()[0]) from None
