"""The test tree has no packages (no __init__.py), so pytest imports each test file by its
basename: two files with one name in different folders fail collection with "import file
mismatch" on a clean clone. This check names the clash before pytest does."""

from collections import defaultdict
from pathlib import Path

TESTS = Path(__file__).parent


def test_every_test_file_has_its_own_basename() -> None:
    folders: dict[str, list[str]] = defaultdict(list)
    for path in TESTS.rglob("test_*.py"):
        folders[path.name].append(str(path.parent.relative_to(TESTS)))
    clashes = {name: where for name, where in folders.items() if len(where) > 1}
    assert not clashes, f"rename one of each: {clashes}"
