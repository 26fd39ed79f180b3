"""CSS selectors for the html kind, compiled once by soupsieve (BeautifulSoup's selector engine).

soupsieve covers CSS 4 selectors as far as they apply to a static page (`:has()`, `:is()`,
`:not()`, attribute operators) plus `:-soup-contains()`; pseudo-elements are refused when the
registry is loaded, so a typo fails `boards.yaml`, not a run.
"""

from __future__ import annotations

from functools import lru_cache

import soupsieve
from soupsieve import SoupSieve


class InvalidSelector(ValueError):  # noqa: N818 - public name, used by every kind and the registry
    """A selector soupsieve cannot parse; the message says where."""


@lru_cache(maxsize=256)
def compile_selector(selector: str) -> SoupSieve:
    """The selector compiled (cached: a board reuses its selectors on every page)."""
    try:
        return soupsieve.compile(selector)
    except soupsieve.SelectorSyntaxError as error:
        raise InvalidSelector(str(error).splitlines()[0]) from None
