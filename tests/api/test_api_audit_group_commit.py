"""Entries sent at once are committed together (group commit), and the chain is what it was.

Many threads append to the real audit database at the same time, as the service's requests do:
every entry is written once, numbered without a gap, chained, each with its own signed
checkpoint, and `verify` finds the chain intact.
"""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

from api.audit import open_audit
from api.settings import Settings

THREADS, EACH = 24, 10


def _entry(who: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
    return {
        "who": who,
        "role": "analyst",
        "method": "GET",
        "route": "/api/v1/stats",
        "params": params or {},
        "persons": [f"d:{who}"],
        "purpose": "test",
        "action": "consultation",
        "status": 200,
    }


def test_entries_sent_at_once_are_all_written_once_in_one_unbroken_chain(tmp_path: Path) -> None:
    settings = Settings(
        store=tmp_path / "store", api_db=tmp_path / "api.sqlite", audit_syslog=False
    )
    returned: list[dict[str, Any]] = []
    failures: list[BaseException] = []
    start = threading.Barrier(THREADS)
    with open_audit(settings) as log:

        def client(t: int) -> None:
            start.wait()
            for i in range(EACH):
                try:
                    returned.append(log.append(**_entry(f"t{t}-{i}")))
                except BaseException as exc:  # noqa: BLE001 - reported below
                    failures.append(exc)

        threads = [threading.Thread(target=client, args=(t,)) for t in range(THREADS)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert not failures, failures[:3]
        verdict = log.verify()
        stored = log.query(limit=THREADS * EACH + 10)
    total = THREADS * EACH
    assert verdict["intact"] and verdict["state"] == "intact", verdict
    assert verdict["entries"] == total and verdict["checkpoint"]["seq"] == total
    assert sorted(e["seq"] for e in returned) == list(range(1, total + 1))
    assert sorted(e["who"] for e in returned) == sorted(
        f"t{t}-{i}" for t in range(THREADS) for i in range(EACH)
    )
    assert len({e["who"] for e in stored}) == total  # each written once
    lines = settings.audit_checkpoints_path().read_text().splitlines()
    assert [json.loads(line)["seq"] for line in lines] == list(range(1, total + 1))
    by_seq = {e["seq"]: e for e in returned}
    assert all(by_seq[s + 1]["prev_hash"] == by_seq[s]["hash"] for s in range(1, total))
