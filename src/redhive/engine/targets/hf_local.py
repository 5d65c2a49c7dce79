"""`hf:<path>`: a causal language model in a local folder, run with transformers (the optional `hf`
extra: transformers + torch).

Weights are never downloaded: the folder must hold a model saved with `save_pretrained` (config,
weights and tokenizer), and everything loads with `local_files_only=True`. `extra={"device": "cuda"}`
picks the torch device (default "cpu"). Generation runs in a worker thread, one at a time per model.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from redhive.engine.registry import target
from redhive.engine.targets.base import Target, TargetOptions
from redhive.engine.types import Completion, GenerationParams, Message, Usage
from redhive.errors import InvalidInput, NotFound, OptionalDependencyMissing

__all__ = ["DEFAULT_MAX_TOKENS", "HFLocalTarget", "render_plain"]

#: New tokens per answer when a run sets no max_tokens (local CPU generation is slow).
DEFAULT_MAX_TOKENS = 64


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


class HFLocalTarget(Target):
    """A local transformers causal LM. Loading happens here, once; answers come from `generate`."""

    def __init__(self, path: str, options: TargetOptions) -> None:
        torch, transformers = _import_extra()
        super().__init__(f"hf:{path}", options)
        self.path = Path(path).expanduser()
        self.device = str(options.extra.get("device", "cpu"))
        self._torch = torch
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

    def describe(self) -> dict[str, Any]:
        return {"spec": self.spec, "path": str(self.path), "device": self.device}

    async def generate(self, messages: Sequence[Message], *, params: GenerationParams,
                       tools: Sequence[dict[str, Any]] | None = None) -> Completion:
        return await asyncio.to_thread(self._generate_locked, list(messages), params, tools)

    def _generate_locked(self, messages: list[Message], params: GenerationParams,
                         tools: Sequence[dict[str, Any]] | None) -> Completion:
        with self._lock:
            return self._generate(messages, params, tools)

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
        finish = "length" if len(new_tokens) >= limit else "stop"
        for stop in params.stop:
            index = text.find(stop) if stop else -1
            if index >= 0:
                text, finish = text[:index], "stop"
        return Completion(
            text=text.strip(),
            usage=Usage(input_tokens=int(input_ids.shape[1]), output_tokens=int(len(new_tokens))),
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


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0][:200] if text else type(exc).__name__


@target("hf")
def create(path: str, options: TargetOptions) -> Target:
    return HFLocalTarget(path, options)
