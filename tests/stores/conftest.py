"""The contract suite's `store` fixture is the one every backend-wide test takes (tests/conftest.py,
tests/backends.py): an empty store of each backend, the Neo4j half skipped with the reason when no
server is configured."""
