"""Network pictures of the store: around an entity, of a linked group, of a whole case.

Each returns a NetworkPage: a pyvis Network whose HTML (write_html, show, a notebook's inline
display) is graph-intel's own self-contained offline page, never pyvis's CDN template.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from pyvis.network import Network

from graph_intel.handling import restricted_view
from graph_intel.network import gather, page
from graph_intel.network.build import Options, View, build_view, person_label
from graph_intel.refs import resolve
from graph_intel.schema import schema
from graph_intel.stores.base import GraphStore


class NetworkPage(Network):
    """A pyvis Network that renders as graph-intel's offline page (also inline in notebooks)."""

    def __init__(self, view: View) -> None:
        super().__init__(
            height="100%", width="100%", directed=True, notebook=False, cdn_resources="local"
        )
        self.view = view
        self.heading = view.title
        for node in view.nodes:
            self.nodes.append(node)
            self.node_ids.append(node["id"])
            self.node_map[node["id"]] = node
        self.edges.extend(view.edges)
        self.vis_options: dict[str, Any] | None = None
        #: Set by the printing layer (api.web.printing.Imprint): the page then prints marked and paged.
        self.print_css: str | None = None
        self.marking: str | None = None

    @property
    def notes(self) -> list[str]:
        """What was filtered, hidden or aggregated, as shown on the page."""
        return self.view.notes

    def generate_html(
        self, name: str = "index.html", local: bool = True, notebook: bool = False
    ) -> str:
        """The self-contained page (pyvis's own template and CDN links are never used)."""
        return page.render(
            self.view, self.nodes, self.edges, self.vis_options, self.print_css, self.marking
        )

    def write_html(
        self, name: str, local: bool = True, notebook: bool = False, open_browser: bool = False
    ) -> None:
        """Write the self-contained page to `name` (UTF-8)."""
        Path(name).write_text(self.generate_html(), encoding="utf-8")

    def save_graph(self, name: str) -> None:
        """Write the self-contained page to `name`."""
        self.write_html(name)

    def show(self, name: str, local: bool = True, notebook: bool = True) -> NetworkPage:
        """Write the page and return self, which a notebook displays inline and offline."""
        self.write_html(name)
        return self

    def _repr_html_(self) -> str:
        return page.iframe(self.generate_html())


def _notices(store: GraphStore) -> list[dict[str, Any]]:
    """The CAWNs served in the store (adult, child, when), to mark on the picture."""
    from graph_intel.safeguarding.cawn import notices

    return notices(store)[["served_on", "child", "served_at"]].to_dict("records")


def _gather(store: GraphStore, seeds: list[tuple[str, str]], hops: int, opts: Options) -> Any:
    """The entities within `hops` of the seeds, with the other party of each call or message."""
    specs = gather.link_specs(opts.links)
    return gather.contact_parties(store, gather.ego(store, seeds, hops, specs), specs)


def _options(
    hops: int,
    since: datetime | str | None,
    until: datetime | str | None,
    min_grade: str | None,
    links: Sequence[str] | str | None,
    redact: bool,
    hide_third_parties: bool,
    budget: int,
    rag: Mapping[str, str] | None,
    groups: Mapping[str, Sequence[str]] | None,
    notices: list[dict[str, Any]] | None = None,
) -> Options:
    if isinstance(links, str):
        links = [k for k in links.split(",") if k.strip()]
    if links is not None:
        gather.link_specs(links)  # unknown kinds fail here, naming the known ones
    return Options(
        hops=hops,
        since=_when(since),
        until=_when(until),
        min_grade=min_grade,
        links=list(links) if links is not None else None,
        redact=redact,
        hide_third_parties=hide_third_parties,
        budget=budget,
        rag=dict(rag or {}),
        groups=dict(groups or {}),
        notices=notices or [],
    )


def _when(value: datetime | str | None) -> datetime | None:
    """A --since/--until value: ISO or UK day-first (loaders.values.dates.parse_datetime_option)."""
    if value is None or isinstance(value, datetime):
        return value
    from loaders.values.dates import parse_datetime_option

    return parse_datetime_option(value)


def network(
    store: GraphStore,
    kind: str,
    ident: str,
    hops: int = 1,
    *,
    since: datetime | str | None = None,
    until: datetime | str | None = None,
    min_grade: str | None = None,
    links: Sequence[str] | str | None = None,
    redact: bool = False,
    hide_third_parties: bool = False,
    budget: int = 1500,
    rag: Mapping[str, str] | None = None,
    groups: Mapping[str, Sequence[str]] | None = None,
    include_restricted: bool = False,
) -> NetworkPage:
    """The network within `hops` links of one person, phone, vehicle, location or event.

    Restricted material (graph_intel.handling) is left out unless `include_restricted`, and then marked."""
    store = restricted_view(store, include_restricted)
    opts = _options(
        hops,
        since,
        until,
        min_grade,
        links,
        redact,
        hide_third_parties,
        budget,
        rag,
        groups,
        _notices(store),
    )
    entity, key = resolve(store, kind, ident)
    sub = _gather(store, [(entity, key)], hops, opts)
    node = store.get_node(entity, key) or {}
    name = (
        person_label(node, redact).replace("\n", " · ")
        if entity == "Person"
        else str(node.get("id") or key)
    )
    title = f"Network around {schema().entity(entity).cli} {name} ({hops} hop{'s' if hops != 1 else ''})"
    return NetworkPage(build_view(sub, gather.sources(store, sub), [(entity, key)], opts, title))


def group_network(
    store: GraphStore,
    members: Sequence[str],
    name: str = "Linked group",
    hops: int = 1,
    *,
    since: datetime | str | None = None,
    until: datetime | str | None = None,
    min_grade: str | None = None,
    links: Sequence[str] | str | None = None,
    redact: bool = False,
    hide_third_parties: bool = False,
    budget: int = 1500,
    rag: Mapping[str, str] | None = None,
    include_restricted: bool = False,
) -> NetworkPage:
    """One linked group: its members (person ids or keys), what joins them, haloed as one group."""
    store = restricted_view(store, include_restricted)
    keys = [resolve(store, "person", m)[1] for m in members]
    opts = _options(
        hops,
        since,
        until,
        min_grade,
        links,
        redact,
        hide_third_parties,
        budget,
        rag,
        {name: keys},
        _notices(store),
    )
    seeds = [("Person", k) for k in keys]
    sub = _gather(store, seeds, hops, opts)
    title = f"{name}: {len(keys)} member{'s' if len(keys) != 1 else ''}"
    return NetworkPage(build_view(sub, gather.sources(store, sub), seeds, opts, title))


def case_network(
    store: GraphStore,
    dataset: str,
    *,
    since: datetime | str | None = None,
    until: datetime | str | None = None,
    min_grade: str | None = None,
    links: Sequence[str] | str | None = None,
    redact: bool = False,
    hide_third_parties: bool = False,
    budget: int = 1500,
    rag: Mapping[str, str] | None = None,
    groups: Mapping[str, Sequence[str]] | None = None,
    include_restricted: bool = False,
) -> NetworkPage:
    """A whole case: every entity of one dataset and what links them (aggregated over the budget)."""
    store = restricted_view(store, include_restricted)
    opts = _options(
        1,
        since,
        until,
        min_grade,
        links,
        redact,
        hide_third_parties,
        budget,
        rag,
        groups,
        _notices(store),
    )
    sub = gather.case(store, dataset, gather.link_specs(opts.links))
    view = build_view(
        sub, gather.sources(store, sub), [], opts, f"Case {dataset}", connected_to_seeds=False
    )
    return NetworkPage(view)
