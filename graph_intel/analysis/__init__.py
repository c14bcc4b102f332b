"""Analyses: pure functions over projections of the graph (groups, contacts, paths, places)."""
