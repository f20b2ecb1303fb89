"""The life of an introduction request and of an ask (plain constants: cheap to import anywhere).

request: matching -> paths_found | no_path -> asked -> accepted -> introduced
                                               asked -> declined -> asked (the next connector) ...
         matching -> joined (another requester's open request for the same target)
ask:     asked -> accepted | declined
         awaiting_approval -> asked (the connector's approver agrees) | declined (they do not)
"""

# A requester may pick a connector to ask only in these request statuses (one open ask at a time).
ASKABLE_STATUSES = ("paths_found", "declined")

# A request still working towards an introduction: a second request for its target joins it.
OPEN_STATUSES = ("matching", "paths_found", "no_path", "asked", "declined", "accepted")
# An ask still waiting for someone: the connector, or first their approver.
OPEN_ASK_STATUSES = ("asked", "awaiting_approval")
