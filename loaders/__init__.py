"""Parsers and normalisers that turn source files into schema rows."""
