"""Two discrete SCMs over X -> Y that the SCM tests share (as ``discagg/scm-v1`` documents)."""

# X -> Y with |X| = 3: given X = a the noise sets Y(b) = y, given X = c it makes Y(b) = y with probability 1/4;
# Y(x) given X = x is a fair coin for every x, so no intervention can tell this SCM from the Markovian one below.
CORRELATED = {
    "format": "discagg/scm-v1", "name": "xy-correlated",
    "nodes": {"X": {"states": ["a", "b", "c"], "parents": []}, "Y": {"states": ["n", "y"], "parents": ["X"]}},
    "joint": [{"nodes": ["X", "Y"], "responses": [
        {"p": "1/8", "f": {"X": "a", "Y": {"a": "n", "b": "y", "c": "n"}}},
        {"p": "1/8", "f": {"X": "a", "Y": {"a": "y", "b": "y", "c": "y"}}},
        {"p": "1/8", "f": {"X": "b", "Y": {"a": "n", "b": "n", "c": "n"}}},
        {"p": "1/8", "f": {"X": "b", "Y": {"a": "y", "b": "y", "c": "y"}}},
        {"p": "1/4", "f": {"X": "c", "Y": {"a": "n", "b": "n", "c": "n"}}},
        {"p": "1/8", "f": {"X": "c", "Y": {"a": "y", "b": "n", "c": "y"}}},
        {"p": "1/8", "f": {"X": "c", "Y": {"a": "y", "b": "y", "c": "y"}}}]}],
    "query": {"cause": "X", "effect": "Y"},
}
MARKOV = {
    "format": "discagg/scm-v1", "name": "xy-markov",
    "nodes": {"X": {"states": ["a", "b", "c"], "parents": [],
                    "responses": [{"p": 0.25, "f": "a"}, {"p": 0.25, "f": "b"}, {"p": 0.5, "f": "c"}]},
              "Y": {"states": ["n", "y"], "parents": ["X"],
                    "responses": [{"p": 0.5, "f": {"a": "n", "b": "n", "c": "n"}},
                                  {"p": 0.5, "f": {"a": "y", "b": "y", "c": "y"}}]}},
    "query": {"cause": "X", "effect": "Y"},
}
