"""Running engines: buffers, the classic functional calls and the Runner.

- ``allocator``: ``allocate_buffers`` and ``Buffers`` (host + device memory per I/O tensor);
- ``memory``: ``HostDeviceMem`` and ``BindingList``, the pieces ``Buffers`` hands out;
- ``execute``: ``execute`` and ``do_inference`` (the samples' idiom on any TensorRT);
- ``runner``: ``Runner`` (one context, its buffers and stream; arrays in, arrays out);
- private helpers of the Runner: ``_plan`` (its plans: the cold path and the one staging
  function of the warm call), ``_feed`` (input checks), ``_out`` (``infer(out=...)``:
  the caller's output arrays), ``_streamops`` (a stream's copies and synchronize as bound
  callables), ``_graphs`` (CUDA-graph cache), ``_hostmem`` (numpy views of raw host memory),
  ``_arrays`` (device-array recognition), ``_output_allocator`` (data-dependent outputs),
  ``_subbyte`` (INT4 / FP4 packing on the host).

Everything public here is re-exported from ``trtcompat``.
"""

from __future__ import annotations

from .allocator import Buffers, allocate_buffers
from .execute import do_inference, execute
from .memory import BindingList, HostDeviceMem
from .runner import Runner

__all__ = [
    "BindingList",
    "Buffers",
    "HostDeviceMem",
    "Runner",
    "allocate_buffers",
    "do_inference",
    "execute",
]
