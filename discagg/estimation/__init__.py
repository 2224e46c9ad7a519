"""From data to answers: fit CPTs from samples, sample from a model, identify an experiment's realization.

Modules:

- :mod:`~discagg.estimation.datasets`: reading data (CSV, Parquet, a pandas
  DataFrame) into state codes, with errors naming the file, row, column and value;
- :mod:`~discagg.estimation.counting`: family counts (one ``np.bincount`` per
  node) and the Dirichlet priors;
- :mod:`~discagg.estimation.fitting`: :func:`fit`, CPTs estimated from data;
- :mod:`~discagg.estimation.sampling`: :func:`sample`, forward and
  macro-experiment sampling;
- :mod:`~discagg.estimation.mixture`: the maximum-likelihood mixture weights
  over a fibre, their KKT check and their ranges;
- :mod:`~discagg.estimation.identification`: :func:`identify`, which
  realization a macro experiment used (:func:`identify_experiments`: many
  experiments at once);
- :mod:`~discagg.estimation.posterior`: :func:`posterior`, the answers of
  inspect, solve and bounds over Dirichlet posterior draws of the CPTs;
- :mod:`~discagg.estimation.calibration`: how often the posterior intervals
  cover a known truth (``scripts/calibrate_posterior.py``);
- :mod:`~discagg.estimation.portable`: an aggregation that pickles, for work
  sent to a ``dask.distributed`` cluster.

Long work (posterior draws, calibration, many experiments) runs through
:func:`discagg.parallel.map_chunks`: Dask's threads in this process by default,
or a running ``dask.distributed`` cluster (``scheduler=ADDRESS``), with the
same answers either way.

pandas is needed only here (the ``data`` extra), and is imported when used.
"""

from discagg._lazy import lazy_exports

_EXPORTS = {
    "DataWarning": "discagg.estimation.datasets",
    "PRIORS": "discagg.estimation.counting",
    "fit": "discagg.estimation.fitting",
    "sample": "discagg.estimation.sampling",
    "Identification": "discagg.estimation.identification",
    "Identifications": "discagg.estimation.identification",
    "InhibitingTest": "discagg.estimation.identification",
    "StateIdentification": "discagg.estimation.identification",
    "identify": "discagg.estimation.identification",
    "identify_experiments": "discagg.estimation.identification",
    "Posterior": "discagg.estimation.posterior",
    "posterior": "discagg.estimation.posterior",
}
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)

__all__ = sorted(_EXPORTS)
