"""The build side: plans for the installed TensorRT and GPU (see docs/PLAN_STORE.md)."""

from __future__ import annotations

from .store import PlanStore, StoreEntry

__all__ = ["PlanStore", "StoreEntry"]
