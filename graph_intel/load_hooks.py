"""What every load runs besides loading: hooks registered from above (the load knows no analysis).

Kept apart from the load pipeline (graph_intel.load, which needs pandas) so that a command can
register its hooks as it starts (graph_intel.alerts.install, on every command) without importing
the pipeline: a command that never loads stays quick to start.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from graph_intel.stores.base import GraphStore


class LoadHook(Protocol):
    """Something every load runs: `before` as the load starts (its answer is kept; None says the
    hook has nothing to do for this load), `writing` with that answer and the (entity, key) of
    every node and link end of each batch just before the batch is written (so a hook can look
    at the store as it was, and only where the load touches what it cares about), `after` once
    the load has finished, with the answer and the report (graph_intel.alerts registers one).

    `settings` is the load's graph_intel.load.LoadSettings and `report` its IngestReport (named
    here, not imported: this module sits beside the pipeline, which imports it)."""

    def before(self, store: GraphStore, settings: Any) -> Any: ...

    def writing(self, store: GraphStore, state: Any, keys: set[tuple[str, str]]) -> None: ...

    def after(self, store: GraphStore, state: Any, report: Any, settings: Any) -> None: ...


#: The hooks every load runs, by name (registered from above: the load knows no analysis).
LOAD_HOOKS: dict[str, LoadHook] = {}


def register_load_hook(name: str, hook: LoadHook) -> None:
    """Have every load run `hook` (a second registration under a name replaces the first)."""
    LOAD_HOOKS[name] = hook


__all__ = ["LOAD_HOOKS", "LoadHook", "register_load_hook"]
