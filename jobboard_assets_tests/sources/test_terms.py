"""The rules that read pay, workplace and employment type from boards' fields and text."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jobboard_assets.sources.normalize import make_record
from jobboard_assets.sources.terms import (
    EMPLOYMENT_TYPES,
    SALARY_PERIODS,
    WORKPLACE_TYPES,
    Salary,
    employment_type,
    salary_from_text,
    salary_from_values,
    workplace_from_text,
    workplace_from_value,
)


@pytest.mark.parametrize(
    ("text", "salary"),
    [
        ("OTE $168K - $231K", Salary(168_000, 231_000, "USD", "year")),
        ("EUR 60.000 - 75.000 / year", Salary(60_000, 75_000, "EUR", "year")),
        (
            "The US base salary range is $95.4K–$190K annually",
            Salary(95_400, 190_000, "USD", "year"),
        ),
        ("USD 90,000 - 110,000 per year", Salary(90_000, 110_000, "USD", "year")),
        ("CAD 40 – 50 per hour", Salary(40, 50, "CAD", "hour")),
        ("$90,000—$141,000 USD", Salary(90_000, 141_000, "USD", "year")),
        ("£80K – £120K • 0.1% – 0.5% • Offers Bonus", Salary(80_000, 120_000, "GBP", "year")),
        ("CA$102.8K – CA$137K", Salary(102_800, 137_000, "CAD", "year")),
        ("45.000 - 55.000 EUR brutto pro Jahr", Salary(45_000, 55_000, "EUR", "year")),
        ("Compensation ranges from $100/hr to $130/hr.", None),  # two figures, no range: unread
        ("$4,000 - $5,000 a month", Salary(4_000, 5_000, "USD", "month")),
        # a currency written beside the range wins over a bare "$"
        ("Competitive Salary $70k - $92k (AUD)", Salary(70_000, 92_000, "AUD", "year")),
        ("AU$90k - AU$110k", Salary(90_000, 110_000, "AUD", "year")),
        ("A$60 - A$70 per hour", Salary(60, 70, "AUD", "hour")),
        ("C$80,000 - 95,000", Salary(80_000, 95_000, "CAD", "year")),
        ("US$50,000 - 60,000", Salary(50_000, 60_000, "USD", "year")),
        ("NZ$ 80,000 - 95,000", Salary(80_000, 95_000, "NZD", "year")),
        ("€45k - €55k", Salary(45_000, 55_000, "EUR", "year")),
        ("£30,000 - £35,000 per annum", Salary(30_000, 35_000, "GBP", "year")),
        ("AUD 70,000 - 90,000", Salary(70_000, 90_000, "AUD", "year")),
        ("$70,000 - $90,000 AUD", Salary(70_000, 90_000, "AUD", "year")),
        # a unit that is not a period: the amounts without one, never an invented hour
        ("$17.50-$32.50 per 30 minute call", Salary(17.5, 32.5, "USD", None)),
        ("$20 - $25 per call", Salary(20, 25, "USD", None)),
        ("$0.10 - $0.20 per word", Salary(0.1, 0.2, "USD", None)),
        ("$500 - $1,000 per project", Salary(500, 1_000, "USD", None)),
        ("$30 - $40 an hour", Salary(30, 40, "USD", "hour")),
        ("5 - 10 years of experience", None),  # no currency: never pay
        ("Up to 40 hours per week", None),
        (None, None),
    ],
)
def test_pay_stated_in_text(text: str | None, salary: Salary | None) -> None:
    assert salary_from_text(text) == salary


@pytest.mark.parametrize(
    ("values", "salary"),
    [
        ((99000, 115000, "USD", "1 YEAR"), Salary(99_000, 115_000, "USD", "year")),  # Ashby
        ((40, 55, "usd", "per-hour-wage"), Salary(40, 55, "USD", "hour")),  # Lever
        ((70000, 90000, "USD", None), Salary(70_000, 90_000, "USD", "year")),  # Greenhouse field
        ((None, 5000, "EUR", "MONTH"), Salary(5_000, 5_000, "EUR", "month")),
        ((None, None, "USD", "1 YEAR"), None),
        ((90, 80, "USD", "HOUR"), None),  # inverted: not a range we can trust
    ],
)
def test_pay_stated_in_fields(values: tuple[object, ...], salary: Salary | None) -> None:
    assert salary_from_values(*values) == salary


@pytest.mark.parametrize(
    ("value", "workplace"),
    [
        ("Remote", "remote"),
        ("OnSite", "onsite"),
        ("on-site", "onsite"),
        ("Hybrid", "hybrid"),
        ("Hybrid - Remote", "hybrid"),
        ("future-flexible", "hybrid"),
        ("unspecified", None),
        (None, None),
    ],
)
def test_workplace_type_fields(value: object, workplace: str | None) -> None:
    assert workplace_from_value(value) == workplace


@pytest.mark.parametrize(
    ("text", "workplace"),
    [
        ("Remote (US)", "remote"),
        ("Anywhere in the World", "remote"),
        ("Berlin - Hybrid", "hybrid"),
        ("Manager, Development (Chicago/Hybrid)", "hybrid"),
        ("London (on-site)", "onsite"),
        ("Remote or Hybrid, Paris", "hybrid"),
        ("Berlin, Germany", None),
    ],
)
def test_workplace_type_text(text: str, workplace: str | None) -> None:
    assert workplace_from_text(text) == workplace


@pytest.mark.parametrize(
    ("value", "kind"),
    [
        ("FullTime", "full_time"),
        ("Full-time (remote)", "full_time"),
        ("permanent", "full_time"),
        ("Regular", "full_time"),
        ("Part-time", "part_time"),
        ("PartTime", "part_time"),
        ("Contract", "contract"),
        ("Freelance", "contract"),
        ("Temporary", "temporary"),
        ("Intern", "internship"),
        ("Working Student", "internship"),
        ("Pełny etat", "other"),  # stated, but in no vocabulary we read
        ("", None),
        (None, None),
    ],
)
def test_employment_type(value: object, kind: str | None) -> None:
    assert employment_type(value) == kind


def test_text_fills_what_fields_leave_open() -> None:
    record = make_record(
        external_id="1",
        title="Senior Account Executive (m/w/d) - OTE $168K - $231K",
        location="Remote (US)",
        locations=("Remote (US)", "remote (us)", "Szczecin, , Poland"),
    )

    assert record.locations == ("Remote (US)", "Szczecin, Poland")
    assert (record.workplace_type, record.remote) == ("remote", True)
    assert (record.salary_min, record.salary_max, record.salary_currency) == (168e3, 231e3, "USD")
    assert record.normalized_title.startswith("senior account executive")


def test_a_board_field_wins_over_the_text() -> None:
    record = make_record(
        external_id="1",
        title="Data Intern",
        location="Remote",
        workplace_type="onsite",
        employment_type="full_time",
    )

    assert (record.workplace_type, record.remote, record.employment_type) == (
        "onsite",
        False,
        "full_time",
    )


def test_a_stated_not_remote_is_kept() -> None:
    record = make_record(external_id="1", title="Engineer", location="Austin", remote=False)

    assert (record.workplace_type, record.remote) == (None, False)


def test_a_remote_only_board_makes_postings_remote_unless_one_says_otherwise() -> None:
    def on_remote_board(location: str, **fields: object) -> tuple[str | None, bool | None]:
        record = make_record(
            external_id="1",
            title="Engineer",
            location=location,
            default_workplace="remote",
            **fields,
        )
        return record.workplace_type, record.remote

    assert on_remote_board("USA Only") == ("remote", True)
    assert on_remote_board("London (hybrid)") == ("hybrid", False)
    assert on_remote_board("USA Only", workplace_type="onsite") == ("onsite", False)
    assert on_remote_board("USA Only", remote=False) == (None, False)


def test_a_place_keeps_its_repeated_parts() -> None:
    record = make_record(
        external_id="1", title="Engineer", locations=("New York, New York", "Szczecin, , Poland")
    )

    assert record.locations == ("New York, New York", "Szczecin, Poland")


@given(st.text(max_size=80))
def test_the_text_rules_take_any_text(text: str) -> None:
    salary = salary_from_text(text)
    assert salary is None or (
        0 < salary.minimum <= salary.maximum and salary.period in (*SALARY_PERIODS, None)
    )
    assert workplace_from_text(text) in (*WORKPLACE_TYPES, None)
    assert employment_type(text) in (*EMPLOYMENT_TYPES, None)
