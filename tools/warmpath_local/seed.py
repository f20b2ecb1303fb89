"""The demo tenant: one admin, two requesters and twenty connectors with realistic networks.

Deterministic (a fixed random seed), so the demo and the tests see the same data every time. The star
prospect, Priya Natarajan (VP Sales, Northwind Logistics), is known by three connectors of different
strength and type, so the ranking has something to show.
"""

from __future__ import annotations

import random
from typing import Any

from warmpath import wiring
from warmpath.identity import normalise_linkedin_url, organisation_key, person_id_for
from warmpath.models import Organisation, Person, Relationship

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
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

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

    people: dict[str, Person] = {}
    for name, title, organisation, domain in PROSPECTS:
        email, linkedin = prospect_identity(name, domain)
        people[name] = Person(
            person_id=person_id_for(email=email, linkedin_url=None, name=name, organisation=organisation),
            name=name,
            email=email,
            linkedin_url=linkedin,
            title=title,
            organisation=organisation,
            org_key=organisation_key(organisation),
        )
    repo.put_people(list(people.values()))
    repo.put_organisations(
        [
            Organisation(org_key=organisation_key(organisation), name=organisation, domain=domain)
            for organisation, domain in sorted({(p[2], p[3]) for p in PROSPECTS})
        ]
    )

    priya = people["Priya Natarajan"]
    others = [p for n, p in people.items() if n != "Priya Natarajan"]
    ties = [
        _tie(email, person, rng.choice(STRENGTH_CHOICES), "inferred", "visible", rng)
        for email, *_ in CONNECTORS
        for person in rng.sample(others, rng.randint(6, 12))
    ]
    ties += [_tie(email, priya, strength, by, visibility, rng) for email, strength, by, visibility in PRIYA_TIES]
    repo.put_relationships(ties)
    return {
        "tenant": TENANT,
        "admin": ADMIN[0],
        "requesters": [r[0] for r in REQUESTERS],
        "connectors": len(CONNECTORS),
        "ties": len(ties),
        "example_target": {
            "name": priya.name,
            "company": priya.organisation,
            "title": priya.title,
            "email": priya.email,
            "linkedin_url": priya.linkedin_url,
        },
    }


def _tie(
    connector: str, person: Person, strength: str, rated_by: str, visibility: str, rng: random.Random
) -> Relationship:
    year = rng.randint(2012, 2025)
    return Relationship(
        connector_email=connector,
        person_id=person.person_id,
        person_name=person.name,
        person_title=person.title,
        person_organisation=person.organisation,
        person_email=person.email,
        strength=strength,
        strength_rated_by=rated_by,
        source=rng.choice(SOURCES),
        connected_on=f"{rng.randint(1, 28):02d} {rng.choice(MONTHS)} {year}",
        visibility=visibility,
    )
