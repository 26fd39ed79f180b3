"""Title normalization, role families, content hashes and the record builder, table-driven."""

from __future__ import annotations

import html
import json
import re
import warnings
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup
from hypothesis import given, settings
from hypothesis import strategies as st

from jobboard_assets.sources.normalize import (
    ROLE_FAMILIES,
    ROLE_FAMILY_FALLBACK,
    ROLE_FAMILY_RULES,
    UnusableRecordError,
    classify_role_family,
    content_hash,
    html_to_text,
    make_record,
    normalize_title,
    parse_timestamp,
)
from jobboard_assets.sources.terms import remote_flag, workplace_from_value
from jobboard_assets_tests.sources.role_families_heldout import (
    DEVELOPMENT,
    HELDOUT,
    by_industry,
    load_titles,
    report,
    score,
)

ROLE_FAMILIES_DOC = Path(__file__).resolve().parents[2] / "docs" / "role-families.md"


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Senior Software Engineer", "senior software engineer"),
        ("Sr. Software Engineer", "senior software engineer"),
        ("Sr Software Engineer", "senior software engineer"),
        ("Snr. Software Engineer", "senior software engineer"),
        ("Jr. Data Analyst", "junior data analyst"),
        ("  SENIOR   software\tENGINEER ", "senior software engineer"),
        ("Softwareentwickler (m/w/d)", "softwareentwickler"),
        ("Backend Engineer (m/f/d)", "backend engineer"),
        ("Backend Engineer (f/m/x)", "backend engineer"),
        ("Backend Engineer (w/m/d)", "backend engineer"),
        ("Backend Engineer [m/w/d]", "backend engineer"),
        ("Backend Engineer (all genders)", "backend engineer"),
        ("Backend Engineer m/w/d", "backend engineer"),
        ("Product Manager R-12345", "product manager"),
        ("Product Manager REQ-123", "product manager"),
        ("Product Manager #4521", "product manager"),
        ("Product Manager (Job ID 123)", "product manager"),
        ("Product Manager (Req #88)", "product manager"),
        ("Frontend Engineer - Berlin", "frontend engineer"),
        ("Frontend Engineer – Remote", "frontend engineer"),
        ("Frontend Engineer, New York, NY", "frontend engineer"),
        ("Frontend Engineer (Remote)", "frontend engineer"),
        ("Frontend Engineer | London", "frontend engineer"),
        ("Frontend Engineer (Remote - US)", "frontend engineer"),
        ("Frontend Engineer - Remote, EMEA", "frontend engineer"),
        ("Frontend Engineer - Berlin or Munich", "frontend engineer"),
        ("Entwickler:in – München", "entwickler in"),
        ("Sr. Engineer (m/w/d) - Zürich #991", "senior engineer"),
        # Not places: the clause stays, so different specialties stay different jobs.
        ("Frontend Engineer - Checkout", "frontend engineer checkout"),
        ("Account Executive, Enterprise", "account executive enterprise"),
        ("Support Specialist, IT", "support specialist it"),
        # A leading place is part of the title (a territory), not a trailing location clause.
        ("DACH Account Executive", "dach account executive"),
        ("C++ / C# Developer", "c++ c# developer"),
        ("Développeur Back-End", "developpeur back end"),
        ("Engineer!", "engineer"),
    ],
)
def test_normalize_title(title: str, expected: str) -> None:
    assert normalize_title(title) == expected


def test_the_postings_own_location_is_a_place_too() -> None:
    assert normalize_title("Nurse - Springfield", "Springfield, IL") == "nurse"
    assert normalize_title("Nurse - Springfield") == "nurse springfield"


@given(st.text(max_size=60))
def test_normalizing_twice_changes_nothing(title: str) -> None:
    once = normalize_title(title)
    assert normalize_title(once) == once


@pytest.mark.parametrize(
    ("title", "department", "family"),
    [
        ("Senior Software Engineer", None, "engineering"),
        ("Staff Site Reliability Engineer", None, "engineering"),
        ("iOS Developer", None, "engineering"),
        ("Engineering Manager", None, "engineering"),
        ("Data Engineer", None, "data"),
        ("Senior Data Engineer", "Engineering", "data"),
        ("Machine Learning Engineer", None, "data"),
        ("Analytics Engineer", None, "data"),
        ("BI Developer", None, "data"),
        ("Research Scientist", None, "data"),
        ("Product Designer", None, "design"),
        ("UX Researcher", None, "design"),
        ("Product Manager", None, "product"),
        ("Senior Data Product Manager", None, "product"),
        ("Technical Program Manager", None, "product"),
        ("Product Marketing Manager", None, "marketing"),
        ("SEO Specialist", None, "marketing"),
        ("Account Executive", None, "sales"),
        ("Sales Engineer", None, "sales"),
        ("Data Center Technician", None, "operations"),
        ("Sales Development Representative (AI-Enabled)", None, "sales"),
        ("Software Engineer, Data Platform", None, "engineering"),
        ("Developer Relations Engineer", None, "marketing"),
        ("Healthcare Account Executive", None, "sales"),
        ("Sales Development Representative", None, "sales"),
        ("Customer Success Manager", None, "customer_support"),
        ("Technical Support Engineer", None, "customer_support"),
        ("Implementation Consultant", None, "customer_support"),
        ("Warehouse Associate", None, "operations"),
        ("Executive Assistant", None, "operations"),
        ("Data Entry Clerk", None, "operations"),
        ("Financial Analyst", None, "finance"),
        ("Accounts Payable Clerk", None, "finance"),
        ("FP&A Manager", None, "finance"),
        ("Sales Recruiter", None, "people"),
        ("HR Business Partner", None, "people"),
        ("People Operations Specialist", None, "people"),
        ("Legal Counsel", None, "legal"),
        ("Data Protection Officer", None, "legal"),
        ("Paralegal", None, "legal"),
        ("Registered Nurse", None, "healthcare"),
        ("Physician Assistant", None, "healthcare"),
        ("Care Coordinator", None, "healthcare"),
        ("Mathematics Teacher", None, "education"),
        ("Teaching Assistant", None, "education"),
        ("Instructional Designer", None, "education"),
        ("Associate", "Engineering", "engineering"),
        ("Associate", "People & Culture", "people"),
        ("Chef de Partie", None, "other"),
        # A pay rate is not HR, so the host stays other; AML and fraud work have their families.
        ("Night Shift Game Host – Up to $23/hr (Tips)", None, "other"),
        ("Anti-Money Laundering (AML) Supervisor", None, "legal"),
        ("Fraud Prevention Analyst", None, "operations"),
        ("Associate", None, "other"),
        # Work outside tech offices: care, banking, the shop floor (development titles).
        ("Direct Support Professional", None, "healthcare"),
        ("Surgical Technologist Certified", None, "healthcare"),
        ("Consumer Banker II (Canton)", None, "finance"),
        ("Senior Client Service Associate", None, "customer_support"),
        ("Community Engagement & Inclusion Coordinator", None, "people"),
        ("Fitter/Welder, 1st Shift - Jerome Ave", None, "operations"),
        ("Quality Engineer", None, "engineering"),
        ("Infant / Toddler Teachers", None, "education"),
        # The grown development set (issue 28): level words only as a last resort, work no family
        # covers kept `other`, banking, care and shop-floor words.
        ("Manager, Financial Accounting", None, "finance"),
        ("Director, Regional Sales", None, "sales"),
        ("Regional Manager", None, "operations"),
        ("Food Service Assistant; PT, 2nd shift", None, "other"),
        ("Security Officer - Armed", None, "other"),
        ("Information System Security Officer (ISSO)", None, "engineering"),
        ("Registered Behavior Technician (RBT)", None, "healthcare"),
        ("Mobile Phlebotomist, PRN", None, "healthcare"),
        ("Teller I - Full Time (South Glens Falls)", None, "finance"),
        ("2nd Shift CNC Operator", None, "operations"),
        ("Stationary Engineer", None, "operations"),
        ("Workers' Compensation Staff Counsel", None, "legal"),
        ("Commercial Insurance Placement – Renewal", None, "finance"),
        ("Grocery Clerk", None, "other"),
        ("Case Manager", None, "healthcare"),
        ("Cleaning Specialist – 2nd Shift", None, "operations"),
        ("Product Demonstrator PT", None, "marketing"),
        ("Medical Transportation Driver – $10,000 Guarantee + Bonus", None, "operations"),
        ("Patient Access Representative II - Brenham PT Days", None, "operations"),
        ("Billing Backend Engineer", None, "engineering"),
        ("Regulatory Accountant", None, "finance"),
        # Indeed and USAJobs development titles: a federal IT Specialist by its specialty code,
        # UK care work, BPO voice processes, trades and valets.
        ("Information Technology Specialist (CUSTOMER SUPPORT)", None, "customer_support"),
        ("IT Specialist (SYSADMIN/CUSTSPT)", None, "engineering"),
        ("ITSPEC (DATAMGT)", None, "data"),
        ("IT Specialist (PLCYPLN) (Mission Support Specialist)", None, "operations"),
        ("Senior IT Specialist", None, "engineering"),
        ("Information Technology Program Manager", None, "operations"),
        ("Chief Information Officer", None, "engineering"),
        ("Residential Child Care Worker", None, "healthcare"),
        ("Support Worker - Supported Accommodation", None, "healthcare"),
        ("Live in carer", None, "healthcare"),
        ("CCTV Control Room Operator", None, "other"),
        ("US Voice Process", None, "customer_support"),
        ("Experienced Labourer *Skilled Labourer", None, "operations"),
        ("Overnight Valet", None, "operations"),
        # Bank, insurer, logistics and store development titles: loan officers, collectors,
        # trust and clearing work before `sales` and `legal`; store managers of a department,
        # merchandisers and scan associates as operations; client experience as support.
        ("Loan Officer Outside Sales", None, "finance"),
        ("Mortgage Retail Sales Consultant (SAFE) Houston", None, "finance"),
        ("Senior Legal Collector", None, "finance"),
        ("Deposit Product Controller Associate", None, "finance"),
        ("Trust Centralized Services Specialist", None, "finance"),
        ("Private Client Advisor II", None, "finance"),
        ("Client Experience Associate", None, "customer_support"),
        ("Warehouse Agent - Second Shift", None, "operations"),
        ("ROLL STOCK TRUCKER", None, "operations"),
        ("Produce Manager", None, "operations"),
        ("Travel Store Merchandiser - Overnight", None, "operations"),
        ("Retail Scan Associate (Lititz, PA 17543)", None, "operations"),
        ("Live-In Caregivers", None, "healthcare"),
        ("Senior Capture Manager - Federal Civilian Portfolio", None, "sales"),
        ("Director, End User Transformation Services (EUTS)", None, "engineering"),
        ("Praktikant (m/w/d) Client Services KYC", None, "legal"),
        ("IP Docketing Specialist - Remote Option Available", None, "legal"),
        ("Director, Advisory Services", None, "finance"),
        ("2609 Logistician (LG30)", None, "operations"),
        # The spent second held-out set's and the LinkedIn development titles: UK care and
        # shop-floor words; workers' compensation before people's compensation; patent agents
        # before `agent`; designers of engineered things before `design`; managers of a kitchen
        # or a shop's front end before the food and front-end words.
        ("Night Care Worker", None, "healthcare"),
        ("Recycling Operative", None, "operations"),
        ("HGV 1 Drivers Day and Night", None, "operations"),
        ("Chief Information Security Officer", None, "engineering"),
        ("Senior Claims Representative Workers' Compensation", None, "finance"),
        ("Patent Attorney / Patent Agent / Remote / Portable Book / TX 78701 2390", None, "legal"),
        ("Fire Sprinkler Designer", None, "engineering"),
        ("Waterproofing Foreman", None, "operations"),
        ("FS Satellite 1 Kitchen Manager (Roswell High)", None, "operations"),
        ("Front End Assistant Manager", None, "operations"),
        ("Internal Revenue Agent (Examiner) - DIRECT HIRE", None, "finance"),
        ("Barre or Yoga Instructor", None, "other"),
    ],
)
def test_classify_role_family(title: str, department: str | None, family: str) -> None:
    assert classify_role_family(title, department) == family


def test_every_family_has_rules_and_rules_use_only_known_families() -> None:
    ruled = {family for family, _ in ROLE_FAMILY_RULES}
    # `other` has a row too: work no family covers (cooks, security officers) that a broad word
    # further down ("assistant", "supervisor") would otherwise claim.
    assert ruled == set(ROLE_FAMILIES)
    assert {family for family, _ in ROLE_FAMILY_FALLBACK} <= set(ROLE_FAMILIES) - {"other"}


def test_the_role_family_doc_shows_the_rule_table_in_order() -> None:
    rows = re.findall(
        r"^\|\s*(\d+)\s*\|\s*`(\w+)`\s*\|(.*)\|\s*$", ROLE_FAMILIES_DOC.read_text(), re.MULTILINE
    )
    documented = [(family, tuple(re.findall(r"`([^`]+)`", phrases))) for _, family, phrases in rows]

    assert documented == [*ROLE_FAMILY_RULES, *ROLE_FAMILY_FALLBACK]


CONTENT: dict[str, Any] = {
    "title": "Backend Engineer",
    "company": "Acme",
    "location": "Berlin",
    "department": "Engineering",
    "remote": False,
    "description_text": "Build APIs.\nShip often.",
}


def test_content_hash_ignores_layout_but_not_content() -> None:
    reference = content_hash(**CONTENT)
    relaid = content_hash(
        **{
            **CONTENT,
            "title": "  BACKEND   engineer ",
            "description_text": "build apis. ship often.",
        }
    )
    edited = content_hash(**{**CONTENT, "description_text": "Build APIs. Ship weekly."})
    moved = content_hash(**{**CONTENT, "location": "Munich"})

    assert re.fullmatch(r"[0-9a-f]{64}", reference)
    assert relaid == reference
    assert len({reference, edited, moved}) == 3


def test_make_record_derives_the_normalized_fields() -> None:
    posted = datetime(2026, 11, 1, 9, tzinfo=timezone(timedelta(hours=2)))

    record = make_record(
        external_id=4012345,
        title=" Sr. Data Engineer (m/w/d) - Berlin ",
        url="",
        company="  ",
        location="Berlin, Germany",
        department="Engineering",
        posted_at=posted,
        description_text="Line one.\n\n   Line   two.",
    )

    assert (record.external_id, record.title) == ("4012345", "Sr. Data Engineer (m/w/d) - Berlin")
    assert (record.url, record.company) == (None, None)
    assert (record.normalized_title, record.role_family) == ("senior data engineer", "data")
    assert record.posted_at == datetime(2026, 11, 1, 7, tzinfo=UTC)
    assert record.posted_at.tzinfo == UTC
    assert record.description_text == "Line one.\nLine two."
    assert record.content_hash == content_hash(
        title=record.title,
        company=None,
        location="Berlin, Germany",
        department="Engineering",
        remote=None,
        description_text="Line one.\nLine two.",
    )


@pytest.mark.parametrize(("external_id", "title"), [("", "Engineer"), ("1", "  ")])
def test_make_record_refuses_a_posting_without_id_or_title(external_id: str, title: str) -> None:
    with pytest.raises(UnusableRecordError, match=r"no id|no title"):
        make_record(external_id=external_id, title=title)


@pytest.mark.parametrize(
    ("markup", "text"),
    [
        ("<p>Hello <b>world</b></p><p>Second</p>", "Hello world\nSecond"),
        ("<ul><li>Python</li><li>SQL</li></ul>", "Python\nSQL"),
        ("Line<br>break", "Line\nbreak"),
        ("<script>alert(1)</script><style>p{}</style><p>Visible</p>", "Visible"),
        ("R&amp;D &lt;3", "R&D <3"),
        ("plain text", "plain text"),
        ("<p> </p>", None),
        (None, None),
    ],
)
def test_html_to_text(markup: str | None, text: str | None) -> None:
    assert html_to_text(markup) == text


REAL_PAYLOADS = Path(__file__).resolve().parents[1] / "fixtures" / "real"
MARKUP_TOKENS = st.one_of(
    st.sampled_from(
        [
            *(f"<{tag}>" for tag in ("p", "div", "br", "li", "ul", "b", "td", "table", "hr")),
            *(f"<{tag}>" for tag in ("script", "style", "head", "title", "noscript", "html")),
            *(f"</{tag}>" for tag in ("p", "div", "li", "ul", "b", "script", "html", "body")),
            "&amp;", "&lt;", "&nbsp;", "&#x41;", "&bogus;", "<!-- note -->", "<![CDATA[x]]>",
            '<?xml version="1.0" encoding="utf-8"?>', "<!DOCTYPE html>", "<", ">", "\n",
        ]
    ),
    # Printable text: control characters are replaced before storing (`_collapse`), not by HTML.
    st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=8),
)  # fmt: skip


def _soup_text(markup: str) -> str | None:
    """The reference: BeautifulSoup's tree of the markup (its lxml builder), the invisible
    elements removed, a newline around every block element, its text in lines."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "looks like a URL / like XML": the input is data
        document = BeautifulSoup(markup, "lxml")
    for element in document(["script", "style", "template", "noscript", "head"]):
        element.decompose()
    for element in document(
        ["p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table"]
        + ["section", "article", "header", "footer", "blockquote", "pre", "dt", "dd", "hr"]
    ):
        element.insert_before("\n")
        element.insert_after("\n")
    lines = (" ".join(line.split()) for line in document.get_text().splitlines())
    return "\n".join(line for line in lines if line) or None


def _real_markup() -> list[str]:
    """Every string with markup in the real payloads, raw and unescaped (Greenhouse escapes it)."""
    found: list[str] = []

    def walk(value: object) -> None:
        if isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)
        elif isinstance(value, str) and ("<" in value or "&" in value):
            found.extend([value, html.unescape(value)])

    for payload in sorted(REAL_PAYLOADS.glob("*.json")):
        walk(json.loads(payload.read_text()))
    for feed in sorted(REAL_PAYLOADS.glob("*.xml")):
        found.extend(re.findall(r"<!\[CDATA\[(.*?)\]\]>", feed.read_text(), re.DOTALL))
    return found


def test_html_to_text_reads_real_descriptions_as_beautifulsoup_does() -> None:
    markup = _real_markup()
    assert len(markup) > 100
    differing = [m[:80] for m in markup if html_to_text.__wrapped__(m) != _soup_text(m)]
    assert differing == []


@settings(max_examples=400, deadline=None)
@given(st.lists(MARKUP_TOKENS, min_size=1, max_size=14).map("".join))
def test_html_to_text_reads_broken_markup_as_beautifulsoup_does(markup: str) -> None:
    assert html_to_text.__wrapped__(markup) == _soup_text(markup)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026-11-02T17:31:02.554+00:00", datetime(2026, 11, 2, 17, 31, 2, 554000, tzinfo=UTC)),
        ("2026-11-02T12:00:00-05:00", datetime(2026, 11, 2, 17, tzinfo=UTC)),
        ("2026-11-02T17:00:00Z", datetime(2026, 11, 2, 17, tzinfo=UTC)),
        ("2026-11-02", datetime(2026, 11, 2, tzinfo=UTC)),
        ("Tue, 24 Nov 2026 14:05:11 +0000", datetime(2026, 11, 24, 14, 5, 11, tzinfo=UTC)),
        (1763337600000, datetime(2025, 11, 17, tzinfo=UTC)),
        (1763337600, datetime(2025, 11, 17, tzinfo=UTC)),
        ("3 days ago", None),
        ("", None),
        (None, None),
        (True, None),
    ],
)
def test_parse_timestamp(value: object, expected: datetime | None) -> None:
    assert parse_timestamp(value) == expected


@pytest.mark.parametrize(
    ("workplace", "remote"),
    [
        ("remote", True),
        ("Remote", True),
        ("hybrid", False),
        ("Hybrid", False),
        ("onsite", False),
        ("OnSite", False),
        ("on-site", False),
        ("unspecified", None),
        (None, None),
        (3, None),
    ],
)
def test_remote_follows_the_boards_workplace_type(workplace: object, remote: bool | None) -> None:
    assert remote_flag(workplace_from_value(workplace)) is remote


def test_role_families_on_development_titles() -> None:
    """The development set (docs/role-families.md): the titles the rules were written against,
    the two earlier held-out sets and three batches of LinkedIn titles among them, so this is a
    training figure, not an accuracy figure. Measured: 90.1 % right, 2.6 % left `other` although
    a family fits; about 8 % are labelled `other` by hand (jobs no family covers), so the share
    left `other` wrongly is what is bounded, not the share classified `other`."""
    rows = load_titles(DEVELOPMENT)
    result = score(rows)
    employers = len({row["company"] for row in rows})
    print(
        f"\nrole families on {result.titles} development titles from {employers} employers: "
        f"{result.accuracy:.1%} correct, {result.missed_share:.1%} other although a family fits"
    )

    assert result.titles >= 9247 and employers >= 6489
    assert result.accuracy >= 0.900
    assert result.missed_share < 0.030


def test_role_families_on_heldout_titles() -> None:
    """The fresh held-out set, labelled before it was measured and never opened to write a rule
    (docs/role-families.md): measured 80.8 % right and 9.0 % left `other` although a family fits
    at run 3 of 3, the last; the weakest industry is public sector at 66.1 % (59 titles). The
    goal is 90 %; it is not reached, so the bounds are the measured figures, to catch a rule
    change that makes held-out titles worse. The failure message shows aggregate figures only."""
    rows = load_titles(HELDOUT)
    result = score(rows)
    worst = min(part.accuracy for part in by_industry(rows).values())
    summary = report(rows)

    assert len(rows) >= 600
    assert len({row["company"] for row in rows}) >= 100
    assert {row["industry"] for row in rows} == {
        "tech", "retail", "healthcare", "logistics", "finance", "hospitality", "manufacturing",
        "public_sector",
    }  # fmt: skip
    assert result.accuracy >= 0.808, summary
    assert result.missed_share <= 0.091, summary
    assert worst >= 0.661, summary


def test_heldout_titles_are_apart_from_the_development_set_and_sourced() -> None:
    heldout = load_titles(HELDOUT)
    development = load_titles(DEVELOPMENT)
    development_employers = {row["company"].casefold() for row in development}
    development_titles = {normalize_title(row["title"]) for row in development}

    assert not [row for row in heldout if row["company"].casefold() in development_employers]
    assert not [row for row in heldout if normalize_title(row["title"]) in development_titles]
    assert all(row["family"] in ROLE_FAMILIES for row in heldout + development)
    assert all(re.fullmatch(r"[\w.-]+/[\w.-]+@[0-9a-f]{40}:\S.*", row["source"]) for row in heldout)
