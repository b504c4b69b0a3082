"""A Triton Inference Server model-repository entry for per-GPU plans.

The layout and fields follow Triton's model repository and model configuration docs
(docs/PLAN_STORE.md cites them): ``<repository>/<name>/config.pbtxt`` and
``<repository>/<name>/<version>/<files>``; ``platform: "tensorrt_plan"``;
``cc_model_filenames`` maps a compute capability, as Triton spells it from the device
properties (``"8.6"``), to the file in the version folder it loads on such a GPU, and
``default_model_filename`` is loaded on every other GPU.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

__all__ = ["config_pbtxt", "plan_file_name"]


def plan_file_name(target: str) -> str:
    """The version-folder file name of the plan for ``target`` (a compute capability such as
    ``"8.6"`` or a hardware-compatibility level such as ``"ampere+"``)."""
    spelled = target.replace("+", "_plus")  # "ampere+" -> model.ampere_plus.plan
    safe = "".join(c if c.isalnum() or c in "._-" else "_" for c in spelled)
    return f"model.{safe}.plan"


def _quoted(text: str) -> str:
    # Protobuf text format accepts JSON's string escapes for what a name can hold.
    return json.dumps(text)


def config_pbtxt(
    name: str,
    cc_files: Mapping[str, str],
    default_file: str | None,
    max_batch_size: int,
    extra: str = "",
) -> str:
    """The ``config.pbtxt`` text: name, platform, batch size, the per-GPU files, then
    ``extra`` (the caller's own fields, e.g. ``instance_group``) verbatim."""
    lines = [
        f"name: {_quoted(name)}",
        'platform: "tensorrt_plan"',
        f"max_batch_size: {int(max_batch_size)}",
    ]
    if default_file is not None:
        lines.append(f"default_model_filename: {_quoted(default_file)}")
    for cc in sorted(cc_files, key=_cc_order):
        lines.append(
            f"cc_model_filenames {{ key: {_quoted(cc)} value: {_quoted(cc_files[cc])} }}"
        )
    text = "\n".join(lines) + "\n"
    if extra:
        text += extra.rstrip("\n") + "\n"
    return text


def _cc_order(cc: str) -> tuple[int, ...]:
    try:
        return tuple(int(part) for part in cc.split("."))
    except ValueError:
        return (1 << 30,)


def __dir__() -> list[str]:
    return __all__
