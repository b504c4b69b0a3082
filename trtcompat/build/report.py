"""What a build made and how: :class:`BuildResult` and its :class:`BuildReport`."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

__all__ = ["BuildProgress", "BuildReport", "BuildResult"]


@dataclass(frozen=True)
class BuildProgress:
    """One progress event of a build, for ``build_plan(progress=...)``.

    Attributes:
        phase: TensorRT's phase name where its progress monitor reports (9.3+), else
            ``"building"``.
        step: The step just completed in that phase, or None (phase start and end, and
            elapsed-time events).
        steps: How many steps the phase has, or None.
        elapsed: Seconds since the build began.
        event: ``"start"``, ``"step"``, ``"finish"`` (TensorRT's monitor) or ``"elapsed"``.
    """

    phase: str
    step: int | None
    steps: int | None
    elapsed: float
    event: str


@dataclass(frozen=True)
class BuildReport:
    """Everything a build asked for, what TensorRT applied, and what it said.

    Attributes:
        tensorrt_module: The module that built (``"tensorrt"``).
        tensorrt_version: Its exact version: the plan loads on this build only (unless
            version compatible).
        gpu_name / compute_capability: The GPU built on (None where unknown).
        precision_requested / precision_applied: The config's precision and what the plan
            computes in (equal, or the build raised).
        converted_with: The converter that rewrote the model for fp16 / bf16 on a strongly
            typed release, or None.
        flags_requested: The config's options that are on (``"version_compatible"``, ...).
        builder_flags: Every ``BuilderFlag`` set on the config when the build ran.
        settings: The other builder-config settings as TensorRT held them when the build
            ran, for those the release has: ``hardware_compatibility_level``,
            ``builder_optimization_level``, ``default_device_type``, ``DLA_core``,
            ``plugins_to_serialize`` (enum members by name).
        network_flags: The ``NetworkDefinitionCreationFlag`` names the network was made with.
        workspace: The workspace limit set (bytes) and ``workspace_api`` the call used
            (``"set_memory_pool_limit"`` or ``"max_workspace_size"``), or None.
        profiles: The optimization profiles, ``{input: [min, opt, max]}`` each.
        inputs: The parsed network's inputs, ``{name: shape}`` (-1: dynamic).
        timing_cache: ``{"path", "loaded", "refused", "saved"}`` or None.
        seconds: Wall time of the whole build.
        plan_size: Bytes of the plan.
        plan_info: ``plan_info(plan).as_dict()``, or None where the header is not one
            :func:`~trtcompat.plan_info` reads.
        log: TensorRT's warnings and errors during the build, oldest first.
    """

    tensorrt_module: str
    tensorrt_version: str
    gpu_name: str | None
    compute_capability: str | None
    precision_requested: str
    precision_applied: str
    converted_with: str | None
    flags_requested: tuple[str, ...]
    builder_flags: tuple[str, ...]
    settings: dict[str, Any]
    network_flags: tuple[str, ...]
    workspace: int | None
    workspace_api: str | None
    profiles: tuple[dict[str, list[list[int]]], ...]
    inputs: dict[str, list[int]]
    timing_cache: dict[str, Any] | None
    seconds: float
    plan_size: int
    plan_info: dict[str, Any] | None
    log: tuple[str, ...]

    def as_dict(self) -> dict[str, Any]:
        """The report as JSON-ready data (what ``trtcompat build --json`` prints)."""
        data = asdict(self)
        for key in ("flags_requested", "builder_flags", "network_flags", "profiles", "log"):
            data[key] = list(data[key])
        return data


@dataclass(frozen=True)
class BuildResult:
    """A built plan and its report.

    Attributes:
        plan: The serialized plan (write it to a ``.plan`` / ``.engine`` file, or pass it to
            :func:`~trtcompat.load_engine`).
        report: How it was built.
    """

    plan: bytes
    report: BuildReport
