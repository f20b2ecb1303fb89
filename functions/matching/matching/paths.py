"""Matching's use of path finding: the request's target, the tenant's ranking settings, the ranked paths.

The finding and ranking live in the layer (``warmpath.pathfinding``, ``warmpath.ranking``) because the
``warmpath paths`` command ranks the same way for admins and support.
"""

from __future__ import annotations

from datetime import datetime

from warmpath.identity import target_claims
from warmpath.models import IntroRequest, PathMap
from warmpath.pathfinding import Target, find_paths, find_references
from warmpath.ranking import Prospect, RankingSettings
from warmpath.repository import Repository


def paths_for(repo: Repository, request: IntroRequest, now: datetime) -> list[PathMap]:
    """Warm paths for an introduction, or ranked customers for a reference request."""
    tenant = repo.get_tenant(request.tenant)
    settings = RankingSettings.from_tenant(tenant.settings.as_dict() if tenant.settings else None)
    target = Target(
        name=request.target_name,
        company=request.target_company,
        title=request.target_title,
        email=request.target_email,
        linkedin_url=request.target_linkedin_url,
    )
    if request.request_kind == "reference":
        prospect = Prospect(
            title=request.target_title,
            industry=request.prospect_industry,
            size=request.prospect_size,
            region=request.prospect_region,
            product=request.product,
        )
        return find_references(
            repo,
            request.tenant,
            request.requester_email,
            target,
            prospect,
            request_id=request.request_id,
            now=now,
            settings=settings,
        )
    return find_paths(
        repo, request.tenant, request.requester_email, target, request_id=request.request_id, now=now, settings=settings
    )


def target_keys(request: IntroRequest) -> list[str]:
    """The request's target by each of its identifiers (what tells two requests for one person apart).

    Reference requests are never joined: several customers may rightly be asked about one prospect.
    """
    if request.request_kind == "reference":
        return []
    claims = target_claims(
        email=request.target_email,
        linkedin_url=request.target_linkedin_url,
        name=request.target_name,
        organisation=request.target_company,
    )
    return [c.key for c in claims]
