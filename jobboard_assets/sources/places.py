"""Place words that end job titles ("Engineer - Berlin", "Analyst, New York, NY", "(Remote)").

Plain data, folded like titles (lower case, no accents). A trailing title clause is dropped only
when every piece of it is in here (or in the posting's own location), so "Engineer - Backend"
keeps its specialty. Extend the lists rather than loosening that rule.
"""

from __future__ import annotations

# fmt: off
WORK_ARRANGEMENTS: frozenset[str] = frozenset(
    {
        "remote", "fully remote", "100 remote", "remote first", "hybrid", "onsite", "on site",
        "in office", "anywhere", "worldwide", "global", "international", "work from home", "wfh",
        "distributed",
    }
)

REGIONS: frozenset[str] = frozenset(
    {
        "emea", "apac", "amer", "americas", "latam", "latin america", "north america",
        "south america", "central america", "europe", "eu", "eea", "dach", "nordics", "benelux",
        "iberia", "cee", "asia", "asia pacific", "africa", "middle east", "mena", "oceania", "anz",
        "uk", "us", "usa", "u s", "us only", "eu only", "uk only", "timezones", "cet", "est", "pst",
        "utc",
    }
)

COUNTRIES: frozenset[str] = frozenset(
    {
        "united states", "united kingdom", "great britain", "england", "scotland", "wales",
        "ireland", "germany", "deutschland", "austria", "osterreich", "switzerland", "schweiz",
        "france", "spain", "portugal", "italy", "netherlands", "belgium", "luxembourg", "denmark",
        "sweden", "norway", "finland", "iceland", "poland", "czechia", "czech republic", "slovakia",
        "hungary", "romania", "bulgaria", "greece", "croatia", "serbia", "slovenia", "estonia",
        "latvia", "lithuania", "ukraine", "turkey", "israel", "canada", "mexico", "brazil",
        "argentina", "chile", "colombia", "peru", "uruguay", "india", "pakistan", "bangladesh",
        "china", "japan", "south korea", "korea", "taiwan", "hong kong", "singapore", "malaysia",
        "indonesia", "philippines", "vietnam", "thailand", "australia", "new zealand",
        "south africa", "nigeria", "kenya", "egypt", "morocco", "uae", "united arab emirates",
        "saudi arabia", "qatar",
    }
)

CITIES: frozenset[str] = frozenset(
    {
        "berlin", "munich", "munchen", "hamburg", "cologne", "koln", "frankfurt",
        "frankfurt am main", "stuttgart", "dusseldorf", "leipzig", "dresden", "nuremberg",
        "nurnberg", "hannover", "vienna", "wien", "zurich", "geneva", "basel", "bern", "london",
        "manchester", "edinburgh", "glasgow", "bristol", "cambridge", "oxford", "birmingham",
        "leeds", "belfast", "dublin", "cork", "amsterdam", "rotterdam", "utrecht", "eindhoven",
        "the hague", "brussels", "antwerp", "paris", "lyon", "marseille", "toulouse", "nantes",
        "lille", "madrid", "barcelona", "valencia", "malaga", "seville", "lisbon", "porto", "milan",
        "rome", "turin", "copenhagen", "aarhus", "stockholm", "gothenburg", "malmo", "oslo",
        "helsinki", "tallinn", "riga", "vilnius", "warsaw", "krakow", "wroclaw", "gdansk", "poznan",
        "prague", "brno", "budapest", "bucharest", "cluj", "sofia", "athens", "istanbul",
        "tel aviv", "kyiv", "kiev", "new york", "new york city", "nyc", "brooklyn", "san francisco",
        "sf", "bay area", "san francisco bay area", "san jose", "palo alto", "mountain view",
        "menlo park", "sunnyvale", "oakland", "los angeles", "la", "san diego", "seattle",
        "portland", "austin", "dallas", "houston", "chicago", "boston", "cambridge ma", "denver",
        "boulder", "atlanta", "miami", "washington", "washington dc", "philadelphia", "pittsburgh",
        "phoenix", "salt lake city", "minneapolis", "detroit", "raleigh", "nashville", "toronto",
        "montreal", "vancouver", "ottawa", "calgary", "waterloo", "mexico city", "sao paulo",
        "rio de janeiro", "buenos aires", "santiago", "bogota", "lima", "sydney", "melbourne",
        "brisbane", "perth", "auckland", "singapore", "bangalore", "bengaluru", "hyderabad", "pune",
        "mumbai", "delhi", "new delhi", "gurgaon", "gurugram", "noida", "chennai", "tokyo", "osaka",
        "seoul", "shanghai", "beijing", "shenzhen", "taipei", "manila", "jakarta", "kuala lumpur",
        "bangkok", "ho chi minh city", "dubai", "abu dhabi", "riyadh", "doha", "cairo", "lagos",
        "nairobi", "cape town", "johannesburg",
    }
)

# Short region codes that follow a city ("New York, NY", "Toronto, ON", "Sydney, NSW").
REGION_CODES: frozenset[str] = frozenset(
    {
        "al", "ak", "az", "ar", "ca", "co", "ct", "dc", "de", "fl", "ga", "hi", "il", "in", "ia",
        "ks", "ky", "la", "me", "md", "ma", "mi", "mn", "ms", "mo", "mt", "ne", "nv", "nh", "nj",
        "nm", "ny", "nc", "nd", "oh", "ok", "or", "pa", "ri", "sc", "sd", "tn", "tx", "ut", "vt",
        "va", "wa", "wv", "wi", "wy", "on", "qc", "bc", "ab", "mb", "ns", "nsw", "vic", "qld", "sp",
        "rj", "cdmx", "gb", "nl", "fr", "es", "pt", "se", "dk", "no", "fi", "pl", "cz", "at", "ch",
        "ie", "au", "nz", "sg", "jp", "br", "mx",
    }
)

# fmt: on

PLACES: frozenset[str] = WORK_ARRANGEMENTS | REGIONS | COUNTRIES | CITIES | REGION_CODES
