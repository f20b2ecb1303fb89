"""Warmpath's shared package: the domain model, data access, events, tokens and mail.

Every Lambda function gets this package from the shared layer (``layers/``). Functions never import each
other; whatever two functions both need lives here.
"""
