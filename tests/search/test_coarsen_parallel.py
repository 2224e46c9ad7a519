"""discagg.coarsen gives the same answer in process, through Dask's local scheduler, and on a dask.distributed cluster."""

from __future__ import annotations

import sys

import pytest
from coarsen_reference import confounded_model

import discagg


@pytest.fixture(scope="module")
def cluster():
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=":0") as c:
        yield c


def _answer(result: discagg.CoarseningSearch) -> dict:
    doc = result.to_dict()
    del doc["seconds"]
    return doc


@pytest.mark.parametrize("nx, objective, options", [
    (7, "confounding", {}),                                   # exhaustive: blocks of fibre terms
    (7, "abstraction", {"contiguous": True, "metric": "tv"}),  # dynamic programming over the runs
    (7, "confounding", {"method": "heuristic", "restarts": 3, "seed": 4}),  # seeded restarts as chunks
    (5, "abstraction", {"method": "heuristic", "restarts": 1, "seed": 1, "metric": "jsd"}),
])
def test_every_scheduler_gives_the_same_answer(cluster, nx, objective, options):
    model = confounded_model(12, nx, 3, 4, 3)
    answers = [_answer(discagg.coarsen(model, None, None, 3, objective, scheduler=scheduler, **options))
               for scheduler in ("sequential", None, "local", cluster.scheduler_address)]
    assert all(a == answers[0] for a in answers[1:])


def test_without_dask_the_answer_is_the_same(monkeypatch):
    model = confounded_model(5, 6, 3, 4, 2)
    with_dask = _answer(discagg.coarsen(model, None, None, 2, method="heuristic", restarts=2))
    monkeypatch.setitem(sys.modules, "dask", None)
    assert _answer(discagg.coarsen(model, None, None, 2, method="heuristic", restarts=2)) == with_dask


def test_the_seed_changes_only_the_restarts():
    model = confounded_model(8, 8, 3, 4, 3)
    a = discagg.coarsen(model, None, None, 3, method="heuristic", restarts=0, seed=1)
    b = discagg.coarsen(model, None, None, 3, method="heuristic", restarts=0, seed=2)
    assert _answer(a) == _answer(b)  # only the agglomerative restart: no seed involved
