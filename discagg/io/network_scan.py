"""A scan of BIF and XMLBIF text before any parser allocates: variables, states, CPT sizes, arcs.

pgmpy's readers allocate every CPT while parsing, so a file declaring four
300-state variables in one table would ask for 65 GB before anything could
refuse it. :func:`scan_bif` and :func:`scan_xmlbif` read the declarations only
(no numbers), check what the readers silently accept (a state count that
disagrees with the state list, two probability blocks for one variable) and
the size of every CPT against :mod:`discagg.limits`, and give the network's
summary for ``discagg networks``.
"""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass

from discagg.errors import ModelError
from discagg.limits import check_entries

__all__ = ["NetworkSummary", "scan_bif", "scan_xmlbif"]

_VARIABLE = re.compile(r"\bvariable\s+(?P<name>[^\s{]+)\s*\{")
_DISCRETE = re.compile(r"type\s+discrete\s*\[\s*(?P<count>\d+)\s*\]\s*\{(?P<states>[^}]*)\}", re.S)
_PROBABILITY = re.compile(r"\bprobability\s*\(\s*(?P<head>[^)|]*?)\s*(?:\|\s*(?P<parents>[^)]*))?\)", re.S)


@dataclass(frozen=True)
class NetworkSummary:
    """What a network declares, read without parsing its numbers.

    Attributes
    ----------
    nodes, arcs : int
    max_states : int
        The largest number of states of a node.
    parameters : int
        The number of CPT entries, summed over the nodes.
    """

    nodes: int
    arcs: int
    max_states: int
    parameters: int


def _summary(cards: dict[str, int], tables: dict[str, list[str]], source: str, where: str) -> NetworkSummary:
    arcs = parameters = 0
    for node, parents in tables.items():
        for parent in parents:
            if parent not in cards:
                raise ModelError(source, f"{where} {node}", f"parents declared as variables {sorted(cards)[:10]}",
                                 repr(parent))
        if node not in cards:
            raise ModelError(source, f"{where} {node}", "a table for a declared variable", repr(node))
        entries = math.prod(cards[p] for p in parents) * cards[node]
        check_entries(entries, f"the CPT of {node!r} (parents {parents})", f"{where} {node}", source)
        arcs += len(parents)
        parameters += entries
    return NetworkSummary(len(cards), arcs, max(cards.values(), default=0), parameters)


def scan_bif(text: str, source: str) -> NetworkSummary:
    """Scan BIF text: declared state counts, duplicate tables, CPT sizes.

    Raises
    ------
    ModelError
        Naming the file and the variable.

    Examples
    --------
    >>> scan_bif("variable A { type discrete [ 2 ] { a, b }; }\\n"
    ...          "probability ( A ) { table 0.5, 0.5; }", "a.bif")
    NetworkSummary(nodes=1, arcs=0, max_states=2, parameters=2)
    """
    cards: dict[str, int] = {}
    starts = list(_VARIABLE.finditer(text))
    for match, following in zip(starts, starts[1:] + [None]):
        name = match["name"]
        where = f"variable {name}"
        if name in cards:
            raise ModelError(source, where, "one declaration per variable", "a second one")
        end = following.start() if following is not None else len(text)
        discrete = _DISCRETE.search(text, match.end(), end)
        if discrete is None:
            body = " ".join(text[match.end():end].split())
            raise ModelError(source, where, "a declaration 'type discrete [ N ] { state, ... }'",
                             repr(body[:60]) if body else "nothing")
        states = [s.strip() for s in discrete["states"].split(",") if s.strip()]
        if int(discrete["count"]) != len(states):
            raise ModelError(source, where, f"as many states as declared ({int(discrete['count'])})",
                             f"{len(states)} states {states[:10]}")
        cards[name] = len(states)
    tables: dict[str, list[str]] = {}
    for match in _PROBABILITY.finditer(text):
        node = match["head"].strip()
        if node in tables:
            raise ModelError(source, f"probability ( {node} )", "one probability block per variable",
                             "a second one")
        tables[node] = [p.strip() for p in (match["parents"] or "").split(",") if p.strip()]
    return _summary(cards, tables, source, "probability")


def scan_xmlbif(text: str, source: str) -> NetworkSummary:
    """Scan XMLBIF text (``<VARIABLE>``/``<OUTCOME>``, ``<DEFINITION>``/``<FOR>``/``<GIVEN>``), as :func:`scan_bif`.

    Tag names are matched case-insensitively (pyAgrum's ``.bifxml`` and XMLBIF
    0.3 differ in case).

    Raises
    ------
    ModelError
    """
    try:
        root = ET.fromstring(text)
    except ET.ParseError as exc:
        raise ModelError(source, None, "a XMLBIF file pgmpy can read", f"ParseError: {exc}") from None
    cards: dict[str, int] = {}
    tables: dict[str, list[str]] = {}

    def children(element: ET.Element, tag: str) -> list[ET.Element]:
        return [c for c in element if c.tag.upper() == tag]

    for element in root.iter():
        tag = element.tag.upper() if isinstance(element.tag, str) else ""
        if tag == "VARIABLE":
            names = children(element, "NAME")
            name = (names[0].text or "").strip() if names else ""
            if name in cards:
                raise ModelError(source, f"VARIABLE {name}", "one declaration per variable", "a second one")
            cards[name] = len(children(element, "OUTCOME"))
        elif tag in ("DEFINITION", "PROBABILITY"):
            heads = children(element, "FOR")
            node = (heads[0].text or "").strip() if heads else ""
            if node in tables:
                raise ModelError(source, f"DEFINITION {node}", "one definition per variable", "a second one")
            tables[node] = [(g.text or "").strip() for g in children(element, "GIVEN")]
    return _summary(cards, tables, source, "DEFINITION")
