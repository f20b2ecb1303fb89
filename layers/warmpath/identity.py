"""Identity resolution: deciding whether two records name the same person, with a confidence and evidence.

Used by network import, matching and the CRM. People are matched without shared ids:

- email, by mailbox (``email_key``: case; dots and ``+tags`` only where the provider ignores them);
- LinkedIn profile URL, in every variant (``normalise_linkedin_url``);
- name + organisation: names folded (accents, case), honorifics and suffixes dropped, "Last, First"
  turned round, nicknames mapped to the formal name; organisations without legal suffixes, "The" or
  punctuation, "&" read as "and"; a work email's domain (never a free-mail one) stands for its company.

Organisations that the data says belong together are linked (``OrgLink``): a rename ("Facebook" became
"Meta"), a subsidiary ("Instagram" is part of "Meta"), or two names whose people share a work email domain.
Renames and subsidiaries come from an admin (``warmpath org link``) or a CRM's parent account; shared
domains from imports, and only when at least MIN_DOMAIN_SUPPORT people show it (one person with a stale
address must not join two companies). A link widens matching to the linked names, at the link's lower
confidence, and is always named in the evidence.

``compare`` returns a ``Match``: ``same`` at or above SAME_AT, ``possible`` from POSSIBLE_AT (never merged
silently), otherwise ``different``. ``make bench`` measures precision and recall on the labelled pairs in
``tests/data/identity_pairs.csv``.
"""

from __future__ import annotations

import contextlib
import hashlib
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from urllib.parse import unquote, urlsplit

_EMAIL = re.compile(r"^[^@\s<>\"(),;:]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9-]+)+$")
# /in/<slug>, or the legacy /pub/<name>/<a>/<b>/<c> whose trailing parts tell same-named people apart.
_LINKEDIN_PROFILE = re.compile(r"^/(in)/([^/?#]+)|^/(pub)/([^?#]+?)/?$", re.IGNORECASE)


def normalise_email(value: str) -> str:
    """Lower-case and trim an email address; raise ValueError when it is not one."""
    email = value.strip().lower()
    if not _EMAIL.match(email) or len(email) > 254:
        raise ValueError(f"'{value.strip()}' is not an email address (expected name@company.com)")
    return email


def normalise_linkedin_url(value: str) -> str:
    """Reduce a LinkedIn profile URL to ``linkedin.com/in/<slug>``; raise ValueError when it is not one.

    Exports and people write the same profile many ways: with or without scheme, ``www.`` or a country
    subdomain, a trailing slash, query strings, upper case.
    """
    raw = value.strip()
    if not raw:
        raise ValueError("the LinkedIn URL is empty")
    if "://" not in raw:
        raw = "https://" + raw
    parts = urlsplit(raw)
    host = (parts.hostname or "").lower()
    if not (host == "linkedin.com" or host.endswith(".linkedin.com")):
        raise ValueError(f"'{value.strip()}' is not a LinkedIn profile URL (expected linkedin.com/in/...)")
    match = _LINKEDIN_PROFILE.match(parts.path)
    if not match:
        raise ValueError(f"'{value.strip()}' is not a LinkedIn profile URL (expected linkedin.com/in/...)")
    kind, slug = (match.group(1), match.group(2)) if match.group(1) else (match.group(3), match.group(4))
    return f"linkedin.com/{kind.lower()}/{unquote(slug).lower()}"


def claim_keys(
    *,
    email: str | None = None,
    linkedin_url: str | None = None,
    name: str | None = None,
    organisation: str | None = None,
) -> list[str]:
    """Hashed identifiers of a record, strongest first: mailbox, LinkedIn profile, then name at organisation.

    The name claim needs an organisation (a name alone is a namesake too often) and a first and last name.
    """
    claims: list[str] = []
    if email:
        with contextlib.suppress(ValueError):  # an unusable identifier is simply not a claim
            claims.append(f"email|{email_key(email)}")
    if linkedin_url:
        with contextlib.suppress(ValueError):
            claims.append(f"linkedin|{normalise_linkedin_url(linkedin_url)}")
    if name and organisation:
        parsed = parse_name(name)
        if parsed.first and parsed.last:
            claims.append(f"name|{parsed.key}|{organisation_key(organisation)}")
    return [_hash_claim(c) for c in claims]


def _hash_claim(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:32]


@dataclass(frozen=True)
class Claim:
    """One identifier to look a target up by, with how sure a hit on it makes us and why."""

    key: str
    confidence: float
    evidence: str


def target_claims(
    *,
    email: str | None = None,
    linkedin_url: str | None = None,
    name: str | None = None,
    organisation: str | None = None,
    links: Sequence[OrgLink] = (),
) -> list[Claim]:
    """The claims to look a request's target up by, strongest first (the name also at linked organisations)."""
    claims: list[Claim] = []
    if email:
        with contextlib.suppress(ValueError):
            claims.append(Claim(_hash_claim(f"email|{email_key(email)}"), 1.0, "same email address"))
    if linkedin_url:
        with contextlib.suppress(ValueError):
            url = normalise_linkedin_url(linkedin_url)
            claims.append(Claim(_hash_claim(f"linkedin|{url}"), 0.99, "same LinkedIn profile"))
    parsed = parse_name(name) if name else None
    if parsed and parsed.first and parsed.last and organisation:
        org_key = organisation_key(organisation)
        claims.append(Claim(_hash_claim(f"name|{parsed.key}|{org_key}"), 0.9, f"same name at {organisation}"))
        for link in links:
            other = link.other(org_key)
            claims.append(
                Claim(
                    _hash_claim(f"name|{parsed.key}|{other}"),
                    round(0.9 * link.confidence, 3),
                    f"same name at {link.describe()}",
                )
            )
    return claims


def person_id_for(*, email: str | None, linkedin_url: str | None, name: str, organisation: str) -> str:
    """A stable id for a person from their strongest identifier (email, then LinkedIn, then name+org)."""
    if email:
        basis = "email:" + normalise_email(email)
    elif linkedin_url:
        basis = "linkedin:" + normalise_linkedin_url(linkedin_url)
    else:
        basis = "name:" + parse_name(name).key + "|" + organisation_key(organisation)
    return hashlib.sha256(basis.encode()).hexdigest()[:24]


# -- email ---------------------------------------------------------------------------------------------

FREE_MAIL = frozenset(
    [
        "gmail.com",
        "googlemail.com",
        "yahoo.com",
        "yahoo.co.uk",
        "ymail.com",
        "hotmail.com",
        "hotmail.co.uk",
        "outlook.com",
        "live.com",
        "msn.com",
        "icloud.com",
        "me.com",
        "mac.com",
        "aol.com",
        "proton.me",
        "protonmail.com",
        "gmx.de",
        "gmx.net",
        "gmx.com",
        "web.de",
        "mail.com",
        "yandex.ru",
        "yandex.com",
        "qq.com",
        "163.com",
        "126.com",
        "fastmail.com",
        "zoho.com",
        "hey.com",
        "tutanota.com",
        "orange.fr",
        "free.fr",
        "laposte.net",
        "btinternet.com",
        "comcast.net",
        "verizon.net",
        "att.net",
    ]
)
_DOTS_IGNORED = frozenset({"gmail.com", "googlemail.com"})
_PLUS_TAGS = frozenset(
    {"gmail.com", "googlemail.com", "outlook.com", "hotmail.com", "live.com", "icloud.com", "me.com",
     "fastmail.com", "proton.me", "protonmail.com"}
)  # fmt: skip


def email_key(email: str) -> str:
    """The mailbox an address delivers to: Gmail ignores dots, several providers ignore ``+tags``."""
    local, _, domain = normalise_email(email).partition("@")
    if domain == "googlemail.com":
        domain = "gmail.com"
    if domain in _PLUS_TAGS:
        local = local.split("+", 1)[0]
    if domain in _DOTS_IGNORED:
        local = local.replace(".", "")
    return f"{local}@{domain}"


def work_domain(email: str | None) -> str | None:
    """The company domain of a work address; None for free-mail providers (they say nothing of an employer)."""
    if not email or "@" not in email:
        return None
    domain = email.rsplit("@", 1)[1].lower()
    return None if domain in FREE_MAIL else domain


# -- names -----------------------------------------------------------------------------------------------

_SPECIAL_LETTERS = str.maketrans({"ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "ł": "l", "đ": "d", "ð": "d", "þ": "th"})
HONORIFICS = frozenset(
    ["mr", "mrs", "ms", "miss", "mx", "dr", "prof", "professor", "sir", "dame", "rev", "hon", "lord", "lady"]
)
NAME_SUFFIXES = frozenset(
    [
        "jr",
        "sr",
        "ii",
        "iii",
        "iv",
        "v",
        "phd",
        "md",
        "mba",
        "cpa",
        "esq",
        "dds",
        "jd",
        "cfa",
        "pe",
        "rn",
        "obe",
        "mbe",
        "pmp",
        "msc",
        "bsc",
        "ba",
        "ma",
    ]
)
# Nicknames and short forms -> the formal name(s) they stand for.
NICKNAMES: dict[str, tuple[str, ...]] = {
    "bob": ("robert",), "bobby": ("robert",), "rob": ("robert",), "robbie": ("robert",), "bert": ("robert", "albert"),
    "bill": ("william",), "billy": ("william",), "will": ("william",), "willy": ("william",), "liam": ("william",),
    "liz": ("elizabeth",), "lizzie": ("elizabeth",), "beth": ("elizabeth",), "betty": ("elizabeth",),
    "eliza": ("elizabeth",), "libby": ("elizabeth",), "jim": ("james",), "jimmy": ("james",), "jamie": ("james",),
    "mike": ("michael",), "mikey": ("michael",), "mick": ("michael",), "dave": ("david",), "davey": ("david",),
    "dan": ("daniel",), "danny": ("daniel",), "tom": ("thomas",), "tommy": ("thomas",), "joe": ("joseph",),
    "joey": ("joseph",), "chris": ("christopher", "christine", "christina"), "kate": ("katherine", "catherine"),
    "katie": ("katherine", "catherine"), "kathy": ("katherine",), "cathy": ("catherine",), "kat": ("katherine",),
    "jen": ("jennifer",), "jenny": ("jennifer",), "alex": ("alexander", "alexandra"), "sasha": ("alexander",),
    "sam": ("samuel", "samantha"), "sammy": ("samuel",), "nick": ("nicholas",), "nicky": ("nicholas",),
    "matt": ("matthew",), "andy": ("andrew",), "drew": ("andrew",), "tony": ("anthony",),
    "steve": ("steven", "stephen"),
    "greg": ("gregory",), "ben": ("benjamin",), "benny": ("benjamin",), "ed": ("edward",), "eddie": ("edward",),
    "ted": ("edward", "theodore"), "rick": ("richard",), "ricky": ("richard",), "rich": ("richard",),
    "dick": ("richard",), "chuck": ("charles",), "charlie": ("charles",), "peggy": ("margaret",),
    "maggie": ("margaret",), "meg": ("margaret",), "pat": ("patricia", "patrick"), "patty": ("patricia",),
    "sue": ("susan",), "susie": ("susan",), "debbie": ("deborah",), "deb": ("deborah",), "jon": ("jonathan",),
    "johnny": ("john",), "jack": ("john",), "nate": ("nathan", "nathaniel"), "ken": ("kenneth",),
    "kenny": ("kenneth",), "larry": ("lawrence",), "jerry": ("gerald",), "jeff": ("jeffrey",), "tim": ("timothy",),
    "timmy": ("timothy",), "fred": ("frederick",), "freddie": ("frederick",), "frank": ("francis", "franklin"),
    "hank": ("henry",), "harry": ("henry", "harold"), "al": ("albert", "alan"), "vince": ("vincent",),
    "abby": ("abigail",), "becky": ("rebecca",), "becca": ("rebecca",), "vicky": ("victoria",), "tori": ("victoria",),
    "mandy": ("amanda",), "manny": ("emmanuel",), "nacho": ("ignacio",), "pepe": ("jose",), "paco": ("francisco",),
    "lupe": ("guadalupe",), "wes": ("wesley",), "zach": ("zachary",), "zack": ("zachary",), "josh": ("joshua",),
    "phil": ("philip", "phillip"), "ron": ("ronald",), "ronnie": ("ronald",), "don": ("donald",),
    "doug": ("douglas",), "gabe": ("gabriel",), "izzy": ("isabel", "isabella"), "bella": ("isabella",),
    "ally": ("alison", "allison"), "ali": ("alison", "alistair"), "val": ("valerie",), "stu": ("stuart",),
    "mo": ("mohammed", "maurice"), "trish": ("patricia",), "gus": ("augustus", "angus"),
}  # fmt: skip


def fold(text: str) -> str:
    """Lower case without accents: "Zoë García" -> "zoe garcia"."""
    decomposed = unicodedata.normalize("NFKD", text.lower().translate(_SPECIAL_LETTERS))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@dataclass(frozen=True)
class PersonName:
    first: str
    last: str

    @property
    def key(self) -> str:
        """A key equal for the same name however it is written (first name in its formal form)."""
        return f"{formal_names(self.first)[0]} {self.last}".strip()


def _tokens(text: str) -> list[str]:
    cleaned = re.sub(r"[.'\u2019`]", "", fold(text))  # O'Connor, O\u2019Connor -> oconnor
    return [t for t in re.split(r"[^a-z0-9-]+", cleaned) if t and t.strip("-")]


def parse_name(raw: str) -> PersonName:
    """Split a written name into first and last, whatever the order, honorifics or suffixes."""
    text = raw.strip()
    if text.count(",") == 1:
        before, after = (part.strip() for part in text.split(","))
        after_tokens = _tokens(after)
        is_suffix = not after_tokens or all(t in NAME_SUFFIXES for t in after_tokens)
        text = before if is_suffix else f"{after} {before}"  # "Smith, PhD" or "Last, First"
    tokens = _tokens(text)
    while tokens and tokens[0] in HONORIFICS:
        tokens.pop(0)
    while len(tokens) > 1 and tokens[-1] in NAME_SUFFIXES:
        tokens.pop()
    if not tokens:
        return PersonName("", "")
    if len(tokens) == 1:
        return PersonName(tokens[0], "")
    return PersonName(tokens[0], tokens[-1])


@lru_cache(maxsize=4096)
def formal_names(first: str) -> tuple[str, ...]:
    return NICKNAMES.get(first, (first,))


def _first_names_agree(a: str, b: str) -> tuple[float, str]:
    if a == b:
        return 1.0, "same first name"
    if set(formal_names(a)) & set(formal_names(b)) or a in formal_names(b) or b in formal_names(a):
        return 0.95, f"'{a}' and '{b}' are the same name (nickname)"
    if len(a) == 1 or len(b) == 1:
        return (0.75, "first initial agrees") if a[0] == b[0] else (0.0, "first names differ")
    if min(len(a), len(b)) >= 4 and _edit_distance(a, b) <= 1:
        return 0.9, "first names differ by one letter"
    if min(len(a), len(b)) >= 3 and (a.startswith(b) or b.startswith(a)):
        return 0.8, "one first name shortens the other"
    return 0.0, "first names differ"


def _last_names_agree(a: str, b: str) -> tuple[float, str]:
    if a == b:
        return 1.0, "same last name"
    if a.replace("-", "") == b.replace("-", "") or (
        ("-" in a or "-" in b) and (a in b.split("-") or b in a.split("-"))
    ):
        return 0.95, "same last name (hyphenation)"
    if min(len(a), len(b)) >= 4 and _edit_distance(a, b) <= 1:
        return 0.9, "last names differ by one letter (typo)"
    return 0.0, "last names differ"


def _edit_distance(a: str, b: str) -> int:
    """Damerau-Levenshtein distance (adjacent transpositions count once), enough for typos."""
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        current = [i]
        for j, cb in enumerate(b, start=1):
            cost = 0 if ca == cb else 1
            value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                value = min(value, previous2[j - 2] + 1)
            current.append(value)
        previous2, previous = previous, current
    return previous[-1]


# -- organisations -----------------------------------------------------------------------------------------

LEGAL_SUFFIXES = frozenset(
    [
        "inc",
        "incorporated",
        "llc",
        "lc",
        "ltd",
        "limited",
        "gmbh",
        "mbh",
        "ag",
        "sa",
        "sas",
        "sarl",
        "srl",
        "spa",
        "bv",
        "nv",
        "plc",
        "corp",
        "corporation",
        "co",
        "company",
        "lp",
        "llp",
        "pty",
        "pte",
        "kk",
        "oy",
        "ab",
        "as",
        "aps",
        "kg",
        "se",
        "ug",
        "oyj",
        "asa",
        "sl",
        "sae",
        "pvt",
        "holdings",
        "holding",
        "group",
    ]
)


def organisation_key(name: str) -> str:
    """A key equal for the same organisation however it is written: "The Soylent Co., Inc." -> "soylent"."""
    text = fold(name).replace("&", " and ").replace("+", " and ")
    words = re.findall(r"[a-z0-9]+", text.replace(".", ""))  # "S.A." -> "sa", "L.L.C." -> "llc"
    if len(words) > 1 and words[0] == "the":
        words = words[1:]
    while len(words) > 1 and words[-1] in LEGAL_SUFFIXES:
        words.pop()
    return "-".join(words) or "unknown"


def _domain_matches(domain: str, org_key: str) -> bool:
    """Whether a work email's domain names the organisation: stark-and-wayne ~ starkwayne.com, ibm ~ ibm.com."""
    label = domain.split(".")[-2] if domain.count(".") >= 1 else domain
    words = org_key.split("-")
    forms = {"".join(words), "".join(w for w in words if w != "and"), words[0], "".join(w[0] for w in words)}
    return bool(label) and (label in forms or "".join(words).startswith(label))


ORG_RELATIONS = {
    # relation: (how ``a`` relates to ``b`` in words, the confidence that people at one are at the other)
    "renamed": ("is now", 0.95),
    "subsidiary": ("is part of", 0.9),
    "same_domain": ("shares a work email domain with", 0.85),
}
MIN_DOMAIN_SUPPORT = 2


@dataclass(frozen=True)
class OrgLink:
    """What the data tells us about two organisations (by key): ``a`` <relation> ``b``, and why we think so."""

    a: str
    b: str
    relation: str
    evidence: str

    def __post_init__(self) -> None:
        if self.relation not in ORG_RELATIONS:
            raise ValueError(f"relation must be one of {', '.join(ORG_RELATIONS)}")
        if self.a == self.b:
            raise ValueError("an organisation cannot be linked to itself")

    @property
    def confidence(self) -> float:
        return ORG_RELATIONS[self.relation][1]

    def other(self, key: str) -> str:
        return self.b if key == self.a else self.a

    def describe(self) -> str:
        return f"{self.a} ({ORG_RELATIONS[self.relation][0]} {self.b}: {self.evidence})"


def domain_links(
    records: Iterable[tuple[str | None, str | None]], owners: Mapping[str, str]
) -> tuple[dict[str, str], list[OrgLink]]:
    """From (email, organisation) records: the work domains to record as owned, and the links they show.

    A domain is owned by the first organisation seen using it (``owners`` holds those already known). A
    second organisation whose people use an owned domain is linked to its owner; either needs at least
    MIN_DOMAIN_SUPPORT records, so one stale address is not evidence. Deterministic: the busiest
    organisation of a new domain owns it, ties broken by key.
    """
    support: dict[str, dict[str, int]] = {}
    for email, organisation in records:
        domain = work_domain(email)
        if domain and organisation:
            by_org = support.setdefault(domain, {})
            key = organisation_key(organisation)
            by_org[key] = by_org.get(key, 0) + 1
    new_owners: dict[str, str] = {}
    links: list[OrgLink] = []
    for domain in sorted(support):
        counted = sorted(
            ((k, n) for k, n in support[domain].items() if n >= MIN_DOMAIN_SUPPORT), key=lambda kn: (-kn[1], kn[0])
        )
        if not counted:
            continue
        owner = owners.get(domain)
        if owner is None:
            owner = new_owners[domain] = counted[0][0]
        links += [
            OrgLink(key, owner, "same_domain", f"{n} people at {key} use @{domain}")
            for key, n in counted
            if key != owner
        ]
    return new_owners, links


def _organisations_agree(a: Identity, b: Identity, links: Sequence[OrgLink] = ()) -> tuple[float | None, str]:
    keys = [organisation_key(x.organisation) if x.organisation else None for x in (a, b)]
    domains = [work_domain(x.email) for x in (a, b)]
    if keys[0] and keys[1]:
        if keys[0] == keys[1]:
            return 1.0, f"same organisation ({keys[0]})"
        link = next((lk for lk in links if {lk.a, lk.b} == {keys[0], keys[1]}), None)
        if link is not None:
            return link.confidence, link.describe()
        first, second = set(keys[0].split("-")), set(keys[1].split("-"))
        if first <= second or second <= first:
            return 0.9, "one organisation name contains the other"
    if domains[0] and domains[1] and domains[0] == domains[1]:
        return 1.0, f"same work email domain ({domains[0]})"
    for key, domain in ((keys[0], domains[1]), (keys[1], domains[0])):
        if key and domain and _domain_matches(domain, key):
            return 0.95, f"work email domain {domain} matches {key}"
    if (keys[0] or domains[0]) and (keys[1] or domains[1]):
        return 0.0, "different organisations"
    return None, "organisation unknown on one side"


# -- comparing two records -----------------------------------------------------------------------------------

SAME_AT = 0.8  # e.g. a nickname and a typo at the same organisation: 0.95 * 0.9 * 0.95
POSSIBLE_AT = 0.5


@dataclass(frozen=True)
class Identity:
    """What one record says about a person."""

    name: str
    email: str | None = None
    linkedin_url: str | None = None
    organisation: str | None = None


@dataclass(frozen=True)
class Match:
    confidence: float
    evidence: list[str] = field(default_factory=list)

    @property
    def decision(self) -> str:
        if self.confidence >= SAME_AT:
            return "same"
        return "possible" if self.confidence >= POSSIBLE_AT else "different"


def compare(a: Identity, b: Identity, links: Sequence[OrgLink] = ()) -> Match:
    """How sure we are that ``a`` and ``b`` are one person, and why (``links``: known organisation links)."""
    if a.email and b.email and email_key(a.email) == email_key(b.email):
        return Match(1.0, ["same email address"])
    if a.linkedin_url and b.linkedin_url:
        if normalise_linkedin_url(a.linkedin_url) == normalise_linkedin_url(b.linkedin_url):
            return Match(0.99, ["same LinkedIn profile"])
        return Match(0.02, ["different LinkedIn profiles"])
    name_a, name_b = parse_name(a.name), parse_name(b.name)
    if not (name_a.last and name_b.last):
        return Match(0.0, ["a full name is missing"])
    last, last_why = _last_names_agree(name_a.last, name_b.last)
    first, first_why = _first_names_agree(name_a.first, name_b.first)
    organisation, organisation_why = _organisations_agree(a, b, links)
    evidence = [first_why, last_why, organisation_why]
    if last == 0.0 or first == 0.0:
        return Match(0.0, evidence)
    if organisation is None:
        return Match(round(0.6 * first * last, 3), evidence)  # a namesake is too likely: only "possible"
    if organisation == 0.0:
        return Match(round(0.2 * first * last, 3), evidence)
    return Match(round(first * last * organisation, 3), evidence)


def score_labelled_pairs(rows: list[dict[str, str]]) -> tuple[float, float]:
    """(precision, recall) of ``compare`` deciding "same" on labelled pairs (the columns of identity_pairs.csv)."""
    true_positive = false_positive = false_negative = 0
    for row in rows:
        a, b = (
            Identity(row[f"{s}_name"], row[f"{s}_email"] or None, row[f"{s}_linkedin"] or None, row[f"{s}_org"] or None)
            for s in ("a", "b")
        )
        same, labelled_same = compare(a, b).decision == "same", row["label"] == "same"
        true_positive += same and labelled_same
        false_positive += same and not labelled_same
        false_negative += labelled_same and not same
    precision = true_positive / (true_positive + false_positive) if true_positive + false_positive else 1.0
    return precision, true_positive / (true_positive + false_negative)
