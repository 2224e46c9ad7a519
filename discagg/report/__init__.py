"""How results show themselves: short reprs, the CLI's tables (also as HTML), pandas frames.

:mod:`~discagg.report.short` builds the one-line ``repr`` of every public type;
:mod:`~discagg.report.tables` builds the table of a :class:`~discagg.Solution`,
an :class:`~discagg.Inspection` or an :class:`~discagg.EffectBounds` once and
lays it out as the text ``discagg solve``/``inspect``/``bounds`` print (which is
also ``str()`` of the result) or as HTML (``_repr_html_``, for notebooks), and
:mod:`~discagg.report.identification`, :mod:`~discagg.report.posterior`,
:mod:`~discagg.report.verification`, :mod:`~discagg.report.coarsen`,
:mod:`~discagg.report.abstraction` and :mod:`~discagg.report.gaussian` do the
same for ``identify``, the posterior, ``verify``, ``coarsen``, the abstraction
commands and ``gaussian``;
:mod:`~discagg.report.frames` turns them into pandas DataFrames (pandas is
optional and imported only there). At run time these modules import nothing of
discagg but :mod:`discagg.errors`, so that the result types of every layer can
use them; they name those types only in annotations. Nothing here imports the
command line.
"""
