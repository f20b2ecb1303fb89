"""The admin's members and settings pages.

``/admin/members`` lists every member -- admins, requesters, connectors -- with their status (invited,
reminded, joined, bounced, opted out), filterable by status. An admin adds a requester or admin by address
(they sign in with a magic link from the sign-in page; nobody is emailed on adding), changes a member's roles
and sets or clears a connector's approver. Connectors themselves arrive through the bulk invite, so the
connector role is never granted here. An admin cannot take away their own admin role, so a tenant always
keeps the admin who is looking. Removing a member (a confirm page, then its POST) deletes the membership:
they can no longer sign in or be asked, while their past requests, introductions and counters stay. A
connector with an ask still open is not removed until it is answered or expires, so no ask is orphaned.

``/admin/settings`` edits the tenant's settings in one form (fatigue caps, introductions and their timings,
reward rules, attribution, analytics, branding). The whole map is checked by ``warmpath.tenant_settings``
before anything is saved; a bad value returns the form with what to fix and the values as typed. Keys the
page does not show (ranking weights, CRM stage maps) are kept. The form carries the settings' version
(``Tenant.settings_version``) and the save is conditional on it, so a save over a newer change -- another
admin's, or the CLI's -- is refused rather than silently undoing it.

A change that succeeds redirects back to its page (post/redirect/get), so reloading it repeats nothing.

``/admin/settings/crm`` stores a CRM connection's secret in SSM (never shown again; the page only says
whether each provider is connected and where its webhook posts). Salesforce's endpoint key is generated, and
the endpoint URL carrying it is shown **once** (``intake.crm_endpoint``). A Salesforce connection stored
without a key is shown as refusing deliveries until connected again.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlencode

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from warmpath import wiring
from warmpath.core.errors import Conflict, InvalidInput, NotFound
from warmpath.core.observability import logger

from intake import web

if TYPE_CHECKING:
    from warmpath.models import Member

router = Router()

STATUSES = ("invited", "reminded", "joined", "bounced", "opted_out")
ADDABLE_ROLES = ("requester", "admin")
NUMBERS = {  # settings key (and form field) -> a whole number?
    "asks_per_30_days": True,
    "decline_cooldown_days": True,
    "ask_reminder_days": False,
    "ask_expiry_days": False,
    "meeting_check_days": False,
    "attribution_window_days": True,
}
FLAGS = ("double_opt_in", "digest_shows_all", "leaderboard_hidden")
REWARD_FIELDS = ("trigger", "connector_type", "kind", "amount", "percent", "currency")
# The settings' names as the page labels them, for messages written in the CLI's terms.
LABELS = {
    "asks_per_30_days": "Most asks a connector gets in 30 days",
    "decline_cooldown_days": "Days a connector is not asked again after declining",
    "ask_reminder_days": "Remind a connector who has not answered after",
    "ask_expiry_days": "An unanswered ask expires after",
    "meeting_check_days": "Ask the requester \u201cDid you meet?\u201d after",
    "attribution_window_days": "A deal counts as referred when created within",
    "brand.colour": "Colour of buttons",
    "brand.logo_url": "Logo",
}


def _admin(what: str) -> web.SignedIn:
    return web.require_admin(router.current_event, what)


def _admin_form(what: str) -> tuple[web.SignedIn, web.Form]:
    """The signed-in admin and the form they posted (its CSRF token checked)."""
    found = _admin(what)
    form = web.read_form(router.current_event)
    web.check_csrf(form, found.session_id)
    return found, form


# -- members ---------------------------------------------------------------------------------------------


def _members_page(found: web.SignedIn, *, status: int = 200, **context: Any) -> Response[str]:
    members = wiring.repository().list_members(found.member.tenant)
    shown = context.pop("status_filter", "")
    done = context.pop("done", {})
    context.setdefault("notice", _notice(done.get("done", ""), done.get("who", ""), {m.email: m for m in members}))
    counts = {s: sum(1 for m in members if m.status == s) for s in STATUSES}
    listed = [m for m in members if not shown or m.status == shown]
    context.setdefault("error", "")
    context.setdefault("notice", "")
    context.setdefault("added", {"email": "", "name": "", "roles": ["requester"]})
    return web.member_page(
        found,
        "members.html",
        status=status,
        members=sorted(listed, key=lambda m: (m.name.lower(), m.email)),
        counts=counts,
        total=len(members),
        status_filter=shown,
        statuses=STATUSES,
        addable_roles=ADDABLE_ROLES,
        **context,
    )


@router.get("/admin/members", include_in_schema=False)
def members_page() -> Response[str]:
    found = _admin("manage members")
    query = router.current_event.query_string_parameters or {}
    shown = query.get("status", "")
    if shown and shown not in STATUSES:
        return _members_page(found, status=400, error=f"Show one of these statuses: {', '.join(STATUSES)}.")
    return _members_page(found, status_filter=shown, done=query)


def _notice(done: str, who: str, members: dict[str, Member]) -> str:
    """What the last change did (forms redirect here after a change, so reloading repeats nothing)."""
    member = members.get(who)
    if member is not None and done in ("added", "saved"):
        return (
            f"Added {member.name}. They sign in with their email address."
            if done == "added"
            else f"Saved {member.name}."
        )
    if done == "removed" and who and member is None:
        return f"Removed {who}."
    return ""


def _member_in_path(found: web.SignedIn, raw: str) -> Member:
    """The admin's tenant's member named by ``/admin/members/<email>`` (decoded, in the case it is stored in)."""
    from urllib.parse import unquote

    from warmpath.identity import normalise_email

    try:
        member = wiring.repository().get_member(found.member.tenant, normalise_email(unquote(raw)))
    except ValueError:
        member = None
    if member is None:
        raise NotFound("That person is not a member of this tenant.")
    return member


def _email(raw: str, what: str) -> str:
    from warmpath.identity import normalise_email

    try:
        return normalise_email(raw or "")
    except ValueError:
        raise InvalidInput(f"{what} '{raw.strip()}' is not an email address (like name@company.com).") from None


@router.post("/admin/members", include_in_schema=False)
def add_member() -> Response[str]:
    from warmpath.models import Member

    found, form = _admin_form("manage members")
    roles = [r for r in form.all("roles") if r in ADDABLE_ROLES]
    name = form.get("name", "").strip()[:200]
    added: dict[str, Any] = {"email": form.get("email", "").strip(), "name": name, "roles": roles}
    try:
        email = _email(added["email"], "The address")
        if not name:
            raise InvalidInput("Give the name colleagues know them by.")
        if not roles:
            raise InvalidInput("Tick at least one role: requester (asks for introductions) or admin.")
    except InvalidInput as error:
        return _members_page(found, status=400, error=error.message, added=added)
    tenant = found.member.tenant
    member = Member(tenant=tenant, email=email, name=name, roles=set(roles), status="joined")
    if not wiring.repository().add_member(member):
        taken = f"{email} is a member already: change their roles in the list below."
        return _members_page(found, status=409, error=taken, added=added)
    logger.info("member added", extra={"roles": sorted(roles)})
    return web.redirect(f"/admin/members?{urlencode({'done': 'added', 'who': email})}")


@router.post("/admin/members/<email>", include_in_schema=False)
def change_member(email: str) -> Response[str]:
    found, form = _admin_form("manage members")
    member = _member_in_path(found, email)
    roles = {r for r in form.all("roles") if r in ADDABLE_ROLES} | (member.roles & {"connector"})
    try:
        if not roles:
            raise InvalidInput(f"{member.name} needs at least one role: requester or admin.")
        if member.email == found.member.email and "admin" not in roles:
            raise InvalidInput("You cannot remove your own admin role: ask another admin to do it.")
        approver = form.get("approver_email", "").strip()
        approver = _email(approver, "The approver") if approver else ""
        if approver == member.email:
            raise InvalidInput("A connector cannot approve their own asks.")
    except InvalidInput as error:
        return _members_page(found, status=400, error=f"Nothing was changed: {error.message}")
    wiring.repository().set_member_access(member, roles=roles, approver_email=approver or None)
    return web.redirect(f"/admin/members?{urlencode({'done': 'saved', 'who': member.email})}")


def _removable(found: web.SignedIn, email: str) -> Member:
    """The member an admin may remove, or an error saying why not."""
    from warmpath.lifecycle import OPEN_ASK_STATUSES

    member = _member_in_path(found, email)
    if member.email == found.member.email:
        raise Conflict("You cannot remove yourself: ask another admin to do it.")
    if any(a.status in OPEN_ASK_STATUSES for a in wiring.repository().asks_of(member.tenant, member.email, limit=200)):
        raise Conflict(f"{member.name} has an ask waiting for an answer: remove them once it is answered or expires.")
    return member


@router.get("/admin/members/<email>/remove", include_in_schema=False)
def confirm_remove(email: str) -> Response[str]:
    member = _removable(_admin("manage members"), email)
    lines = [
        f"{member.name} ({member.email}) will no longer be able to sign in here"
        + (", and will not be asked for introductions." if "connector" in member.roles else "."),
        "Their past requests, introductions and figures stay. You can invite or add them again later.",
    ]
    return web.confirm_page(
        router.current_event,
        title=f"Remove {member.name}?",
        lines=lines,
        action=f"/admin/members/{quote(member.email)}/remove",
        button=f"Remove {member.name}",
    )


@router.post("/admin/members/<email>/remove", include_in_schema=False)
def remove_member(email: str) -> Response[str]:
    found, _ = _admin_form("manage members")
    member = _removable(found, email)
    wiring.repository().remove_member(member.tenant, member.email)
    logger.info("member removed", extra={"roles": sorted(member.roles)})
    return web.redirect(f"/admin/members?{urlencode({'done': 'removed', 'who': member.email})}")


# -- settings --------------------------------------------------------------------------------------------


def _settings_page(found: web.SignedIn, *, status: int = 200, **context: Any) -> Response[str]:
    from warmpath.core.config import get_settings
    from warmpath.models import CONNECTOR_TYPES
    from warmpath.rewards import KINDS, TRIGGERS
    from warmpath.tenant_settings import crm_connections, effective

    tenant = found.member.tenant
    record = wiring.repository().get_tenant(tenant)
    stored = record.settings.as_dict() if record.settings else {}
    values = context.pop("values", None)
    if values is None:
        try:
            values = _form_values(effective(stored))
        except ValueError as error:  # a hand-edited item: show the defaults, and what was wrong, to save over it
            values = _form_values(effective({}))
            context["error"] = f"The stored settings have a bad value ({error}). The form shows the defaults."
    base = get_settings().public_base_url
    shown_key = context.pop("endpoint_key", None)
    connections = [
        {**c, "url": f"{base}/crm/{tenant}/{c['provider']}" + ("?key=…" if c["provider"] == "salesforce" else "")}
        for c in crm_connections(tenant, endpoint_key=shown_key)
    ]
    context.setdefault("error", "")
    context.setdefault("notice", "")
    context.setdefault("crm_typed", {"provider": "", "org_id": "", "instance_url": "", "writeback": False})
    return web.member_page(
        found,
        "settings.html",
        status=status,
        values=values,
        version=int(record.settings_version or 0),
        triggers=TRIGGERS,
        kinds=KINDS,
        connector_types=("*", *CONNECTOR_TYPES),
        connections=connections,
        **context,
    )


def _form_values(applied: dict[str, Any]) -> dict[str, Any]:
    """The form's fields as strings, from the effective settings."""
    mail = applied["mail"]
    values: dict[str, Any] = {
        "asks_per_30_days": applied["asks_per_30_days"],
        "decline_cooldown_days": applied["decline_cooldown_days"],
        "attribution_window_days": applied["attribution_window_days"],
        "brand_colour": mail["brand"]["colour"],
        "brand_logo_url": mail["brand"]["logo_url"] or "",
        "leaderboard_hidden": applied["leaderboard_hidden"],
        "rewards": [{k: _plain(r[k]) for k in REWARD_FIELDS} for r in applied["rewards"]],
    }
    for key in ("ask_reminder_days", "ask_expiry_days", "meeting_check_days", "double_opt_in", "digest_shows_all"):
        values[key] = mail[key]
    for name, weight in applied["contribution_weights"].items():
        values[f"cw_{name}"] = weight
    return {k: v if isinstance(v, bool | list) else _plain(v) for k, v in values.items()}


def _plain(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _number(raw: str, label: str, whole: bool) -> int | float:
    text = raw.strip()
    try:
        return int(text) if whole else float(text)
    except ValueError:
        kind = "a whole number" if whole else "a number"
        raise ValueError(f"{label} must be {kind}, not '{text}'") from None


def typed_values(form: web.Form) -> dict[str, Any]:
    """The settings form's values as typed (what the page shows again when they do not pass)."""
    from warmpath.analytics import DEFAULT_CONTRIBUTION_WEIGHTS

    typed: dict[str, Any] = {name: form.get(name, "") for name in NUMBERS}
    typed |= {name: form.get(name) == "on" for name in FLAGS}
    typed |= {f"cw_{n}": form.get(f"cw_{n}", "") for n in DEFAULT_CONTRIBUTION_WEIGHTS}
    typed |= {"brand_colour": form.get("brand_colour", "").strip(), "brand_logo_url": form.get("brand_logo_url", "")}
    columns = {f: form.all(f"reward_{f}") for f in REWARD_FIELDS}
    typed["rewards"] = [{f: (columns[f][i] if i < len(columns[f]) else "") for f in REWARD_FIELDS}
                        for i in range(len(columns["trigger"]))]  # fmt: skip
    return typed


def settings_from(typed: dict[str, Any], stored: dict[str, Any]) -> dict[str, Any]:
    """The settings the form asks for; stored keys it does not show are kept. ValueError says what to fix."""
    from warmpath.analytics import DEFAULT_CONTRIBUTION_WEIGHTS

    settings = dict(stored)
    for name, whole in NUMBERS.items():
        settings[name] = _number(typed[name], name, whole)
    for name in FLAGS:
        settings[name] = typed[name]
    settings["contribution_weights"] = {
        n: _number(typed[f"cw_{n}"], f"the weight of {n}", False) for n in DEFAULT_CONTRIBUTION_WEIGHTS
    }
    brand = {"colour": typed["brand_colour"].lower()}
    if typed["brand_logo_url"].strip():
        brand["logo_url"] = typed["brand_logo_url"].strip()
    settings["brand"] = brand
    rules = []
    for index, row in enumerate(typed["rewards"]):
        if not row["trigger"]:
            continue  # an empty row: the spare one, or a rule the admin cleared to remove it
        rule: dict[str, Any] = {"trigger": row["trigger"], "connector_type": row["connector_type"] or "*",
                                "kind": row["kind"], "currency": (row["currency"] or "USD").upper()[:3]}  # fmt: skip
        for key in ("amount", "percent"):
            rule[key] = _number(row[key] or "0", f"reward rule {index + 1}'s {key}", False)
        rules.append(rule)
    settings["rewards"] = rules
    return settings


def in_words(message: str) -> str:
    """A settings error as the page says it: its field labels, and reward rules counted from 1."""
    import re

    for key, label in LABELS.items():
        message = re.sub(rf"(?<![\w.]){re.escape(key)}(?![\w])", f"\u201c{label}\u201d", message)

    def rule(found: re.Match[str]) -> str:
        field = found[2].replace("_", " ")
        return f"reward rule {int(found[1]) + 1}" + (f"'s {field}" if field else "")

    return re.sub(r"rewards\[(\d+)\]\.?(\w*)", rule, message)


@router.get("/admin/settings", include_in_schema=False)
def settings_page() -> Response[str]:
    from warmpath.tenant_settings import CRM_PROVIDERS

    from intake.crm_endpoint import ENDPOINT_COOKIE, endpoint_cookie, shown_endpoint_key

    found = _admin("change the settings")
    event = router.current_event
    query = event.query_string_parameters or {}
    notice, key = "", None
    if query.get("done") == "saved":
        notice = "Settings saved."
    elif query.get("done") == "connected" and query.get("provider") in CRM_PROVIDERS:
        notice = f"{query['provider'].capitalize()} is connected. Its secret is stored and never shown."
        if query["provider"] == "salesforce":
            key = shown_endpoint_key(event, found)
            notice = "Salesforce is connected." + (" Its endpoint URL is below, this once." if key else "")
    page = _settings_page(found, notice=notice, endpoint_key=key)
    if ENDPOINT_COOKIE in web.cookies_of(event):
        page.cookies.append(endpoint_cookie(event, found, "", 0))  # shown (or stale): never again
    return page


@router.post("/admin/settings", include_in_schema=False)
def save_settings() -> Response[str]:
    from warmpath.tenant_settings import effective

    found, form = _admin_form("change the settings")
    repo = wiring.repository()
    tenant = found.member.tenant
    stored = repo.tenant_settings(tenant)
    typed = typed_values(form)
    shown = form.get("version", "")
    if not shown.isdigit():
        raise InvalidInput("This form is missing its version: reload the settings page and try again.")
    try:
        settings = settings_from(typed, stored)
        effective(settings)
    except ValueError as error:
        return _settings_page(found, status=400, error=f"Nothing was saved: {in_words(str(error))}.", values=typed)
    if not repo.set_tenant_settings(tenant, settings, if_version=int(shown)):
        moved = "Someone changed the settings after you opened this page. Nothing was saved: reload it and try again."
        return _settings_page(found, status=409, error=moved)
    logger.info("tenant settings changed", extra={"keys": sorted(k for k in settings if settings[k] != stored.get(k))})
    return web.redirect("/admin/settings?done=saved")


@router.post("/admin/settings/crm", include_in_schema=False)
def connect_crm() -> Response[str]:
    from warmpath.tenant_settings import crm_connection_value, store_crm_connection

    found, form = _admin_form("connect a CRM")
    provider = form.get("provider", "")
    try:
        value = crm_connection_value(
            provider,
            secret=form.get("secret", "").strip(),
            org_id=form.get("org_id", "").strip(),
            writeback=form.get("writeback") == "on",
            access_token=form.get("access_token", "").strip(),
            instance_url=form.get("instance_url", "").strip(),
        )
    except ValueError as error:
        typed: dict[str, Any] = {
            k: form.get(k, "").strip() for k in ("provider", "org_id", "instance_url")
        }  # never the secrets
        typed["writeback"] = form.get("writeback") == "on"
        return _settings_page(found, status=400, error=f"The CRM was not connected: {error}.", crm_typed=typed)
    store_crm_connection(found.member.tenant, provider, value)
    logger.info("crm connected", extra={"provider": provider, "writeback": bool(value.get("writeback"))})
    from intake.crm_endpoint import endpoint_cookie

    shown = [endpoint_cookie(router.current_event, found, value["secret"], 300)] if provider == "salesforce" else []
    return web.redirect(f"/admin/settings?done=connected&provider={provider}", cookies=shown)
