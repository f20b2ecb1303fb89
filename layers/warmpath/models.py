"""The single DynamoDB table: every entity, its keys, and the access patterns they serve.

One table (``TABLE_NAME``) with a partition key ``PK``, a sort key ``SK`` and two sparse global secondary
indexes (``GSI1PK``/``GSI1SK``, ``GSI2PK``/``GSI2SK``). Items expire through the ``ttl`` attribute. The
key schema here and in ``infra/template.yaml`` must agree; a test builds the table from the template and
runs every pattern below against it.

Access patterns
===============

=====================================================  ===========  ======================================
pattern                                                index        key condition
=====================================================  ===========  ======================================
get a tenant                                           table        PK=TENANT#t, SK=TENANT
every tenant (the digest run)                          GSI1         GSI1PK=TENANTS
get a member of a tenant                               table        PK=TENANT#t, SK=MEMBER#email
list a tenant's members                                table        PK=TENANT#t, SK begins_with MEMBER#
tenants a person belongs to (sign-in)                  GSI1         GSI1PK=USER#email
get an organisation                                    table        PK=ORG#key, SK=ORG
organisations linked to one (renames, subsidiaries)    table        PK=ORG#key, SK begins_with LINK#
the organisation a work email domain belongs to        table        PK=DOMAIN#domain, SK=DOMAIN
get a person                                           table        PK=PERSON#id, SK=PERSON
find a person by an identifier (email, LinkedIn, name)  table        PK=IDENT#<hash of kind|value>, SK=IDENT
a connector's network (their ties)                     table        PK=NETWORK#email, SK begins_with TIE#
a connector's ties at each organisation (aggregates)   table        PK=NETWORK#email, SK begins_with ORG#
organisations a connector is never to be asked about   table        PK=NETWORK#email, SK begins_with NEVER#
connectors with ties at an organisation                GSI1         GSI1PK=ORGTIES#org_key
connectors who know a person (matching, O(ties))       GSI1         GSI1PK=KNOWN#person_id
an import job                                          table        PK=IMPORT#job_id, SK=IMPORT
a connector's import jobs, newest first                GSI1         GSI1PK=IMPORTS#email
get a request (with its asks and timeline)             table        PK=TENANT#t#REQUEST#id
a tenant's open request for a target (by identifier)   table        PK=TENANT#t#TARGET#<claim>, SK=TARGET
a tenant's open requests at an organisation            table        PK=TENANT#t#OPENORG#org, SK=OPEN
list a tenant's requests, newest first                 GSI1         GSI1PK=TENANT#t#REQUESTS
list one requester's requests, newest first            GSI2         GSI2PK=TENANT#t#REQUESTER#email
a connector's asks across tenants, newest first        GSI1         GSI1PK=ASKED#email
a used single-use token                                table        PK=USED#jti, SK=USED
a web session (by the hash of its id)                  table        PK=SESSION#hash, SK=SESSION
an inbound email                                       table        PK=INBOUND#message_id, SK=INBOUND
an address not to email (suppression list)             table        PK=SUPPRESSED#email, SK=SUPPRESSED
a tenant's bulk invites, newest first                  table        PK=TENANT#t, SK begins_with INVITES#
a bulk invite job and its report, chunk by chunk       table        PK=INVITEJOB#id, SK=JOB | ROWS#<chunk>
a tenant's bulk invite jobs, newest first              GSI1         GSI1PK=TENANT#t#INVITEJOBS
the job an invite file was just uploaded to            table        PK=TENANT#t, SK=INVITEUPLOAD#<sha256>
an offer to introduce                                  table        PK=TENANT#t#OFFER#id, SK=OFFER
a connector's offers in a tenant, newest first         GSI1         GSI1PK=OFFERS#t#email
the owner of an account (from the CRM)                 table        PK=TENANT#t#ACCOUNT#org_key, SK=OWNER
a tenant's CRM names and domains for an organisation   table        PK=TENANT#t#CRMORG#org_key, SK begins_with ACCOUNT#
a CRM record (account, contact, deal)                  table        PK=TENANT#t#CRM#kind#provider#id, SK=RECORD
a tenant's CRM deals                                   GSI1         GSI1PK=TENANT#t#DEALS
a CRM delivery already applied (idempotency)           table        PK=TENANT#t#CRMDELIVERY#provider#id, SK=DELIVERY
a connector's rewards ledger                           table        PK=TENANT#t#REWARDS#email, SK=ENTRY#...
a tenant's rewards ledger (export)                     GSI1         GSI1PK=TENANT#t#REWARDS
a CRM contact by email (write-back)                    table        PK=TENANT#t#CRMCONTACT#email, SK=<provider>
a tenant's metric counters (a month, a connector, ...)  table        PK=TENANT#t#METRICS, SK=MONTH#m | CONNECTOR#e
connectors' counters in a month                        table        PK=TENANT#t#METRICS, SK begins_with CONNECTORMONTH#m
a target account and who has ties there                table        PK=TENANT#t#TARGETACCOUNT#org_key, SK=TARGET
a tenant's target accounts                             GSI1         GSI1PK=TENANT#t#TARGETS
idempotency records (Powertools)                       table        PK=idempotency#<function>, SK=<hash>
=====================================================  ===========  ======================================

Tenant isolation is structural: every item a tenant owns has the tenant in its partition key, and every
read of tenant data starts from a key built from the signed-in session's tenant. Networks are the one
thing owned by a person rather than a tenant (one network serves every tenant a connector joined);
matching reads them only for connectors who are members of the requesting tenant.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, TypeVar

from pynamodb.attributes import (
    BooleanAttribute,
    DiscriminatorAttribute,
    ListAttribute,
    MapAttribute,
    NumberAttribute,
    UnicodeAttribute,
    UnicodeSetAttribute,
    UTCDateTimeAttribute,
)
from pynamodb.connection.table import TableConnection
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model


def utcnow() -> datetime:
    return datetime.now(UTC)


class GSI1(GlobalSecondaryIndex["WarmpathItem"]):
    class Meta:
        index_name = "GSI1"
        projection = AllProjection()

    GSI1PK = UnicodeAttribute(hash_key=True)
    GSI1SK = UnicodeAttribute(range_key=True)


class GSI2(GlobalSecondaryIndex["WarmpathItem"]):
    class Meta:
        index_name = "GSI2"
        projection = AllProjection()

    GSI2PK = UnicodeAttribute(hash_key=True)
    GSI2SK = UnicodeAttribute(range_key=True)


class WarmpathItem(Model):
    """Base of every item: keys, indexes, the type discriminator and an optional expiry."""

    class Meta:
        # Bound to the configured table on first use by ``bind_table`` (nothing reads the environment at
        # import time).
        table_name = "warmpath"

    PK = UnicodeAttribute(hash_key=True)
    SK = UnicodeAttribute(range_key=True)
    GSI1PK = UnicodeAttribute(null=True)
    GSI1SK = UnicodeAttribute(null=True)
    GSI2PK = UnicodeAttribute(null=True)
    GSI2SK = UnicodeAttribute(null=True)
    kind = DiscriminatorAttribute()
    ttl = NumberAttribute(null=True)

    gsi1 = GSI1()
    gsi2 = GSI2()

    @classmethod
    def from_raw_data(cls: type[_Item], data: dict[str, Any]) -> _Item:
        """An item as read: PynamoDB's own result (same class, same values), built in about a third of the time.

        PynamoDB's path runs ``__init__`` (every attribute's default set through its descriptor) and then sets
        the defaults again before deserialising each attribute the class declares, present or not: 50-70 us an
        item here, most of a large match's time beyond its raw reads. This keeps a per-class plan (the
        defaults, and the attributes by stored name) and deserialises only what the item holds.
        ``tests/integration/test_item_reading.py`` checks it against PynamoDB's own on every entity. The two
        descriptor-or-dict branches are inlined on purpose: this runs for every item read.
        """
        if data is None:
            raise ValueError("Received no data to construct object")
        stored = cls._get_discriminator_class(data) or cls
        if not issubclass(stored, cls):
            raise ValueError(f"Cannot instantiate a {cls.__name__} from the returned class: {stored.__name__}")
        defaults, by_stored_name = _plan(stored)
        item = object.__new__(stored)
        item.attribute_values = {}
        for name, default, factory, through_descriptor in defaults:
            value = default() if factory else default
            if through_descriptor:  # a map attribute's descriptor wraps the value in its class
                setattr(item, name, value)
            else:
                item.attribute_values[name] = value
        for stored_name, raw in data.items():
            found = by_stored_name.get(stored_name)
            if found is not None and raw and "NULL" not in raw:
                name, attribute, through_descriptor = found
                value = attribute.deserialize(attribute.get_value(raw))
                if through_descriptor:  # a map attribute's descriptor wraps the value in its class
                    setattr(item, name, value)
                else:
                    item.attribute_values[name] = value
        return item

    @classmethod
    def _get_connection(cls) -> TableConnection:
        # PynamoDB gives each model class its own connection, and each connection its own botocore session,
        # which loads the service's JSON models again (tens of ms each). Every entity lives in the one table
        # with the same keys and indexes, so they all share the base class's connection.
        if cls is WarmpathItem:
            return super()._get_connection()
        return WarmpathItem._get_connection()


_Item = TypeVar("_Item", bound=WarmpathItem)
_Plan = tuple[list[tuple[str, Any, bool, bool]], dict[str, tuple[str, Any, bool]]]
_PLANS: dict[type, _Plan] = {}


def _plan(model: type[WarmpathItem]) -> _Plan:
    """A model's values before reading (its discriminator, and each ``default`` as PynamoDB applies it to an
    item read, not ``default_for_new``: ``(name, value, call it?, a map?)``) and its attributes by stored name
    ``(name, attribute, a map?)``: a map attribute is set through its descriptor, as PynamoDB sets it."""
    plan = _PLANS.get(model)
    if plan is None:
        attributes = model.get_attributes()
        defaults = [
            (name, a.default, callable(a.default), isinstance(a, MapAttribute))
            for name, a in attributes.items()
            if a.default is not None
        ]
        discriminator = model._get_discriminator_attribute()
        if discriminator is not None and discriminator.get_discriminator(model) is not None:
            defaults.insert(0, (model._discriminator, model, False, False))  # type: ignore[attr-defined]
        by_stored_name = {a.attr_name: (name, a, isinstance(a, MapAttribute)) for name, a in attributes.items()}
        plan = _PLANS[model] = (defaults, by_stored_name)
    return plan


def bind_table(table_name: str) -> None:
    """Point every model at ``table_name`` (called lazily by the repository)."""
    WarmpathItem.Meta.table_name = table_name


def shared_connection() -> TableConnection:
    """The one connection every entity uses (transactions use it too)."""
    return WarmpathItem._get_connection()


def drop_connections() -> None:
    """Forget the cached connection, so the next call builds a client for the current endpoint."""
    WarmpathItem._connection = None


class Tenant(WarmpathItem, discriminator="Tenant"):
    """A company using Warmpath. PK=TENANT#<slug>, SK=TENANT.

    ``settings`` holds what the tenant overrides (``ranking.RankingSettings.from_tenant`` reads it):
    ``asks_per_30_days``, ``decline_cooldown_days``, ``weights`` {feature: weight}.
    """

    slug = UnicodeAttribute()
    name = UnicodeAttribute()
    settings = MapAttribute[str, Any](null=True)
    settings_version = NumberAttribute(null=True)  # +1 on every change: a form saves only over what it showed
    created_at = UTCDateTimeAttribute(default=utcnow)

    @staticmethod
    def key(slug: str) -> tuple[str, str]:
        return f"TENANT#{slug}", "TENANT"


ROLES = ("admin", "requester", "connector")
CONNECTOR_TYPES = (
    "board_member",
    "investor",
    "advisor",
    "executive",
    "employee",
    "customer",
    "channel_partner",
    "vc_partner",
    "friend_family",
    "other",
)


class Member(WarmpathItem, discriminator="Member"):
    """A person's membership of a tenant. PK=TENANT#<t>, SK=MEMBER#<email>; GSI1PK=USER#<email>.

    One person may hold several roles in a tenant and be a member of several tenants.
    ``status``: invited, reminded, joined, bounced, opted_out; only joined connectors are ever asked.
    ``network_sharing`` is what the connector lets this tenant see of their one network (one of
    VISIBILITIES): ``visible`` leaves each tie's own setting, ``ask_first`` makes every tie ask-me-first
    here, ``hidden`` shares nothing with this tenant.
    """

    tenant = UnicodeAttribute()
    email = UnicodeAttribute()
    name = UnicodeAttribute()
    roles = UnicodeSetAttribute()
    status = UnicodeAttribute(default="joined")
    connector_type = UnicodeAttribute(null=True)
    title = UnicodeAttribute(null=True)
    organisation = UnicodeAttribute(null=True)
    location = UnicodeAttribute(null=True)
    approver_email = UnicodeAttribute(null=True)
    invite_note = UnicodeAttribute(null=True)
    invited_by = UnicodeAttribute(null=True)
    network_sharing = UnicodeAttribute(default="visible")
    # A customer connector's profile, for picking references (``ranking.reference_fit``).
    industry = UnicodeAttribute(null=True)
    company_size = UnicodeAttribute(null=True)  # one of ranking.SIZE_BANDS
    products = UnicodeSetAttribute(null=True)
    # The tenant's history with this connector, updated in the same transaction as each ask, answer and
    # introduction (``ranking.ConnectorHistory`` reads it): fatigue caps, responsiveness, load.
    ask_times = ListAttribute(of=UnicodeAttribute, null=True)  # ISO times of asks
    answered = NumberAttribute(default=0)
    accepted = NumberAttribute(default=0)
    response_hours = ListAttribute(of=NumberAttribute, null=True)
    last_declined_at = UTCDateTimeAttribute(null=True)
    introduced_for = ListAttribute(of=UnicodeAttribute, null=True)  # a requester key per introduction made
    # The connector's own controls, the same on every membership (set from their preferences).
    paused = BooleanAttribute(default=False)
    snoozed_until = UTCDateTimeAttribute(null=True)
    # This membership's email preferences (the preferences page, List-Unsubscribe).
    digest = UnicodeAttribute(default="weekly")  # one of DIGEST_FREQUENCIES
    reminders = BooleanAttribute(default=True)  # reminders of unanswered asks
    opted_out_from = UnicodeAttribute(null=True)  # the status before opting out (restored on resuming)
    declines_cash = BooleanAttribute(default=False)  # rewards become recognition (board members often must)
    joined_at = UTCDateTimeAttribute(null=True)
    # A bulk invite's invitation: the job that stored it, and "pending" until the sender sent it ("sent").
    invite_id = UnicodeAttribute(null=True)
    invitation = UnicodeAttribute(null=True)
    created_at = UTCDateTimeAttribute(default=utcnow)

    @staticmethod
    def key(tenant: str, email: str) -> tuple[str, str]:
        return f"TENANT#{tenant}", f"MEMBER#{email}"


DIGEST_FREQUENCIES = ("daily", "weekly", "never")


class Suppressed(WarmpathItem, discriminator="Suppressed"):
    """An address we must not email (bounced, complained, unsubscribed). PK=SUPPRESSED#<email>, SK=SUPPRESSED."""

    reason = UnicodeAttribute()
    at = UTCDateTimeAttribute(default=utcnow)


class InviteBatch(WarmpathItem, discriminator="InviteBatch"):
    """One bulk invite and its per-line report. PK=TENANT#<t>, SK=INVITES#<time>#<id>.

    ``rows`` holds the first 2,000 lines as {line, email, status, reason}; ``counts`` every status's total.
    """

    batch_id = UnicodeAttribute()
    tenant = UnicodeAttribute()
    admin_email = UnicodeAttribute()
    filename = UnicodeAttribute(null=True)
    rows = ListAttribute(of=MapAttribute, default=list)
    counts = MapAttribute[str, Any](default=dict)
    created_at = UTCDateTimeAttribute(default=utcnow)


class InviteJob(WarmpathItem, discriminator="InviteJob"):
    """A bulk invite run as a job. PK=INVITEJOB#<id>, SK=JOB; GSI1PK=TENANT#<t>#INVITEJOBS, by creation time.

    ``status``: waiting (for its file at ``s3_key``), running, done, failed. ``lines`` data lines in the file,
    ``processed`` of them done, ``chunks_done`` the chunks whose report is stored (a retry resumes there);
    ``lease_until`` when a running job's worker is presumed gone.
    """

    job_id = UnicodeAttribute()
    tenant = UnicodeAttribute()
    admin_email = UnicodeAttribute()
    filename = UnicodeAttribute(null=True)
    s3_key = UnicodeAttribute()
    status = UnicodeAttribute(default="waiting")
    lines = NumberAttribute(default=0)
    processed = NumberAttribute(default=0)
    chunks_done = NumberAttribute(default=0)
    counts = MapAttribute[str, Any](default=dict)
    error = UnicodeAttribute(null=True)
    lease_until = UTCDateTimeAttribute(null=True)
    created_at = UTCDateTimeAttribute(default=utcnow)
    finished_at = UTCDateTimeAttribute(null=True)

    @staticmethod
    def key(job_id: str) -> tuple[str, str]:
        return f"INVITEJOB#{job_id}", "JOB"


class InviteJobRows(WarmpathItem, discriminator="InviteJobRows"):
    """One chunk's report lines of an invite job. PK=INVITEJOB#<id>, SK=ROWS#<chunk, zero-padded>."""

    rows = ListAttribute(of=MapAttribute, default=list)


class InviteUpload(WarmpathItem, discriminator="InviteUpload"):
    """The job a tenant's invite file went to. PK=TENANT#<t>, SK=INVITEUPLOAD#<sha256 of the file>; ttl.

    A second upload of the same bytes while it lives (a double click, a reload) goes to the same job.
    """

    job_id = UnicodeAttribute()


class Organisation(WarmpathItem, discriminator="Organisation"):
    """An organisation people work at. PK=ORG#<key>, SK=ORG."""

    org_key = UnicodeAttribute()
    name = UnicodeAttribute()
    domain = UnicodeAttribute(null=True)


class OrgLinkItem(WarmpathItem, discriminator="OrgLink"):
    """Two organisations belong together (``identity.OrgLink``). PK=ORG#<a or b>, SK=LINK#<the other>.

    Written under both organisations, so either finds the other with one query.
    """

    a = UnicodeAttribute()
    b = UnicodeAttribute()
    relation = UnicodeAttribute()
    evidence = UnicodeAttribute()
    source = UnicodeAttribute()
    created_at = UTCDateTimeAttribute(default=utcnow)


class DomainOwner(WarmpathItem, discriminator="DomainOwner"):
    """The organisation a work email domain belongs to. PK=DOMAIN#<domain>, SK=DOMAIN."""

    org_key = UnicodeAttribute()


class Person(WarmpathItem, discriminator="Person"):
    """Someone who may be introduced. PK=PERSON#<id>, SK=PERSON.

    Holds no contact details: those live on the ties of the connectors who know the person, and are
    deleted with their networks. ``claims`` are the hashed identifiers pointing here (IdentityClaim items).
    """

    person_id = UnicodeAttribute()
    name = UnicodeAttribute()
    title = UnicodeAttribute(null=True)
    organisation = UnicodeAttribute(null=True)
    org_key = UnicodeAttribute(null=True)
    claims = UnicodeSetAttribute(null=True)


class IdentityClaim(WarmpathItem, discriminator="IdentityClaim"):
    """An identifier resolves to a person. PK=IDENT#<sha256 of "kind|value">, SK=IDENT.

    Kinds: ``email`` (the mailbox key), ``linkedin`` (normalised URL), ``name`` (name key | organisation
    key). Hashed so the table never holds an identifier in a key; looked up by key in batches of 100.
    """

    person_id = UnicodeAttribute()


class OrgTies(WarmpathItem, discriminator="OrgTies"):
    """A connector's ties at one organisation. PK=NETWORK#<email>, SK=ORG#<org key>; GSI1PK=ORGTIES#<org key>.

    Maintained on import so matching reads one item per candidate connector, never their ties.
    """

    connector_email = UnicodeAttribute()
    org_key = UnicodeAttribute()
    organisation = UnicodeAttribute()
    tie_count = NumberAttribute(default=0)
    visible_count = NumberAttribute(default=0)  # ties whose own privacy is "visible"
    strongest = UnicodeAttribute(default="unknown")
    # The best-known few, strongest first: {person_id, name, title, strength, visibility}.
    top = ListAttribute(of=MapAttribute, default=list)
    import_mark = UnicodeAttribute(null=True)  # the last import chunk counted in (a retried chunk is not counted twice)


class NeverAsk(WarmpathItem, discriminator="NeverAsk"):
    """The connector is never to be asked about an organisation. PK=NETWORK#<email>, SK=NEVER#<org key>.

    Applies in every tenant the connector helps, and to the organisations linked to it.
    """

    connector_email = UnicodeAttribute()
    org_key = UnicodeAttribute()
    organisation = UnicodeAttribute()
    created_at = UTCDateTimeAttribute(default=utcnow)


class SkippedLine(MapAttribute[str, Any]):
    line = NumberAttribute()
    reason = UnicodeAttribute()


class ImportJob(WarmpathItem, discriminator="ImportJob"):
    """A network import. PK=IMPORT#<job id>, SK=IMPORT; GSI1PK=IMPORTS#<connector email>, by creation time.

    ``status``: waiting (for the file), running, done, failed. ``skipped`` holds the first 1,000
    skipped lines as {"line", "reason"}; ``skipped_count`` all of them.

    A running job is leased to one invocation (``lease_owner``, its request id) until ``lease_until``;
    ``attempts`` counts the invocations that took it, ``chunks_done`` the chunks of contacts already
    written (with ``imported``, ``merged`` and ``org_keys`` up to them), so a retry resumes after them.
    """

    job_id = UnicodeAttribute()
    connector_email = UnicodeAttribute()
    requested_by = UnicodeAttribute()
    tenant = UnicodeAttribute(null=True)
    filename = UnicodeAttribute(null=True)
    s3_key = UnicodeAttribute()
    status = UnicodeAttribute(default="waiting")
    format = UnicodeAttribute(null=True)
    total = NumberAttribute(default=0)
    imported = NumberAttribute(default=0)
    merged = NumberAttribute(default=0)
    skipped_count = NumberAttribute(default=0)
    skipped = ListAttribute(of=SkippedLine, default=list)
    error = UnicodeAttribute(null=True)
    org_keys = UnicodeSetAttribute(null=True)  # the organisations the import touched (re-matching reads only these)
    attempts = NumberAttribute(default=0)
    lease_owner = UnicodeAttribute(null=True)
    lease_until = UTCDateTimeAttribute(null=True)
    chunks_done = NumberAttribute(default=0)
    digest = UnicodeAttribute(null=True)  # SHA-256 of the file that progress belongs to (a re-upload starts over)
    created_at = UTCDateTimeAttribute(default=utcnow)
    finished_at = UTCDateTimeAttribute(null=True)


PRIVATE_CONNECTOR = "A connector who keeps this contact private"

# "unknown" until the connector rates the tie (imports never guess a strength).
STRENGTHS = {"very_strong": 4, "strong": 3, "average": 2, "weak": 1, "unknown": 1}
VISIBILITIES = ("visible", "ask_first", "hidden")


class Relationship(WarmpathItem, discriminator="Relationship"):
    """A connector knows a person. PK=NETWORK#<connector email>, SK=TIE#<person id>; GSI1PK=KNOWN#<person id>.

    ``strength`` is one of STRENGTHS, ``source`` where the tie came from (``linkedin``, ``google``,
    ``manual``, ``seed`` ...), ``visibility`` one of VISIBILITIES. Person fields are copied here so a
    network page needs no join.
    """

    connector_email = UnicodeAttribute()
    person_id = UnicodeAttribute()
    person_name = UnicodeAttribute()
    person_title = UnicodeAttribute(null=True)
    person_organisation = UnicodeAttribute(null=True)
    # The contact details as this connector knows them (never another connector's): an introduction the
    # connector makes may use them.
    person_email = UnicodeAttribute(null=True)
    person_linkedin_url = UnicodeAttribute(null=True)
    org_key = UnicodeAttribute(null=True)
    strength = UnicodeAttribute(default="unknown")
    strength_rated_by = UnicodeAttribute(default="inferred")
    source = UnicodeAttribute()
    connected_on = UnicodeAttribute(null=True)
    visibility = UnicodeAttribute(default="visible")
    import_mark = UnicodeAttribute(null=True)  # "<job id>#<chunk>" of the import chunk that created the tie


class PathMap(MapAttribute[str, Any]):
    """One ranked suggestion stored on a request."""

    path_id = UnicodeAttribute()
    person_id = UnicodeAttribute(null=True)  # the person the connector's tie is to
    connector_email = UnicodeAttribute()
    connector_name = UnicodeAttribute()
    connector_title = UnicodeAttribute(null=True)
    connector_location = UnicodeAttribute(null=True)
    connector_type = UnicodeAttribute(null=True)
    path_type = UnicodeAttribute()  # direct, indirect
    strength = UnicodeAttribute()
    score = NumberAttribute()
    reasons = ListAttribute(of=UnicodeAttribute)
    via_name = UnicodeAttribute(null=True)  # who the connector knows (the target, or a colleague of theirs)
    via_title = UnicodeAttribute(null=True)
    responsiveness = UnicodeAttribute(null=True)
    unavailable = UnicodeAttribute(null=True)  # why this connector may not be asked now (fatigue)
    # An "ask me first" tie: the connector is not named (connector_name holds PRIVATE_CONNECTOR) until
    # they accept the ask, which reaches them like any other.
    anonymous = BooleanAttribute(default=False)


class IntroRequest(WarmpathItem, discriminator="IntroRequest"):
    """A requester wants an introduction. PK=TENANT#<t>#REQUEST#<id>, SK=REQUEST.

    GSI1PK=TENANT#<t>#REQUESTS and GSI2PK=TENANT#<t>#REQUESTER#<email>, both sorted by creation time.
    """

    tenant = UnicodeAttribute()
    request_id = UnicodeAttribute()
    requester_email = UnicodeAttribute()
    requester_name = UnicodeAttribute()
    target_name = UnicodeAttribute()
    target_company = UnicodeAttribute()
    target_title = UnicodeAttribute(null=True)
    target_email = UnicodeAttribute(null=True)
    target_linkedin_url = UnicodeAttribute(null=True)
    target_person_id = UnicodeAttribute(null=True)
    reason = UnicodeAttribute()
    # "introduction" (a warm path to the target) or "reference" (a call between the prospect and a happy
    # customer, ranked by fit to the prospect's profile below).
    request_kind = UnicodeAttribute(default="introduction")
    prospect_industry = UnicodeAttribute(null=True)
    prospect_size = UnicodeAttribute(null=True)
    prospect_region = UnicodeAttribute(null=True)
    product = UnicodeAttribute(null=True)
    # sha256 of the submitted fields when the request was made under an idempotency key: a retry must
    # send the same body (absent on requests made before it was kept: those are not compared).
    body_fingerprint = UnicodeAttribute(null=True)
    status = UnicodeAttribute(default="matching")
    paths = ListAttribute(of=PathMap, default=list)
    # The path ids to ask next, in the requester's order, after a decline (or, later, an expiry).
    queue = ListAttribute(of=UnicodeAttribute, null=True)
    # Two requesters, one target: the later request joins the earlier one (status "joined") and its
    # requester is added to the earlier one's watchers, so no connector is asked twice.
    joined_request_id = UnicodeAttribute(null=True)
    watchers = UnicodeSetAttribute(null=True)
    # An Open Request (no path): connectors with ties at the organisation, for the open-requests digest.
    digest_connectors = UnicodeSetAttribute(null=True)
    # After the introduction, the requester's one-click answer to "Did you meet?" (one of OUTCOMES).
    outcome = UnicodeAttribute(null=True)
    outcome_at = UTCDateTimeAttribute(null=True)
    # A CRM deal attributed to this introduction reached closed-won (``crm`` attribution).
    introduced_at = UTCDateTimeAttribute(null=True)
    converted_at = UTCDateTimeAttribute(null=True)
    converted_deal = UnicodeAttribute(null=True)
    created_at = UTCDateTimeAttribute(default=utcnow)
    updated_at = UTCDateTimeAttribute(default=utcnow)

    @staticmethod
    def partition(tenant: str, request_id: str) -> str:
        return f"TENANT#{tenant}#REQUEST#{request_id}"


class TargetClaim(WarmpathItem, discriminator="TargetClaim"):
    """The tenant's open request for a target. PK=TENANT#<t>#TARGET#<hashed identity claim>, SK=TARGET."""

    request_id = UnicodeAttribute()


class OpenAtOrg(WarmpathItem, discriminator="OpenAtOrg"):
    """A tenant's open requests for people at one organisation. PK=TENANT#<t>#OPENORG#<org key>, SK=OPEN.

    Read by key (a batch per 100 organisations) when a network changes, so re-matching reads only the
    organisations that changed; ids of requests no longer open are dropped as they are found.
    """

    request_ids = UnicodeSetAttribute(null=True)


class TimelineEntry(WarmpathItem, discriminator="TimelineEntry"):
    """One status change on a request. PK=TENANT#<t>#REQUEST#<id>, SK=EVENT#<iso time>#<n>."""

    at = UTCDateTimeAttribute(default=utcnow)
    what = UnicodeAttribute()
    detail = UnicodeAttribute(null=True)


class Ask(WarmpathItem, discriminator="Ask"):
    """A connector asked to introduce. PK=TENANT#<t>#REQUEST#<id>, SK=ASK#<connector email>; GSI1PK=ASKED#<email>."""

    tenant = UnicodeAttribute()
    request_id = UnicodeAttribute()
    connector_email = UnicodeAttribute()
    connector_name = UnicodeAttribute()
    status = UnicodeAttribute(default="asked")
    asked_at = UTCDateTimeAttribute(default=utcnow)
    answered_at = UTCDateTimeAttribute(null=True)
    declined_by_approver = BooleanAttribute(null=True)  # the connector was never asked: their approver said no
    anonymous = BooleanAttribute(default=False)  # asked through an "ask me first" tie: not named to the requester
    # Sending the introduction: claimed (so two deliveries cannot both send), then marked sent.
    intro_claimed_at = UTCDateTimeAttribute(null=True)
    introduced_at = UTCDateTimeAttribute(null=True)
    # The connector's own wording of the introduction (the confirm page or their reply); else the default.
    intro_text = UnicodeAttribute(null=True)
    # Double opt-in: when the target was asked, and their answer (yes, no).
    target_asked_at = UTCDateTimeAttribute(null=True)
    target_answer = UnicodeAttribute(null=True)
    # Reminders: an auto-reply postpones the reminder to this time; when it was sent.
    reminder_after = UTCDateTimeAttribute(null=True)
    reminded_at = UTCDateTimeAttribute(null=True)


OUTCOMES = ("meeting_held", "no_response", "not_a_fit")


class Offer(WarmpathItem, discriminator="Offer"):
    """A connector's offer to introduce. PK=TENANT#<t>#OFFER#<id>, SK=OFFER.

    Made from a digest's "I can help" (``request_id`` set) or by writing to the offers address (``text``,
    and the request it names, if any). Routed to ``owner_email``, who accepts it with one click.
    """

    tenant = UnicodeAttribute()
    offer_id = UnicodeAttribute()
    connector_email = UnicodeAttribute()
    connector_name = UnicodeAttribute()
    request_id = UnicodeAttribute(null=True)
    organisation = UnicodeAttribute(null=True)
    text = UnicodeAttribute(null=True)
    owner_email = UnicodeAttribute()
    status = UnicodeAttribute(default="offered")  # offered, accepted
    created_at = UTCDateTimeAttribute(default=utcnow)

    @staticmethod
    def key(tenant: str, offer_id: str) -> tuple[str, str]:
        return f"TENANT#{tenant}#OFFER#{offer_id}", "OFFER"

    @staticmethod
    def id_for(tenant: str, *about: str) -> str:
        """The id of the offer ``about`` identifies (a request and a connector, or an email): one offer each."""
        import hashlib

        return hashlib.sha256("|".join((tenant, *about)).encode()).hexdigest()[:24]


class AccountOwner(WarmpathItem, discriminator="AccountOwner"):
    """Who owns an account in the tenant's CRM. PK=TENANT#<t>#ACCOUNT#<org key>, SK=OWNER (CRM sync writes it)."""

    owner_email = UnicodeAttribute()


class CrmOrganisation(WarmpathItem, discriminator="CrmOrganisation"):
    """A CRM account's name and domain, the tenant's own: PK=TENANT#<t>#CRMORG#<org key>,
    SK=ACCOUNT#<provider>#<the CRM's id>. Global organisations and domain claims change only from connectors'
    imports and operators' links, never from one tenant's CRM."""

    name = UnicodeAttribute()
    domain = UnicodeAttribute(null=True)

    @staticmethod
    def key(tenant: str, org_key: str, provider: str, external_id: str) -> tuple[str, str]:
        return f"TENANT#{tenant}#CRMORG#{org_key}", f"ACCOUNT#{provider}#{external_id}"


class CrmRecord(WarmpathItem, discriminator="CrmRecord"):
    """An account, contact or deal as the tenant's CRM last described it. PK=TENANT#<t>#CRM#<kind>#<provider>#<id>.

    ``fields`` holds Warmpath's field names (``crm.FIELDS``); ``field_times`` when the CRM changed each, so an
    older delivery arriving late never overwrites a newer value; ``version`` guards concurrent writers.
    A deal also carries Warmpath's view: its stage and the introduction it is attributed to.
    """

    tenant = UnicodeAttribute()
    provider = UnicodeAttribute()
    record_kind = UnicodeAttribute()
    external_id = UnicodeAttribute()
    fields = MapAttribute[str, Any](default=dict)
    field_times = MapAttribute[str, Any](default=dict)
    modified_at = UTCDateTimeAttribute()
    version = NumberAttribute(default=0)
    stage = UnicodeAttribute(null=True)  # deals: open, closed_won, closed_lost
    request_id = UnicodeAttribute(null=True)  # deals: the introduction it is attributed to
    attribution = UnicodeAttribute(null=True)  # sourced, influenced
    attributed_by = UnicodeAttribute(null=True)  # request_id field, introduced contact, account domain

    @staticmethod
    def key(tenant: str, kind: str, provider: str, external_id: str) -> tuple[str, str]:
        return f"TENANT#{tenant}#CRM#{kind}#{provider}#{external_id}", "RECORD"


class TargetAccount(WarmpathItem, discriminator="TargetAccount"):
    """A CRM account flagged as a target, with the connectors who have ties there (matching keeps it)."""

    tenant = UnicodeAttribute()
    org_key = UnicodeAttribute()
    organisation = UnicodeAttribute()
    account = UnicodeAttribute()
    connectors = ListAttribute(of=MapAttribute, default=list)  # {email, name, ties}
    updated_at = UTCDateTimeAttribute(default=utcnow)


class CrmContactIndex(WarmpathItem, discriminator="CrmContactIndex"):
    """The CRM's id of the contact with this email. PK=TENANT#<t>#CRMCONTACT#<email>, SK=<provider>."""

    external_id = UnicodeAttribute()


class MetricCounter(WarmpathItem, discriminator="MetricCounter"):
    """Counters kept by ``warmpath.analytics``: PK=TENANT#<t>#METRICS, SK=MONTH#<yyyy-mm> | CONNECTOR#<email> |
    CONNECTORMONTH#<yyyy-mm>#<email> | REQUESTER#<email>. Each counted event ADDs to them, so a dashboard
    reads a bounded number of items."""

    requested = NumberAttribute(null=True)
    asked = NumberAttribute(null=True)
    accepted = NumberAttribute(null=True)
    declined = NumberAttribute(null=True)
    introduced = NumberAttribute(null=True)
    intro_hours = NumberAttribute(null=True)
    meetings = NumberAttribute(null=True)
    opportunities = NumberAttribute(null=True)
    won = NumberAttribute(null=True)
    lost = NumberAttribute(null=True)
    won_amount = NumberAttribute(null=True)
    won_cycle_days = NumberAttribute(null=True)
    referred_opportunities = NumberAttribute(null=True)
    referred_won = NumberAttribute(null=True)
    referred_lost = NumberAttribute(null=True)
    referred_won_amount = NumberAttribute(null=True)
    referred_won_cycle_days = NumberAttribute(null=True)
    rewards_earned = NumberAttribute(null=True)
    rewards_paid = NumberAttribute(null=True)
    introduced_by_customer = NumberAttribute(null=True)


class CrmDelivery(WarmpathItem, discriminator="CrmDelivery"):
    """A CRM delivery (notification or event id) already applied. Expires after 30 days via ttl."""


class RewardEntry(WarmpathItem, discriminator="RewardEntry"):
    """One line of a connector's rewards ledger. PK=TENANT#<t>#REWARDS#<email>, SK=ENTRY#<trigger>#<request>#<n>.

    ``entry``: earned, reversed (a deal moved back; ``amount`` is what was taken back) or paid.
    """

    tenant = UnicodeAttribute()
    connector_email = UnicodeAttribute()
    entry = UnicodeAttribute()
    trigger = UnicodeAttribute()  # introduction, meeting_held, closed_won
    request_id = UnicodeAttribute()
    reward_kind = UnicodeAttribute()  # cash, points, charity, recognition
    amount = NumberAttribute(default=0)
    currency = UnicodeAttribute(null=True)
    deal = UnicodeAttribute(null=True)
    note = UnicodeAttribute(null=True)
    at = UTCDateTimeAttribute(default=utcnow)


class UsedToken(WarmpathItem, discriminator="UsedToken"):
    """Marks a single-use token as spent. PK=USED#<jti>, SK=USED; expires with the token."""

    used_at = UTCDateTimeAttribute(default=utcnow)
    outcome = UnicodeAttribute(null=True)


class Throttle(WarmpathItem, discriminator="Throttle"):
    """An action allowed once per window. PK=THROTTLE#<key>, SK=THROTTLE; ``ttl`` is when the window ends."""


class ReplyAddress(WarmpathItem, discriminator="ReplyAddress"):
    """What a reply to one of our emails is about. PK=REPLY#<id>, SK=REPLY; expires via ttl.

    Emails that expect an answer carry ``Reply-To: reply+<id>@<inbound domain>``: a random id (an email's
    local part is too short for a signed token), mapped here to its purpose, tenant and addressee.
    """

    purpose = UnicodeAttribute()  # network_import (an invitation), ask (an ask: the answer by reply)
    tenant = UnicodeAttribute()
    email = UnicodeAttribute()
    ref = UnicodeAttribute(null=True)  # what it is about: the request id of an ask or a double opt-in


class Session(WarmpathItem, discriminator="Session"):
    """A signed-in web session. PK=SESSION#<sha256 of the cookie value>, SK=SESSION; expires via ttl."""

    tenant = UnicodeAttribute()
    email = UnicodeAttribute()
    created_at = UTCDateTimeAttribute(default=utcnow)


class InboundMessage(WarmpathItem, discriminator="InboundMessage"):
    """An email received through SES. PK=INBOUND#<SES message id>, SK=INBOUND.

    Stored with SES's verdicts; understanding replies is done by the email-first work.
    """

    message_id = UnicodeAttribute()
    sender = UnicodeAttribute(null=True)
    recipients = ListAttribute(of=UnicodeAttribute, default=list)
    subject = UnicodeAttribute(null=True)
    s3_key = UnicodeAttribute(null=True)
    verdicts = MapAttribute[str, Any](default=dict)
    received_at = UTCDateTimeAttribute(default=utcnow)
    # What reading it concluded (replies to asks): inbound_mail.Conclusion, kept for follow-ups and support.
    intent = UnicodeAttribute(null=True)
    visible_text = UnicodeAttribute(null=True)
    request_id = UnicodeAttribute(null=True)
    checks = MapAttribute[str, Any](null=True)
