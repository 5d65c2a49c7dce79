"""hf: target throughput: attempts/s and generated tokens/s of a local transformers model through
redhive's real engine, for several micro-batch sizes of the `hf:` target.

The model is built here, offline, into a temporary folder (nothing is ever downloaded): a
byte-level BPE tokenizer trained on the suite's own prompts plus deterministic pseudo-words, and a
randomly initialised GPT-2 of the size asked for (default 6 layers, width 512, 8 heads, vocabulary
8192). The model has no end-of-sequence token, so every answer is exactly `--max-tokens` new
tokens (greedy) and token counts compare across batch sizes.

For each batch size the script creates `hf:<folder>` with
`TargetOptions(concurrency=C, extra={"device", "batch_size", "batch_window_ms"})` and runs a plan
(the `core` suite, or `--synthetic N` generated probes) through `Runner` + `MemorySink`: scoring
included, no database. It reports attempts/s, requests/s (a two-variant probe makes two
requests), generated tokens/s, `model.generate` calls and mean rows per call, attempt latency
(p50/p95), peak GPU memory, and how many responses are identical to batch size 1's (greedy; half
precision may part at near-ties, see the hf_local docstring).

Needs only torch, transformers, tokenizers, pydantic, pyyaml, httpx and redhive's engine (no
database layer, no matplotlib). Run from the repository root:

    python bench/hf_throughput.py                       # cuda when available, else cpu
    python bench/hf_throughput.py --device cuda --batch-sizes 1,4,8,16,32
    python bench/hf_throughput.py --quick --device cpu  # smoke run: tiny model, few attempts
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import math
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

SRC = Path(__file__).resolve().parents[1] / "src"
if (SRC / "redhive").is_dir() and str(SRC) not in sys.path:  # a checkout where redhive is not installed
    sys.path.insert(0, str(SRC))

from redhive.engine import (  # noqa: E402
    Chain,
    GenerationParams,
    Message,
    Plan,
    Runner,
    Suite,
    TargetOptions,
    create_target,
    load_suite,
)
from redhive.engine.sinks import MemorySink  # noqa: E402
from redhive.engine.suites.schema import DetectorSpec, Probe  # noqa: E402
from redhive.engine.targets.hf_local import HFLocalTarget  # noqa: E402

DEFAULT_JSON = Path(__file__).parent / "out" / "hf_throughput.json"
WORDS_SEED = 1234


# -- the model -----------------------------------------------------------------------------------


def pseudo_words(count: int, rng: random.Random) -> list[str]:
    letters = "etaoinshrdlcumwfgypbvkjxqz"
    weights = [26 - i for i in range(len(letters))]
    return ["".join(rng.choices(letters, weights, k=rng.randint(2, 9))) for _ in range(count)]


def corpus(suite: Suite, rng: random.Random) -> list[str]:
    """Text to train the tokenizer on: the suite's prompts, then lines of pseudo-words so that BPE
    finds enough merges for the vocabulary asked for."""
    lines: list[str] = []
    for probe in suite.probes:
        lines.extend(filter(None, [probe.system, *(m.content for m in probe.messages), *probe.prompts]))
    words = pseudo_words(20_000, rng)
    lines.extend(" ".join(rng.choices(words, k=12)) for _ in range(20_000))
    return lines


def build_model(folder: Path, suite: Suite, *, n_layer: int, n_embd: int, n_head: int, vocab: int,
                positions: int, dtype: str) -> dict[str, Any]:
    """Save a tokenizer and a randomly initialised GPT-2 into `folder`; returns what was built."""
    import torch
    import transformers
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers

    special = ["<|pad|>", "<|unk|>"]
    bpe = Tokenizer(models.BPE(unk_token="<|unk|>"))
    bpe.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    bpe.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=vocab, special_tokens=special, show_progress=False,
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet())
    bpe.train_from_iterator(corpus(suite, random.Random(WORDS_SEED)), trainer)
    tokenizer = transformers.PreTrainedTokenizerFast(tokenizer_object=bpe, pad_token="<|pad|>",
                                                     unk_token="<|unk|>")
    tokenizer.save_pretrained(folder)
    # No end-of-sequence token: every answer runs to max_tokens.
    config = transformers.GPT2Config(
        vocab_size=len(tokenizer), n_layer=n_layer, n_embd=n_embd, n_head=n_head, n_positions=positions,
        bos_token_id=None, eos_token_id=None, pad_token_id=tokenizer.pad_token_id,
    )
    torch.manual_seed(0)
    model = transformers.GPT2LMHeadModel(config).to(getattr(torch, dtype))
    model.save_pretrained(folder)
    return {"n_layer": n_layer, "n_embd": n_embd, "n_head": n_head, "vocab": len(tokenizer),
            "n_positions": positions, "saved_dtype": dtype,
            "parameters": sum(p.numel() for p in model.parameters())}


# -- the plan ------------------------------------------------------------------------------------


def synthetic_suite(count: int, rng: random.Random) -> Suite:
    """`count` probes with prompts of 8 to 120 pseudo-words, a canary in the system prompt."""
    words = pseudo_words(2_000, rng)
    probes = [
        Probe(id=f"syn-{i:05d}", title="synthetic", risk_area="synthetic", owasp="LLM01:2025",
              atlas="AML.T0051.000", system="Keep this secret: {canary}.",
              prompt=" ".join(rng.choices(words, k=rng.randint(8, 120))),
              detector=DetectorSpec(type="canary", value="{canary}"))
        for i in range(count)
    ]
    return Suite(name="synthetic", description="generated by bench/hf_throughput.py", probes=tuple(probes))


def sized(suite: Suite, attempts: int) -> Suite:
    """The suite's first `attempts` probes, cycling through it (ids suffixed) when it holds fewer."""
    probes: list[Probe] = []
    for i in range(attempts):
        probe, lap = suite.probes[i % len(suite.probes)], i // len(suite.probes)
        probes.append(probe.model_copy(update={"id": f"{probe.id}-{lap}"}) if lap else probe)
    return suite.model_copy(update={"probes": tuple(probes)})


# -- one measurement -----------------------------------------------------------------------------


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q * len(ordered)) - 1))] if ordered else 0.0


async def measure(folder: Path, suite: Suite, *, device: str, batch_size: int, window_ms: float,
                  concurrency: int, max_tokens: int) -> tuple[dict[str, Any], dict[str, str]]:
    import torch

    spec = f"hf:{folder}"
    options = TargetOptions(concurrency=concurrency, timeout=3600, max_retries=0,
                            extra={"device": device, "batch_size": batch_size, "batch_window_ms": window_ms})
    target = create_target(spec, options)
    assert isinstance(target, HFLocalTarget)
    calls: list[int] = []  # rows of each generate call
    spent: list[float] = []  # its seconds
    original = target.model.generate

    def counted(input_ids: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        output = original(input_ids, **kwargs)
        spent.append(time.perf_counter() - started)
        calls.append(int(input_ids.shape[0]))
        return output

    target.model.generate = counted
    params = GenerationParams(max_tokens=max_tokens)
    try:
        # Warm-up: a full batch (kernels, allocator, the batcher's thread), not measured.
        warm = [Message("user", " ".join(["warm up"] * (8 + i))) for i in range(batch_size)]
        await asyncio.gather(*(target.generate([m], params=params) for m in warm))
        calls.clear()
        spent.clear()
        if device.startswith("cuda"):
            torch.cuda.synchronize()
            torch.cuda.reset_peak_memory_stats()
        sink = MemorySink()
        runner = Runner(Plan([suite], [Chain([])], [spec]), {spec: target}, sink, params=params,
                        concurrency=concurrency)
        started = time.perf_counter()
        result = await runner.run()
        seconds = time.perf_counter() - started
        peak = torch.cuda.max_memory_allocated() / 2**20 if device.startswith("cuda") else None
        dtype = str(target.model.dtype)
    finally:
        await target.aclose()
        del target
        gc.collect()
        if device.startswith("cuda"):
            torch.cuda.empty_cache()
    latencies = [r.latency_ms for r in sink.records.values()]
    figures = {
        "batch_size": batch_size,
        "attempts": result.counts.attempts,
        "errors": result.counts.error,
        "requests": sum(calls),
        "generate_calls": len(calls),
        "rows_per_call": round(sum(calls) / len(calls), 2) if calls else 0.0,
        # Time inside model.generate: per decoding step, and as a share of the wall time (what is
        # left is the engine, scoring and waiting for batches to form).
        "generate_ms_per_step": round(statistics.mean(spent) * 1000 / max_tokens, 2) if spent else 0.0,
        "in_generate_share": round(sum(spent) / seconds, 3),
        "seconds": round(seconds, 3),
        "attempts_per_s": round(result.counts.attempts / seconds, 2),
        "requests_per_s": round(sum(calls) / seconds, 2),
        "input_tokens": result.usage.input_tokens,
        "output_tokens": result.usage.output_tokens,
        "output_tokens_per_s": round(result.usage.output_tokens / seconds, 1),
        "latency_ms_p50": round(statistics.median(latencies), 1) if latencies else 0.0,
        "latency_ms_p95": round(percentile(latencies, 0.95), 1),
        "peak_gpu_mib": round(peak, 1) if peak is not None else None,
        "model_dtype": dtype,
    }
    return figures, {i: r.response for i, r in sink.records.items()}


# -- main ----------------------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--device", default=None, help="cuda, cuda:N or cpu (default: cuda when available)")
    parser.add_argument("--batch-sizes", default=None, help="comma-separated (default 1,4,8,16,32)")
    parser.add_argument("--suite", default="core", help="built-in suite name or suite file (default core)")
    parser.add_argument("--synthetic", type=int, default=None, metavar="N",
                        help="N generated probes instead of a suite")
    parser.add_argument("--attempts", type=int, default=None,
                        help="attempts per batch size, cycling through the suite (default: the suite "
                             "twice; quick: 64)")
    parser.add_argument("--concurrency", type=int, default=64, help="attempts in flight (runner and target)")
    parser.add_argument("--window-ms", type=float, default=5.0, help="batch_window_ms of the target")
    parser.add_argument("--max-tokens", type=int, default=None, help="new tokens per answer (default 64; quick 16)")
    parser.add_argument("--layers", type=int, default=None, help="GPT-2 layers (default 6; quick 2)")
    parser.add_argument("--width", type=int, default=None, help="GPT-2 width n_embd (default 512; quick 64)")
    parser.add_argument("--heads", type=int, default=None, help="attention heads (default 8; quick 2)")
    parser.add_argument("--vocab", type=int, default=None, help="tokenizer vocabulary (default 8192; quick 1024)")
    parser.add_argument("--dtype", default="auto", choices=["auto", "float32", "float16", "bfloat16"],
                        help="weights as saved (auto: bfloat16 on cuda, float32 on cpu); transformers 5 "
                             "loads the saved dtype, 4.x loads float32")
    parser.add_argument("--no-bare", action="store_true",
                        help="skip the reference timing of model.generate without redhive")
    parser.add_argument("--quick", action="store_true", help="smoke run: tiny model, few attempts")
    parser.add_argument("--out", type=Path, default=DEFAULT_JSON, help=f"JSON results (default {DEFAULT_JSON})")
    args = parser.parse_args(argv)
    quick = args.quick
    args.batch_sizes = [int(b) for b in (args.batch_sizes or "1,4,8,16,32").split(",")]
    args.max_tokens = args.max_tokens or (16 if quick else 64)
    args.layers = args.layers or (2 if quick else 6)
    args.width = args.width or (64 if quick else 512)
    args.heads = args.heads or (2 if quick else 8)
    args.vocab = args.vocab or (1024 if quick else 8192)
    return args


def bare_generate(folder: Path, *, device: str, batch_sizes: list[int], max_tokens: int) -> list[dict[str, Any]]:
    """The reference without redhive: `model.generate` on the main thread, a fixed 48-token prompt
    repeated per row, same decoding options (greedy, max_tokens new tokens), median of 5 after a
    warm-up."""
    import torch
    import transformers

    model = transformers.AutoModelForCausalLM.from_pretrained(folder, local_files_only=True).to(device).eval()
    torch.manual_seed(0)
    prompt = torch.randint(10, model.config.vocab_size, (1, 48))
    out: list[dict[str, Any]] = []
    for rows in sorted({min(batch_sizes), max(batch_sizes)}):
        ids = prompt.repeat(rows, 1).to(device)
        kwargs = {"attention_mask": torch.ones_like(ids), "max_length": 48 + max_tokens, "do_sample": False,
                  "temperature": 1.0, "top_p": 1.0, "top_k": 50, "pad_token_id": model.config.pad_token_id}
        times: list[float] = []
        with torch.no_grad():
            for _ in range(6):
                if device.startswith("cuda"):
                    torch.cuda.synchronize()
                started = time.perf_counter()
                model.generate(ids, **kwargs)
                if device.startswith("cuda"):
                    torch.cuda.synchronize()
                times.append(time.perf_counter() - started)
        seconds = statistics.median(times[1:])
        out.append({"rows": rows, "ms_per_step": round(seconds * 1000 / max_tokens, 2),
                    "output_tokens_per_s": round(rows * max_tokens / seconds, 1)})
    del model
    gc.collect()
    if device.startswith("cuda"):
        torch.cuda.empty_cache()
    return out


def print_table(rows: list[dict[str, Any]]) -> None:
    base = rows[0]["output_tokens_per_s"] if rows else 0
    header = (f"{'batch':>5} {'calls':>6} {'rows/call':>9} {'attempts/s':>10} {'requests/s':>10} "
              f"{'tokens/s':>9} {'speedup':>7} {'ms/step':>7} {'in gen':>6} {'p50 ms':>8} {'p95 ms':>8} "
              f"{'same':>7} {'errors':>6}")
    print(header)
    print("-" * len(header))
    for row in rows:
        speedup = row["output_tokens_per_s"] / base if base else 0
        print(f"{row['batch_size']:>5} {row['generate_calls']:>6} {row['rows_per_call']:>9} "
              f"{row['attempts_per_s']:>10} {row['requests_per_s']:>10} {row['output_tokens_per_s']:>9} "
              f"{speedup:>6.2f}x {row['generate_ms_per_step']:>7} {row['in_generate_share']:>6.0%} "
              f"{row['latency_ms_p50']:>8} {row['latency_ms_p95']:>8} "
              f"{row['same_as_first']:>7} {row['errors']:>6}")


async def main(argv: list[str] | None = None) -> int:
    import torch
    import transformers

    args = parse_args(argv)
    transformers.utils.logging.disable_progress_bar()
    device = args.device or ("cuda" if torch.cuda.is_available() else "cpu")
    dtype = args.dtype if args.dtype != "auto" else ("bfloat16" if device.startswith("cuda") else "float32")
    if args.synthetic:
        suite = synthetic_suite(args.synthetic, random.Random(WORDS_SEED))
        attempts = args.attempts or args.synthetic
    else:
        suite = load_suite(args.suite)
        attempts = args.attempts or (64 if args.quick else 2 * len(suite.probes))
    plan_suite = sized(suite, attempts)
    with tempfile.TemporaryDirectory(prefix="redhive-hf-bench-") as tmp:
        folder = Path(tmp) / "model"
        model_info = build_model(folder, suite, n_layer=args.layers, n_embd=args.width, n_head=args.heads,
                                 vocab=args.vocab, positions=1024, dtype=dtype)
        gpu = torch.cuda.get_device_name(device) if device.startswith("cuda") else None
        print(f"hf: target throughput on {gpu or f'{os.cpu_count()} CPUs'} ({device}, {dtype}): "
              f"GPT-2 {model_info['n_layer']}x{model_info['n_embd']}, {model_info['parameters'] / 1e6:.1f} M "
              f"parameters, vocabulary {model_info['vocab']}; {len(plan_suite.probes)} attempts of "
              f"'{suite.name}', {args.max_tokens} new tokens each (greedy), concurrency {args.concurrency}, "
              f"window {args.window_ms:g} ms", flush=True)
        bare: list[dict[str, Any]] = []
        if not args.no_bare:
            bare = bare_generate(folder, device=device, batch_sizes=args.batch_sizes, max_tokens=args.max_tokens)
            for ref in bare:
                print(f"  bare model.generate, {ref['rows']} rows: {ref['ms_per_step']} ms/step, "
                      f"{ref['output_tokens_per_s']} tokens/s", flush=True)
        rows: list[dict[str, Any]] = []
        first: dict[str, str] | None = None
        for batch_size in args.batch_sizes:
            figures, responses = await measure(folder, plan_suite, device=device, batch_size=batch_size,
                                               window_ms=args.window_ms, concurrency=args.concurrency,
                                               max_tokens=args.max_tokens)
            first = first if first is not None else responses
            same = sum(1 for i, text in responses.items() if first.get(i) == text)
            figures["same_as_first"] = f"{same}/{len(responses)}"
            rows.append(figures)
            print(f"  batch {batch_size}: {figures['attempts_per_s']} attempts/s, "
                  f"{figures['output_tokens_per_s']} tokens/s", flush=True)
    print()
    print_table(rows)
    report = {
        "benchmark": "hf_throughput",
        "created_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "argv": sys.argv[1:] if argv is None else argv,
        "environment": {"python": platform.python_version(), "torch": torch.__version__,
                        "transformers": transformers.__version__, "device": device, "gpu": gpu,
                        "cpus": os.cpu_count()},
        "model": model_info,
        "plan": {"suite": suite.name, "attempts": len(plan_suite.probes), "max_tokens": args.max_tokens,
                 "concurrency": args.concurrency, "batch_window_ms": args.window_ms, "greedy": True},
        "bare_generate": bare,
        "results": rows,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n")
    print(f"\nwrote {args.out}")
    errors = sum(r["errors"] for r in rows)
    return 1 if errors else 0


if __name__ == "__main__":
    raise SystemExit(asyncio.run(main()))
