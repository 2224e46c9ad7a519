"""Planning pauses the cyclic collector and leaves it as it found it."""

from __future__ import annotations

import gc

import pytest

import discagg.core.contraction as contraction


@pytest.fixture
def collector():
    enabled = gc.isenabled()
    yield
    if enabled:
        gc.enable()
    else:
        gc.disable()


def test_plan_pauses_the_collector_and_restores_it(collector, monkeypatch):
    seen = []
    real = contraction._plan

    def spy(*args):
        seen.append(gc.isenabled())
        return real(*args)

    monkeypatch.setattr(contraction, "_plan", spy)
    scopes, cards = [("A",), ("A", "B"), ("B", "C")], {"A": 2, "B": 3, "C": 2}
    for state in (True, False):
        gc.enable() if state else gc.disable()
        chosen = contraction.plan(scopes, ("C",), cards)
        assert gc.isenabled() is state
        assert chosen.steps  # a real plan was made
    assert seen == [False, False]


def test_the_collector_is_restored_when_planning_fails(collector, monkeypatch):
    def broken(*args):
        raise RuntimeError("boom")

    monkeypatch.setattr(contraction, "_plan", broken)
    gc.enable()
    with pytest.raises(RuntimeError, match="boom"):
        contraction.plan([("A",)], ("A",), {"A": 2})
    assert gc.isenabled()
