"""A Posterior in a notebook: short repr, ``str()`` = the table the commands append, HTML, its summary's JSON."""

from __future__ import annotations

import html
import io
import json
import re
from pathlib import Path

import pytest

import discagg
from discagg import load_model
from discagg.cli import main
from discagg.errors import ModelError
from discagg.estimation.summary import PosteriorSummary, load_posterior_summary
from discagg.io.model_format import dumps_model

HOSTILE = "<script>alert('x')</script>"


def cli(*argv: str) -> str:
    out, err = io.StringIO(), io.StringIO()
    assert main(list(argv), stdout=out, stderr=err) == 0, err.getvalue()
    return out.getvalue()


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("posterior") / "data.csv"
    cli("sample", "example:cholesterol", "--n", "500", "--seed", "0", "--out", str(path))
    return path


def _post(data: Path, questions: list[str], prior: str = "bdeu") -> discagg.Posterior:
    return discagg.posterior(data, load_model("example:cholesterol"), draws=30, seed=3, questions=questions,
                             prior=prior)


def test_repr_is_one_short_line(data):
    post = _post(data, ["inspect", "solve"])
    assert repr(post) == ("Posterior(model='cholesterol', Lipids -> HeartDisease, 30 draws, level 0.95, "
                          "questions inspect+solve)")
    assert repr(post.summary()) == ("PosteriorSummary(model='cholesterol', Lipids -> HeartDisease, 30 draws, "
                                    "level 0.95, questions inspect+solve)")


@pytest.mark.parametrize("prior", ["bdeu", "k2"])
@pytest.mark.parametrize("question", ["inspect", "solve", "bounds"])
def test_str_is_the_table_the_command_appends(data, question, prior):
    post = _post(data, [question], prior)
    printed = cli(question, "example:cholesterol", "--data", str(data), "--posterior", "30", "--seed", "3",
                  "--prior", prior)
    own, _, tail = printed.partition("\n\nposterior: ")
    assert "posterior: " + tail == str(post) + "\n"
    assert str(post.summary()) == str(post)
    assert str(post).startswith(f"posterior: 30 draws of the CPTs from 500 rows (prior {prior}")
    assert ("equivalent sample size 1" in str(post)) == (prior == "bdeu")


def test_several_questions_share_one_settings_line(data):
    post = _post(data, ["inspect", "solve", "bounds"])
    text = str(post)
    assert text.count("posterior: ") == 1 and len(re.findall(r"^xbar ", text, re.M)) == 3
    for question in ("inspect", "solve", "bounds"):
        single = str(_post(data, [question]))  # the same seed gives the same draws
        assert single.split("\n\n", 1)[1] in text


def _cells(page: str) -> list[list[str]]:
    return [re.findall(r"<t[hd]>(.*?)</t[hd]>", row) for row in re.findall(r"<tr>(.*?)</tr>", page)]


def test_html_has_the_text_tables_cells(data):
    post = _post(data, ["solve", "bounds"])
    page = post._repr_html_()
    assert page.count("<table>") == 2 and page.count("posterior: ") == 1
    lines = [line for line in str(post).splitlines() if line and not line.startswith(("posterior", "-"))]
    assert len(_cells(page)) == len(lines)  # a header row and a row per line, as in the text
    assert _cells(page)[0][:2] == ["xbar", "P(inhibiting)"]


def test_hostile_state_names_are_escaped(tmp_path):
    text = dumps_model(load_model("example:cholesterol"))
    model = discagg.loads_model(text.replace('"low"', json.dumps(HOSTILE)).replace('"yes"', json.dumps("y&<b>")))
    frame = discagg.sample(model, 300, seed=1)
    post = discagg.posterior(frame, model, draws=10, seed=0)
    page = post._repr_html_()
    assert html.escape(HOSTILE) in page and "y&amp;&lt;b&gt;" in page
    assert "<" not in re.sub(r"</?(div|p|br|table|thead|tbody|tr|th|td)>", "", page)


@pytest.mark.parametrize("question", ["inspect", "solve", "bounds"])
def test_the_commands_json_reads_back_as_the_summary(data, question):
    post = _post(data, [question])
    document = json.loads(cli(question, "example:cholesterol", "--data", str(data), "--posterior", "30",
                              "--seed", "3", "--json"))
    summary = PosteriorSummary.from_dict(document)
    assert summary == post.summary()
    assert summary.questions == (question,) and summary.effect_macro == ("no", "yes")
    assert [summary.entry(k, question) for k in range(3)] == [e["posterior"] for e in document["macro_states"]]


def test_to_dict_round_trips_as_the_summary(data, tmp_path):
    post = _post(data, ["inspect", "solve", "bounds"])
    path = tmp_path / "post.json"
    path.write_text(json.dumps(post.to_dict()))
    assert load_posterior_summary(path) == post.summary()
    assert PosteriorSummary.from_dict(json.loads(path.read_text())).to_dict() == post.to_dict()
    k2 = _post(data, ["bounds"], "k2")
    assert PosteriorSummary.from_dict(json.loads(json.dumps(k2.to_dict()))) == k2.summary()
    assert k2.summary().ess is None


def test_a_document_not_as_written_names_its_key_path(data, tmp_path):
    doc = _post(data, ["inspect", "solve"]).to_dict()
    cases = [
        (lambda d: d["macro_states"][1]["solve"].update(draws=31), "macro_states[1].solve.draws"),
        (lambda d: d["macro_states"][0]["inspect"]["observational"].pop("no"),
         "macro_states[0].inspect.observational"),
        (lambda d: d["macro_states"][2]["inspect"]["gap"].update(mean="0.1"), "macro_states[2].inspect.gap.mean"),
        (lambda d: d["posterior"].pop("seed"), "posterior.seed"),
        (lambda d: d.update(questions=["solve", "inspect"]), "questions"),
        (lambda d: d["macro_states"][0]["solve"]["observational"]["no"].update(mean=0.5),
         "macro_states[0].solve.observational"),
    ]
    for change, where in cases:
        bad = json.loads(json.dumps(doc))
        change(bad)
        with pytest.raises(ModelError) as caught:
            PosteriorSummary.from_dict(bad)
        assert caught.value.path == where, (where, str(caught.value))
    path = tmp_path / "bad.json"
    path.write_text(json.dumps({"model": "m"}))
    with pytest.raises(ModelError, match="bad.json"):
        load_posterior_summary(path)
