"""Input and output: the JSON formats, their side files, and Bayesian networks (BIF, XMLBIF, pgmpy).

:mod:`~discagg.io.model_format` reads and writes ``discagg/model-v1``;
:mod:`~discagg.io.side_files` the cost, ``f``, target and ``discagg/realization-v1``
files; :mod:`~discagg.io.json_files` is what they share (one-line errors,
atomic writes); :mod:`~discagg.io.networks` converts pgmpy networks and finds the
shipped ones (``net:NAME``).
"""

from discagg.io.model_format import (
                                     MODEL_FORMAT,
                                     dumps_model,
                                     load_model,
                                     loads_model,
                                     model_from_dict,
                                     model_to_dict,
                                     save_model,
)
from discagg.io.networks import from_pgmpy, load_any, load_bif, load_xmlbif, save_bif, save_xmlbif, to_pgmpy
from discagg.io.side_files import (
                                     REALIZATION_FORMAT,
                                     load_realization,
                                     load_targets,
                                     load_values,
                                     realization_to_dict,
                                     save_realization,
)

__all__ = ["MODEL_FORMAT", "REALIZATION_FORMAT", "dumps_model", "from_pgmpy", "load_any", "load_bif", "load_model",
           "load_realization", "load_targets", "load_values", "load_xmlbif", "loads_model", "model_from_dict",
           "model_to_dict", "realization_to_dict", "save_bif", "save_model", "save_realization", "save_xmlbif",
           "to_pgmpy"]
