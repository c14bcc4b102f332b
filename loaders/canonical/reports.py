"""intel_reports.csv: free-text intelligence, linked to its subject and to what its text names."""

from __future__ import annotations

from collections import defaultdict

import pandas as pd

from graph_intel.schema.canonical import canonical_format
from loaders.canonical.batch import Batch, Problems
from loaders.canonical.chunks import Chunk
from loaders.canonical.columns import (
    LoadContext,
    col,
    datetimes,
    extras,
    identify,
    require,
    source_dates,
    sources,
    with_provenance,
)
from loaders.extract import PHONE_KIND, POSTCODE_KIND, VRM_KIND, extract

_COLUMNS = set(canonical_format().file("intel_reports.csv").columns)
_ENTITY = {PHONE_KIND: "Phone", VRM_KIND: "Vehicle", POSTCODE_KIND: "Location"}


def postcode_location_id(postcode: str) -> str:
    """The id of the Location a postcode named in a report stands for: 'postcode/HX1 1AA'."""
    return f"postcode/{postcode}"


def parse_reports(chunk: Chunk, ctx: LoadContext, problems: Problems, batch: Batch) -> None:
    """intel_reports.csv: a Report node, ABOUT its subject, MENTIONS every identifier in its text."""
    require(chunk, problems, *canonical_format().file("intel_reports.csv").required)
    recorded = datetimes(chunk, "recorded_at", problems)
    srcs = sources(chunk, ctx, problems)
    good = problems.good
    when = recorded.fillna(source_dates(ctx, srcs))[good]
    s = srcs[good]
    text = col(chunk, "text")[good]
    report = identify(ctx, "Report", col(chunk, "report_id")[good])
    nodes = report.nodes.assign(
        recorded_at=recorded[good].to_numpy(),
        text=text.where(text.ne(""), None).to_numpy(),
        extra=extras(chunk, _COLUMNS)[good].to_numpy(),
    )
    batch.add_nodes("Report", with_provenance(nodes, s, when, when))

    subject = col(chunk, "subject_person_id")[good]
    has = subject.ne("")
    if has.any():
        person = identify(ctx, "Person", subject[has])
        batch.add_endpoint("Person", with_provenance(person.nodes, s[has], when[has], when[has]))
        about = pd.DataFrame(
            {"from_key": report.keys[has].to_numpy(), "to_key": person.keys.to_numpy()}
        )
        batch.add_links(
            "ABOUT", "Report", "Person", with_provenance(about, s[has], when[has], when[has])
        )

    _mentions(ctx, batch, report.keys, text, s, when)


def _mentions(
    ctx: LoadContext,
    batch: Batch,
    keys: pd.Series,
    text: pd.Series,
    srcs: pd.Series,
    when: pd.Series,
) -> None:
    """MENTIONS links, one per report and identifier, with every span and spelling of it."""
    grouped: dict[tuple[int, str, str], dict[str, list[str]]] = defaultdict(
        lambda: {"offsets": [], "as_written": []}
    )
    for pos, body in enumerate(text.tolist()):
        for found in extract(body):
            item = grouped[(pos, found.kind, found.value)]
            item["offsets"].append(found.span)
            item["as_written"].append(found.as_written)
    if not grouped:
        return
    rows = pd.DataFrame(
        [{"pos": p, "kind": k, "value": v, **spans} for (p, k, v), spans in grouped.items()]
    )
    for kind, part in rows.groupby("kind", sort=False):
        entity = _ENTITY[str(kind)]
        pos = part["pos"].to_numpy()
        s = srcs.iloc[pos].reset_index(drop=True)
        w = when.iloc[pos].reset_index(drop=True)
        part = part.reset_index(drop=True)
        if entity == "Location":
            ids = part["value"].map(postcode_location_id)
            target = identify(ctx, "Location", ids)
            target.nodes["kind"] = "other"
            target.nodes["postcode"] = part["value"].to_numpy()
            target.nodes["name"] = part["value"].to_numpy()
        else:
            target = identify(ctx, entity, part["value"])
            if entity == "Phone":
                target.nodes["spellings"] = part["as_written"].to_numpy()
        batch.add_endpoint(entity, with_provenance(target.nodes, s, w, w))
        links = pd.DataFrame(
            {
                "from_key": keys.iloc[pos].to_numpy(),
                "to_key": target.keys.to_numpy(),
                "offsets": part["offsets"].to_numpy(),
                "as_written": part["as_written"].to_numpy(),
            }
        )
        batch.add_links("MENTIONS", "Report", entity, with_provenance(links, s, w, w))


__all__ = ["parse_reports", "postcode_location_id"]
