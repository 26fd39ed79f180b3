"""Word lists the simulated market draws names, places and job titles from.

Plain data, no logic. Role vocabularies are built so that a family's titles are
"[level] [specialty] role" with specialty words never occurring in role names, which keeps
every base title's word set distinct and lets the market guarantee unique base titles.
"""

from __future__ import annotations

from dataclasses import dataclass

KINDS: tuple[str, ...] = ("greenhouse", "lever", "ashby", "smartrecruiters", "workable", "rss", "html")

# Kinds whose board belongs to one employer (an ATS); the others aggregate many companies.
SINGLE_EMPLOYER_KINDS: frozenset[str] = frozenset({"greenhouse", "lever", "ashby", "smartrecruiters", "workable"})

INDUSTRIES: tuple[str, ...] = (
    "software",
    "healthcare",
    "finance",
    "retail",
    "education",
    "logistics",
    "manufacturing",
    "media",
)

# Categories an aggregator of each kind draws from (feeds lean remote, like We Work Remotely);
# single-employer boards are "tech" for software and "general" otherwise.
AGGREGATOR_CATEGORIES: dict[str, tuple[str, ...]] = {"rss": ("remote", "tech"), "html": ("general", "niche")}


@dataclass(frozen=True)
class City:
    name: str
    region: str
    country_code: str
    country: str


CITIES: tuple[City, ...] = (
    City("Berlin", "Berlin", "DE", "Germany"),
    City("München", "Bavaria", "DE", "Germany"),
    City("Hamburg", "Hamburg", "DE", "Germany"),
    City("Köln", "North Rhine-Westphalia", "DE", "Germany"),
    City("Frankfurt", "Hesse", "DE", "Germany"),
    City("Wien", "Vienna", "AT", "Austria"),
    City("Zürich", "Zurich", "CH", "Switzerland"),
    City("London", "England", "GB", "United Kingdom"),
    City("Manchester", "England", "GB", "United Kingdom"),
    City("Edinburgh", "Scotland", "GB", "United Kingdom"),
    City("Dublin", "Leinster", "IE", "Ireland"),
    City("Amsterdam", "North Holland", "NL", "Netherlands"),
    City("Rotterdam", "South Holland", "NL", "Netherlands"),
    City("Paris", "Île-de-France", "FR", "France"),
    City("Lyon", "Auvergne-Rhône-Alpes", "FR", "France"),
    City("Madrid", "Community of Madrid", "ES", "Spain"),
    City("Barcelona", "Catalonia", "ES", "Spain"),
    City("Lisbon", "Lisbon", "PT", "Portugal"),
    City("Warsaw", "Masovia", "PL", "Poland"),
    City("Kraków", "Lesser Poland", "PL", "Poland"),
    City("Prague", "Prague", "CZ", "Czechia"),
    City("Stockholm", "Stockholm", "SE", "Sweden"),
    City("Copenhagen", "Capital Region", "DK", "Denmark"),
    City("Oslo", "Oslo", "NO", "Norway"),
    City("Helsinki", "Uusimaa", "FI", "Finland"),
    City("New York", "NY", "US", "United States"),
    City("San Francisco", "CA", "US", "United States"),
    City("Austin", "TX", "US", "United States"),
    City("Chicago", "IL", "US", "United States"),
    City("Seattle", "WA", "US", "United States"),
    City("Boston", "MA", "US", "United States"),
    City("Denver", "CO", "US", "United States"),
    City("Atlanta", "GA", "US", "United States"),
    City("Toronto", "ON", "CA", "Canada"),
    City("Montréal", "QC", "CA", "Canada"),
    City("Vancouver", "BC", "CA", "Canada"),
    City("São Paulo", "SP", "BR", "Brazil"),
    City("Mexico City", "CDMX", "MX", "Mexico"),
    City("Sydney", "NSW", "AU", "Australia"),
    City("Melbourne", "VIC", "AU", "Australia"),
    City("Singapore", "Singapore", "SG", "Singapore"),
    City("Bangalore", "Karnataka", "IN", "India"),
    City("Tokyo", "Tokyo", "JP", "Japan"),
)

# Remote "locations" are regions: a remote job for the US and one for Europe are different jobs.
REMOTE_REGIONS: tuple[tuple[str, str, str], ...] = (
    ("Remote - US", "US", "United States"),
    ("Remote - Europe", "EU", "Europe"),
    ("Remote - Worldwide", "WW", "Worldwide"),
    ("Remote - UK", "GB", "United Kingdom"),
    ("Remote - Canada", "CA", "Canada"),
    ("Remote - LATAM", "LATAM", "Latin America"),
    ("Remote - APAC", "APAC", "Asia Pacific"),
)

# Company names are "<first> <second>" or "<first><suffix>": a few thousand unique combinations.
COMPANY_FIRST: tuple[str, ...] = (
    "Alder", "Amber", "Apex", "Arbor", "Argent", "Aster", "Atlas", "Aurora", "Basalt", "Beacon",
    "Birch", "Bluefin", "Bright", "Brook", "Cedar", "Cinder", "Cobalt", "Comet", "Copper", "Coral",
    "Crest", "Delta", "Drift", "Ember", "Falcon", "Fern", "Fjord", "Flint", "Garnet", "Glacier",
    "Granite", "Harbor", "Hazel", "Heron", "Indigo", "Iris", "Juniper", "Kestrel", "Lark", "Linden",
    "Lumen", "Maple", "Meadow", "Meridian", "Nimbus", "North", "Oak", "Onyx", "Orbit", "Orchid",
    "Pebble", "Pine", "Prairie", "Quarry", "Quill", "Raven", "Ridge", "River", "Saffron", "Sage",
    "Sequoia", "Sierra", "Slate", "Sparrow", "Spruce", "Summit", "Tidal", "Timber", "Topaz", "Tundra",
    "Vale", "Vertex", "Willow", "Wren", "Zephyr",
)
# The second word says what the employer does; words are never shared between industries.
COMPANY_WORDS: dict[str, tuple[str, ...]] = {
    "software": ("Labs", "Systems", "Cloud", "Technologies", "Networks", "Analytics", "Software"),
    "healthcare": ("Health", "Care", "Clinic", "Medical", "Biotech", "Diagnostics"),
    "finance": ("Capital", "Bank", "Pay", "Partners", "Holdings", "Insurance"),
    "retail": ("Goods", "Brands", "Market", "Outfitters", "Stores", "Home"),
    "education": ("Learning", "Academy", "Schools", "Institute", "Tutoring"),
    "logistics": ("Logistics", "Freight", "Shipping", "Transport", "Couriers"),
    "manufacturing": ("Industries", "Robotics", "Manufacturing", "Materials", "Works"),
    "media": ("Media", "Studios", "Publishing", "Collective", "Broadcasting"),
}
# Software employers may also be "<first><suffix>" ("Cedarbase").
COMPANY_SUFFIX: tuple[str, ...] = ("ly", "io", "ify", "hub", "wise", "stack", "base", "works")

# Aggregator boards are named "<prefix> <noun>".
BOARD_PREFIX: tuple[str, ...] = (
    "Open", "Daily", "Fresh", "Remote", "Prime", "Next", "True", "Local", "Global", "Swift",
    "Clear", "Bold", "Solid", "Smart", "Happy", "Metro", "Urban", "Green",
)
BOARD_NOUN: tuple[str, ...] = ("Jobs", "Careers", "Hire", "Roles", "Openings", "Work", "Talent", "Gigs")

COMMITMENTS: tuple[tuple[str, float], ...] = (
    ("Full-time", 0.78),
    ("Part-time", 0.1),
    ("Contract", 0.08),
    ("Internship", 0.04),
)


@dataclass(frozen=True)
class RoleFamily:
    """One role family: titles are "[level] [specialty] role"."""

    name: str
    department: str
    roles: tuple[str, ...]
    specialties: tuple[str, ...]
    levels: tuple[str, ...] = ("", "Junior", "Senior", "Lead", "Principal")


ROLE_FAMILIES: tuple[RoleFamily, ...] = (
    RoleFamily(
        "engineering",
        "Engineering",
        (
            "Software Engineer", "Backend Engineer", "Frontend Engineer", "Full Stack Developer",
            "Site Reliability Engineer", "QA Engineer", "iOS Developer", "Android Developer",
            "Security Engineer", "DevOps Engineer", "Embedded Engineer", "Engineering Manager",
        ),
        (
            "", "Payments", "Platform", "Checkout", "Identity", "Search", "Billing", "Infrastructure",
            "Growth", "Core", "Integrations", "Marketplace", "Messaging", "Observability",
            "Storage", "Networking", "Compliance", "Onboarding", "Pricing", "Fraud", "Ledger",
            "Notifications", "Catalog", "Routing", "Auth",
        ),
        ("", "Junior", "Senior", "Staff", "Principal", "Lead"),
    ),
    RoleFamily(
        "data",
        "Data",
        (
            "Data Engineer", "Data Scientist", "Data Analyst", "Analytics Engineer",
            "Machine Learning Engineer", "BI Developer", "Research Scientist", "Database Administrator",
        ),
        (
            "", "Marketing", "Risk", "Product", "Supply Chain", "Customer", "Forecasting", "Pricing",
            "Experimentation", "Revenue", "Clinical", "Fraud", "Personalization", "Recommendations",
            "Geospatial", "Reporting", "Credit", "Demand",
        ),
    ),
    RoleFamily(
        "design",
        "Design",
        ("Product Designer", "UX Researcher", "UI Designer", "Visual Designer", "Design Manager", "Content Designer"),
        ("", "Mobile", "Web", "Brand", "Design Systems", "Checkout", "Onboarding", "Accessibility", "Motion", "Growth"),
    ),
    RoleFamily(
        "product",
        "Product",
        ("Product Manager", "Product Owner", "Technical Program Manager", "Product Operations Manager"),
        (
            "", "Payments", "Platform", "Growth", "Mobile", "API", "Enterprise", "Consumer", "Search",
            "Billing", "Data", "Checkout", "Partnerships", "Logistics",
        ),
        ("", "Associate", "Senior", "Group", "Principal", "Lead"),
    ),
    RoleFamily(
        "sales",
        "Sales",
        (
            "Account Executive", "Sales Development Representative", "Account Manager",
            "Sales Engineer", "Sales Manager", "Business Development Manager", "Partnerships Manager",
        ),
        (
            "", "Enterprise", "Mid-Market", "SMB", "DACH", "Nordics", "Benelux", "Iberia", "UK",
            "North America", "Public Sector", "Healthcare", "Retail", "Strategic", "Channel",
        ),
    ),
    RoleFamily(
        "marketing",
        "Marketing",
        (
            "Marketing Manager", "Content Marketing Manager", "Performance Marketing Manager",
            "Product Marketing Manager", "SEO Specialist", "Copywriter", "Brand Manager",
            "Community Manager", "Event Manager",
        ),
        ("", "B2B", "Lifecycle", "Growth", "Field", "Partner", "Regional", "Demand Generation", "Social Media", "Influencer"),
    ),
    RoleFamily(
        "customer_support",
        "Customer Support",
        (
            "Customer Support Specialist", "Customer Success Manager", "Technical Support Engineer",
            "Support Team Lead", "Customer Service Representative", "Implementation Consultant",
        ),
        (
            "", "German-speaking", "French-speaking", "Spanish-speaking", "Dutch-speaking", "Enterprise",
            "Tier 2", "Night Shift", "Weekend", "Escalations", "Onboarding", "VIP",
        ),
        ("", "Junior", "Senior", "Lead"),
    ),
    RoleFamily(
        "operations",
        "Operations",
        (
            "Operations Manager", "Warehouse Associate", "Supply Chain Analyst", "Fleet Coordinator",
            "Procurement Specialist", "Logistics Coordinator", "Facilities Manager", "Dispatcher",
            "Inventory Planner", "Store Manager",
        ),
        (
            "", "Inbound", "Outbound", "Last Mile", "Cold Chain", "Returns", "Night Shift", "Regional",
            "Fulfillment", "Customs", "Vendor", "Quality",
        ),
        ("", "Junior", "Senior", "Lead", "Area"),
    ),
    RoleFamily(
        "finance",
        "Finance",
        (
            "Financial Analyst", "Accountant", "Controller", "Tax Manager", "Treasury Analyst",
            "Payroll Specialist", "Accounts Payable Clerk", "Internal Auditor", "Financial Planning Manager",
            "Credit Analyst",
        ),
        ("", "Group", "Corporate", "Revenue", "Regulatory", "Investment", "Consolidation", "Transfer Pricing", "Insurance"),
    ),
    RoleFamily(
        "people",
        "People & Culture",
        (
            "Recruiter", "HR Business Partner", "People Operations Specialist", "Talent Acquisition Partner",
            "Learning and Development Manager", "Compensation Analyst", "HR Generalist",
        ),
        ("", "Technical", "Executive", "Campus", "Sales", "Global", "Regional", "Benefits"),
    ),
    RoleFamily(
        "legal",
        "Legal",
        ("Legal Counsel", "Paralegal", "Compliance Officer", "Privacy Counsel", "Contract Manager", "General Counsel"),
        ("", "Commercial", "Employment", "Regulatory", "Corporate", "Intellectual Property", "Litigation", "Data Protection"),
        ("", "Junior", "Senior", "Associate", "Deputy"),
    ),
    RoleFamily(
        "healthcare",
        "Clinical",
        (
            "Registered Nurse", "Nurse Practitioner", "Physician Assistant", "Medical Assistant",
            "Physical Therapist", "Pharmacist", "Radiology Technician", "Care Coordinator",
            "Occupational Therapist", "Lab Technician", "Physician",
        ),
        (
            "", "ICU", "Pediatric", "Oncology", "Emergency", "Cardiology", "Surgical", "Outpatient",
            "Home Care", "Geriatric", "Neonatal", "Orthopedic", "Psychiatric", "Rehabilitation",
            "Telemetry", "Dialysis", "Maternity", "Palliative",
        ),
        ("", "Senior", "Lead", "Staff", "Travel", "Charge"),
    ),
    RoleFamily(
        "education",
        "Education",
        (
            "Teacher", "Teaching Assistant", "Curriculum Designer", "Tutor", "Instructional Designer",
            "School Counselor", "Lecturer", "Admissions Officer",
        ),
        (
            "", "Mathematics", "Physics", "Chemistry", "Biology", "English", "History", "Music", "Art",
            "Computer Science", "Special Education", "Early Years", "Spanish", "Geography",
        ),
        ("", "Junior", "Senior", "Lead", "Head"),
    ),
)

# How each industry's employers hire: weight per role family (missing families weigh 1).
INDUSTRY_FAMILY_WEIGHTS: dict[str, dict[str, float]] = {
    "software": {"engineering": 30, "data": 12, "design": 6, "product": 8, "sales": 10, "marketing": 6, "customer_support": 6},
    "healthcare": {"healthcare": 40, "operations": 6, "customer_support": 5, "finance": 3, "data": 3},
    "finance": {"finance": 25, "engineering": 12, "data": 10, "legal": 6, "sales": 8, "customer_support": 5},
    "retail": {"operations": 25, "sales": 12, "marketing": 10, "customer_support": 10, "design": 3},
    "education": {"education": 40, "operations": 4, "people": 3, "customer_support": 3},
    "logistics": {"operations": 35, "engineering": 6, "data": 5, "sales": 6, "customer_support": 6},
    "manufacturing": {"operations": 25, "engineering": 10, "finance": 5, "sales": 6},
    "media": {"marketing": 20, "design": 10, "engineering": 8, "sales": 8, "data": 5},
}

GENDER_MARKERS: tuple[str, ...] = ("(m/w/d)", "(f/m/x)", "(m/f/d)", "(w/m/d)")
# Punctuation a repost may add at the end of a title (never after a location clause).
TRAILING_PUNCTUATION: tuple[str, ...] = ("!", ".", "*")
