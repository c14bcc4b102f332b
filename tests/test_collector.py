"""graph_intel.collector.paused: the collector is off inside, back on after, nested pauses included."""

from __future__ import annotations

import gc

import pytest

from graph_intel.collector import paused


def test_a_pause_ends_with_the_outermost_block_even_on_an_error() -> None:
    assert gc.isenabled()
    with paused():
        assert not gc.isenabled()
        with paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the inner block leaves it to the outer one
    assert gc.isenabled()
    with pytest.raises(RuntimeError), paused():
        raise RuntimeError("a failing command")
    assert gc.isenabled()


def test_a_pause_leaves_a_collector_that_was_off_off() -> None:
    gc.disable()
    try:
        with paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
