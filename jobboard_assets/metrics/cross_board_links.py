"""The same job across boards: an employer's ATS and an aggregator's feed, two ATSs in a migration.

Two postings on different boards are listings of one job when they share

- the employer family (`_employer_families`: the company's words without corporate suffixes,
  "Inc", "LLC", ..., joined; a name whose first words are another employer's whole name belongs
  to that employer: "Fidelity Investments" to "Fidelity", "IMC Trading" to "IMC"),
- a place (`_place_key`: the city, a location's first comma part without work-mode words, a
  trailing state code or "in USA"; "NYC", "SF" and "LA" are their cities) among every place
  each lists (`location` and `locations`): a job open in several places, which each board may
  name in another order ("Seattle, WA; Bellevue, WA" and "Bellevue, WA; Seattle, WA"),
- the title, loosely (`_title_keys`): both internships or neither, the same head (the first part
  of the title, before its team or specialty, that has a word left once seasons, years and
  "program" are dropped) and the words of one title all among the other's: curated boards
  rewrite "2025 Summer Internship - Data Engineer - Proprietary Research" as "Data Engineer
  Intern", keep "Software Engineer Intern, Backend" apart from "..., Frontend",
- their dates: they were listed at the same time (their [first_seen, last_seen] overlap) and
  first seen at most `cross_board_window_days` apart (a feed picks a posting up within days),
- and each is the other's nearest such posting on that board (the same exact title and place
  keys as for reposts first, then the fewest places one lists and the other does not, then
  first sightings closest, then the smaller id): a job reposted while still up has two postings
  on the ATS and two on the feed, and each copy belongs to its own original; an employer's
  "Raleigh" and "Boston; Raleigh" requisitions each find their own.

Postings these passes leave unlinked link in a last pass on looser terms, when each is the
other's only such posting on its board: the same employer and internship, a city in common or
neighbouring ones (`neighbouring_places`: towns at most 10 km apart, a country and a city in
it), titles whose words nest whatever their heads but for a level or a number (a curated board's
"2025 Summer Internship Program - Platforms & Technology - Software Engineer" and the feed's
"Software Engineer Intern"), listed together and first seen at most
`CROSS_BOARD_LEFTOVER_WINDOW_DAYS` apart. Coming last, it cannot take a posting from its own
town's or its own title's copy: per-town requisitions on both boards link town to town.

Linked postings form groups (connected components); a group whose postings are on one board only
is no cross-board job. Within one board the same key over time is a repost chain
(`repost_chains`), not a cross-board link: a repost re-listed weeks later on the feed is linked
to the feed's copy, not to the original.
"""

from __future__ import annotations

import polars as pl

from jobboard_assets.metrics.neighbouring_places import neighbouring_places
from jobboard_assets.metrics.observations import days_between
from jobboard_assets.metrics.repost_chains import (
    REPOST_KEY_SOURCE,
    connected_component_labels,
    folded_words,
    repost_keys,
    with_key,
)
from jobboard_assets.metrics.settings import DEFAULT_SETTINGS, MetricsSettings

CROSS_BOARD_SOURCE = (*REPOST_KEY_SOURCE, "locations")
"""The posting columns `cross_board_pairs` reads: `locations` is every place a listing gives."""

CROSS_BOARD_WINDOW_DAYS = 7
"""First sightings at most a week apart: feeds pick postings up within days."""

CROSS_BOARD_LEFTOVER_WINDOW_DAYS = 14
"""Postings the nearest-first passes left unlinked, each the other's only candidate on its
board, may be first seen two weeks apart: a curated list adds a job up to two weeks after
another (longer, an earlier season's listing left open meets the new season's)."""

CROSS_BOARD_GAP_DAYS = 3
"""Listed at the same time, give or take three days: a board read a day late, or a curated list
that marks a closed posting a few days after its employer took it down, still lists the job."""

# Words of a company name that say its legal form, not who it is.
_CORPORATE_SUFFIXES = [
    "the",
    "inc",
    "incorporated",
    "llc",
    "llp",
    "lp",
    "ltd",
    "limited",
    "corp",
    "corporation",
    "co",
    "company",
    "plc",
    "gmbh",
    "ag",
    "sa",
]
# A place named by its short form; compared after case and accent folding.
_PLACE_ALIASES = {
    "nyc": "new york",
    "new york city": "new york",
    "sf": "san francisco",
    "la": "los angeles",
}
# Place words that say the country a remote posting is open to ("Remote in USA"), not where.
_PLACE_NOISE = ["in", "us", "usa", "united", "states", "america"]
_US_STATE_CODES = (
    "al ak az ar ca co ct dc de fl ga hi ia id il in ks ky la ma md me mi mn mo ms mt nc nd ne nh "
    "nj nm nv ny oh ok or pa ri sc sd tn tx ut va vt wa wi wv wy"
).split()
# Title words that date a listing or dress it up; the job is the same without them.
_TITLE_DECORATIONS = [
    "summer",
    "winter",
    "spring",
    "fall",
    "autumn",
    "undergraduate",
    "program",
    "programme",
    "opportunities",
    "opportunity",
    "in",
    "for",
    "of",
    "the",
    "and",
]
_TITLE_WORD_FORMS = {
    "internship": "intern",
    "internships": "intern",
    "interns": "intern",
    "engineering": "engineer",
    "quant": "quantitative",
    "sr": "senior",
    "jr": "junior",
}
# Where a title's role ends and its team, season or specialty begins: "Intern - Summer 2025",
# "Software Engineering Intern, Backend", "Software Engineer Intern(Python)", "Intern: 2025".
_TITLE_PART_END = r"\s*[,|(\[:]\s*|\s+[-–—]+\s*|[-–—]+\s+"
_JOIN = ["employer_id", "place_id", "is_intern", "head_id"]
_HEADS = ["head_id", "head_id_other"]
_WORDS = ["words_id", "words_id_other"]


def _employer_families(companies: pl.LazyFrame) -> pl.LazyFrame:
    """`company` -> `employer_id`: the family of each distinct company name.

    A name's key is its words without corporate suffixes, joined (so "ServiceNow" and "Service
    Now", "D.E. Shaw" and "D. E. Shaw" are one); its family is the shortest key among the keys
    of its leading words that some employer has as a whole name.
    """
    words = folded_words(pl.col("company")).list.filter(~pl.element().is_in(_CORPORATE_SUFFIXES))
    keyed = (
        companies.select("company")
        .unique()
        .with_columns(words=pl.when(words.list.len() > 0).then(words))
        .with_columns(
            words=pl.coalesce("words", folded_words(pl.col("company"))),
        )
        .with_columns(key=pl.col("words").list.join("").fill_null(""))
    )
    keys = keyed.select(prefix="key").unique()
    prefixes = (
        keyed.with_columns(size=pl.int_ranges(1, pl.col("words").list.len() + 1))
        .explode("size")
        .with_columns(prefix=pl.col("words").list.head(pl.col("size")).list.join(""))
        .join(keys, on="prefix", how="semi")
    )
    family = (
        prefixes.group_by("company")
        .agg(pl.col("prefix").sort_by(pl.col("prefix").str.len_chars(), "prefix").first())
        .with_columns(employer_id=pl.col("prefix").rank("dense").cast(pl.Int64))
    )
    return family.select("company", "employer_id")


def _places(postings: pl.LazyFrame) -> pl.LazyFrame:
    """`id`, `location`: each distinct place a posting lists, its `location` first among
    `locations` (null when it has none)."""
    listed = (
        postings.select("id", location=pl.col("locations").cast(pl.List(pl.Utf8)))
        .explode("location")
        .drop_nulls()
    )
    return pl.concat([postings.select("id", "location"), listed]).unique(
        ["id", "location"], maintain_order=True
    )


def _place_key(settings: MetricsSettings, column: str = "location") -> pl.Expr:
    """The city of `column` (see the module's docstring); "" for a remote-only posting."""
    city = folded_words(pl.col(column).str.split(",").list.first()).list.join(" ")
    city = city.replace(_PLACE_ALIASES)
    noise = sorted(settings.location_noise_tokens | set(_PLACE_NOISE))
    words = city.str.split(" ").list.filter(~pl.element().is_in(noise) & (pl.element() != ""))
    trailing_state = (words.list.len() > 1) & words.list.last().is_in(_US_STATE_CODES)
    words = pl.when(trailing_state).then(words.list.head(words.list.len() - 1)).otherwise(words)
    return words.list.join(" ").fill_null("")


def _title_keys(titles: pl.LazyFrame) -> pl.LazyFrame:
    """`title` -> `is_intern`, `head` (sorted words of its first part with a word left) and
    `title_words` (every word left) of each distinct title; titles with no word left have none.
    """
    text = pl.col("title").str.replace_all(r"(?i)\bswe\b", "software engineer")
    decoration = pl.element().is_in([*_TITLE_DECORATIONS, "intern"]) | pl.element().str.contains(
        r"^(19|20)\d\d$"
    )
    parts = (
        titles.select("title")
        .unique()
        .with_columns(part=text.str.replace_all(_TITLE_PART_END, "\x00").str.split("\x00"))
        .with_columns(position=pl.int_ranges(pl.col("part").list.len()))
        .explode("part", "position")
        .with_columns(
            words=folded_words(pl.col("part")).list.eval(pl.element().replace(_TITLE_WORD_FORMS))
        )
        .with_columns(
            intern=pl.col("words").list.contains("intern"),
            kept=pl.col("words").list.eval(pl.element().filter(~decoration)),
        )
    )
    has_words = pl.col("kept").list.len() > 0
    return (
        parts.group_by("title")
        .agg(
            is_intern=pl.col("intern").any(),
            head=pl.col("kept")
            .filter(has_words)
            .sort_by(pl.col("position").filter(has_words))
            .first(),
            title_words=pl.col("kept")
            .list.explode(keep_nulls=False, empty_as_null=False)
            .unique()
            .sort(),
        )
        .filter(pl.col("head").is_not_null())
        .with_columns(head=pl.col("head").list.unique().list.sort().list.join(" "))
    )


def cross_board_keys(
    postings: pl.DataFrame, settings: MetricsSettings = DEFAULT_SETTINGS
) -> pl.LazyFrame:
    """`id`, the employer family (`employer_id`), a city (`place`, `place_id`, and `location`,
    the text it is read from) and the title's
    keys (`is_intern`, `head`, `head_id`, `title_words`, `words_id`) the link rule compares: one
    row per posting and distinct city among the places it lists; postings whose title has no
    word left have no row."""
    source = postings.lazy().select("id", "company", "location", "locations", "title")
    titles = _title_keys(source).with_columns(
        head_id=pl.col("head").rank("dense").cast(pl.Int64),
        words_id=pl.col("title_words").list.join(" ").rank("dense").cast(pl.Int64),
    )
    places = with_key(_places(source), "location", _place_key(settings), "place")
    return (
        source.select("id", "company", "title")
        .join(_employer_families(source), on="company")
        .join(titles, on="title")
        .join(
            places.select("id", "location", "place", "place_id").unique(["id", "place_id"]),
            on="id",
        )
        .drop("company", "title")
    )


def cross_board_pairs(
    postings: pl.DataFrame,
    *,
    window_days: int = CROSS_BOARD_WINDOW_DAYS,
    settings: MetricsSettings = DEFAULT_SETTINGS,
) -> pl.DataFrame:
    """`node`, `node_other`: every linked pair of postings on two boards (by id, node < other)."""
    exact = repost_keys(postings, settings, key_texts=False).select(
        "id", "job_board_id", "first_seen", "last_seen", "location_key_id", "title_key_id"
    )
    keyed = (
        cross_board_keys(postings, settings)
        .select("id", *_JOIN, "head", "words_id", "title_words", "location")
        .join(exact, on="id")
        .collect()
    )
    words = keyed.select("words_id", "title_words").unique("words_id")
    heads = keyed.select("head_id", "head").unique("head_id")
    places = keyed.select("location", "place_id").unique()
    keyed = keyed.drop("title_words", "head", "location")
    same_head = _same_head_pairs(keyed, words, window_days)
    contained = _contained_head_pairs(
        _unlinked(keyed, same_head), words, heads, window_days, settings
    )
    linked = pl.concat([same_head, contained])
    rest = _unlinked(keyed, linked)
    near = neighbouring_place_keys(
        places.join(rest.select("place_id").unique(), on="place_id", how="semi"), settings
    )
    leftover_window = max(window_days, CROSS_BOARD_LEFTOVER_WINDOW_DAYS)
    leftover = _leftover_pairs(rest, words, near, leftover_window, settings)
    return pl.concat([linked, leftover])


def neighbouring_place_keys(
    places: pl.DataFrame, settings: MetricsSettings = DEFAULT_SETTINGS
) -> pl.DataFrame:
    """`place_id`, `place_id_other`: the pairs of cities of `places` (`location`, `place_id`, as
    `cross_board_keys` gives them) that are neighbouring towns or a country and a city in it
    (`neighbouring_places`)."""
    return neighbouring_places(places, lambda column: _place_key(settings, column))


def _unlinked(keyed: pl.DataFrame, pairs: pl.DataFrame) -> pl.DataFrame:
    """The rows of `keyed` whose posting is in none of `pairs` (`node`, `node_other`)."""
    linked = pl.concat([pairs["node"], pairs["node_other"]]).implode()
    return keyed.filter(~pl.col("id").is_in(linked))


def _dated(window_days: int) -> pl.Expr:
    """A candidate pair (columns `..._other` for the second posting) listed at the same time,
    give or take `CROSS_BOARD_GAP_DAYS`, and first seen at most `window_days` apart."""
    apart = days_between(pl.col("first_seen"), pl.col("first_seen_other")).abs()
    listed_together = (
        days_between(pl.col("last_seen_other"), pl.col("first_seen")) <= CROSS_BOARD_GAP_DAYS
    ) & (days_between(pl.col("last_seen"), pl.col("first_seen_other")) <= CROSS_BOARD_GAP_DAYS)
    return (
        (pl.col("job_board_id") != pl.col("job_board_id_other"))
        & listed_together
        & (apart <= window_days)
    )


def _same_head_pairs(keyed: pl.DataFrame, words: pl.DataFrame, window_days: int) -> pl.DataFrame:
    """`node`, `node_other`: the pairs of `keyed` (one row per posting and city) sharing employer,
    city, internship and head whose titles nest, each the other's nearest on its board."""
    # Postings whose block is on one board only link nothing: drop them before the self-join,
    # which then joins on one integer.
    shared = (
        keyed.with_columns(places=pl.len().over("id"))
        .filter(pl.col("job_board_id").n_unique().over(_JOIN) > 1)
        .with_columns(block=pl.struct(_JOIN).rank("dense"))
        .drop(_JOIN)
    )
    # Two postings that share several cities meet in several blocks: each pair once, with the
    # number of its places that one of the two lists and the other does not.
    candidates = (
        shared.join(shared, on="block", suffix="_other")
        .filter(_dated(window_days))
        .drop("block")
        .with_columns(
            unshared=pl.col("places") + pl.col("places_other") - 2 * pl.len().over("id", "id_other")
        )
        .unique(["id", "id_other"])
    )
    apart = days_between(pl.col("first_seen"), pl.col("first_seen_other")).abs()
    inexact = (pl.col("title_key_id") != pl.col("title_key_id_other")).cast(pl.Int8) + (
        pl.col("location_key_id") != pl.col("location_key_id_other")
    ).cast(pl.Int8)
    # Both directions of each candidate, ranked per posting and other board: nearest first.
    nearest = (
        pl.struct("inexact", "unshared", "apart", "id_other")
        .rank("ordinal")
        .over("id", "job_board_id_other")
    )
    candidates = (
        candidates.join(_nested_titles(candidates, words), on=["words_id", "words_id_other"])
        .with_columns(apart=apart, inexact=inexact)
        .filter(nearest == 1)
    )
    return _mutual(candidates)


def _contained_head_pairs(
    rest: pl.DataFrame,
    words: pl.DataFrame,
    heads: pl.DataFrame,
    window_days: int,
    settings: MetricsSettings,
) -> pl.DataFrame:
    """`node`, `node_other`: the pairs of `rest` (postings the same-head rule left unlinked) that
    share employer, city and internship, whose heads differ but one's words are all among the
    other's ("Trader" / "Quantitative Trader", "Flight Software" / "Flight Software Engineer")
    but for a level or a number ("Senior", "II", `fuzzy_protected_tokens`: another job) and
    whose titles nest, listed together: when each is the other's only such posting on its
    board. A head inside several ("Software Engineer" and the "Backend ..." and "Frontend ..."
    ones) links none.

    Blocked on the smaller head's rarest word, which the larger head has too: the join pairs
    a posting with those of its family that share that word, not with its whole family."""
    family = ["employer_id", "place_id", "is_intern"]
    rest = rest.filter(pl.col("job_board_id").n_unique().over(family) > 1)
    with_words, rarest = _rarest_words(
        rest, heads.select("head_id", words=pl.col("head").str.split(" ")), "head_id"
    )
    candidates = (
        rest.join(rarest, on="head_id")
        .join(with_words, on=[*family, "word"], suffix="_other")
        .filter((pl.col("head_id") != pl.col("head_id_other")) & _dated(window_days))
        .select("id", "id_other", "job_board_id", "job_board_id_other", *_WORDS, *_HEADS)
        .unique(["id", "id_other"])
    )
    head_sets = heads.select("head_id", head=pl.col("head").str.split(" "))
    head, head_other = pl.col("head"), pl.col("head_other")
    contained = (
        candidates.select(_HEADS)
        .unique()
        .join(head_sets, on="head_id")
        .join(head_sets, left_on="head_id_other", right_on="head_id", suffix="_other")
        .filter(
            (head.list.set_difference(head_other).list.len() == 0)
            & _no_level_between(head, head_other, settings)
        )
        .select(_HEADS)
    )
    candidates = candidates.join(contained, on=_HEADS).join(
        _nested_titles(candidates, words), on=_WORDS
    )
    # Found from the smaller head's side.
    return _only_candidates(candidates)


def _no_level_between(words: pl.Expr, other: pl.Expr, settings: MetricsSettings) -> pl.Expr:
    """Neither word list has a level or a number the other lacks ("Senior", "II": the repost
    settings' `fuzzy_protected_tokens`, or a digit): another job."""
    protected = sorted(settings.fuzzy_protected_tokens)
    level = pl.element().is_in(protected) | pl.element().str.contains(r"\d")
    extra = pl.concat_list(words.list.set_difference(other), other.list.set_difference(words))
    return ~extra.list.eval(level.any()).list.first()


def _leftover_pairs(
    rest: pl.DataFrame,
    words: pl.DataFrame,
    near: pl.DataFrame,
    window_days: int,
    settings: MetricsSettings,
) -> pl.DataFrame:
    """`node`, `node_other`: the pairs of `rest` (postings both earlier passes left unlinked)
    that share employer and internship, a city or two neighbouring ones (`near`: `place_id`,
    `place_id_other`), whose titles nest whatever their heads but for a level or a number,
    listed together: when each is the other's only such posting on its board.

    Blocked on a title's rarest word, which the title that holds it has too, and on its places
    and their neighbours."""
    family = ["employer_id", "is_intern"]
    rest = rest.filter(pl.col("job_board_id").n_unique().over(family) > 1)
    with_words, rarest = _rarest_words(
        rest, words.select("words_id", words="title_words"), "words_id"
    )
    places = pl.concat(
        [rest.select("place_id").unique().with_columns(place_id_other="place_id"), near]
    )
    candidates = (
        rest.join(rarest, on="words_id")
        .join(places, on="place_id")
        .join(
            with_words,
            left_on=[*family, "place_id_other", "word"],
            right_on=[*family, "place_id", "word"],
            suffix="_other",
        )
        .filter(_dated(window_days))
        .select("id", "id_other", "job_board_id", "job_board_id_other", *_WORDS)
        .unique(["id", "id_other"])
    )
    level_free = _no_level_between(pl.col("title_words"), pl.col("title_words_other"), settings)
    nested = _nested_titles(candidates, words, level_free)
    # Found from the side of the smaller title.
    return _only_candidates(candidates.join(nested, on=_WORDS))


def _rarest_words(
    rest: pl.DataFrame, words: pl.DataFrame, key: str
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The rows of `rest` once per word of their `key` (`words`: `key` -> `words`, a list), and
    `key` -> `word`: its word that the fewest postings of `rest` have (a blocking key: the join
    pairs a posting with those that share that word, not with its whole family)."""
    exploded = words.select(key, word="words").explode("word")
    with_words = rest.join(exploded, on=key)
    counts = with_words.group_by("word").agg(postings=pl.col("id").n_unique())
    rarest = (
        exploded.join(counts, on="word")
        .group_by(key)
        .agg(pl.col("word").sort_by("postings", "word").first())
    )
    return with_words, rarest


def _only_candidates(candidates: pl.DataFrame) -> pl.DataFrame:
    """`node`, `node_other`: the `candidates` (`id`, `id_other` and their boards, found from one
    side) that are each other's only candidate on the other's board."""
    both = pl.concat(
        [
            candidates.select("id", "id_other", "job_board_id_other"),
            candidates.select(id="id_other", id_other="id", job_board_id_other="job_board_id"),
        ]
    ).unique(["id", "id_other"])
    return _mutual(both.filter(pl.len().over("id", "job_board_id_other") == 1))


def _mutual(candidates: pl.DataFrame) -> pl.DataFrame:
    """`node`, `node_other` (node < other) of the `id`, `id_other` candidates found both ways."""
    mutual = candidates.join(
        candidates.select(id="id_other", id_other="id"), on=["id", "id_other"], how="semi"
    )
    return mutual.filter(pl.col("id") < pl.col("id_other")).select(node="id", node_other="id_other")


def _nested_titles(
    candidates: pl.DataFrame, words: pl.DataFrame, also: pl.Expr | None = None
) -> pl.DataFrame:
    """The `words_id`, `words_id_other` pairs of `candidates` where one title's words are all
    among the other's (`words`: `words_id` -> `title_words`), and `also` holds of their
    `title_words` and `title_words_other`; once per distinct pair."""
    pairs = (
        candidates.select("words_id", "words_id_other")
        .unique()
        .join(words, on="words_id")
        .join(words, left_on="words_id_other", right_on="words_id", suffix="_other")
    )
    left, right = pl.col("title_words"), pl.col("title_words_other")
    nested = (left.list.set_difference(right).list.len() == 0) | (
        right.list.set_difference(left).list.len() == 0
    )
    return pairs.filter(nested if also is None else nested & also).select(
        "words_id", "words_id_other"
    )


def cross_board_groups(
    postings: pl.DataFrame,
    *,
    window_days: int = CROSS_BOARD_WINDOW_DAYS,
    settings: MetricsSettings = DEFAULT_SETTINGS,
) -> pl.DataFrame:
    """`id`, `job_group_id` (the smallest posting id of the group) of every posting linked to
    the same job on another board; other postings have no row."""
    pairs = cross_board_pairs(postings, window_days=window_days, settings=settings)
    if pairs.is_empty():
        return pl.DataFrame(schema={"id": pl.Int64, "job_group_id": pl.Int64})
    return (
        connected_component_labels(pairs)
        .select(
            pl.col("node").cast(pl.Int64).alias("id"), job_group_id=pl.col("label").cast(pl.Int64)
        )
        .sort("id")
    )
