"""discagg's shipped data, installed as the package ``discagg.data``.

The example models (``*.json``, ``counterexample/``) and the bnlearn networks
(``networks/*.bif.gz``, with ``networks/PROVENANCE.md``). ``pyproject.toml`` maps
this directory into the package, so ``net:NAME`` and ``example:NAME`` work after
``pip install`` from any directory; :mod:`discagg.io.shipped` reads them.
"""
