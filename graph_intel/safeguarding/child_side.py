"""Child-side facts the graph already holds, read as prompts: a new or second phone, going missing together.

Two of the screening tool's indicators (risk.yaml) are facts of the graph rather than records of
their own, so they are read from it:
- new_phone: a child (by age at the date, graph_intel.analysis.age) to whom a phone is attributed
  (`uses_phone`) after, or besides, the phone first attributed to them: each phone beyond the first,
  by the date the attribution is first seen (an undated attribution counts as the earliest), is a
  prompt, with both attributions as evidence and any gift of a phone to the child recorded in the
  `gift_days` days around it.
- missing_together: a child whose missing episode overlaps in time another child's (or one episode
  names both as its subject): a prompt for each child, naming the other child and both episodes.
Facts dated after the date asked are not known on it. Each prompt names its evidence; what it
means is for a professional to judge.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import date, datetime, timedelta
from typing import Any

import pandas as pd

from graph_intel.analysis.age import Ages
from graph_intel.analysis.evidence import persons
from graph_intel.resolution.clusters import canonical, representatives
from graph_intel.safeguarding.common import Sources, end_of_day, ident, iso, to_datetime
from graph_intel.safeguarding.missing import Episode, episodes
from graph_intel.safeguarding.records import describe, item, records, when
from graph_intel.stores.base import GraphStore

NEW_PHONE = "new_phone"
MISSING_TOGETHER = "missing_together"
#: Days either side of a new phone's attribution in which a recorded gift of a phone is evidence.
GIFT_DAYS = 30


def _attribution(row: dict[str, Any], sources: Sources) -> dict[str, Any]:
    src = sources.info(row["sources"])
    return {
        "record": "link",
        "id": ident(str(row["to_key"]), "Phone"),
        "at": iso(row["first_seen"]),
        "what": f"uses_phone {ident(str(row['to_key']), 'Phone')}",
        "agency": src.agency,
        "source_id": src.source_id,
        "reference": src.reference,
        "grading": src.grading,
    }


def new_phones(
    store: GraphStore,
    on: date,
    sources: Sources | None = None,
    reps: dict[str, str] | None = None,
    people: pd.DataFrame | None = None,
    gift_days: int = GIFT_DAYS,
    only: Collection[str] | None = None,
) -> list[dict[str, Any]]:
    """A prompt for each phone attributed to a child beyond their first (known by the date).

    `only`: the (canonical) keys of the children asked about; the others' phones are not read."""
    people = persons(store) if people is None else people
    ages = Ages(people)
    children = sorted(
        ages.children_in_data()
        | {str(k) for k in people.index[ages.category.eq("child").to_numpy()]}
    )
    if only is not None:
        asked = set(only)
        children = [c for c in children if c in asked]
    if not children:
        return []
    reps = representatives(store) if reps is None else reps
    keys = sorted({k for k, r in reps.items() if r in children} | set(children))
    links = store.links("USES_PHONE", from_keys=keys)
    links = links[links["from_entity"] == "Person"] if not links.empty else links
    if links.empty:
        return []
    sources = sources or Sources(store)
    limit = end_of_day(on)
    links = links.assign(
        child=list(canonical(links["from_key"], reps)), at=pd.to_datetime(links["first_seen"])
    )
    links = links[links["at"].isna() | (links["at"] < pd.Timestamp(limit))]
    gifts = records(store, "Gift", reps)
    phone_gifts = gifts[gifts["kind"] == "phone"] if not gifts.empty else gifts
    out: list[dict[str, Any]] = []
    # each child's phones, earliest first, once each: one stable sort of all children's links, then
    # only the children with two or more phones are visited (most have one)
    links = links.sort_values(["child", "at", "to_key"], na_position="first", kind="stable")
    links = links.drop_duplicates(["child", "to_key"])
    many = links.groupby("child", sort=False)["to_key"].transform("size").to_numpy() >= 2
    for child, mine in links[many].groupby("child"):
        rows = mine.to_dict("records")
        first = rows[0]
        for row in rows[1:]:
            at = to_datetime(row["first_seen"])
            if not ages.is_child([child], [at])[0]:
                continue
            evidence = [_attribution(row, sources), _attribution(first, sources)]
            if at is not None and not phone_gifts.empty:
                window = timedelta(days=gift_days)
                for g in phone_gifts[phone_gifts["child_key"] == child].to_dict("records"):
                    given = when(g, "Gift")
                    if given is not None and at - window <= given <= at + window:
                        evidence.append(item(g, "Gift", sources, describe(g, "Gift"), given))
            phone = ident(str(row["to_key"]), "Phone")
            since = f" from {at.date()}" if at is not None else ""
            out.append(
                {
                    "rule": NEW_PHONE,
                    "child": ident(str(child)),
                    "on": on.isoformat(),
                    "phone": phone,
                    "attributed_at": iso(at),
                    "first_phone": ident(str(first["to_key"]), "Phone"),
                    "evidence": evidence,
                    "prompt": f"a new or second phone {phone} attributed to {ident(str(child))}{since}, besides "
                    f"{ident(str(first['to_key']), 'Phone')}: ask who gave it and who calls it "
                    "(a CSE indicator: new_phone)",
                }
            )
    return out


def _ep_item(e: Episode, sources: Sources) -> dict[str, Any]:
    src = sources.info(list(e.sources))
    return {
        "record": "event",
        "id": ident(e.event, "Event"),
        "at": iso(e.start),
        "what": "missing episode",
        "agency": src.agency,
        "source_id": src.source_id,
        "reference": src.reference,
        "grading": src.grading,
    }


def _overlapping(items: Iterable[Episode], limit: datetime) -> list[tuple[Episode, Episode]]:
    """Pairs of episodes of two different children that overlap in time (or are one event)."""
    eps = sorted(items, key=lambda e: (e.start, e.event, e.child))
    pairs = []
    for i, a in enumerate(eps):
        for b in eps[i + 1 :]:
            if b.start >= a.until(limit) and b.event != a.event:
                break
            if b.child != a.child and (b.event == a.event or b.start < a.until(limit)):
                pairs.append((a, b))
    return pairs


def missing_together(
    store: GraphStore,
    on: date,
    sources: Sources | None = None,
    people: pd.DataFrame | None = None,
    only: Collection[str] | None = None,
) -> list[dict[str, Any]]:
    """A prompt for each child whose missing episode overlaps another child's, naming the other.

    `only`: the (canonical) keys of the children asked about; only their prompts are made (the
    other child of a pair may be anyone)."""
    limit = end_of_day(on)
    found = episodes(store, on)
    if len(found) < 2:
        return []
    ages = Ages(persons(store) if people is None else people)
    sources = sources or Sources(store)
    out: list[dict[str, Any]] = []
    pairs = _overlapping((e for eps in found.values() for e in eps), limit)
    asked = set(only) if only is not None else None
    if asked is not None:
        pairs = [(a, b) for a, b in pairs if a.child in asked or b.child in asked]
    if not pairs:
        return []
    # who of every pair was a child then, in one call for all pairs (one call per pair took minutes at scale)
    young = ages.is_child(
        [e.child for pair in pairs for e in pair], [e.start for pair in pairs for e in pair]
    )
    both_young = young[0::2] & young[1::2]
    made: dict[tuple[Any, ...], dict[str, Any]] = {}

    def ep_item(e: Episode) -> dict[str, Any]:
        """_ep_item once per episode (an episode is in many pairs); each use gets its own copy."""
        key = (e.event, e.start, tuple(e.sources))
        if key not in made:
            made[key] = _ep_item(e, sources)
        return dict(made[key])

    for (a, b), ok in zip(pairs, both_young.tolist(), strict=True):
        if not ok:
            continue
        for mine, other in ((a, b), (b, a)):
            if asked is not None and mine.child not in asked:
                continue
            same = mine.event == other.event
            what = (
                f"reported missing in the same episode as {ident(other.child)}"
                if same
                else f"missing at the same time as {ident(other.child)} ({ident(other.event, 'Event')}, from {other.start.date()})"
            )
            out.append(
                {
                    "rule": MISSING_TOGETHER,
                    "child": ident(mine.child),
                    "on": on.isoformat(),
                    "episode": ident(mine.event, "Event"),
                    "missing_from": iso(mine.start),
                    "with": ident(other.child),
                    "with_episode": ident(other.event, "Event"),
                    "same_episode": same,
                    "evidence": [ep_item(mine)] + ([] if same else [ep_item(other)]),
                    "prompt": f"{what}: going missing with another child at risk is a CSE indicator (peers_at_risk); "
                    "consider whether they were with the same adults",
                }
            )
    return out


def child_side_prompts(
    store: GraphStore,
    on: date,
    sources: Sources | None = None,
    reps: dict[str, str] | None = None,
    only: Collection[str] | None = None,
    people: pd.DataFrame | None = None,
) -> list[dict[str, Any]]:
    """The new-phone and missing-together prompts on a date (of the children `only`, by canonical
    key, when given: what the prompts of all children hold for them)."""
    people = persons(store) if people is None else people
    sources = sources or Sources(store)
    return new_phones(store, on, sources, reps, people, only=only) + missing_together(
        store, on, sources, people, only=only
    )
