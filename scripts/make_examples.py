"""Regenerate the example models shipped in ``data/`` (deterministic, no randomness).

Run from the repository root: ``python scripts/make_examples.py``. Each model is
built from the small structural story in its description, so the numbers in
the JSON files can be traced back to this script.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np

from discagg import CausalModel, Coarsening, Node, Query, save_model, save_realization
from discagg.theory.counterexample import generate_counterexample

DATA = Path(__file__).resolve().parent.parent / "data"


def cholesterol() -> CausalModel:
    """LDL/HDL profile -> heart disease, aggregated to total cholesterol; diet confounds."""
    diet = Node("Diet", ["lean", "fatty"], [], [0.55, 0.45])
    profiles = ["LDLlo_HDLlo", "LDLlo_HDLhi", "LDLhi_HDLlo", "LDLhi_HDLhi"]
    lipids = Node("Lipids", profiles, ["Diet"], [[0.30, 0.40, 0.10, 0.20],
                                                 [0.10, 0.15, 0.45, 0.30]])
    # P(heart disease) = 0.10 + 0.25 [LDL high] - 0.06 [HDL high] + 0.20 [fatty diet];
    # a case is angina with probability 0.7 and infarction with 0.3.
    cpt = np.empty((4, 2, 3))
    for i, (ldl_high, hdl_high) in enumerate(itertools.product([0, 1], [0, 1])):
        for j, fatty in enumerate([0, 1]):
            risk = 0.10 + 0.25 * ldl_high - 0.06 * hdl_high + 0.20 * fatty
            cpt[i, j] = [round(1 - risk, 10), round(0.7 * risk, 10), round(0.3 * risk, 10)]
    disease = Node("HeartDisease", ["none", "angina", "infarction"], ["Lipids", "Diet"], cpt)
    macro = {
        "Lipids": Coarsening.from_mapping("Lipids", profiles, {
            "low": ["LDLlo_HDLlo"], "medium": ["LDLlo_HDLhi", "LDLhi_HDLlo"], "high": ["LDLhi_HDLhi"]}),
        "HeartDisease": Coarsening.from_mapping("HeartDisease", disease.states, {
            "no": ["none"], "yes": ["angina", "infarction"]}),
    }
    return CausalModel(
        [diet, lipids, disease], macro=macro, name="cholesterol",
        description=(
            "The paper's Challenge 1. Lipid profile (LDL low/high x HDL low/high) causes heart disease; "
            "LDL raises the risk, HDL lowers it. Total cholesterol (low/medium/high) aggregates the "
            "profile: 'medium' holds both LDL-high/HDL-low and LDL-low/HDL-high, whose effects are "
            "opposite. Diet confounds lipids and disease. Risk = 0.10 + 0.25[LDL high] - 0.06[HDL high] "
            "+ 0.20[fatty]; the macro effect is disease yes/no."),
        query=Query("Lipids", "HeartDisease"),
    )


def shops() -> CausalModel:
    """Discrete version of the paper's section 3.1: two products, total sales and total revenue."""
    p1, p2 = [0.3, 0.5, 0.2], [0.2, 0.3, 0.5]
    prices = (1, 3)
    pairs = list(itertools.product(range(3), range(3)))
    sales_states = [f"({a},{b})" for a, b in pairs]
    sales = Node("Sales", sales_states, [], [p1[a] * p2[b] for a, b in pairs])
    revenue_states = [f"({prices[0] * a},{prices[1] * b})" for a, b in pairs]
    revenue = Node("Revenue", revenue_states, ["Sales"], np.eye(len(pairs)))
    totals = {str(t): [s for s, (a, b) in zip(sales_states, pairs) if a + b == t] for t in range(5)}
    bands = {"low": (0, 2), "medium": (3, 5), "high": (6, 8)}
    revenue_bands = {
        band: [r for r, (a, b) in zip(revenue_states, pairs) if lo <= prices[0] * a + prices[1] * b <= hi]
        for band, (lo, hi) in bands.items()
    }
    macro = {
        "Sales": Coarsening.from_mapping("Sales", sales_states, totals),
        "Revenue": Coarsening.from_mapping("Revenue", revenue_states, revenue_bands),
    }
    return CausalModel(
        [sales, revenue], macro=macro, name="shops",
        description=(
            "Discrete version of the paper's section 3.1. Independent sales X1, X2 in {0, 1, 2} of two "
            "products with prices 1 and 3; micro states are (X1,X2) and revenues (r1,r2) = (1*X1,3*X2). The cause is aggregated to "
            "total sales X1 + X2 (0..4), the effect to total revenue r1 + r2 in bands low (0-2), "
            "medium (3-5), high (6-8). Unconfounded, so the natural realization is confounding-"
            "inhibiting (Theorem 3.1), while e.g. selling only product 2 would be confounding-inducing."),
        query=Query("Sales", "Revenue"),
    )


def unconfounded() -> CausalModel:
    """Fertiliser dose -> crop yield, with soil quality affecting only the yield."""
    soil = Node("Soil", ["poor", "rich"], [], [0.4, 0.6])
    dose = Node("Dose", ["0", "1", "2", "3", "4"], [], [0.15, 0.25, 0.25, 0.2, 0.15])
    # Yield improves with dose (saturating) and with rich soil.
    cpt = np.array([
        [[0.50, 0.30, 0.15, 0.05], [0.30, 0.35, 0.25, 0.10]],
        [[0.35, 0.35, 0.20, 0.10], [0.15, 0.35, 0.35, 0.15]],
        [[0.25, 0.35, 0.25, 0.15], [0.10, 0.25, 0.40, 0.25]],
        [[0.20, 0.30, 0.30, 0.20], [0.05, 0.20, 0.40, 0.35]],
        [[0.20, 0.30, 0.30, 0.20], [0.05, 0.15, 0.40, 0.40]],
    ])
    crop = Node("Yield", ["poor", "fair", "good", "excellent"], ["Dose", "Soil"], cpt)
    macro = {
        "Dose": Coarsening.from_mapping("Dose", dose.states, {"none": ["0"], "low": ["1", "2"],
                                                              "high": ["3", "4"]}),
        "Yield": Coarsening.from_mapping("Yield", crop.states, {"below": ["poor", "fair"],
                                                                "above": ["good", "excellent"]}),
    }
    return CausalModel(
        [soil, dose, crop], macro=macro, name="unconfounded",
        description=(
            "An unconfounded micro model: fertiliser dose (0..4) and soil quality both cause crop yield, "
            "but soil does not influence the dose, so nothing confounds dose and yield. Dose is "
            "aggregated to none/low/high, yield to below/above average. By Theorem 3.1 the natural "
            "realization is confounding-inhibiting for every macro state."),
        query=Query("Dose", "Yield"),
    )


def inducing() -> CausalModel:
    """Advertising -> sales, confounded by season; the natural realization induces confounding."""
    season = Node("Season", ["off", "peak"], [], [0.6, 0.4])
    ads = Node("Ads", ["none", "radio", "print", "online", "tv"], ["Season"],
               [[0.35, 0.30, 0.20, 0.10, 0.05],
                [0.05, 0.10, 0.15, 0.30, 0.40]])
    # Sales respond to the channel and strongly to the season.
    base = np.array([[0.70, 0.25, 0.05], [0.55, 0.35, 0.10], [0.60, 0.30, 0.10],
                     [0.45, 0.35, 0.20], [0.40, 0.35, 0.25]])
    peak = np.array([[0.30, 0.40, 0.30], [0.20, 0.40, 0.40], [0.25, 0.40, 0.35],
                     [0.15, 0.35, 0.50], [0.10, 0.30, 0.60]])
    sales = Node("Sales", ["low", "medium", "high"], ["Ads", "Season"], np.stack([base, peak], axis=1))
    macro = {
        "Ads": Coarsening.from_mapping("Ads", ads.states, {"off": ["none"], "traditional": ["radio", "print"],
                                                           "modern": ["online", "tv"]}),
        "Sales": Coarsening.from_mapping("Sales", sales.states, {"normal": ["low", "medium"],
                                                                 "high": ["high"]}),
    }
    return CausalModel(
        [season, ads, sales], macro=macro, name="inducing",
        description=(
            "A confounded micro model whose natural realization is confounding-inducing: the season "
            "drives both the advertising channel (peak season favours online and TV) and sales. "
            "Channels are aggregated to off/traditional/modern, sales to normal/high. Under the "
            "natural realization P(Ads | channel group), P(Sales | do(group)) differs from "
            "P(Sales | group), because conditioning on the group also selects the season."),
        query=Query("Ads", "Sales"),
    )


def chain(name: str, through_macro: bool) -> CausalModel:
    """Ads -> Visits -> Revenue; Lemma 10's condition (12) holds iff revenue sees visits only via their band."""
    ads = Node("Ads", ["a0", "a1", "a2", "a3"], [], [0.3, 0.3, 0.2, 0.2])
    visits = Node("Visits", ["v0", "v1", "v2", "v3"], ["Ads"],
                  [[0.5, 0.3, 0.15, 0.05], [0.2, 0.5, 0.2, 0.1], [0.1, 0.2, 0.5, 0.2], [0.05, 0.15, 0.3, 0.5]])
    if through_macro:  # P(Revenue | visits) equal within each band {v0, v1}, {v2, v3}
        revenue = [[0.6, 0.3, 0.1], [0.6, 0.3, 0.1], [0.2, 0.4, 0.4], [0.2, 0.4, 0.4]]
    else:
        revenue = [[0.8, 0.15, 0.05], [0.4, 0.4, 0.2], [0.3, 0.4, 0.3], [0.1, 0.3, 0.6]]
    rev = Node("Revenue", ["r0", "r1", "r2"], ["Visits"], revenue)
    macro = {
        "Ads": Coarsening.from_mapping("Ads", ads.states, {"low": ["a0", "a1"], "high": ["a2", "a3"]}),
        "Visits": Coarsening.from_mapping("Visits", visits.states, {"few": ["v0", "v1"], "many": ["v2", "v3"]}),
        "Revenue": Coarsening.from_mapping("Revenue", rev.states, {"low": ["r0"], "high": ["r1", "r2"]}),
    }
    story = ("revenue depends on visits only through their band (few/many), so Abar and Rbar are independent "
             "given the band: Lemma 10's condition (12) holds and do(band) by P(Visits | band) and by "
             "P(Visits | band, ad level) have the same effect" if through_macro else
             "revenue depends on the exact number of visits, and the ad level says which visits are likely "
             "within a band: condition (12) fails and the two realizations of do(band) differ")
    return CausalModel([ads, visits, rev], macro=macro, name=name, query=Query("Visits", "Revenue"),
                       description=f"A chain for Lemma 10: ad spend -> store visits -> revenue; {story}.")


def figure5() -> CausalModel:
    """The paper's Figure 5: Region -> Price, Region -> Sales, Price -> Sales."""
    region = Node("Region", ["r0", "r1", "r2", "r3"], [], [0.2, 0.3, 0.3, 0.2])
    # Price depends on the region only through its macro state (urban/rural): condition (14) holds.
    urban, rural = [0.1, 0.2, 0.3, 0.4], [0.4, 0.3, 0.2, 0.1]
    price = Node("Price", ["p0", "p1", "p2", "p3"], ["Region"], [urban, urban, rural, rural])
    sales = Node("Sales", ["s0", "s1", "s2"], ["Region", "Price"], [
        [[0.2, 0.3, 0.5], [0.3, 0.3, 0.4], [0.4, 0.3, 0.3], [0.5, 0.3, 0.2]],
        [[0.1, 0.3, 0.6], [0.2, 0.3, 0.5], [0.3, 0.4, 0.3], [0.4, 0.4, 0.2]],
        [[0.3, 0.4, 0.3], [0.4, 0.3, 0.3], [0.5, 0.3, 0.2], [0.6, 0.3, 0.1]],
        [[0.2, 0.5, 0.3], [0.3, 0.4, 0.3], [0.5, 0.4, 0.1], [0.7, 0.2, 0.1]],
    ])
    macro = {
        "Region": Coarsening.from_mapping("Region", region.states, {"urban": ["r0", "r1"], "rural": ["r2", "r3"]}),
        "Price": Coarsening.from_mapping("Price", price.states, {"cheap": ["p0", "p1"], "dear": ["p2", "p3"]}),
        "Sales": Coarsening.from_mapping("Sales", sales.states, {"low": ["s0"], "high": ["s1", "s2"]}),
    }
    return CausalModel(
        [region, price, sales], macro=macro, name="figure5", query=Query("Price", "Sales"),
        description=("The paper's Figure 5 for Lemma 11: region -> price, region -> sales, price -> sales. Price "
                     "depends on the region only through urban/rural, so given the macro region the price carries "
                     "no information about the micro region (condition (14) in the form the proof uses), and "
                     "do(price band) realized by P(Price | band, urban/rural) satisfies the macro back-door "
                     "equality (13)."))


def main() -> None:
    builds = (cholesterol, shops, unconfounded, inducing, lambda: chain("chain-holds", True),
              lambda: chain("chain-fails", False), figure5)
    for build in builds:
        model = build()
        save_model(model, DATA / f"{model.name}.json")
        print(f"wrote data/{model.name}.json")
    # A Theorem 3.2 counterexample: (X, Y) and (X, Ybar) confounded, the family inhibiting.
    # Built exactly: `discagg verify --exact` certifies it with zero residuals.
    ce = generate_counterexample(6, 4, 5, 2, 2, seed=3, margin=0.05, exact=True)
    (DATA / "counterexample").mkdir(exist_ok=True)
    save_model(ce.model, DATA / "counterexample" / "model.json")
    save_realization(ce.realization, DATA / "counterexample" / "realization.json")
    print("wrote data/counterexample/model.json and realization.json")


if __name__ == "__main__":
    main()
