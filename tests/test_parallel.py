"""discagg.parallel: the same results, in chunk order, locally with Dask, without Dask, and on a dask.distributed cluster."""

from __future__ import annotations

import io
import sys

import numpy as np
import pytest

from discagg.errors import ModelError
from discagg.parallel import dask_available, map_chunks, spawn_seeds


def noisy_sum(chunk: tuple[int, list[int]]) -> float:
    """A randomised chunk: its own seed and its items."""
    seed, items = chunk
    rng = np.random.default_rng(seed)
    return float(sum(items) + rng.random())


def failing(chunk: int) -> int:
    if chunk == 3:
        raise ArithmeticError("chunk 3")
    return chunk


def chunks(count: int = 25) -> list[tuple[int, list[int]]]:
    return [(seed, list(range(i))) for i, seed in enumerate(spawn_seeds(11, count))]


@pytest.fixture(scope="module")
def cluster():
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=":0") as c:
        yield c


def test_dask_is_installed_for_the_tests():
    assert dask_available()  # the test extra brings dask[distributed]; the local path below must be Dask's


def test_local_sequential_and_cluster_agree_in_chunk_order(cluster):
    expected = [noisy_sum(c) for c in chunks()]
    assert map_chunks(noisy_sum, chunks()) == expected
    assert map_chunks(noisy_sum, chunks(), scheduler="local") == expected
    assert map_chunks(noisy_sum, chunks(), scheduler="sequential") == expected
    assert map_chunks(noisy_sum, chunks(), scheduler=cluster.scheduler_address) == expected


def test_without_dask_the_local_path_runs_in_process_with_identical_results(monkeypatch):
    expected = map_chunks(noisy_sum, chunks())
    monkeypatch.setitem(sys.modules, "dask", None)  # import dask now raises ImportError
    assert not dask_available()
    assert map_chunks(noisy_sum, chunks()) == expected


def test_tuples_and_lists_reach_the_function_as_they_are(cluster):
    data = [((1, 2), [3, (4,)]), {"a": (5,)}, (len, 2)]  # dask must not read these as tasks or collections
    for scheduler in (None, "sequential", cluster.scheduler_address):
        assert map_chunks(repr, data, scheduler=scheduler) == [repr(d) for d in data]


def test_an_error_in_a_chunk_reaches_the_caller(cluster):
    for scheduler in (None, "sequential", cluster.scheduler_address):
        with pytest.raises(ArithmeticError, match="chunk 3"):
            map_chunks(failing, list(range(6)), scheduler=scheduler)


def test_seeds_depend_on_the_seed_and_the_index_only():
    assert spawn_seeds(3, 4) == spawn_seeds(3, 9)[:4]
    assert spawn_seeds(3, 4) != spawn_seeds(4, 4)
    assert len(set(spawn_seeds(0, 100))) == 100


def test_no_chunks_no_work():
    assert map_chunks(failing, [], scheduler="tcp://127.0.0.1:9") == []


@pytest.mark.parametrize("address, found", [
    ("tcp://127.0.0.1:9", "nothing answers"),   # the discard port: refused at once, not after a timeout
    ("nonsense", "missing port"),
    ("foo://host:1", "unknown scheme"),
    ("   ", "'   '"),
])
def test_bad_addresses_are_one_model_error(address, found):
    with pytest.raises(ModelError, match="--scheduler: expected") as info:
        map_chunks(len, ["ab"], scheduler=address)
    assert found in str(info.value) and "\n" not in str(info.value)


def test_an_address_needs_distributed(monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)
    with pytest.raises(ModelError, match=r"dask\.distributed installed"):
        map_chunks(len, ["ab"], scheduler="tcp://127.0.0.1:8786")


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_bar_counts_the_chunks_on_a_terminal_whatever_the_scheduler(monkeypatch, cluster):
    import discagg.parallel as parallel
    from discagg.progress import progress

    for scheduler in (None, "sequential", cluster.scheduler_address):
        stream = Terminal()
        monkeypatch.setattr(parallel, "progress_bar", lambda items, **kw: progress(items, stream=stream, delay=0.0,
                                                                                    **kw))
        assert map_chunks(noisy_sum, chunks(), scheduler=scheduler, progress=True, description="restarts") == [
            noisy_sum(c) for c in chunks()]
        drawn = stream.getvalue()  # tqdm redraws at most every 0.1 s: the count shown depends on the speed
        assert drawn.startswith("\rrestarts:") and "/25 " in drawn and drawn.endswith("\r"), (scheduler, drawn)
