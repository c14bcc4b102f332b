"""docs/import-specifications.md stays true: its examples are the shipped specifications, and it
names every key of the specification models, every role and every link basis."""

from __future__ import annotations

import re
from pathlib import Path

from pydantic import BaseModel

import loaders.mapping.spec as models
from graph_intel.schema import schema
from loaders.mapping import load_spec, shipped_spec

ROOT = Path(__file__).resolve().parents[2]
DOC = (ROOT / "docs" / "import-specifications.md").read_text(encoding="utf-8")


def test_examples_are_the_shipped_specifications() -> None:
    blocks = dict(
        re.findall(
            r"<!-- spec: ([a-z0-9-]+) -->\n```yaml\n# loaders/specs/[a-z0-9-]+\.yaml\n(.*?)```\n<!-- /spec -->",
            DOC,
            re.S,
        )
    )
    shipped = {p.stem for p in shipped_spec("x").parent.glob("*.yaml")}
    assert set(blocks) == shipped, (
        "every shipped specification is a worked example (run the docs filler)"
    )
    for name, text in blocks.items():
        assert text == shipped_spec(name).read_text(encoding="utf-8"), (
            f"docs example {name} differs from the shipped file"
        )
        load_spec(shipped_spec(name))


def test_every_key_is_documented() -> None:
    for cls in (
        models.ImportSpec,
        models.FileOptions,
        models.SourceSpec,
        models.Ignore,
        models.EntityMap,
        models.EventMap,
        models.LinkMap,
        models.Participant,
        models.LabelMap,
        models.TypeMap,
        models.Value,
    ):
        assert issubclass(cls, BaseModel)
        for name, f in cls.model_fields.items():
            key = f.alias or name
            assert f"`{key}" in DOC, f"{cls.__name__}.{key} is not in docs/import-specifications.md"
    for word in ("table", "neo4j-admin", "excel", "auto", "cp1252"):
        assert f"`{word}`" in DOC


def test_every_role_and_basis_is_documented() -> None:
    for role in schema().link("participated_in").properties["role"].values or ():
        assert role in DOC, role
    for basis in schema().link("associate_of").properties["basis"].values or ():
        assert basis in DOC, basis


def test_the_readme_shows_an_import_and_names_every_shipped_specification() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    using = readme[readme.index("## Using it") :]
    using = using[: using.index("\n## ")]
    for line in (
        "graph-intel import suggest",
        "graph-intel import check",
        "graph-intel import calls.yaml",
    ):
        assert line in using, line
    for name in sorted(p.stem for p in shipped_spec("x").parent.glob("*.yaml")):
        assert name in using, f"README's Using it does not name the shipped specification {name}"
