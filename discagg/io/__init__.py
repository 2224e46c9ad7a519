"""Input and output: every MODEL form, the JSON formats and their side files, and Bayesian networks.

:func:`load_model` reads every MODEL form the command line accepts;
:mod:`~discagg.io.model_format` reads and writes ``discagg/model-v1``;
:mod:`~discagg.io.scm_format` reads and writes SCMs (``discagg/scm-v1``);
:mod:`~discagg.io.side_files` the cost, ``f``, target and ``discagg/realization-v1``
files; :mod:`~discagg.io.json_files` and :mod:`~discagg.io.files` are what they
share (one-line errors, regular files only, atomic writes);
:mod:`~discagg.io.networks` converts pgmpy networks, after
:mod:`~discagg.io.network_scan` has checked their sizes; :mod:`~discagg.io.shipped`
holds the shipped networks (``net:NAME``) and examples (``example:NAME``).
"""

from typing import TYPE_CHECKING

from discagg._lazy import lazy_exports

_EXPORTS = {
    "load_model": "discagg.io.loading",
    "MODEL_FORMAT": "discagg.io.model_format",
    "dumps_model": "discagg.io.model_format",
    "load_json_model": "discagg.io.model_format",
    "loads_model": "discagg.io.model_format",
    "model_from_dict": "discagg.io.model_format",
    "model_to_dict": "discagg.io.model_format",
    "save_model": "discagg.io.model_format",
    "SCM_FORMAT": "discagg.io.scm_format",
    "dumps_scm": "discagg.io.scm_format",
    "load_scm": "discagg.io.scm_format",
    "loads_scm": "discagg.io.scm_format",
    "save_scm": "discagg.io.scm_format",
    "scm_from_dict": "discagg.io.scm_format",
    "scm_to_dict": "discagg.io.scm_format",
    "from_pgmpy": "discagg.io.networks",
    "load_bif": "discagg.io.networks",
    "load_xmlbif": "discagg.io.networks",
    "save_bif": "discagg.io.networks",
    "save_xmlbif": "discagg.io.networks",
    "to_pgmpy": "discagg.io.networks",
    "example_names": "discagg.io.shipped",
    "load_example": "discagg.io.shipped",
    "load_network": "discagg.io.shipped",
    "network_catalogue": "discagg.io.shipped",
    "network_names": "discagg.io.shipped",
    "REALIZATION_FORMAT": "discagg.io.side_files",
    "load_realization": "discagg.io.side_files",
    "load_targets": "discagg.io.side_files",
    "load_values": "discagg.io.side_files",
    "realization_to_dict": "discagg.io.side_files",
    "save_realization": "discagg.io.side_files",
}
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)

if TYPE_CHECKING:  # the names as a type checker sees them
    from discagg.io.loading import load_model
    from discagg.io.model_format import (
        MODEL_FORMAT,
        dumps_model,
        load_json_model,
        loads_model,
        model_from_dict,
        model_to_dict,
        save_model,
    )
    from discagg.io.networks import from_pgmpy, load_bif, load_xmlbif, save_bif, save_xmlbif, to_pgmpy
    from discagg.io.scm_format import SCM_FORMAT, dumps_scm, load_scm, loads_scm, save_scm, scm_from_dict, scm_to_dict
    from discagg.io.shipped import example_names, load_example, load_network, network_catalogue, network_names
    from discagg.io.side_files import (
        REALIZATION_FORMAT,
        load_realization,
        load_targets,
        load_values,
        realization_to_dict,
        save_realization,
    )

__all__ = ["MODEL_FORMAT", "REALIZATION_FORMAT", "SCM_FORMAT", "dumps_model", "dumps_scm", "example_names",
           "from_pgmpy", "load_bif", "load_example", "load_json_model", "load_model", "load_network",
           "load_realization", "load_scm", "load_targets", "load_values", "load_xmlbif", "loads_model", "loads_scm",
           "model_from_dict", "model_to_dict", "network_catalogue", "network_names", "realization_to_dict",
           "save_bif", "save_model", "save_realization", "save_scm", "save_xmlbif", "scm_from_dict", "scm_to_dict",
           "to_pgmpy"]
