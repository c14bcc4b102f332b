"""igraph and leidenalg, imported without igraph's matplotlib drawing back end.

igraph's drawing package imports `matplotlib.pyplot` when it is installed (it is: a dependency of
graph-intel for other uses), which cost 0.65 s of every analysis command's start-up at
`demo --scale 100`. graph-intel never draws with igraph (the network picture is pyvis), so while
igraph is first imported `matplotlib` is hidden from it; igraph then holds its own placeholder for
matplotlib plotting, and matplotlib itself stays importable as before for everything else.
"""

from __future__ import annotations

import sys


def _import_without_matplotlib() -> None:
    if "igraph" in sys.modules or "matplotlib" in sys.modules:
        return  # already imported (or matplotlib already loaded: nothing to save)
    sys.modules["matplotlib"] = None  # type: ignore[assignment]  # `import matplotlib` raises ImportError
    try:
        import igraph  # noqa: F401
    finally:
        del sys.modules["matplotlib"]


_import_without_matplotlib()

import igraph as ig  # noqa: E402
import leidenalg  # noqa: E402

__all__ = ["ig", "leidenalg"]
