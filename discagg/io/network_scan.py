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

__all__ = ["BifDeclarations", "NetworkSummary", "bif_declarations", "scan_bif", "scan_xmlbif",
           "summarise_bif", "without_comments"]

_COMMENT = re.compile(r'"[^"]*"|//[^\n]*|/\*.*?\*/', re.S)  # a quoted string is matched first: kept whole
_VARIABLE = re.compile(r"\bvariable\s+(?P<name>[^{]+?)\s*\{")
_DISCRETE = re.compile(r"type\s+discrete\s*\[\s*(?P<count>\d+)\s*\]\s*\{(?P<states>[^}]*)\}", re.S)
_PROBABILITY = re.compile(r"\bprobability\s*\((?P<head>[^)]*)\)\s*\{(?P<body>[^}]*)\}", re.S)


def without_comments(text: str) -> str:
    """BIF text with ``//`` and ``/* */`` comments blanked (not inside quoted strings) and quotes removed.

    As pgmpy's reader does, every ``"`` becomes a space, so ``{ "c0", "c1" }``
    declares the states ``c0`` and ``c1``.

    >>> without_comments('property "see http://x"; /* old */ { "c0", c1 } // note')
    'property  see http://x ;   {  c0 , c1 }  '
    """
    return _COMMENT.sub(lambda m: m.group(0) if m.group(0).startswith('"') else " ", text).replace('"', " ")


def _head(text: str) -> tuple[str, list[str]]:
    """``X | P1, P2`` (or ``X P1 P2``, as pgmpy also reads it): the child and its parents."""
    if "|" in text:
        child, _, rest = text.partition("|")
        return child.strip(), [p.strip() for p in rest.split(",") if p.strip()]
    names = [n for n in re.split(r"[\s,]+", text) if n]
    return (names[0] if names else ""), names[1:]


@dataclass(frozen=True)
class BifDeclarations:
    """What a BIF text declares, comments removed: each variable's states, each block's parents and body.

    Attributes
    ----------
    states : dict of str to list of str
        In declaration order.
    blocks : dict of str to (list of str, str)
        For each variable with a probability block: its parents and the block's text between braces.
    """

    states: dict[str, list[str]]
    blocks: dict[str, tuple[list[str], str]]


def bif_declarations(text: str, source: str) -> BifDeclarations:
    """Read the declarations of BIF text (no numbers): the one parser of them, for the scan and the reader.

    Checks what pgmpy's reader silently accepts: a state count that disagrees
    with the state list, a second declaration or probability block for a
    variable.

    Raises
    ------
    ModelError
        Naming the file and the variable.
    """
    text = without_comments(text)
    states: dict[str, list[str]] = {}
    starts = list(_VARIABLE.finditer(text))
    for match, following in zip(starts, starts[1:] + [None]):
        name = match["name"]
        where = f"variable {name}"
        if name in states:
            raise ModelError(source, where, "one declaration per variable", "a second one")
        end = following.start() if following is not None else len(text)
        discrete = _DISCRETE.search(text, match.end(), end)
        if discrete is None:
            body = " ".join(text[match.end():end].split())
            raise ModelError(source, where, "a declaration 'type discrete [ N ] { state, ... }'",
                             repr(body[:60]) if body else "nothing")
        listed = [s.strip() for s in discrete["states"].split(",") if s.strip()]
        if int(discrete["count"]) != len(listed):
            raise ModelError(source, where, f"as many states as declared ({int(discrete['count'])})",
                             f"{len(listed)} states {listed[:10]}")
        states[name] = listed
    blocks: dict[str, tuple[list[str], str]] = {}
    for match in _PROBABILITY.finditer(text):
        node, parents = _head(match["head"])
        if node in blocks:
            raise ModelError(source, f"probability ( {node} )", "one probability block per variable",
                             "a second one")
        blocks[node] = (parents, match["body"])
    return BifDeclarations(states, blocks)


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
    """Scan BIF text: declared state counts, duplicate tables, CPT sizes (see :func:`bif_declarations`).

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
    return summarise_bif(bif_declarations(text, source), source)


def summarise_bif(declared: BifDeclarations, source: str) -> NetworkSummary:
    """The summary of parsed declarations, with every block's parents declared and its CPT within the limit.

    Raises
    ------
    ModelError
    """
    return _summary({name: len(listed) for name, listed in declared.states.items()},
                    {node: parents for node, (parents, _) in declared.blocks.items()}, source, "probability")


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
