"""The names of the checks ``discagg verify`` runs (kept apart so that the command line can list them cheaply)."""

__all__ = ["CHECKS"]

CHECKS = ("theorem-3.1", "theorem-3.2", "lemma-10", "lemma-11", "theorem-4.1", "consistency",
          "condition-14", "condition-15", "appendix-d")
