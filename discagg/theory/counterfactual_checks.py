"""``verify --check condition-14`` and ``condition-15``: the counterfactual conditions decided.

``condition-15`` is Theorem 4.1 with condition (15) read as the counterfactual statement it is,
for the query's (cause, effect) and an adjustment set ``B`` (default: every non-descendant of the
cause but the effect); ``condition-14`` is its case on the paper's Figure 5 (Lemma 11, ``B`` =
the third node's macro variable). The rows:

- hypothesis: Figure 5 (``condition-14`` only; nothing else is checked when it fails);
- hypothesis: the back-door criterion for ``B̄`` in the macro graph;
- hypothesis: the condition itself, decided
  - *on a given SCM* (``verify --scm FILE``), by enumerating its responses; or
  - *over the SCMs compatible with the CPTs* (:mod:`discagg.theory.compatible_scms`): first the
    verdict shared by every Markovian SCM (a row of its own), then "holds for every compatible
    SCM", "for some but not all" or "for none", with witness SCMs; the row holds unless "none";
- conclusion: the condition's distributional consequence ``P(X̄_j | do(x), b) = P(X̄_j | x, b)``
  (required when the condition holds: it is implied);
- conclusion: equality (13) for the realization ``P(X_i | x̄_i, b)`` (required when the back-door
  criterion and the condition hold: Theorem 4.1; over compatible SCMs, one SCM where (15) holds
  suffices, since (13) is a statement about the CPTs).

Each condition row carries a ``detail`` (JSON-ready): the setting, the verdict, and the witnesses
as ``discagg/scm-v1`` documents.
"""

from __future__ import annotations

from typing import Any

from discagg.core.aggregation import Aggregation
from discagg.core.scm import StructuralModel
from discagg.io.scm_format import scm_to_dict
from discagg.theory.checks import Check
from discagg.theory.compatible_scms import CompatibleVerdict, Witness, decide_compatible, relevant_nodes
from discagg.theory.counterfactual import (
    ConditionResiduals,
    cause_coarsening,
    condition_residuals,
    counterfactual_joint,
    setting,
)
from discagg.theory.graphs import macro_graph, macro_name, satisfies_backdoor

__all__ = ["COUNTERFACTUAL_CHECKS", "counterfactual_checks"]

COUNTERFACTUAL_CHECKS = ("condition-14", "condition-15")

_VERDICT_TEXT = {"every": "holds for every compatible SCM", "some": "holds for some compatible SCMs but not all",
                 "none": "holds for no compatible SCM"}


def _figure5(agg: Aggregation) -> tuple[bool, str | None]:
    model, y, z = agg.model, agg.cause, agg.effect
    others = [n for n in model.nodes if n not in (y, z)]
    ok = len(others) == 1 and set(model.graph.edges) == {(others[0], y), (others[0], z), (y, z)}
    return ok, (others[0] if ok else None)


def _float(value: Any) -> float:
    return float(value)


def _document(scm: StructuralModel) -> dict[str, Any]:
    """The witness as ``discagg/scm-v1``, without the identity maps that selecting a cause or effect adds."""
    doc = scm_to_dict(scm)
    macro = {node: mapping for node, mapping in doc.get("macro", {}).items()
             if mapping != {s: [s] for s in scm.model.nodes[node].states}}
    return {**doc, "macro": macro}


def _witness_detail(witness: Witness) -> dict[str, Any]:
    r = witness.residuals
    return {"kind": witness.kind, "residual": _float(r.condition), "consequence": _float(r.consequence),
            "equation_13": _float(r.equation_13), "compatibility": _float(witness.compatibility),
            "enumerated": witness.enumerated, "scm": _document(witness.scm)}


def counterfactual_checks(name: str, agg: Aggregation, adjust: tuple[str, ...] | None = None,
                          scm: StructuralModel | None = None, *, exact: bool = False) -> list[Check]:
    """The rows of ``condition-14`` or ``condition-15`` (module docstring).

    Parameters
    ----------
    name : str
        ``"condition-14"`` or ``"condition-15"``.
    agg : Aggregation
        Its cause and effect are the condition's ``X_i`` and ``X_j`` (single nodes).
    adjust : tuple of str, optional
        ``B`` for ``condition-15`` (ignored by ``condition-14``).
    scm : StructuralModel, optional
        Decide the condition on this SCM (bound to ``agg.model``: its responses must reproduce
        the model's CPTs) instead of over every compatible SCM.
    exact : bool
        Rational arithmetic and zero tolerance (the LP by the rational simplex method).

    Returns
    -------
    list of Check

    Raises
    ------
    ModelError
        For a group as cause or effect, a bad ``B``, an SCM that does not fit the model, or an
        LP beyond its size limit.

    Examples
    --------
    >>> from discagg import Aggregation, loads_model
    >>> m = loads_model('''{"format": "discagg/model-v1", "nodes": {
    ...   "X": {"states": ["a", "b", "c"], "parents": [], "cpt": [0.25, 0.25, 0.5]},
    ...   "Y": {"states": ["n", "y"], "parents": ["X"], "cpt": [[0.5, 0.5], [0.5, 0.5], [0.5, 0.5]]}}}''')
    >>> rows = counterfactual_checks("condition-15", Aggregation.of(m, "X", "Y"))
    >>> [(r.kind, r.holds) for r in rows]
    [('hypothesis', True), ('hypothesis', True), ('hypothesis', True), ('conclusion', True), ('conclusion', True)]
    >>> rows[2].detail["verdict"], rows[2].detail["witnesses"]["fails"]["residual"] > 0
    ('some', True)
    """
    model = agg.model
    label = name
    symbol = "(14)" if name == "condition-14" else "(15)"
    rows: list[Check] = []
    if name == "condition-14":
        figure5, third = _figure5(agg)
        rows.append(Check(label, "hypothesis", "graph is Figure 5: X -> Y, X -> Z, Y -> Z, with Y the cause and Z the "
                          "effect", figure5, 0.0 if figure5 else 1.0))
        if not figure5 or third is None:  # _figure5 names the third node exactly when it holds
            return rows
        model.coarsening(third)
        where = setting(model, agg.cause, agg.effect, (third,))
    else:
        where = setting(model, agg.cause, agg.effect, adjust)
    tol = 0 if exact else agg.tolerance.equality
    support = 0 if exact else agg.tolerance.support
    shown = {n: macro_name(n) if n in model.macro else n for n in model.nodes}
    cause, effect, bbar = where.cause, shown[where.effect], [shown[b] for b in where.adjust]
    backdoor, reason = satisfies_backdoor(macro_graph(model), shown[cause], effect, bbar)
    rows.append(Check(label, "hypothesis", f"back-door criterion for B = {bbar} relative to ({shown[cause]}, {effect}) "
                      f"in the macro graph ({reason})", backdoor, 0.0 if backdoor else 1.0))
    statement = f"{symbol} {effect}_x independent of {cause} given {bbar} for every x"
    base = {"condition": symbol, "cause": cause, "effect": where.effect, "adjust": list(where.adjust)}
    cause_map = cause_coarsening(model, cause)
    if scm is not None:
        bound = scm if scm.model is model else StructuralModel(model, scm.blocks)
        size = bound.size([where.cause, where.effect, *where.adjust])
        found = condition_residuals(counterfactual_joint(bound, where, exact=exact), cause_map, support)
        holds = bool(found.condition <= tol)
        rows.append(Check(label, "hypothesis", f"{statement}, on the given SCM (counterfactual: {size} joint response "
                          f"assignments enumerated; residual: max TV between P({effect}_x | x', b) and "
                          f"P({effect}_x | b))", holds, _float(found.condition),
                          detail={**base, "source": "scm", "assignments": size, "holds": holds,
                                  "residual": _float(found.condition)}))
        return rows + _conclusions(label, symbol, effect, cause, found, holds, backdoor and holds, tol)
    markov = counterfactual_joint(model, where, exact=exact)
    verdict = decide_compatible(model, where, exact=exact, tolerance=agg.tolerance, markov=markov)
    m = verdict.markov
    rows.append(Check(label, "hypothesis", f"{statement}, in every Markovian SCM with these CPTs (independent noises "
                      "share one counterfactual joint; residual: max TV)", bool(m.condition <= tol), _float(m.condition)))
    possible = verdict.verdict != "none"
    worst = verdict.fails.residuals.condition if verdict.fails is not None else 0
    rows.append(Check(label, "hypothesis", f"{statement}, over the SCMs compatible with the CPTs (same DAG, CPTs and "
                      f"interventional distributions; noises correlated only where no intervention shows it): "
                      f"{_VERDICT_TEXT[verdict.verdict]} ({verdict.method}; {verdict.columns} joint response functions "
                      f"of {list(relevant_nodes(model, where))}; residual: max TV of the witness where it fails, 0 if "
                      "none)", possible, _float(worst), detail={**base, **_verdict_detail(verdict, tol)}))
    return rows + _conclusions(label, symbol, effect, cause, m, possible, backdoor and possible, tol)


def _verdict_detail(verdict: CompatibleVerdict, tol: float) -> dict[str, Any]:
    return {"source": "compatible", "verdict": verdict.verdict, "method": verdict.method,
            "response_functions": verdict.columns,
            "markov": {"holds": bool(verdict.markov.condition <= tol), "residual": _float(verdict.markov.condition)},
            "witnesses": {"holds": _witness_detail(verdict.holds) if verdict.holds else None,
                          "fails": _witness_detail(verdict.fails) if verdict.fails else None}}


def _conclusions(label: str, symbol: str, effect: str, cause: str, found: ConditionResiduals, condition: bool,
                 theorem: bool, tol: float) -> list[Check]:
    return [
        Check(label, "conclusion", f"{symbol} implies its distributional consequence P({effect} | do(x), b) = "
              f"P({effect} | x, b) (residual: max TV)", bool(found.consequence <= tol), _float(found.consequence),
              required=condition),
        Check(label, "conclusion", f"(13) P({effect} | do(xbar), b) = P({effect} | xbar, b) for the realization "
              f"P({cause} | xbar, b) (residual: max TV)", bool(found.equation_13 <= tol), _float(found.equation_13),
              required=theorem),
    ]
