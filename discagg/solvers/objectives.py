"""The objectives and methods of the realization solver, by name (light: the command line lists them cheaply).

``sparse``, ``closest``, ``min-kl``, ``max-entropy`` and ``min-cost`` pick one
inhibiting realization (see :mod:`discagg.solvers.inhibiting`); the method
``fast`` uses the structured solvers, ``cvxpy`` the plain cvxpy formulations.
"""

__all__ = ["OBJECTIVES", "METHODS"]

OBJECTIVES = ("sparse", "closest", "min-kl", "max-entropy", "min-cost")
METHODS = ("fast", "cvxpy")
