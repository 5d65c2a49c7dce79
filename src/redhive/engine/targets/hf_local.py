"""`hf:<path>`: a causal language model in a local folder, run with transformers (the optional `hf`
extra: transformers + torch).

Weights are never downloaded: the folder must hold a model saved with `save_pretrained` (config,
weights and tokenizer), and everything loads with `local_files_only=True`.

Options (`TargetOptions.extra`):

- `device`: the torch device (default "cpu").
- `batch_size`: most requests answered by one `model.generate` (default 8 on a cuda device, 4
  otherwise). `1` turns batching off: requests then run one at a time, each in a worker thread,
  exactly as a single-request target.
- `batch_window_ms`: how long the batcher waits, from the oldest waiting request's arrival, for
  more requests to fill a batch (default 5).

Dynamic micro-batching (batch_size > 1): one background thread per target collects the requests
that arrive within the window, up to `batch_size`, among those with identical generation
parameters (the whole `GenerationParams`: temperature, top_p, max_tokens, stop and seed; the oldest
request's parameters pick the group, others wait for a later batch). It renders and tokenizes each
prompt, left-pads them (the tokenizer's pad token, else its end-of-sequence token, else 0, under an
attention mask of zeros), runs one `model.generate`, and gives each request its own text, usage
(its unpadded prompt length and its new tokens up to the first end-of-sequence token) and finish
reason. While a batch runs, new requests queue up and form the next one.

- Greedy decoding gives each request the answer it gets alone, as far as the model's arithmetic
  allows: padding shifts no positions (position ids come from the attention mask) and masked
  padding adds nothing to attention, but batched matrix products may round differently from
  unbatched ones, so on a model whose two best next tokens are within rounding of each other
  (more likely in half precision and on GPU kernels) a batched greedy answer can part from the
  solo one at that token. Tests check exact equality on a tiny GPT-2 in float32 on CPU; a
  randomly initialised GPT-2 in bfloat16 on an H100 (near-flat logits, so many near-ties) gave
  the batch-1 answer for 74-82 % of greedy attempts at batch sizes 4-32 (bench/hf_throughput.py).
- A seed seeds the batch once (`torch.manual_seed(seed)` before its `generate`), and only requests
  with the same seed share a batch. Sampled tokens of one request then depend on which requests
  share its batch and their order, so seeded sampling is reproducible only with `batch_size=1`.
- A failure of `generate` fails that batch's requests only: out of memory as
  `TransientTargetError` (retried by the runner's gate), anything else as `TargetRejected`
  (batch_size 1 reports its failures the same way).
- `aclose()` stops the batcher: the running `generate` stops at its next token, and every request
  not answered yet fails with a fatal `TargetRejected` (nothing waits forever).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import queue
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from redhive.engine.registry import target
from redhive.engine.targets.base import Target, TargetOptions
from redhive.engine.types import Completion, GenerationParams, Message, Usage
from redhive.errors import (
    InvalidInput,
    NotFound,
    OptionalDependencyMissing,
    RedhiveError,
    TargetError,
    TargetRejected,
    TransientTargetError,
)

__all__ = ["DEFAULT_BATCH_WINDOW_MS", "DEFAULT_MAX_TOKENS", "HFLocalTarget", "default_batch_size", "render_plain"]

#: New tokens per answer when a run sets no max_tokens (local CPU generation is slow).
DEFAULT_MAX_TOKENS = 64
#: How long the batcher waits for a batch to fill, from the oldest waiting request's arrival.
DEFAULT_BATCH_WINDOW_MS = 5.0


def default_batch_size(device: str) -> int:
    """Requests per `generate` when `batch_size` is not given: 8 on a cuda device, 4 elsewhere."""
    return 8 if device.startswith("cuda") else 4


def _import_extra() -> tuple[Any, Any]:
    try:
        import torch
        import transformers
    except ImportError:
        raise OptionalDependencyMissing("The hf: target", "hf") from None
    return torch, transformers


def render_plain(messages: Sequence[Message]) -> str:
    """The prompt for a tokenizer without a chat template: one `role: content` line per message,
    then `assistant:` for the model to continue."""
    lines = [f"{m.role}: {m.content or ''}" for m in messages]
    lines.append("assistant:")
    return "\n".join(lines)


@dataclass(slots=True, eq=False)
class _Request:
    """One waiting request of the batcher; `future` is resolved from the batcher's thread."""

    messages: list[Message]
    params: GenerationParams
    tools: Sequence[dict[str, Any]] | None
    arrived: float = field(default_factory=time.monotonic)
    future: concurrent.futures.Future[Completion] = field(default_factory=concurrent.futures.Future)


_STOP = object()  # wakes the batcher's thread when the target closes


class HFLocalTarget(Target):
    """A local transformers causal LM. Loading happens here, once; answers come from `generate`."""

    honours_system_prompt = True  # bare weights: the chat template carries the system prompt it is sent

    def __init__(self, path: str, options: TargetOptions) -> None:
        torch, transformers = _import_extra()
        super().__init__(f"hf:{path}", options)
        self.path = Path(path).expanduser()
        self.device = str(options.extra.get("device", "cpu"))
        self.batch_size = _option(options.extra, "batch_size", default_batch_size(self.device), int, 1, self.spec)
        window_ms = _option(options.extra, "batch_window_ms", DEFAULT_BATCH_WINDOW_MS, float, 0, self.spec)
        self.batch_window = window_ms / 1000
        self._torch = torch
        self._transformers = transformers
        self._lock = threading.Lock()
        folder = self.path
        if not folder.is_dir() or not (folder / "config.json").is_file():
            why = "does not exist" if not folder.exists() else "holds no model (no config.json)"
            raise NotFound(
                f"The hf: target needs a local model folder, and '{path}' {why}: give the path of a "
                "folder saved with save_pretrained (models are never downloaded)."
            )
        try:
            self.tokenizer: Any = transformers.AutoTokenizer.from_pretrained(folder, local_files_only=True)
            self.model: Any = transformers.AutoModelForCausalLM.from_pretrained(folder, local_files_only=True)
        except (OSError, ValueError, KeyError) as exc:
            raise NotFound(
                f"'{path}' holds no causal language model transformers can load locally ({_first_line(exc)})."
            ) from None
        try:
            self.model.to(self.device)
        except (RuntimeError, ValueError) as exc:
            raise InvalidInput(f"Cannot use device '{self.device}' for {self.spec} ({_first_line(exc)}).") from None
        self.model.eval()
        self.templated = bool(getattr(self.tokenizer, "chat_template", None))
        # The batcher: a thread started by the first request, fed through `_queue`.
        self._queue: queue.SimpleQueue[_Request | object] = queue.SimpleQueue()
        self._submit_lock = threading.Lock()
        self._closing = threading.Event()
        self._thread: threading.Thread | None = None
        self._abort = _abort_criterion(torch, transformers, self._closing)

    def describe(self) -> dict[str, Any]:
        return {"spec": self.spec, "path": str(self.path), "device": self.device, "batch_size": self.batch_size}

    async def generate(self, messages: Sequence[Message], *, params: GenerationParams,
                       tools: Sequence[dict[str, Any]] | None = None) -> Completion:
        if self.batch_size == 1:
            return await asyncio.to_thread(self._generate_locked, list(messages), params, tools)
        request = _Request(list(messages), params, tools)
        self._submit(request)
        return await asyncio.wrap_future(request.future)

    async def aclose(self) -> None:
        """Stop the batcher: the running batch stops at its next token and fails, like every request
        still waiting; returns once the batcher's thread has ended."""
        with self._submit_lock:
            self._closing.set()
            self._queue.put(_STOP)
            thread = self._thread
        if thread is not None:
            await asyncio.to_thread(thread.join)

    # -- one request at a time (batch_size 1) ------------------------------------------------------

    def _generate_locked(self, messages: list[Message], params: GenerationParams,
                         tools: Sequence[dict[str, Any]] | None) -> Completion:
        with self._lock:
            try:
                return self._generate(messages, params, tools)
            except TargetError:
                raise
            except Exception as exc:
                raise self._target_error(exc) from exc

    def _prompt(self, messages: list[Message], tools: Sequence[dict[str, Any]] | None) -> str:
        if not self.templated:
            return render_plain(messages)
        conversation = [{"role": m.role, "content": m.content or ""} for m in messages]
        kwargs: dict[str, Any] = {"tokenize": False, "add_generation_prompt": True}
        if tools:
            kwargs["tools"] = list(tools)
        prompt = self.tokenizer.apply_chat_template(conversation, **kwargs)
        return str(prompt)

    def _generate(self, messages: list[Message], params: GenerationParams,
                  tools: Sequence[dict[str, Any]] | None) -> Completion:
        torch = self._torch
        prompt = self._prompt(messages, tools)
        # A chat template writes its own special tokens; a plain prompt gets the tokenizer's.
        encoded = self.tokenizer(prompt, return_tensors="pt", add_special_tokens=not self.templated)
        input_ids = encoded["input_ids"].to(self.device)
        attention_mask = encoded.get("attention_mask")
        if attention_mask is not None:
            attention_mask = attention_mask.to(self.device)
        limit = params.max_tokens if params.max_tokens is not None else DEFAULT_MAX_TOKENS
        options = self._generation_options(params, prompt_length=int(input_ids.shape[1]), limit=limit)
        if params.seed is not None:
            torch.manual_seed(params.seed)
        with torch.no_grad():
            output = self.model.generate(input_ids, attention_mask=attention_mask, **options)
        new_tokens = output[0, input_ids.shape[1]:]
        text = str(self.tokenizer.decode(new_tokens, skip_special_tokens=True))
        return self._completion(text, params, limit, input_tokens=int(input_ids.shape[1]),
                                output_tokens=int(len(new_tokens)))

    def _completion(self, text: str, params: GenerationParams, limit: int, *, input_tokens: int,
                    output_tokens: int) -> Completion:
        finish = "length" if output_tokens >= limit else "stop"
        for stop in params.stop:
            index = text.find(stop) if stop else -1
            if index >= 0:
                text, finish = text[:index], "stop"
        return Completion(
            text=text.strip(),
            usage=Usage(input_tokens=input_tokens, output_tokens=output_tokens),
            finish_reason=finish,
            model=self.spec,
        )

    def _generation_options(self, params: GenerationParams, *, prompt_length: int, limit: int) -> dict[str, Any]:
        """Keyword arguments for `model.generate`, over the model's own generation config: temperature
        above 0 samples, none or 0 is greedy. Every knob is given explicitly (neutral values when
        greedy, the length as max_length) so a model's saved sampling defaults neither apply nor make
        transformers warn about conflicting settings."""
        options: dict[str, Any] = {"max_length": prompt_length + limit}
        if getattr(self.model.generation_config, "max_new_tokens", None) is not None:
            options["max_new_tokens"] = limit
        if params.temperature:
            options.update(do_sample=True, temperature=params.temperature,
                           top_p=params.top_p if params.top_p is not None else 1.0, top_k=0)
        else:
            options.update(do_sample=False, temperature=1.0, top_p=1.0, top_k=50)
        if self.model.generation_config.pad_token_id is None:
            pad = self.tokenizer.pad_token_id
            options["pad_token_id"] = pad if pad is not None else self.tokenizer.eos_token_id
        return options

    def _target_error(self, exc: Exception) -> TargetError:
        """The TargetError a failed generation is reported as: out of memory is transient (worth a
        retry once other batches have freed memory), anything else rejects the request."""
        if isinstance(exc, TargetError):
            return exc
        text = _first_line(exc)
        if isinstance(exc, RedhiveError):
            return TargetRejected(f"{self.spec} could not answer: {exc.message}")
        if isinstance(exc, self._torch.cuda.OutOfMemoryError) or "out of memory" in text.lower():
            if self.device.startswith("cuda"):
                self._torch.cuda.empty_cache()
            return TransientTargetError(f"{self.spec} ran out of memory while generating ({text}).")
        return TargetRejected(f"{self.spec} failed to generate an answer ({type(exc).__name__}: {text}).")

    # -- the batcher (batch_size > 1) --------------------------------------------------------------

    def _closed_error(self) -> TargetRejected:
        return TargetRejected(f"{self.spec} was closed before it answered.", fatal=True)

    def _submit(self, request: _Request) -> None:
        with self._submit_lock:
            if self._closing.is_set():
                raise self._closed_error()
            if self._thread is None:
                self._thread = threading.Thread(target=self._serve, name=f"redhive-batcher {self.spec}",
                                                daemon=True)
                self._thread.start()
            self._queue.put(request)

    def _serve(self) -> None:
        """The batcher's thread: collect a batch, run it, repeat until the target closes; then fail
        whatever is still waiting. Never raises (each batch settles its own futures)."""
        pending: list[_Request] = []  # arrived, not run yet, oldest first
        try:
            while not self._closing.is_set():
                if not pending:
                    item = self._queue.get()
                    if not isinstance(item, _Request):
                        break
                    pending.append(item)
                self._collect(pending)
                if self._closing.is_set():
                    break
                batch = self._take(pending)
                try:
                    self._run_batch(batch)
                except Exception as exc:  # a bug of ours: fail the batch rather than the thread
                    for request in batch:
                        _fail(request.future, self._target_error(exc))
        finally:
            with self._submit_lock:  # however the loop ended, later requests fail at once
                self._closing.set()
            while True:  # `_submit` puts nothing once closing is set, so this drains everything
                try:
                    item = self._queue.get_nowait()
                except queue.Empty:
                    break
                if isinstance(item, _Request):
                    pending.append(item)
            for request in pending:
                _fail(request.future, self._closed_error(), running=False)

    def _collect(self, pending: list[_Request]) -> None:
        """Move arrivals into `pending` until the oldest request's group is full or its window
        (counted from its arrival) has passed; requests already queued are always taken."""
        params = pending[0].params
        deadline = pending[0].arrived + self.batch_window
        while sum(1 for r in pending if r.params == params) < self.batch_size:
            remaining = deadline - time.monotonic()
            try:
                item = self._queue.get(timeout=remaining) if remaining > 0 else self._queue.get_nowait()
            except queue.Empty:
                return
            if not isinstance(item, _Request):
                return  # closing
            pending.append(item)

    def _take(self, pending: list[_Request]) -> list[_Request]:
        """Remove and return the next batch: up to batch_size requests, oldest first, with the oldest
        request's parameters; requests whose caller gave up (cancelled) are dropped."""
        params = pending[0].params
        batch: list[_Request] = []
        rest: list[_Request] = []
        for request in pending:
            if len(batch) < self.batch_size and request.params == params:
                if request.future.set_running_or_notify_cancel():
                    batch.append(request)
            else:
                rest.append(request)
        pending[:] = rest
        return batch

    def _run_batch(self, batch: list[_Request]) -> None:
        """Answer one batch with one `generate`, settling every future of it whatever happens."""
        torch = self._torch
        ready: list[tuple[_Request, list[int]]] = []
        for request in batch:
            try:
                ready.append((request, self._encode(request)))
            except Exception as exc:
                _fail(request.future, self._target_error(exc))
        if not ready:
            return
        params = ready[0][0].params
        limit = params.max_tokens if params.max_tokens is not None else DEFAULT_MAX_TOKENS
        width = max(len(ids) for _, ids in ready)
        pad = self._pad_id()
        try:
            input_ids = torch.tensor([[pad] * (width - len(ids)) + ids for _, ids in ready], dtype=torch.long)
            mask = torch.tensor([[0] * (width - len(ids)) + [1] * len(ids) for _, ids in ready], dtype=torch.long)
            options = self._generation_options(params, prompt_length=width, limit=limit)
            if options.get("pad_token_id", self.model.generation_config.pad_token_id) is None:
                options["pad_token_id"] = pad
            criteria = self._transformers.StoppingCriteriaList([self._abort])
            if params.seed is not None:
                torch.manual_seed(params.seed)
            with torch.no_grad():
                output = self.model.generate(input_ids.to(self.device), attention_mask=mask.to(self.device),
                                             stopping_criteria=criteria, **options)
            if self._closing.is_set():  # stopped early by the abort criterion: no answers to give
                raise self._closed_error()
            rows = output[:, width:].tolist()
            eos = _token_ids(self.model.generation_config.eos_token_id)
            for (request, ids), row in zip(ready, rows, strict=True):
                new_tokens = _until_eos(row, eos)
                text = str(self.tokenizer.decode(new_tokens, skip_special_tokens=True))
                completion = self._completion(text, params, limit, input_tokens=len(ids),
                                              output_tokens=len(new_tokens))
                if not request.future.done():
                    request.future.set_result(completion)
        except Exception as exc:
            error = self._target_error(exc)
            for request, _ in ready:
                _fail(request.future, error)

    def _encode(self, request: _Request) -> list[int]:
        prompt = self._prompt(request.messages, request.tools)
        ids = self.tokenizer(prompt, add_special_tokens=not self.templated)["input_ids"]
        if not ids:
            raise InvalidInput("the prompt has no tokens")
        return [int(i) for i in ids]

    def _pad_id(self) -> int:
        """Left padding's token: the tokenizer's pad token, else its end-of-sequence token, else 0
        (masked either way, so its value only has to be a valid id)."""
        for candidate in (self.tokenizer.pad_token_id, self.tokenizer.eos_token_id):
            if isinstance(candidate, int):
                return candidate
        return 0


def _abort_criterion(torch: Any, transformers: Any, closing: threading.Event) -> Any:
    """A stopping criterion that ends `generate` at its next token once the target is closing."""

    class Abort(transformers.StoppingCriteria):  # type: ignore[misc]
        def __call__(self, input_ids: Any, scores: Any, **kwargs: Any) -> Any:
            return torch.full((input_ids.shape[0],), closing.is_set(), dtype=torch.bool, device=input_ids.device)

    return Abort()


def _token_ids(value: Any) -> set[int]:
    if value is None:
        return set()
    if isinstance(value, int):
        return {value}
    return {int(v) for v in value}


def _until_eos(row: list[int], eos: set[int]) -> list[int]:
    """A batch row's own new tokens: up to and including its first end-of-sequence token (what a
    lone `generate` would have stopped at; after it come only pad tokens)."""
    for index, token in enumerate(row):
        if token in eos:
            return row[: index + 1]
    return row


def _fail(future: concurrent.futures.Future[Completion], error: BaseException, *, running: bool = True) -> None:
    """Fail a future unless it is settled already (or, not yet running, was cancelled)."""
    if not running and not future.set_running_or_notify_cancel():
        return
    if not future.done():
        future.set_exception(error)


def _option(extra: dict[str, Any], key: str, default: Any, kind: type[Any], minimum: float, spec: str) -> Any:
    """`extra[key]` as an int or float of at least `minimum` (the CLI may hand over text)."""
    value = extra.get(key, default)
    try:
        parsed = kind(value)
        exact = not isinstance(value, bool) and parsed == float(value)
    except (TypeError, ValueError):
        exact = False
    if not exact or parsed < minimum:
        what = "a whole number" if kind is int else "a number"
        raise InvalidInput(f"Option {key} of {spec} must be {what} of at least {minimum:g}, not {value!r}.")
    return parsed


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0][:200] if text else type(exc).__name__


@target("hf")
def create(path: str, options: TargetOptions) -> Target:
    return HFLocalTarget(path, options)
