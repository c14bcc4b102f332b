"""Service settings: the one settings object of graph_intel.settings (GRAPH_INTEL_* variables)."""

from __future__ import annotations

from graph_intel.settings import Settings

__all__ = ["Settings"]
