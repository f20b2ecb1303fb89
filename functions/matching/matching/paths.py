"""Matching's use of path finding: the request's target, the tenant's ranking settings, the ranked paths.

The finding and ranking live in the layer (``warmpath.pathfinding``, ``warmpath.ranking``) because the
``warmpath paths`` command ranks the same way for admins and support.
"""

from __future__ import annotations

from datetime import datetime

from warmpath.identity import target_claims
from warmpath.models import IntroRequest, PathMap
from warmpath.pathfinding import Target, find_paths
from warmpath.ranking import RankingSettings
from warmpath.repository import Repository


def paths_for(repo: Repository, request: IntroRequest, now: datetime) -> list[PathMap]:
    tenant = repo.get_tenant(request.tenant)
    return find_paths(
        repo,
        request.tenant,
        request.requester_email,
        Target(
            name=request.target_name,
            company=request.target_company,
            title=request.target_title,
            email=request.target_email,
            linkedin_url=request.target_linkedin_url,
        ),
        request_id=request.request_id,
        now=now,
        settings=RankingSettings.from_tenant(tenant.settings.as_dict() if tenant.settings else None),
    )


def target_keys(request: IntroRequest) -> list[str]:
    """The request's target by each of its identifiers (what tells two requests for one person apart)."""
    claims = target_claims(
        email=request.target_email,
        linkedin_url=request.target_linkedin_url,
        name=request.target_name,
        organisation=request.target_company,
    )
    return [c.key for c in claims]
