"""Network pictures for the CSE team: self-contained offline pages of the graph (pyvis/vis-network)."""

from __future__ import annotations

from graph_intel.network.build import FilterError, Options, View
from graph_intel.network.views import NetworkPage, case_network, group_network, network

__all__ = [
    "FilterError",
    "NetworkPage",
    "Options",
    "View",
    "case_network",
    "group_network",
    "network",
]
