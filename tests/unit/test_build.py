"""`sam build` needs neither Docker nor python3.12: every function and the layer are built by a Makefile target.

SAM runs `make build-<LogicalId>` in the Makefile of each resource's CodeUri/ContentUri (BuildMethod: makefile);
a function added to the template without its target would only fail at `sam build` time, so these tests fail first.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from warmpath_local.template import TEMPLATE, load_template

BUILT_TYPES = ("AWS::Serverless::Function", "AWS::Serverless::LayerVersion")
# A rule line: targets, one colon (not `:=`), prerequisites. Variable assignments and recipes do not match.
RULE = re.compile(r"^(?P<targets>[^\s#:=][^:=]*?)\s*:(?!=)")


def built_resources() -> dict[str, dict[str, Any]]:
    resources = load_template().raw["Resources"]
    return {logical_id: r for logical_id, r in resources.items() if r["Type"] in BUILT_TYPES}


def source_dir(resource: dict[str, Any]) -> Path:
    properties = resource["Properties"]
    uri = properties.get("CodeUri") or properties["ContentUri"]
    return (TEMPLATE.parent / uri).resolve()


def makefile_targets(makefile: Path) -> set[str]:
    targets: set[str] = set()
    for line in makefile.read_text().splitlines():
        match = RULE.match(line)
        if match:
            targets.update(match["targets"].split())
    return targets


def make(makefile: Path, target: str, artifacts: Path, *flags: str) -> str:
    result = subprocess.run(
        ["make", "--no-print-directory", *flags, "-f", str(makefile), target, f"ARTIFACTS_DIR={artifacts}"],
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout


BUILT = built_resources()


def test_the_template_builds_eleven_functions_and_the_layer() -> None:
    # Guards the parametrised tests below against an empty list (a template that failed to parse).
    assert "SharedLayer" in BUILT
    assert sum(r["Type"] == "AWS::Serverless::Function" for r in BUILT.values()) >= 11


@pytest.mark.parametrize("logical_id", sorted(BUILT))
def test_every_function_and_the_layer_is_built_by_a_makefile(logical_id: str) -> None:
    assert BUILT[logical_id].get("Metadata", {}).get("BuildMethod") == "makefile", (
        f"{logical_id}: add `Metadata: {{BuildMethod: makefile}}` (sam build would otherwise need python3.12 or Docker)"
    )


@pytest.mark.parametrize("logical_id", sorted(BUILT))
def test_every_function_and_the_layer_has_its_build_target(logical_id: str) -> None:
    makefile = source_dir(BUILT[logical_id]) / "Makefile"
    assert makefile.is_file(), f"{logical_id}: {makefile} is missing"
    assert f"build-{logical_id}" in makefile_targets(makefile), (
        f"{logical_id}: no build-{logical_id} target in {makefile}"
    )


def test_the_makefile_parser_finds_targets_and_ignores_assignments(tmp_path: Path) -> None:
    makefile = tmp_path / "Makefile"
    makefile.write_text("HERE := x\nA ?= y\n.PHONY: build-A\n\nbuild-A build-B: dep\n\techo a:b\n# c: d\n")
    assert makefile_targets(makefile) == {".PHONY", "build-A", "build-B"}


@pytest.mark.parametrize("logical_id", sorted(i for i, r in BUILT.items() if r["Type"] == "AWS::Serverless::Function"))
def test_a_function_ships_its_package_without_caches_or_tests(logical_id: str, tmp_path: Path) -> None:
    handler_module = BUILT[logical_id]["Properties"]["Handler"].rsplit(".", 1)[0]
    package = handler_module.split(".")[0]
    # Given a copy of the source with a cache and a test file in it, as a developer's checkout has
    source = tmp_path / "source"
    shutil.copytree(source_dir(BUILT[logical_id]), source)
    (source / package / "__pycache__").mkdir(exist_ok=True)
    (source / package / "__pycache__" / "app.cpython-311.pyc").write_bytes(b"")
    (source / package / "test_app.py").write_text("")
    artifacts = tmp_path / "artifacts"
    artifacts.mkdir()

    make(source / "Makefile", f"build-{logical_id}", artifacts)

    assert (artifacts / (handler_module.replace(".", "/") + ".py")).is_file()
    assert [p.name for p in artifacts.iterdir()] == [package]
    leftovers = [p.name for p in artifacts.rglob("*") if p.name == "__pycache__" or p.name.startswith("test_")]
    assert leftovers == []


def test_the_layer_installs_wheels_for_the_lambda_runtime_and_architecture(tmp_path: Path) -> None:
    globals_ = load_template().raw["Globals"]["Function"]
    layer = BUILT["SharedLayer"]
    runtime_version = globals_["Runtime"].removeprefix("python")
    assert layer["Metadata"]["BuildArchitecture"] == "arm64" == globals_["Architectures"][0]
    assert globals_["Runtime"] in layer["Properties"]["CompatibleRuntimes"]

    # -n: print the recipe without running pip (no network in unit tests)
    recipe = make(source_dir(layer) / "Makefile", "build-SharedLayer", tmp_path, "-n")

    assert "--platform manylinux2014_aarch64" in recipe
    assert f"--python-version {runtime_version}" in recipe
    assert "--implementation cp" in recipe
    assert "--only-binary=:all:" in recipe
    assert f"--target {tmp_path}/python" in recipe.replace('"', "")
    assert "requirements.txt" in recipe
    assert re.search(r"cp -R \S*layers/warmpath\"? \"?" + re.escape(str(tmp_path)) + "/python/", recipe)
