"""The life of an introduction request and of an ask (plain constants: cheap to import anywhere).

request: matching -> paths_found | no_path -> asked -> accepted -> introduced
                                               asked -> declined -> asked (the next connector) ...
ask:     asked -> accepted | declined
"""

# A requester may pick a connector to ask only in these request statuses (one open ask at a time).
ASKABLE_STATUSES = ("paths_found", "declined")
