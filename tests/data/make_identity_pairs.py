"""Generate tests/data/identity_pairs.csv: labelled record pairs with the noise real contact data has.

Run ``python tests/data/make_identity_pairs.py`` to regenerate (deterministic: a fixed seed). Positives are
one person written two ways (nicknames, typos, accents, "Last, First", honorifics and suffixes, company
name variants, missing or personal emails, a work email instead of a company, LinkedIn URL variants).
Negatives are namesakes at other companies, colleagues sharing a last name, near-identical names at one
company, and same-name people with different LinkedIn profiles.
"""

from __future__ import annotations

import csv
import random
from pathlib import Path

OUT = Path(__file__).with_name("identity_pairs.csv")
FIRST = [
    ("Robert", "Bob"), ("William", "Bill"), ("Elizabeth", "Liz"), ("James", "Jim"), ("Michael", "Mike"),
    ("David", "Dave"), ("Daniel", "Dan"), ("Thomas", "Tom"), ("Joseph", "Joe"), ("Christopher", "Chris"),
    ("Katherine", "Kate"), ("Jennifer", "Jen"), ("Nicholas", "Nick"), ("Matthew", "Matt"), ("Andrew", "Andy"),
    ("Anthony", "Tony"), ("Margaret", "Peggy"), ("Richard", "Rick"), ("Jonathan", "Jon"), ("Rebecca", "Becky"),
    ("Zoë", None), ("José", None), ("Amélie", None), ("Søren", None), ("Priya", None), ("Wei", None),
    ("Aisha", None), ("Mateo", None), ("Hana", None), ("Olumide", None), ("Ingrid", None), ("Rahul", None),
]  # fmt: skip
LAST = [
    "García", "Whitaker", "Kobayashi", "Natarajan", "O'Connor", "Müller", "Smith", "Johnson", "Okafor",
    "Lindqvist", "Fernández", "Nguyen", "Rossi", "Hansen", "Dubois", "Kowalski", "Petrov", "Andersson",
    "Mensah", "Yamamoto", "Schmidt", "Ivanova", "Brennan", "Castillo", "Haddad", "Thornton", "Bergström",
]  # fmt: skip
COMPANIES = [
    ("Globex Corporation", "globex.example"), ("Initech", "initech.example"), ("Soylent, Inc.", "soylent.example"),
    ("Vandelay Industries", "vandelay.example"), ("Hooli", "hooli.example"),
    ("Northwind Logistics", "northwind.example"), ("Contoso Ltd", "contoso.example"),
    ("Umbrella GmbH", "umbrella.example"), ("Stark & Wayne LLC", "starkwayne.example"),
    ("The Acme Company", "acme.example"), ("Nestlé S.A.", "nestle.example"), ("Wonka Holdings plc", "wonka.example"),
]  # fmt: skip
COMPANY_VARIANTS = {
    "Globex Corporation": ["Globex", "GLOBEX Corp.", "Globex Corp"],
    "Soylent, Inc.": ["Soylent", "Soylent Inc", "The Soylent Inc."],
    "Contoso Ltd": ["Contoso", "Contoso Limited"],
    "Umbrella GmbH": ["Umbrella"],
    "Stark & Wayne LLC": ["Stark and Wayne", "Stark & Wayne"],
    "The Acme Company": ["Acme", "ACME Co."],
    "Nestlé S.A.": ["Nestle", "Nestlé"],
    "Wonka Holdings plc": ["Wonka", "Wonka Holdings"],
}
FIELDS = ["label", "kind", "a_name", "a_email", "a_linkedin", "a_org", "b_name", "b_email", "b_linkedin", "b_org"]


def strip_accents(text: str) -> str:
    import unicodedata

    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def typo(rng: random.Random, word: str) -> str:
    if len(word) < 5:
        return word
    i = rng.randrange(1, len(word) - 1)
    kind = rng.choice(["swap", "drop", "double", "replace"])
    if kind == "swap":
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    if kind == "drop":
        return word[:i] + word[i + 1 :]
    if kind == "double":
        return word[:i] + word[i] + word[i:]
    return word[:i] + rng.choice("aeiou") + word[i + 1 :]


def person(rng: random.Random) -> dict[str, str]:
    first, nick = rng.choice(FIRST)
    last = rng.choice(LAST)
    company, domain = rng.choice(COMPANIES)
    slug = strip_accents(f"{first}-{last}").lower().replace("'", "") + f"-{rng.randrange(100, 999)}"
    return {
        "first": first, "nick": nick or first, "last": last, "org": company, "domain": domain,
        "email": strip_accents(f"{first}.{last}").lower().replace("'", "") + f"@{domain}",
        "linkedin": f"https://www.linkedin.com/in/{slug}",
    }  # fmt: skip


def clean(p: dict[str, str]) -> dict[str, str]:
    return {"name": f"{p['first']} {p['last']}", "email": "", "linkedin": "", "org": p["org"]}


def noisy(rng: random.Random, p: dict[str, str]) -> dict[str, str]:
    first, last, org = p["first"], p["last"], p["org"]
    ops = rng.sample(["nick", "typo", "accents", "comma", "honorific", "suffix", "org", "email_only", "case"], 3)
    record = {"email": "", "linkedin": "", "org": org}
    if "nick" in ops:
        first = p["nick"]
    if "typo" in ops:
        last = typo(rng, last)
    if "accents" in ops:
        first, last = strip_accents(first), strip_accents(last)
    name = f"{last}, {first}" if "comma" in ops else f"{first} {last}"
    if "honorific" in ops and "comma" not in ops:
        name = rng.choice(["Dr. ", "Mr. ", "Ms. ", "Prof. "]) + name
    if "suffix" in ops and "comma" not in ops:
        name += rng.choice([" Jr.", " III", ", PhD", " MBA"])
    if "case" in ops:
        name = name.upper() if rng.random() < 0.5 else name.lower()
    if "org" in ops and org in COMPANY_VARIANTS:
        record["org"] = rng.choice(COMPANY_VARIANTS[org])
    if "email_only" in ops:
        record["org"], record["email"] = "", p["email"]
    record["name"] = name
    return record


def with_identifiers(rng: random.Random, p: dict[str, str], record: dict[str, str]) -> dict[str, str]:
    """Sometimes both sides carry the same email or LinkedIn profile, written differently."""
    roll = rng.random()
    if roll < 0.15:
        record["email"] = p["email"].upper()
    elif roll < 0.3:
        record["linkedin"] = p["linkedin"].replace("https://www.", "http://uk.") + "/?trk=export"
    return record


def main() -> None:
    rng = random.Random(20261125)
    rows: list[dict[str, str]] = []

    def add(label: str, kind: str, a: dict[str, str], b: dict[str, str]) -> None:
        rows.append({"label": label, "kind": kind, **{f"a_{k}": v for k, v in a.items()},
                     **{f"b_{k}": v for k, v in b.items()}})  # fmt: skip

    for _ in range(1000):
        p = person(rng)
        a = clean(p)
        if rng.random() < 0.3:
            a["email"] = p["email"]
            a = with_identifiers(rng, p, a) if rng.random() < 0.3 else a
        if rng.random() < 0.3:
            a["linkedin"] = p["linkedin"]
        add("same", "variant", a, noisy(rng, p))
    for _ in range(400):  # namesakes elsewhere
        p, q = person(rng), person(rng)
        q.update(first=p["first"], nick=p["nick"], last=p["last"])
        if q["org"] == p["org"]:
            continue
        add("different", "namesake_other_company", clean(p), noisy(rng, q))
    for _ in range(400):  # colleagues sharing a last name
        p, q = person(rng), person(rng)
        q.update(last=p["last"], org=p["org"], domain=p["domain"])
        if {p["first"], p["nick"]} & {q["first"], q["nick"]}:
            continue
        add("different", "colleague_same_last_name", clean(p), clean(q))
    for _ in range(150):  # same name, same company, different LinkedIn profiles
        p = person(rng)
        q = dict(p, linkedin=p["linkedin"] + "0")
        add("different", "same_name_different_profile", {**clean(p), "linkedin": p["linkedin"]},
            {**clean(q), "linkedin": q["linkedin"]})  # fmt: skip
    for _ in range(50):  # colleagues whose last names differ by one letter (Hansen / Hanson)
        p = person(rng)
        q = dict(p, first=rng.choice([f for f, _ in FIRST if f != p["first"]]), last=typo(rng, p["last"]))
        add("different", "near_name_colleague", clean(p), clean(q))
    with OUT.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=FIELDS)
        writer.writeheader()
        writer.writerows(rows)
    print(f"wrote {len(rows)} pairs to {OUT}")


if __name__ == "__main__":
    main()
