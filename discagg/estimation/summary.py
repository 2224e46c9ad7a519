"""A posterior's summary: the means and credible intervals it reports, which JSON holds and reads back.

A :class:`~discagg.Posterior` holds its draws (``draws x macro states x ...``
numbers); its JSON, as the command line prints it, holds only their summary
(means and equal-tailed intervals), so the draws cannot be read back from it.
:class:`PosteriorSummary` is that summary as a frozen value:
:meth:`Posterior.summary <discagg.Posterior.summary>` makes it,
:meth:`PosteriorSummary.to_dict` writes it (:meth:`Posterior.to_dict
<discagg.Posterior.to_dict>` is the same document) and
:meth:`PosteriorSummary.from_dict` reads it back equal, and also reads the
``--json`` document of ``discagg inspect``/``solve``/``bounds --data D
--posterior N`` (the ``"posterior"`` objects in it). Its ``str()`` is the
posterior table the command prints.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from discagg.errors import ModelError, describe, preview
from discagg.estimation.posterior import QUESTIONS, Interval, posterior_entry
from discagg.json_values import check_keys, key_path, number, require_object, state_entries, string, string_list
from discagg.report.short import fit, plain, quoted

if TYPE_CHECKING:
    from discagg.estimation.posterior import Posterior

__all__ = ["PosteriorSummary", "load_posterior_summary"]

_SETTINGS = ("draws", "level", "seed", "prior", "ess", "rows")
_ENTRY_KEYS = {"inspect": ("draws", "level", "gap", "observational"),
               "solve": ("draws", "level", "p_inhibiting", "gap", "observational"),
               "bounds": ("draws", "level", "bounds")}
_KEYS = ("model", "cause", "effect", "posterior", "questions", "effect_macro_states", "macro_states")

Bound = tuple[Interval | None, Interval | None]


@dataclass(frozen=True)
class PosteriorSummary:
    """The means and credible intervals of a :class:`~discagg.Posterior`, per macro state of the cause.

    Attributes
    ----------
    model, cause, effect : str
    draws, level, seed, prior, ess, rows
        How the draws were made (``ess`` is None unless the prior is ``bdeu``).
    cause_macro, effect_macro : tuple of str
    questions : tuple of str
        Some of ``"inspect"``, ``"solve"``, ``"bounds"``, in that order.
    gaps : tuple of (Interval or None), length ``|X̄|``
        The natural realization's gap (inspect; empty tuple otherwise).
    observed : tuple of mapping of str to (Interval or None)
        ``P(ȳ | x̄)`` (inspect or solve; empty tuple otherwise).
    irreducible_gaps : tuple of (Interval or None)
        The smallest gap over all realizations (solve).
    inhibiting : tuple of (float or None)
        The fraction of draws with an inhibiting realization (solve).
    ranges : tuple of mapping of str to (Interval or None, Interval or None)
        The lower and upper bound of ``P(ȳ | do(x̄))`` (bounds).

    Examples
    --------
    >>> import discagg
    >>> truth = discagg.load_model("example:cholesterol")
    >>> post = discagg.posterior(discagg.sample(truth, 500, seed=0), truth, draws=50, seed=1, questions=["inspect"])
    >>> summary = post.summary()
    >>> summary
    PosteriorSummary(model='cholesterol', Lipids -> HeartDisease, 50 draws, level 0.95, questions inspect)
    >>> PosteriorSummary.from_dict(summary.to_dict()) == summary
    True
    """

    model: str
    cause: str
    effect: str
    draws: int
    level: float
    seed: int
    prior: str
    ess: float | None
    rows: int
    cause_macro: tuple[str, ...]
    effect_macro: tuple[str, ...]
    questions: tuple[str, ...]
    gaps: tuple[Interval | None, ...] = ()
    observed: tuple[Mapping[str, Interval | None], ...] = ()
    irreducible_gaps: tuple[Interval | None, ...] = ()
    inhibiting: tuple[float | None, ...] = ()
    ranges: tuple[Mapping[str, Bound], ...] = ()

    @classmethod
    def of(cls, post: Posterior) -> PosteriorSummary:
        """The summary of a posterior's draws."""
        qs = post.questions
        n = range(len(post.cause_macro))
        settings = post.settings()
        return cls(post.model, post.cause, post.effect, post.draws, post.level, post.seed, post.prior,
                   settings["ess"], post.rows, post.cause_macro, post.effect_macro, qs,
                   tuple(post.gap(k) for k in n) if "inspect" in qs else (),
                   tuple(post.observational(k) for k in n) if "inspect" in qs or "solve" in qs else (),
                   tuple(post.irreducible_gap(k) for k in n) if "solve" in qs else (),
                   tuple(post.p_inhibiting(k) for k in n) if "solve" in qs else (),
                   tuple(post.bounds(k) for k in n) if "bounds" in qs else ())

    def __repr__(self) -> str:
        return fit(lambda w: f"PosteriorSummary(model={quoted(self.model, w)}, {plain(self.cause, w)} -> "
                   f"{plain(self.effect, w)}, {self.draws} draws, level {self.level:g}, "
                   f"questions {'+'.join(self.questions)})")

    def __str__(self) -> str:
        from discagg.report.posterior import posterior_text

        return posterior_text(self)

    def _repr_html_(self) -> str:
        from discagg.report.posterior import posterior_html

        return posterior_html(self)

    def _asked(self, question: str) -> None:
        if question not in self.questions:
            raise ValueError(f"this posterior did not ask {question!r} (it asked {'+'.join(self.questions)})")

    def gap(self, k: int) -> Interval | None:
        """The natural realization's gap of macro state ``k`` (inspect)."""
        self._asked("inspect")
        return self.gaps[k]

    def irreducible_gap(self, k: int) -> Interval | None:
        """The smallest gap over all realizations of macro state ``k`` (solve)."""
        self._asked("solve")
        return self.irreducible_gaps[k]

    def p_inhibiting(self, k: int) -> float | None:
        """The fraction of draws in which an inhibiting realization of macro state ``k`` exists (solve)."""
        self._asked("solve")
        return self.inhibiting[k]

    def observational(self, k: int) -> Mapping[str, Interval | None]:
        """``P(ȳ | x̄)`` for every ``ȳ`` (inspect or solve)."""
        if not self.observed:
            raise ValueError("this posterior asked neither 'inspect' nor 'solve'")
        return self.observed[k]

    def bounds(self, k: int) -> Mapping[str, Bound]:
        """For every ``ȳ``: the lower and the upper bound of ``P(ȳ | do(x̄))`` (bounds)."""
        self._asked("bounds")
        return self.ranges[k]

    def settings(self) -> dict[str, Any]:
        """The top-level ``"posterior"`` object of the command's ``--json``: how the draws were made."""
        return {"draws": self.draws, "level": self.level, "seed": self.seed, "prior": self.prior, "ess": self.ess,
                "rows": self.rows}

    def entry(self, k: int, question: str) -> dict[str, Any]:
        """The ``"posterior"`` object of macro state ``k`` in the ``--json`` output of ``question``."""
        return posterior_entry(self, k, question)

    def to_dict(self) -> dict[str, Any]:
        """The summary as JSON: the settings, and per macro state the command's ``"posterior"`` object per question.

        ``{"model", "cause", "effect", "posterior": settings, "questions": [...],
        "effect_macro_states": [...], "macro_states": [{"state": x̄, "inspect":
        {...}, "solve": {...}, "bounds": {...}}, ...]}``, each question's object
        exactly the ``"posterior"`` object ``discagg inspect``/``solve``/``bounds
        --json`` writes for that macro state.
        """
        states = [{"state": x, **{q: self.entry(k, q) for q in self.questions}}
                  for k, x in enumerate(self.cause_macro)]
        return {"model": self.model, "cause": self.cause, "effect": self.effect, "posterior": self.settings(),
                "questions": list(self.questions), "effect_macro_states": list(self.effect_macro),
                "macro_states": states}

    @classmethod
    def from_dict(cls, document: Any) -> PosteriorSummary:
        """The summary a :meth:`to_dict` document, or a command's ``--json`` with ``--posterior``, holds.

        A document without ``"questions"`` is read as the ``--json`` of
        ``discagg inspect``, ``solve`` or ``bounds --data D --posterior N``: the
        question is the one its ``"posterior"`` objects answer, and the
        command's own keys are not read.

        Raises
        ------
        ModelError
            Naming the key path of the first entry that is not as written.
        """
        doc = require_object(document, "", "a JSON object as Posterior.to_dict() or a command's --json with "
                                           "--posterior writes")
        if "questions" in doc:
            check_keys(doc, _KEYS, _KEYS, "")
            questions = string_list(doc["questions"], "questions", "questions")
            if not questions or [q for q in QUESTIONS if q in questions] != list(questions):
                raise ModelError(None, "questions", f"some of {list(QUESTIONS)}, in that order, each once",
                                 preview(questions))
            ys: tuple[str, ...] | None = string_list(doc["effect_macro_states"], "effect_macro_states",
                                                     "macro states of the effect")
            entries = state_entries(doc["macro_states"], "macro_states")
            objects = [{q: (entry.get(q), key_path(f"macro_states[{k}]", q)) for q in questions}
                       for k, entry in enumerate(entries)]
            for k, entry in enumerate(entries):
                check_keys(entry, ("state", *questions), ("state", *questions), f"macro_states[{k}]")
        else:
            for key in ("model", "cause", "effect", "posterior", "macro_states"):
                if key not in doc:
                    raise ModelError(None, key, "this key to be present (a --json document with --posterior)",
                                     "it missing")
            entries = state_entries(doc["macro_states"], "macro_states")
            for k, entry in enumerate(entries):
                if "posterior" not in entry:
                    raise ModelError(None, f"macro_states[{k}].posterior", "this key to be present", "it missing")
            first = require_object(entries[0]["posterior"] if entries else {}, "macro_states[0].posterior",
                                   "an object")
            question = "bounds" if "bounds" in first else "solve" if "p_inhibiting" in first else "inspect"
            questions, ys = (question,), None
            objects = [{question: (entry["posterior"], f"macro_states[{k}].posterior")}
                       for k, entry in enumerate(entries)]
        settings = require_object(doc["posterior"], "posterior", "an object with the settings of the draws")
        check_keys(settings, _SETTINGS, _SETTINGS, "posterior")
        draws = _whole(settings["draws"], "posterior.draws")
        level = number(settings["level"], "posterior.level")
        prior = string(settings["prior"], "posterior.prior")
        ess = None if settings["ess"] is None else number(settings["ess"], "posterior.ess")
        cause_macro = tuple(string(e.get("state"), f"macro_states[{k}].state") for k, e in enumerate(entries))
        parts: dict[str, list[Any]] = {"gaps": [], "observed": [], "irreducible_gaps": [], "inhibiting": [],
                                       "ranges": []}
        for by_question in objects:
            for q, (value, path) in by_question.items():
                obj = require_object(value, path, f"the {q} posterior of a macro state")
                check_keys(obj, _ENTRY_KEYS[q], _ENTRY_KEYS[q], path)
                if _whole(obj["draws"], key_path(path, "draws")) != draws:
                    raise ModelError(None, key_path(path, "draws"), f"{draws}, as posterior.draws", repr(obj["draws"]))
                if number(obj["level"], key_path(path, "level")) != level:
                    raise ModelError(None, key_path(path, "level"), f"{level}, as posterior.level", repr(obj["level"]))
                if q == "bounds":
                    ys = _names(obj["bounds"], key_path(path, "bounds"), ys)
                    parts["ranges"].append({y: _bound(b, key_path(key_path(path, "bounds"), y))
                                            for y, b in obj["bounds"].items()})
                    continue
                ys = _names(obj["observational"], key_path(path, "observational"), ys)
                observed = {y: _interval(v, key_path(key_path(path, "observational"), y))
                            for y, v in obj["observational"].items()}
                gap = _interval(obj["gap"], key_path(path, "gap"))
                if q == "solve":
                    p = obj["p_inhibiting"]
                    parts["inhibiting"].append(None if p is None else number(p, key_path(path, "p_inhibiting")))
                    parts["irreducible_gaps"].append(gap)
                else:
                    parts["gaps"].append(gap)
                if q == next(q for q in questions if q != "bounds"):  # the first to carry it
                    parts["observed"].append(observed)
                elif observed != parts["observed"][-1]:
                    raise ModelError(None, key_path(path, "observational"), "the inspect posterior's observational",
                                     "a different one")
        if ys is None:
            raise ModelError(None, "macro_states", "at least one macro state", "none")
        return cls(string(doc["model"], "model"), string(doc["cause"], "cause"), string(doc["effect"], "effect"),
                   draws, level, _whole(settings["seed"], "posterior.seed"), prior, ess,
                   _whole(settings["rows"], "posterior.rows"), cause_macro, ys, tuple(questions),
                   *(tuple(parts[key]) for key in ("gaps", "observed", "irreducible_gaps", "inhibiting", "ranges")))


def _whole(value: Any, path: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ModelError(None, path, "a non-negative whole number", describe(value))
    return value


def _interval(value: Any, path: str) -> Interval | None:
    if value is None:
        return None
    obj = require_object(value, path, "an object with keys 'mean', 'lower', 'upper', or null")
    check_keys(obj, ("mean", "lower", "upper"), ("mean", "lower", "upper"), path)
    return Interval(*(number(obj[key], key_path(path, key)) for key in ("mean", "lower", "upper")))


def _bound(value: Any, path: str) -> Bound:
    obj = require_object(value, path, "an object with keys 'lower' and 'upper'")
    check_keys(obj, ("lower", "upper"), ("lower", "upper"), path)
    return _interval(obj["lower"], key_path(path, "lower")), _interval(obj["upper"], key_path(path, "upper"))


def _names(value: Any, path: str, ys: tuple[str, ...] | None) -> tuple[str, ...]:
    """The effect's macro states an object is keyed by; the same as ``ys`` when those are known."""
    obj = require_object(value, path, "an object keyed by the macro states of the effect")
    found = tuple(obj)
    if ys is not None and found != ys:
        raise ModelError(None, path, f"one entry per macro state of the effect, in order {preview(ys)}",
                         preview(list(found)))
    return found


def load_posterior_summary(path: str | os.PathLike[str]) -> PosteriorSummary:
    """Read a file that :meth:`Posterior.to_dict` (or a command's ``--json`` with ``--posterior``) wrote.

    Raises
    ------
    ModelError
        Naming the file, and the key path of what is not as written.
    """
    from discagg.io.json_files import read_document

    return read_document(path, PosteriorSummary.from_dict)
