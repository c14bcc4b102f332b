"""graph-intel: a POLE evidence graph for multi-agency CSE teams."""

__version__ = "0.1.0"
