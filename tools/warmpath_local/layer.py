"""Derive the Lambda layer's requirements from pyproject.toml (the one list of pinned dependencies).

``make requirements`` writes ``layers/requirements.txt``, which ``sam build`` installs into the layer;
a test fails when the two disagree.
"""

from __future__ import annotations

import tomllib

from warmpath_local.template import ROOT

PYPROJECT = ROOT / "pyproject.toml"
LAYER_REQUIREMENTS = ROOT / "layers" / "requirements.txt"
HEADER = "# Generated from pyproject.toml [project.dependencies] by `make requirements`. Do not edit.\n"


def layer_requirements() -> str:
    dependencies = tomllib.loads(PYPROJECT.read_text())["project"]["dependencies"]
    return HEADER + "".join(f"{d}\n" for d in dependencies)


def main() -> None:
    LAYER_REQUIREMENTS.write_text(layer_requirements())
    print(f"wrote {LAYER_REQUIREMENTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
