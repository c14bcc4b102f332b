"""Every file graph-intel writes holds children's data, so it is its owner's only: 0600, folders 0700.

One rule, set once per process as its umask (077) by whatever starts the work: the command line,
the service, and opening a store (so a notebook gets it too). It covers every file the process
creates from then on, whichever library writes it: the store's database and its WAL, the users
and audit database, checkpoints and key, quarantine files, exports and network pages.
"""

from __future__ import annotations

import os

PRIVATE_UMASK = 0o077


def private_files() -> None:
    """Make every file and folder this process creates from now on readable by its owner only."""
    os.umask(PRIVATE_UMASK)
