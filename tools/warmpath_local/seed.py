"""The demo tenant: one admin, two requesters and twenty connectors with realistic networks.

Deterministic (a fixed random seed), so the demo and the tests see the same data every time. The star
prospect, Priya Natarajan (VP Sales, Northwind Logistics), is known by three connectors of different
strength and type, so the ranking has something to show.
"""

from __future__ import annotations

import random
from typing import Any

from warmpath import wiring
from warmpath.contacts import Contact, ParsedFile
from warmpath.identity import normalise_linkedin_url, organisation_key
from warmpath.models import Organisation, Relationship
from warmpath.network import import_contacts, rate_tie

TENANT = "demo"
TENANT_NAME = "Acme Analytics"
ADMIN = ("ada@acme.example", "Ada Okafor", "VP Revenue")
REQUESTERS = [
    ("riley@acme.example", "Riley Chen", "Account Executive"),
    ("sam@acme.example", "Sam Ortiz", "Sales Development Rep"),
]
# email, name, connector type, title, organisation, location
CONNECTORS = [
    (
        "margaret.hale@hale-ventures.example",
        "Margaret Hale",
        "board_member",
        "Managing Partner",
        "Hale Ventures",
        "Boston, MA",
    ),
    (
        "david.kim@summitcap.example",
        "David Kim",
        "investor",
        "General Partner",
        "Summit Capital",
        "San Francisco, CA",
    ),
    (
        "lena.fischer@advisors.example",
        "Lena Fischer",
        "advisor",
        "GTM Advisor",
        "Fischer Advisory",
        "Berlin, DE",
    ),
    (
        "omar.haddad@acme.example",
        "Omar Haddad",
        "executive",
        "Chief Executive Officer",
        "Acme Analytics",
        "New York, NY",
    ),
    (
        "julia.santos@acme.example",
        "Julia Santos",
        "executive",
        "Chief Technology Officer",
        "Acme Analytics",
        "Austin, TX",
    ),
    (
        "ben.carter@acme.example",
        "Ben Carter",
        "employee",
        "Solutions Engineer",
        "Acme Analytics",
        "Chicago, IL",
    ),
    (
        "aisha.bello@acme.example",
        "Aisha Bello",
        "employee",
        "Customer Success Manager",
        "Acme Analytics",
        "London, UK",
    ),
    ("tom.wright@acme.example", "Tom Wright", "employee", "Product Manager", "Acme Analytics", "Denver, CO"),
    (
        "nina.petrov@brightlane.example",
        "Nina Petrov",
        "customer",
        "Director of Operations",
        "Brightlane Retail",
        "Seattle, WA",
    ),
    ("carlos.ruiz@verdant.example", "Carlos Ruiz", "customer", "Head of Data", "Verdant Foods", "Miami, FL"),
    ("grace.liu@keystone.example", "Grace Liu", "customer", "VP Finance", "Keystone Health", "Toronto, CA"),
    (
        "henrik.olsen@partnerco.example",
        "Henrik Olsen",
        "channel_partner",
        "Alliances Director",
        "Nordic Systems Partners",
        "Oslo, NO",
    ),
    (
        "fatima.zahra@cloudreseller.example",
        "Fatima Zahra",
        "channel_partner",
        "Partner Manager",
        "CloudReseller",
        "Dubai, AE",
    ),
    (
        "peter.novak@hale-ventures.example",
        "Peter Novak",
        "vc_partner",
        "Principal",
        "Hale Ventures",
        "Boston, MA",
    ),
    ("sofia.rossi@summitcap.example", "Sofia Rossi", "vc_partner", "Partner", "Summit Capital", "Milan, IT"),
    (
        "jamie.chen@gmail.example",
        "Jamie Chen",
        "friend_family",
        "Teacher",
        "Lincoln High School",
        "Portland, OR",
    ),
    ("marcus.lee@advisors.example", "Marcus Lee", "advisor", "Former CRO", "Independent", "Atlanta, GA"),
    (
        "ellen.brooks@acme.example",
        "Ellen Brooks",
        "employee",
        "Marketing Lead",
        "Acme Analytics",
        "Boston, MA",
    ),
    ("raj.patel@brightlane.example", "Raj Patel", "customer", "CIO", "Brightlane Retail", "Dallas, TX"),
    ("yuki.tanaka@other.example", "Yuki Tanaka", "other", "Industry Analyst", "Tanaka Research", "Tokyo, JP"),
]
# name, title, organisation, email domain
PROSPECTS = [
    ("Priya Natarajan", "VP Sales", "Northwind Logistics", "northwind.example"),
    ("James O'Connor", "Chief Operating Officer", "Northwind Logistics", "northwind.example"),
    ("Mei Wong", "Director of Engineering", "Northwind Logistics", "northwind.example"),
    ("Daniel Abrams", "Chief Financial Officer", "Contoso Manufacturing", "contoso.example"),
    ("Laura Bianchi", "VP Procurement", "Contoso Manufacturing", "contoso.example"),
    ("Kwame Mensah", "Head of Analytics", "Contoso Manufacturing", "contoso.example"),
    ("Sarah Goldberg", "Chief Executive Officer", "Fabrikam Health", "fabrikam.example"),
    ("Ivan Petrenko", "Data Platform Manager", "Fabrikam Health", "fabrikam.example"),
    ("Chloe Martin", "VP Marketing", "Tailspin Airlines", "tailspin.example"),
    ("Diego Fernandez", "Director of IT", "Tailspin Airlines", "tailspin.example"),
    ("Hannah Schmidt", "Chief Data Officer", "Litware Insurance", "litware.example"),
    ("Arjun Mehta", "Senior Analyst", "Litware Insurance", "litware.example"),
    ("Olivia Brown", "VP Customer Experience", "Woodgrove Bank", "woodgrove.example"),
    ("Samuel Adeyemi", "Head of Risk", "Woodgrove Bank", "woodgrove.example"),
    ("Emma Johansson", "Chief Revenue Officer", "Adatum Software", "adatum.example"),
    ("Lucas Moreau", "Engineering Manager", "Adatum Software", "adatum.example"),
    ("Zara Ahmed", "Director of Operations", "Proseware Retail", "proseware.example"),
    ("Noah Williams", "Chief Information Officer", "Proseware Retail", "proseware.example"),
    ("Isabel Costa", "VP Finance", "Trey Research", "treyresearch.example"),
    ("Ryan Murphy", "Account Director", "Trey Research", "treyresearch.example"),
    ("Ana Silva", "Head of Partnerships", "Coho Winery", "coho.example"),
    ("Ethan Clark", "Chief Technology Officer", "Coho Winery", "coho.example"),
    ("Leila Karimi", "Product Director", "Alpine Ski House", "alpineskihouse.example"),
    ("George Evans", "VP Engineering", "Alpine Ski House", "alpineskihouse.example"),
]
STRENGTH_CHOICES = ["very_strong", "strong", "strong", "average", "average", "average", "weak", "weak"]
SOURCES = ["linkedin", "linkedin", "linkedin", "google", "outlook"]

# The star prospect's ties, set by hand so the demo ranking is meaningful.
PRIYA_TIES = [
    ("margaret.hale@hale-ventures.example", "very_strong", "connector", "visible"),
    ("david.kim@summitcap.example", "strong", "inferred", "visible"),
    ("ben.carter@acme.example", "weak", "inferred", "visible"),
    ("yuki.tanaka@other.example", "strong", "connector", "hidden"),
]


def _slug(name: str) -> str:
    return "-".join(name.lower().replace("'", "").split())


def prospect_identity(name: str, domain: str) -> tuple[str, str]:
    first, last = name.lower().replace("'", "").split()[0], name.lower().replace("'", "").split()[-1]
    return f"{first}.{last}@{domain}", normalise_linkedin_url(f"https://www.linkedin.com/in/{_slug(name)}")


def seed_demo() -> dict[str, Any]:
    """Write the demo tenants, members, people and networks; returns what the demo prints."""
    repo = wiring.repository()
    rng = random.Random(7)  # noqa: S311 - demo data, not security
    repo.put_tenant(TENANT, TENANT_NAME)
    repo.put_member(TENANT, ADMIN[0], ADMIN[1], ["admin", "requester"], title=ADMIN[2], organisation=TENANT_NAME)
    for email, name, title in REQUESTERS:
        repo.put_member(TENANT, email, name, ["requester"], title=title, organisation=TENANT_NAME)
    for email, name, kind, title, organisation, location in CONNECTORS:
        repo.put_member(
            TENANT,
            email,
            name,
            ["connector"],
            connector_type=kind,
            title=title,
            organisation=organisation,
            location=location,
        )

    # A second tenant sharing one connector: one network, each tenant sees only its own members.
    repo.put_tenant("globex", "Globex Corporation")
    repo.put_member("globex", "hank.scorpio@globex.example", "Hank Scorpio", ["admin", "requester"])
    repo.put_member(
        "globex",
        CONNECTORS[1][0],
        CONNECTORS[1][1],
        ["connector"],
        connector_type="investor",
        title=CONNECTORS[1][3],
        organisation=CONNECTORS[1][4],
        location=CONNECTORS[1][5],
    )

    repo.put_organisations(
        [
            Organisation(org_key=organisation_key(organisation), name=organisation, domain=domain)
            for organisation, domain in sorted({(p[2], p[3]) for p in PROSPECTS})
        ]
    )
    # Networks go in through the same path as a real upload; then the demo's strengths and privacy are set.
    prospects = {
        name: (title, organisation, *prospect_identity(name, domain)) for name, title, organisation, domain in PROSPECTS
    }
    others = [n for n in prospects if n != "Priya Natarajan"]
    ratings: dict[tuple[str, str], tuple[str, str, str]] = {}
    ties = 0
    for email, *_ in CONNECTORS:
        known = rng.sample(others, rng.randint(6, 12))
        for name in known:
            ratings[(email, name)] = (rng.choice(STRENGTH_CHOICES), "inferred", "visible")
        for connector, strength, rated_by, visibility in PRIYA_TIES:
            if connector == email:
                known.append("Priya Natarajan")
                ratings[(email, "Priya Natarajan")] = (strength, rated_by, visibility)
        contacts = [_contact(i + 2, name, prospects[name], rng) for i, name in enumerate(known)]
        report = import_contacts(repo, email, ParsedFile("seed", contacts), source=rng.choice(SOURCES))
        ties += report.imported
        _apply_ratings(repo, email, report.ties, ratings)
    history = seed_history(repo, random.Random(11))  # noqa: S311 - demo data
    return {
        "tenant": TENANT,
        "admin": ADMIN[0],
        "requesters": [r[0] for r in REQUESTERS],
        "connectors": len(CONNECTORS),
        "ties": ties,
        "history": history,
        "example_target": {
            "name": "Priya Natarajan",
            "company": prospects["Priya Natarajan"][1],
            "title": prospects["Priya Natarajan"][0],
            "email": prospects["Priya Natarajan"][2],
            "linkedin_url": prospects["Priya Natarajan"][3],
        },
    }


HISTORY_MONTHS = 5


def seed_history(repo: Any, rng: random.Random) -> dict[str, float]:
    """A few months of referral history as the analytics counters would have counted it, so the dashboard
    means something on first start: about a dozen requests a month, most introduced, some won; CRM deals
    without an introduction alongside. Returns the totals written (the browser test reads them back)."""
    from datetime import UTC, datetime, timedelta

    from warmpath.analytics import COUNTERS, count

    totals = dict.fromkeys(COUNTERS, 0.0)
    helpers = [c[0] for c in CONNECTORS[:8]]
    now = datetime.now(UTC)
    for back in range(HISTORY_MONTHS, 0, -1):
        when = (now.replace(day=15) - timedelta(days=30 * back)).replace(day=15)
        requested = rng.randint(10, 16)
        asked = requested - rng.randint(1, 3)
        accepted = asked - rng.randint(2, 4)
        introduced = accepted - rng.randint(0, 1)
        meetings = introduced - rng.randint(1, 2)
        won = rng.randint(1, 2)
        referred_cycle, other_cycle = won * rng.randint(38, 50), 3 * rng.randint(60, 75)
        month = {
            "requested": requested, "asked": asked, "accepted": accepted, "declined": asked - accepted,
            "introduced": introduced, "intro_hours": introduced * rng.uniform(30, 70), "meetings": meetings,
            "referred_opportunities": meetings - 1, "referred_won": won, "referred_lost": 1,
            "referred_won_amount": won * rng.randint(45, 80) * 1000, "referred_won_cycle_days": referred_cycle,
            "opportunities": meetings - 1 + 14, "won": won + 3, "lost": 1 + 7,
            "won_cycle_days": referred_cycle + other_cycle,
            "rewards_earned": won * 500, "rewards_paid": won * 500 if back > 1 else 0,
        }  # fmt: skip
        month["won_amount"] = month["referred_won_amount"] + 3 * rng.randint(28, 40) * 1000
        month["introduced_by_customer"] = rng.randint(0, 2)
        count(repo, TENANT, when, month)
        for key, value in month.items():
            totals[key] += value
        for _ in range(introduced):
            helper = rng.choice(helpers)
            count(repo, TENANT, when, {"accepted": 1, "introduced": 1}, connector=helper, tenant_month=False)
        for _ in range(meetings):
            count(repo, TENANT, when, {"meetings": 1}, connector=rng.choice(helpers), tenant_month=False)
    return totals


def _contact(line: int, name: str, prospect: tuple[str, str, str, str], rng: random.Random) -> Contact:
    title, organisation, email, linkedin = prospect
    year = rng.randint(2012, 2025)
    return Contact(
        line=line,
        name=name,
        email=email,
        linkedin_url=linkedin,
        organisation=organisation,
        title=title,
        connected_on=f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
    )


def _apply_ratings(
    repo: Any, connector: str, ties: list[Relationship], ratings: dict[tuple[str, str], tuple[str, str, str]]
) -> None:
    """Set the demo's strengths and privacy on a connector's ties (their aggregates follow)."""
    for tie in ties:
        strength, rated_by, visibility = ratings[(connector, tie.person_name)]
        rate_tie(repo, connector, tie.person_id, strength, visibility=visibility, rated_by=rated_by)
