"""A synthetic tenant for the matching bench: code, not data (deterministic for a seed).

At full scale: 1,000 connectors and 1,000,000 ties. Network sizes are heavy-tailed (a Pareto
distribution: most people know a few hundred, a few know tens of thousands, capped at LinkedIn's 30,000);
organisation sizes follow Zipf's law (a few giants, a long tail); titles are drawn from a realistic mix of
seniorities. ``scale`` shrinks every network alike (0.1 -> about 100,000 ties) for backends that cannot
hold the full size in memory.

Planted ground truth: for each planted target, two to four connectors know them, each with a true
closeness (4 = very close .. 1 = barely). What the data shows is noisy, as in life: most of these ties
are rated by their connector (85%: Warmpath emails "how well do you know ...?" for ties on open requests'
paths; 5% of ratings are one step off), the rest are "unknown"; the connection date is only loosely
related to closeness. Background ties are rated 30% of the time. A ranking is good when the connector who
really knows the target best comes first (hit@1) and the next ones follow in order (NDCG@5).

A large organisation (``LARGE_ORG``, a Fortune-50 employer): half the connectors know one to four of its
2,000 people, at any scale, and three know the planted target there: matching must stay O(connectors at
the organisation) for it, never O(ties).
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterator
from dataclasses import dataclass, field

CONNECTOR_TYPES = (
    ("employee", 30),
    ("executive", 10),
    ("customer", 15),
    ("advisor", 8),
    ("board_member", 4),
    ("investor", 6),
    ("vc_partner", 3),
    ("channel_partner", 10),
    ("friend_family", 6),
    ("other", 8),
)
TITLES = (
    ("Chief Executive Officer", 2),
    ("Chief Financial Officer", 1),
    ("Chief Technology Officer", 1),
    ("Co-Founder", 1),
    ("Vice President, Sales", 3),
    ("VP Engineering", 3),
    ("SVP Operations", 1),
    ("Director of Procurement", 5),
    ("Head of Data", 4),
    ("Engineering Manager", 8),
    ("Sales Manager", 8),
    ("Team Lead", 5),
    ("Software Engineer", 20),
    ("Account Executive", 12),
    ("Analyst", 12),
    ("Consultant", 8),
)
LARGE_ORG = "Fortune Fifty Corporation"
LARGE_ORG_PEOPLE = 2_000
LARGE_ORG_CONNECTORS = 500
STRENGTH_OF_CLOSENESS = {4: "very_strong", 3: "strong", 2: "average", 1: "weak"}
FIRST = ("Ann", "Bob", "Chen", "Dana", "Eli", "Fay", "Gus", "Hana", "Ivan", "Jo", "Kemal", "Lena", "Mo", "Nia")
LAST = ("Smith", "Garcia", "Kim", "Okafor", "Rossi", "Novak", "Silva", "Tanaka", "Muller", "Haddad", "Berg")


@dataclass(frozen=True)
class Tie:
    connector: int
    person: int
    strength: str
    rated: bool
    connected_on: str
    closeness: int = 0  # the truth, known only for planted ties


@dataclass
class PlantedTarget:
    person: int
    truth: dict[int, int] = field(default_factory=dict)  # connector -> true closeness


@dataclass
class SyntheticTenant:
    connectors: list[tuple[str, str, str]]  # (email, name, connector type)
    people: list[tuple[str, str, int]]  # (name, title, organisation index)
    organisations: list[str]
    ties: list[Tie]
    planted: list[PlantedTarget]
    large_org: PlantedTarget | None = None  # a target at LARGE_ORG, where LARGE_ORG_CONNECTORS connectors know someone

    def person_email(self, person: int) -> str | None:
        return f"p{person}@org{self.people[person][2]}.example" if person % 3 == 0 else None


def _weighted(rng: random.Random, pairs: tuple[tuple[str, int], ...]) -> str:
    return rng.choices([p for p, _ in pairs], weights=[w for _, w in pairs])[0]


def _date(rng: random.Random, closeness: int) -> str:
    # Closer ties are somewhat more recent on average, with plenty of overlap.
    years_ago = max(0.0, rng.gauss(6.0 - closeness, 2.5))
    year = 2026 - int(years_ago)
    return f"{year:04d}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"


def generate(
    *, connectors: int = 1000, ties: int = 1_000_000, scale: float = 1.0, planted: int = 40, seed: int = 11
) -> SyntheticTenant:
    rng = random.Random(seed)
    target_ties = int(ties * scale)
    # Heavy-tailed network sizes (Pareto, alpha 1.3), rescaled to the total, capped at 30,000.
    raw = [min(30_000.0, rng.paretovariate(1.3)) for _ in range(connectors)]
    sizes = [max(5, int(r / sum(raw) * target_ties)) for r in raw]
    organisations = [f"Org {i} Holdings" if i % 7 == 0 else f"Org {i}" for i in range(max(2000, target_ties // 50))]
    # Zipf organisation sizes: a person's organisation is drawn with weight 1 / rank^1.07.
    zipf = [1.0 / math.pow(rank + 1, 1.07) for rank in range(len(organisations))]
    people_count = max(1000, target_ties // 3)
    people_orgs = rng.choices(range(len(organisations)), weights=zipf, k=people_count)
    people = [
        (f"{rng.choice(FIRST)} {rng.choice(LAST)}-{i}", _weighted(rng, TITLES), people_orgs[i])
        for i in range(people_count)
    ]
    members = [
        (f"c{i}@connectors.example", f"Connector {i:04d}", _weighted(rng, CONNECTOR_TYPES)) for i in range(connectors)
    ]
    all_ties: list[Tie] = []
    for connector, size in enumerate(sizes):
        for person in set(rng.choices(range(people_count), k=size)):
            closeness = rng.choice((1, 1, 2, 2, 2, 3, 4))
            rated = rng.random() < 0.3
            strength = STRENGTH_OF_CLOSENESS[closeness] if rated else "unknown"
            all_ties.append(Tie(connector, person, strength, rated, _date(rng, closeness)))
    # Planted targets: new people at mid-size organisations, known by 2-4 connectors each.
    targets: list[PlantedTarget] = []
    for _ in range(planted):
        organisation = rng.randint(20, 400)
        person = len(people)
        people.append((f"Planted Target-{person}", _weighted(rng, TITLES), organisation))
        target = PlantedTarget(person)
        for connector in rng.sample(range(connectors), rng.randint(2, 4)):  # distinct closeness: at most 4
            closeness = rng.choice((1, 2, 3, 4))
            while closeness in target.truth.values():  # distinct closeness: the best is well defined
                closeness = rng.choice((1, 2, 3, 4))
            target.truth[connector] = closeness
            rated = rng.random() < 0.85  # Warmpath asks connectors to rate ties relevant to open requests
            shown = closeness
            if rated and rng.random() < 0.05:  # a rating one step off
                shown = max(1, min(4, closeness + rng.choice((-1, 1))))
            strength = STRENGTH_OF_CLOSENESS[shown] if rated else "unknown"
            all_ties.append(Tie(connector, person, strength, rated, _date(rng, closeness), closeness))
        targets.append(target)
    large = _large_organisation(random.Random(seed + 1), connectors, people, organisations, all_ties)
    return SyntheticTenant(members, people, organisations, all_ties, targets, large)


def _large_organisation(
    rng: random.Random, connectors: int, people: list[tuple[str, str, int]], organisations: list[str], ties: list[Tie]
) -> PlantedTarget:
    """A Fortune-50 employer: half the connectors know one to four of its LARGE_ORG_PEOPLE people, whatever
    the scale (a large organisation is large in any tenant), and three of them know the target.

    Drawn from its own random stream after everything else, so the rest of the tenant (and the planted
    targets' figures) are the same with or without it.
    """
    organisations.append(LARGE_ORG)
    org = len(organisations) - 1
    first = len(people)
    people.extend((f"Large Employee-{first + i}", _weighted(rng, TITLES), org) for i in range(LARGE_ORG_PEOPLE))
    knowing = rng.sample(range(connectors), min(connectors, LARGE_ORG_CONNECTORS))
    for connector in knowing:
        for person in set(rng.choices(range(first, first + LARGE_ORG_PEOPLE), k=rng.randint(1, 4))):
            closeness = rng.choice((1, 1, 2, 2, 2, 3, 4))
            rated = rng.random() < 0.3
            strength = STRENGTH_OF_CLOSENESS[closeness] if rated else "unknown"
            ties.append(Tie(connector, person, strength, rated, _date(rng, closeness)))
    target = PlantedTarget(len(people))
    people.append((f"Large Target-{len(people)}", "Vice President, Sales", org))
    for connector, closeness in zip(rng.sample(knowing, 3), (4, 3, 2), strict=True):
        target.truth[connector] = closeness
        ties.append(
            Tie(connector, target.person, STRENGTH_OF_CLOSENESS[closeness], True, _date(rng, closeness), closeness)
        )
    return target


def network_sizes(tenant: SyntheticTenant) -> Iterator[int]:
    counts = [0] * len(tenant.connectors)
    for tie in tenant.ties:
        counts[tie.connector] += 1
    yield from counts
