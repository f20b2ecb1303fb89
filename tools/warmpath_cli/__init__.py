"""The ``warmpath`` command line, for admins and operators."""
