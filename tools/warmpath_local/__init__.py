"""The local stack: the whole of Warmpath on one machine, from the same template and handlers as AWS."""
