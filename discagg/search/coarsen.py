"""``discagg.coarsen``: the coarsening of a cause into ``K`` macro states that makes aggregation most meaningful.

Given a cause ``X`` and a coarsened effect ``Ȳ``, find ``π_X`` with ``K`` macro
states minimising one objective (:mod:`discagg.search.fibres`):
``confounding`` (``Σ_x̄ P(x̄) gap(x̄)``, 0 when every macro state has a
confounding-inhibiting realization), ``ambiguity`` (``Σ_x̄`` the width of the
reachable ``P(Ȳ | do(x̄))``, 0 when every ``do(x̄)`` has one meaning), or
``abstraction`` (section 1's abstraction error with the best macro mechanism).
The effect's coarsening ``π_Y`` is kept as given: only ``π_X`` is searched.

What is partitioned (the *atoms*): the cause's micro states (``atoms="micro"``,
default; for a group, the joint states of its nodes, and a group may then be
written without a map, ``"Raf,Mek"``), or the macro states of the cause's given
map, merged whole (``atoms="macro"``, e.g. the levels of ``"Raf,Mek:sum"``).

How (``method="auto"``):

* ``contiguous=True``: runs of consecutive atoms (the node's state order, a
  group's joint states with the last node varying fastest, or the given
  map's macro states in order), by dynamic programming over breakpoints, exact
  for any number of atoms (:func:`~discagg.search.exact.contiguous_dp`);
* otherwise, up to :data:`EXHAUSTIVE_ATOMS` atoms (12; 14 for ambiguity, 10 for abstraction),
  every one of the ``S(n, K)`` partitions, by the recursion over subsets (:func:`~discagg.search.exact.subset_dp`);
  ``method="exhaustive"`` allows up to :data:`MAX_EXHAUSTIVE`;
* beyond, agglomerative merging plus local search with random restarts
  (:mod:`discagg.search.heuristic`), reported with a certified lower bound;
* for ``ambiguity``, whenever the causal partition (:mod:`discagg.search.causal`)
  has at most ``K`` classes over the atoms, one of its refinements into ``K``
  blocks has ambiguity 0, optimal without search.

An exact search's lower bound is the same recursion over the terms' certified
lower bounds; ``optimal`` means that the search covered every candidate (or the
bound proves it) and the lower bound is within the equality tolerance of the
value. Fibre terms and restarts run through :func:`discagg.parallel.map_chunks`
(local by default, ``scheduler=ADDRESS`` for a dask.distributed cluster).
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import Any

import numpy as np

from discagg.core.aggregation import Aggregation, as_aggregation
from discagg.core.coarsening import Coarsening
from discagg.core.model import CausalModel
from discagg.errors import ModelError
from discagg.search.fibres import OBJECTIVES, Fibre, FibreCosts, evaluate_fibres
from discagg.search.maps import select_cause, with_cause_map
from discagg.search.partitions import blocks, canonical, contiguous_count, stirling2
from discagg.tolerance import DEFAULT_TOLERANCE, Tolerance

__all__ = ["CoarseningSearch", "MacroStateTerm", "GivenMap", "coarsen", "EXHAUSTIVE_ATOMS", "MAX_EXHAUSTIVE", "MAX_ATOMS", "METHODS", "ATOMS"]

EXHAUSTIVE_ATOMS = {"confounding": 12, "ambiguity": 14, "abstraction": 10}
"""``method="auto"`` searches every partition up to this many atoms: ``2^n - 1`` fibre terms, each a gap LP
(about 0.7 ms: 3 s at 12 atoms), a range (14 atoms: under a second) or a Chebyshev centre (3 ms for total variation,
10 ms for Jensen-Shannon: 3 and 10 s at 10 atoms), on the 2-core development machine."""

MAX_EXHAUSTIVE = 16
"""``method="exhaustive"`` is refused beyond this many atoms (65,535 fibre terms, ``3^16`` recursion steps)."""

MAX_ATOMS = 1024
"""The heuristic and the dynamic programme take at most this many atoms (their work grows as the square)."""

METHODS = ("auto", "exhaustive", "heuristic")
ATOMS = ("micro", "macro")
MEASURES = {"confounding": "gap", "ambiguity": "width", "abstraction": "error"}
"""The per-state quantity each objective's term is made of (the JSON key in ``states``)."""


@dataclass(frozen=True)
class MacroStateTerm:
    """One macro state of the coarsening found.

    Attributes
    ----------
    state : str
    micro : tuple of str
        Its micro states (the fibre).
    atoms : tuple of str
        The atoms it merges (equal to ``micro`` when the atoms are micro states).
    probability : float
        ``P(x̄)``.
    measure : float or None
        ``gap(x̄)`` (None when unsupported), the width, or the abstraction error.
    term : float
        Its term in the objective (``P(x̄) gap(x̄)``, the width, the error).
    lower_bound : float
        A certified lower bound on the term.
    """

    state: str
    micro: tuple[str, ...]
    atoms: tuple[str, ...]
    probability: float
    measure: float | None
    term: float
    lower_bound: float


@dataclass(frozen=True)
class GivenMap:
    """The objective at the cause's own map (when it has one and the atoms are micro states)."""

    k: int
    value: float
    macro: dict[str, list[str]] = field(repr=False)


@dataclass(frozen=True, eq=False)
class CoarseningSearch:
    """The best coarsening found, its value, and how far that is proved.

    Attributes
    ----------
    model, cause, effect : str
    objective : str
    metric : str or None
        ``jsd`` or ``tv`` for ``abstraction``.
    k : int
    atoms : {"micro", "macro"}
    n_atoms : int
    contiguous : bool
    method : str
        ``dynamic-programming``, ``exhaustive``, ``heuristic``, ``causal-partition`` or ``trivial``
        (``K = 1`` or ``K`` = the number of atoms: one candidate).
    coarsening : Coarsening
        The map ``π_X`` over the cause's micro states.
    states : tuple of MacroStateTerm
    value : float
    lower_bound : float
        Certified: no partition of the atoms into ``K`` blocks (runs, with
        ``contiguous``) does better.
    bound : str
        Which bound that is.
    optimal : bool
    candidates : int
        The partitions in the search space: ``S(n, K)``, or ``C(n - 1, K - 1)`` runs.
    evaluated : int
        Fibre terms computed.
    seconds : float
    causal_classes : int or None
        Classes of the causal partition over the atoms (None when an atom mixes
        classes, so that no coarsening over these atoms is unambiguous).
    given : GivenMap or None
    cause_option : str or None
        The ``--cause`` text that writes this coarsening inline, when there is one
        (a single node cut into runs of its states: ``NODE:@E1,E2``).
    source : CausalModel or None
        The model the search ran on (with the cause and effect as selected); None when read
        back from JSON (which does not hold the model), and then :meth:`to_model` is unavailable.
    effect_states : tuple of str
        The effect's macro states.
    """

    model: str
    cause: str
    effect: str
    objective: str
    metric: str | None
    k: int
    atoms: str
    n_atoms: int
    contiguous: bool
    method: str
    coarsening: Coarsening = field(repr=False)
    states: tuple[MacroStateTerm, ...] = field(repr=False)
    value: float = 0.0
    lower_bound: float = 0.0
    bound: str = field(default="", repr=False)
    optimal: bool = False
    candidates: int = field(default=0, repr=False)
    evaluated: int = field(default=0, repr=False)
    seconds: float = field(default=0.0, repr=False)
    causal_classes: int | None = field(default=None, repr=False)
    given: GivenMap | None = field(default=None, repr=False)
    cause_option: str | None = field(default=None, repr=False)
    source: CausalModel | None = field(default=None, repr=False)
    effect_states: tuple[str, ...] = field(default=(), repr=False)

    def __repr__(self) -> str:
        return (f"CoarseningSearch(objective={self.objective!r}, k={self.k}, value={self.value:.6g}, "
                f"lower_bound={self.lower_bound:.6g}, optimal={self.optimal}, method={self.method!r})")

    @property
    def macro(self) -> dict[str, list[str]]:
        """``{macro state: [micro states]}``: the coarsening found."""
        return self.coarsening.to_mapping()

    def to_model(self) -> CausalModel:
        """The model with the coarsening found as the cause's macro map, and (cause, effect) as its query.

        A single node gets it under ``macro``; a group becomes a group with a
        ``table`` map. ``discagg solve``, ``inspect`` and every command then read
        it as they read any model (``--out FILE`` writes it).
        """
        if self.source is None:
            raise ValueError("this search was read back from JSON, which does not hold the model: run coarsen "
                             "again, or apply its macro map to the model yourself")
        return with_cause_map(self.source, self.cause, self.effect, self.coarsening)

    def to_dict(self) -> dict[str, Any]:
        """The ``discagg coarsen --json`` document.

        ``{"objective", "k", "value", "optimal", "lower_bound", "macro"}`` as the
        issue asks, then ``"model", "cause", "effect", "metric", "atoms",
        "contiguous", "method", "bound", "candidates", "evaluated", "seconds",
        "causal_classes", "cause_option", "given", "states"``, and the cause's
        ``"micro_states"`` (in order) and the effect's macro ``"effect_states"``.
        """
        measure = MEASURES[self.objective]
        return {
            "objective": self.objective, "k": self.k, "value": self.value, "optimal": self.optimal,
            "lower_bound": self.lower_bound, "macro": self.macro,
            "model": self.model, "cause": self.cause, "effect": self.effect, "metric": self.metric,
            "atoms": self.atoms, "contiguous": self.contiguous, "method": self.method, "bound": self.bound,
            "candidates": self.candidates, "evaluated": self.evaluated, "seconds": self.seconds,
            "causal_classes": self.causal_classes, "cause_option": self.cause_option,
            "given": None if self.given is None else {"k": self.given.k, "value": self.given.value,
                                                      "macro": self.given.macro},
            "states": [{"state": s.state, "micro": list(s.micro), "atoms": list(s.atoms),
                        "probability": s.probability, measure: s.measure, "term": s.term,
                        "lower_bound": s.lower_bound} for s in self.states],
            "micro_states": list(self.coarsening.micro_states), "effect_states": list(self.effect_states),
        }

    def __eq__(self, other: object) -> bool:
        """Equal in every field but ``source`` (the model, which the JSON does not hold)."""
        if not isinstance(other, CoarseningSearch):
            return NotImplemented
        return all(getattr(self, f.name) == getattr(other, f.name) for f in fields(self) if f.name != "source")

    __hash__ = None  # type: ignore[assignment]

    def __str__(self) -> str:
        """The text ``discagg coarsen`` prints (without ``--out``)."""
        from discagg.report.coarsen import render_search

        return render_search(self)

    def _repr_html_(self) -> str:
        from discagg.report.coarsen import search_html

        return search_html(self)

    @classmethod
    def from_dict(cls, document: Mapping[str, Any]) -> CoarseningSearch:
        """The search whose :meth:`to_dict` (``discagg coarsen --json``) is ``document`` (``source`` is None).

        Raises
        ------
        ModelError
            Naming the key path of the first entry that is not as :meth:`to_dict` writes it.
        """
        from discagg.search.saved import coarsening_search_from_dict

        return coarsening_search_from_dict(document)


def _atoms(agg: Aggregation, atoms: str) -> tuple[tuple[np.ndarray, ...], tuple[str, ...]]:
    pi = agg.cause_map
    if atoms == "micro":
        return tuple(np.array([i], dtype=np.intp) for i in range(pi.n_micro)), pi.micro_states
    return tuple(np.asarray(pi.fibre(j)) for j in range(pi.n_macro)), pi.macro_states


def _check(k: object, objective: str, metric: str, atoms: str, method: str, contiguous: bool, n: int) -> int:
    if objective not in OBJECTIVES:
        raise ModelError(None, "objective", f"one of {list(OBJECTIVES)}", repr(objective))
    if atoms not in ATOMS:
        raise ModelError(None, "atoms", f"one of {list(ATOMS)}", repr(atoms))
    if method not in METHODS:
        raise ModelError(None, "method", f"one of {list(METHODS)}", repr(method))
    if objective == "abstraction":
        from discagg.abstraction.metrics import check_metric

        check_metric(metric)
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or not 1 <= int(k) <= n:
        raise ModelError(None, "k", f"a number of macro states from 1 to {n} (the atoms to partition)", repr(k))
    k = int(k)
    if contiguous and method == "heuristic":
        raise ModelError(None, "method", "auto or exhaustive with contiguous runs (runs are searched exactly)",
                         "heuristic")
    if 1 < k < n:
        if contiguous and n > MAX_ATOMS:
            raise ModelError(None, "contiguous", f"at most {MAX_ATOMS} atoms to cut into runs", f"{n} atoms")
        if not contiguous and method == "exhaustive" and n > MAX_EXHAUSTIVE:
            raise ModelError(None, "method", f"at most {MAX_EXHAUSTIVE} atoms for an exhaustive search "
                             f"(S({n}, {k}) = {stirling2(n, k):.3g} partitions)", f"{n} atoms")
        if not contiguous and n > MAX_ATOMS:
            raise ModelError(None, "atoms", f"a search over at most {MAX_ATOMS} atoms (use --contiguous, or "
                             "atoms='macro' with a map that groups the states)", f"{n} atoms")
    return k


def _costs(agg: Aggregation, objective: str, metric: str, atoms: tuple[np.ndarray, ...]) -> FibreCosts:
    p_cause = agg.p_cause
    probability = np.array([float(p_cause[a].sum()) for a in atoms])
    d = agg.effect_map.n_macro
    if objective == "confounding":
        micro_joint = agg.effect_map.push_forward(agg.joint, axis=1)
        joint = np.stack([micro_joint[a].sum(axis=0) for a in atoms])
    else:
        joint = np.zeros((len(atoms), d))
    return FibreCosts(objective, metric, atoms, np.asarray(agg.macro_kernel), probability, joint, agg.tolerance)


def _causal_atoms(agg: Aggregation, atoms: tuple[np.ndarray, ...]) -> np.ndarray | None:
    """The causal class of each atom, or None when the partition is not clean or an atom mixes classes."""
    from discagg.search.causal import causal_labels

    labels, widths = causal_labels(agg.macro_kernel, agg.tolerance.equality)
    if not (widths <= agg.tolerance.equality).all():
        return None
    per_atom = [np.unique(labels[a]) for a in atoms]
    if any(len(c) != 1 for c in per_atom):
        return None
    return np.array(canonical([int(c[0]) for c in per_atom]))


def _refine(labels: np.ndarray, k: int) -> tuple[int, ...]:
    """Split blocks (the largest first, its last atom off) until there are ``k``; canonical labels."""
    labels = labels.copy()
    count = int(labels.max()) + 1
    while count < k:
        sizes = np.bincount(labels)
        b = int(np.argmax(sizes))
        last = int(np.flatnonzero(labels == b)[-1])
        labels[last] = count
        count += 1
    return canonical(labels.tolist())


def _intervals(n: int, k: int) -> list[Fibre]:
    longest = n - k + 1
    return [tuple(range(i, j)) for i in range(n) for j in range(i + 1, min(n, i + longest) + 1)]


@dataclass
class _Found:
    """What a search found: the partition, how, the certified bound (None: the partition's own terms' bounds)."""

    labels: tuple[int, ...]
    method: str
    bound: str
    lower: float | None = None
    table: dict[Fibre, tuple[float, float]] = field(default_factory=dict)
    evaluated: int | None = None


def _runs(costs: FibreCosts, k: int, scheduler: str | None, progress: bool) -> _Found:
    """Dynamic programming over breakpoints: every run's term, then the recursion over values and over bounds."""
    from discagg.search.exact import contiguous_dp

    n = costs.n
    fibres = _intervals(n, k)
    table = evaluate_fibres(costs, fibres, scheduler=scheduler, progress=progress, description="runs")
    value_cost, bound_cost = np.full((n + 1, n + 1), np.inf), np.full((n + 1, n + 1), np.inf)
    for f in fibres:
        value_cost[f[0], f[-1] + 1], bound_cost[f[0], f[-1] + 1] = table[f]
    _, labels = contiguous_dp(value_cost, k, costs.combine)
    lower, _ = contiguous_dp(bound_cost, k, costs.combine)
    return _Found(labels, "dynamic-programming", "the same recursion over the runs' lower bounds", lower, table)


def _subsets(costs: FibreCosts, k: int, scheduler: str | None, progress: bool) -> _Found:
    """Every partition: the terms of every subset that can be a block, then the recursion over subsets."""
    from discagg.search.exact import mask_atoms, subset_dp, subset_masks

    n = costs.n
    masks = subset_masks(n, n - k + 1)
    fibres = [mask_atoms(int(m)) for m in masks]
    table = evaluate_fibres(costs, fibres, scheduler=scheduler, progress=progress, description="fibres")
    value_cost, bound_cost = np.full(1 << n, np.inf), np.full(1 << n, np.inf)
    value_cost[masks] = [table[f][0] for f in fibres]
    bound_cost[masks] = [table[f][1] for f in fibres]
    _, labels = subset_dp(value_cost, n, k, costs.combine)
    lower, _ = subset_dp(bound_cost, n, k, costs.combine)
    return _Found(labels, "exhaustive", "the same recursion over every fibre's lower bound", lower, table)


def _heuristic(costs: FibreCosts, k: int, restarts: int, seed: int, scheduler: str | None,
               progress: bool) -> _Found:
    """The agglomerative restart and ``restarts`` seeded ones as chunks; the best wins (ties: the first)."""
    from discagg.parallel import map_chunks, spawn_seeds
    from discagg.search.heuristic import Restart, lower_bound, run_restart

    tasks = [Restart(costs, k, None)] + [Restart(costs, k, s) for s in spawn_seeds(seed, restarts)]
    results = map_chunks(run_restart, tasks, scheduler=scheduler, progress=progress, description="restarts")
    best = min(range(len(results)), key=lambda i: (results[i].value, i))
    lower, how, extra = lower_bound(costs, k, scheduler=scheduler)
    return _Found(results[best].labels, "heuristic", how, lower, evaluated=sum(r.evaluated for r in results) + extra)


def coarsen(model: CausalModel | Aggregation | str, cause: str | None, effect: str | None, k: int,
            objective: str = "confounding", *, metric: str = "jsd", contiguous: bool = False, atoms: str = "micro",
            method: str = "auto", restarts: int = 3, seed: int = 0, scheduler: str | None = None,
            progress: bool = False, tolerance: Tolerance = DEFAULT_TOLERANCE) -> CoarseningSearch:
    """The coarsening of the cause into ``k`` macro states that is best for ``objective``.

    Parameters
    ----------
    model : CausalModel, Aggregation or str
        A model, anything :func:`~discagg.io.loading.load_model` takes, or an
        :class:`~discagg.core.aggregation.Aggregation` (then no cause or effect).
    cause, effect : str or None
        As every command takes them (None: the model's query); the cause may be
        a group written without a map (``"Raf,Mek"``).
    k : int
        Macro states, from 1 to the number of atoms.
    objective : {"confounding", "ambiguity", "abstraction"}
    metric : {"jsd", "tv"}
        For ``abstraction``.
    contiguous : bool
        Only runs of consecutive atoms (ordered states), exactly by dynamic programming.
    atoms : {"micro", "macro"}
        Partition the micro states, or merge whole macro states of the cause's map.
    method : {"auto", "exhaustive", "heuristic"}
    restarts : int
        Random restarts of the heuristic besides the agglomerative one.
    seed : int
        Seeds the restarts (each restart's own seed is derived from it and its index).
    scheduler : str, optional
        Where independent parts run (:func:`discagg.parallel.map_chunks`).
    progress : bool
        Bars on stderr when it is a terminal.
    tolerance : Tolerance

    Returns
    -------
    CoarseningSearch

    Raises
    ------
    ModelError
        Bad cause/effect, ``k`` outside ``1 .. n``, an unknown objective, metric,
        method or atoms, or a search beyond its size limit.

    Examples
    --------
    >>> import discagg
    >>> found = discagg.coarsen("example:cholesterol", None, None, 2)   # total cholesterol leaves 0.0149
    >>> found.value, found.optimal, found.macro, round(found.given.value, 4)
    (0.0, True, {'0': ['LDLlo_HDLlo', 'LDLhi_HDLlo'], '1': ['LDLlo_HDLhi', 'LDLhi_HDLhi']}, 0.0149)
    """
    start = time.perf_counter()
    if isinstance(model, Aggregation):
        agg = as_aggregation(model, cause, effect, tolerance=tolerance)
    else:
        if isinstance(model, str):
            from discagg.io.loading import load_model

            model = load_model(model)
        model, cause = select_cause(model, cause)
        agg = Aggregation.of(model, cause, effect, tolerance=tolerance)
    atom_sets, atom_names = _atoms(agg, atoms)
    n = len(atom_sets)
    k = _check(k, objective, metric, atoms, method, contiguous, n)
    if isinstance(restarts, bool) or not isinstance(restarts, int) or restarts < 0:
        raise ModelError(None, "restarts", "a non-negative number of restarts", repr(restarts))
    costs = _costs(agg, objective, metric, atom_sets)
    causal = _causal_atoms(agg, atom_sets)
    candidates = contiguous_count(n, k) if contiguous else stirling2(n, k)
    if k in (1, n):
        search = _Found(tuple([0] * n) if k == 1 else tuple(range(n)), "trivial",
                        "the terms' lower bounds (the only candidate)")
    elif objective == "ambiguity" and not contiguous and causal is not None and int(causal.max()) + 1 <= k:
        search = _Found(_refine(causal, k), "causal-partition",
                        "0 (a width is never negative); the causal partition's refinements reach it", lower=0.0)
    elif contiguous:
        search = _runs(costs, k, scheduler, progress)
    elif method == "exhaustive" or (method == "auto" and n <= EXHAUSTIVE_ATOMS[objective]):
        search = _subsets(costs, k, scheduler, progress)
    else:
        search = _heuristic(costs, k, restarts, seed, scheduler, progress)
    found = blocks(search.labels)
    table = search.table
    missing = [f for f in found if f not in table]
    if missing:
        table.update(evaluate_fibres(costs, missing, scheduler="sequential"))
    terms = [table[f] for f in found]
    op = sum if costs.combine == "sum" else max
    value = float(op(t[0] for t in terms))
    lower = float(op(t[1] for t in terms)) if search.lower is None else float(search.lower)
    evaluated = len(table) if search.evaluated is None else search.evaluated
    optimal = value - lower <= agg.tolerance.equality  # exact searches' bounds meet their value; heuristics' must
    pi = agg.cause_map
    names, option = _names(agg, found, atoms, contiguous, atom_names, k)
    assignment = np.empty(pi.n_micro, dtype=np.intp)
    for b, f in enumerate(found):
        for a in f:
            assignment[atom_sets[a]] = b
    coarsening = Coarsening.from_assignment(agg.cause, pi.micro_states, names, assignment)
    states = tuple(
        MacroStateTerm(names[b], coarsening.members[b], tuple(atom_names[a] for a in f),
                       float(costs.probability[list(f)].sum()), costs.measure(f), terms[b][0], terms[b][1])
        for b, f in enumerate(found))
    given = _given(agg, costs, atoms) if atoms == "micro" else None
    return CoarseningSearch(
        agg.model.name, agg.cause, agg.effect, objective, metric if objective == "abstraction" else None, k, atoms, n,
        contiguous, search.method, coarsening, states, value, lower, search.bound, optimal, candidates, evaluated,
        time.perf_counter() - start, None if causal is None else int(causal.max()) + 1, given, option, agg.model,
        agg.effect_map.macro_states)


def _names(agg: Aggregation, found: tuple[Fibre, ...], atoms: str, contiguous: bool, atom_names: tuple[str, ...],
           k: int) -> tuple[list[str], str | None]:
    """Macro state names, and the inline ``--cause`` text when a single node is cut into runs of its states."""
    from discagg.core.groups import _label

    single = agg.cause not in agg.model.groups
    runs = all(f == tuple(range(f[0], f[-1] + 1)) for f in found)
    if single and atoms == "micro" and runs and k > 1:
        edges = sorted(f[0] for f in found)[1:]
        order = sorted(range(k), key=lambda b: found[b][0])
        labels = ([f"<{_label(edges[0])}"] + [f"[{_label(a)},{_label(b)})" for a, b in zip(edges, edges[1:])]
                  + [f">={_label(edges[-1])}"])
        names = [""] * k
        for rank, b in enumerate(order):
            names[b] = labels[rank]
        return names, f"{agg.cause}:@{','.join(_label(e) for e in edges)}"
    return [str(b) for b in range(k)], None


def _given(agg: Aggregation, costs: FibreCosts, atoms: str) -> GivenMap | None:
    """The objective at the cause's own map, when it merges something."""
    pi = agg.cause_map
    if pi.merges_nothing:
        return None
    fibres = [tuple(int(i) for i in pi.fibre(j)) for j in range(pi.n_macro)]
    table = evaluate_fibres(costs, fibres, scheduler="sequential")
    values = [table[f][0] for f in fibres]
    value = float(sum(values)) if costs.combine == "sum" else float(max(values))
    return GivenMap(pi.n_macro, value, pi.to_mapping())
