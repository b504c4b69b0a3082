"""What the scanner knows about one file: tensorrt aliases, object kinds, scopes, parents.

The confidence heuristic lives here. An attribute such as ``execute`` or ``max_batch_size`` is
only a TensorRT API when its receiver is a TensorRT object, which static analysis cannot prove.
The scanner therefore classifies receivers by *kind* (engine, context, builder, config, ...):

1. from the assignment that created the name (``x = runtime.deserialize_cuda_engine(...)``,
   ``with builder.create_builder_config() as c``), anywhere in the file;
2. else from the last component of the name (``self.trt_engine`` -> engine, ``exec_ctx`` ->
   context, ``cfg`` -> config).

Bare ``self`` / ``cls`` receivers are never TensorRT objects (they are the user's own class).
"""

from __future__ import annotations

import ast
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

__all__ = [
    "TRT_MODULES",
    "FileFacts",
    "analyse",
    "dotted",
    "import_alias",
    "layer_key",
    "receiver_kind",
    "receiver_layer",
    "receiver_layers",
]

TRT_MODULES = frozenset(
    {"tensorrt", "tensorrt_lean", "tensorrt_dispatch", "tensorrt_bindings", "tensorrt_rtx"}
)

# Methods whose result has a known kind (``Builder`` is the class itself).
_PRODUCERS = {
    "Builder": "builder",
    "create_builder_config": "config",
    "create_network": "network",
    "Runtime": "runtime",
    "deserialize_cuda_engine": "engine",
    "build_engine": "engine",
    "build_cuda_engine": "engine",
    "create_execution_context": "context",
    "create_execution_context_without_device_memory": "context",
    "create_optimization_profile": "profile",
    "OnnxParser": "parser",
    "Refitter": "refitter",
    "get_plugin_registry": "registry",
    "create_timing_cache": "timing_cache",
    "get_timing_cache": "timing_cache",
    "get_input": "tensor",
    "get_output": "tensor",
    "add_input": "tensor",
    "get_layer": "layer",
}
# INetworkDefinition.add_* returns a layer (add_input, above, a tensor).
_LAYER_PREFIX = "add_"
# Names that hold command-line options or settings, never a TensorRT object.
_NOT_TRT = frozenset({"args", "opt", "opts", "options", "params", "hparams", "settings", "kwargs"})
# Name fragments, checked in this order on the lower-cased last component.
_FRAGMENTS = (
    ("profile", "profile"),
    ("context", "context"),
    ("ctx", "context"),
    ("engine", "engine"),
    ("builder", "builder"),
    ("timing_cache", "timing_cache"),
    ("config", "config"),
    ("runtime", "runtime"),
    ("network", "network"),
    ("layer", "layer"),
    ("parser", "parser"),
    ("registry", "registry"),
    ("refitter", "refitter"),
    ("tensor", "tensor"),
)
_SCOPES = (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)


@dataclass
class FileFacts:
    """Facts about one parsed file.

    Attributes:
        imports_trt: The file imports a tensorrt module (anywhere).
        modules: Local names bound to a tensorrt module.
        members: Local names bound to a tensorrt member, mapped to the member path.
        fix_alias: Module-level alias of any tensorrt module, for runtime rewrites.
        builder_alias: Module-level alias of the full ``tensorrt`` module (builder rewrites).
        kinds: Dotted names mapped to the kind of object assigned to them.
        layers: Dotted names mapped to the :func:`layer_key` of each ``add_*`` call assigned
            to them (``""`` for any other assignment).
        local_kinds: ``(id(function), name)`` mapped to a kind that holds only in that function
            (``engine = trtcompat.legacy.wrap(engine)`` rebinding a parameter).
        parents: ``id(node)`` mapped to the parent node.
        scopes: Scope node id mapped to {name: [binding expressions]} (``None`` for a binding
            that is neither a ``for`` nor an assignment, e.g. a parameter).
        guard_helpers: Functions (of the file or the scanned tree) that return a version
            comparison or a hasattr probe: a branch they decide is guarded.
        maybe_helpers: Functions that return such a check among other statements: a branch
            they decide is possibly guarded.
        defined: Every function name the file and the scanned tree define.
        import_floor: The oldest TensorRT an import's requirement names
            (``mod.lazy_import("tensorrt>=8.5")`` -> ``"8.5"``), else None.
    """

    imports_trt: bool = False
    modules: set[str] = field(default_factory=set)
    members: dict[str, str] = field(default_factory=dict)
    fix_alias: str | None = None
    builder_alias: str | None = None
    kinds: dict[str, str] = field(default_factory=dict)
    layers: dict[str, set[str]] = field(default_factory=dict)
    local_kinds: dict[tuple[int, str], str] = field(default_factory=dict)
    parents: dict[int, ast.AST] = field(default_factory=dict)
    scopes: dict[int, dict[str, list[tuple[str, ast.expr | None]]]] = field(default_factory=dict)
    guard_helpers: frozenset[str] = frozenset()
    maybe_helpers: frozenset[str] = frozenset()
    defined: frozenset[str] = frozenset()
    import_floor: str | None = None

    def scope_of(self, node: ast.AST) -> ast.AST:
        """The nearest enclosing function (or the module) of ``node``."""
        current = self.parents.get(id(node))
        while current is not None and not isinstance(current, _SCOPES):
            current = self.parents.get(id(current))
        assert current is not None
        return current

    def bindings(self, node: ast.AST, name: str) -> list[tuple[str, ast.expr | None]]:
        """How ``name`` is bound in the scope that contains ``node``."""
        return self.scopes.get(id(self.scope_of(node)), {}).get(name, [])


def dotted(expr: ast.expr) -> str | None:
    """``a.b.c`` for a chain of names and attributes, else None."""
    if isinstance(expr, ast.Name):
        return expr.id
    if isinstance(expr, ast.Attribute):
        head = dotted(expr.value)
        return None if head is None else f"{head}.{expr.attr}"
    return None


def _call_kind(call: ast.Call) -> str | None:
    func = call.func
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
    if not isinstance(name, str):
        return None
    if name == "wrap" and isinstance(func, ast.Attribute) and dotted(func.value) in _LEGACY:
        return "legacy_engine"  # trtcompat.legacy.wrap(...): the 8.x surface on any TensorRT
    if name in _PRODUCERS:
        return _PRODUCERS[name]
    if name.startswith(_LAYER_PREFIX) and isinstance(func, ast.Attribute):
        return "layer"
    return None


_LEGACY = frozenset({"trtcompat.legacy", "legacy"})


def layer_key(value: ast.expr | None) -> str:
    """Which layer an ``INetworkDefinition.add_*`` call makes, as the lower-case class name
    without ``I`` / ``Layer`` (``add_pooling_nd`` -> ``"pooling"``: ``IPoolingLayer``;
    ``add_rnn_v2`` -> ``"rnnv2"``); ``""`` for anything else."""
    if not isinstance(value, ast.Call) or _call_kind(value) != "layer":
        return ""
    func = value.func
    if not isinstance(func, ast.Attribute) or not func.attr.startswith(_LAYER_PREFIX):
        return ""  # network.get_layer(i): any layer
    name = func.attr[len(_LAYER_PREFIX) :]
    if name.endswith("_nd"):
        name = name[: -len("_nd")]
    return name.replace("_", "").lower()


def receiver_layers(expr: ast.expr, facts: FileFacts) -> set[str]:
    """The :func:`layer_key` of each assignment of a receiver (``""`` among them for one that
    is not an ``add_*`` call; empty when none is seen)."""
    if isinstance(expr, ast.Call):
        return {layer_key(expr)}
    if isinstance(expr, ast.Name) and id(expr) in facts.parents:
        return {layer_key(value) for _, value in facts.bindings(expr, expr.id)}
    name = dotted(expr)
    return set(facts.layers.get(name, set())) if name is not None else set()


def receiver_layer(expr: ast.expr, facts: FileFacts) -> str:
    """The :func:`layer_key` of a receiver when every assignment of it makes the same kind of
    layer (``pool = network.add_pooling(...)``), else ``""`` (unknown)."""
    keys = receiver_layers(expr, facts)
    return next(iter(keys)) if len(keys) == 1 else ""


def receiver_kind(expr: ast.expr, facts: FileFacts) -> str | None:
    """Classify the object an attribute is read from.

    Args:
        expr: The receiver expression (``x`` in ``x.attr``).
        facts: The file's facts.

    Returns:
        ``"self"`` for bare self/cls, a kind (``engine``, ``context``, ``builder``, ``config``,
        ``runtime``, ``network``) or None when unknown.
    """
    if isinstance(expr, ast.Call):
        return _call_kind(expr)
    if isinstance(expr, ast.Subscript):
        return receiver_kind(expr.value, facts)
    name = dotted(expr)
    if name is None:
        return None
    if name in ("self", "cls"):
        return "self"
    if isinstance(expr, ast.Name) and id(expr) in facts.parents:
        local = facts.local_kinds.get((id(facts.scope_of(expr)), name))
        if local is not None:
            return local
    if name in facts.kinds:
        return facts.kinds[name]
    if name.split(".")[0] in _NOT_TRT:
        return "options"
    if name.split(".")[0] == "trtcompat":
        return "options"  # trtcompat's own functions (trtcompat.execute, ...)
    last = name.rsplit(".", 1)[-1].lower()
    for fragment, kind in _FRAGMENTS:
        if fragment in last:
            return kind
    return None


# Calls that import a module by name: importlib.import_module("tensorrt"),
# __import__("tensorrt"), Polygraphy's mod.lazy_import("tensorrt>=8.5").
_IMPORTERS = frozenset({"import_module", "__import__", "lazy_import"})
_REQUIREMENT = re.compile(r"\s*([A-Za-z_][\w.]*)\s*(?:>=\s*(\d+(?:\.\d+)*))?")


def import_alias(value: ast.expr | None) -> tuple[str, str | None] | None:
    """``(module, oldest release required)`` for a call that imports a tensorrt module by name
    (``importlib.import_module("tensorrt")``, ``mod.lazy_import("tensorrt>=8.5")``), else None."""
    if not isinstance(value, ast.Call) or not value.args:
        return None
    func = value.func
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
    first = value.args[0]
    if name not in _IMPORTERS or not isinstance(first, ast.Constant):
        return None
    if not isinstance(first.value, str):
        return None
    match = _REQUIREMENT.match(first.value)
    if match is None or match.group(1).split(".")[0] not in TRT_MODULES:
        return None
    return match.group(1), match.group(2)


def _record_module_alias(alias: ast.alias, facts: FileFacts, top: bool) -> None:
    # import tensorrt [as trt] / import tensorrt.plugin: a module alias (not a submodule's).
    root = alias.name.split(".")[0]
    if root not in TRT_MODULES:
        return
    facts.imports_trt = True
    local = alias.asname or root
    if alias.asname is None or alias.name == root:
        facts.modules.add(local)
        if top and alias.name == root:
            facts.fix_alias = facts.fix_alias or local
            if root == "tensorrt":
                facts.builder_alias = facts.builder_alias or local


def _record_import(node: ast.Import | ast.ImportFrom, facts: FileFacts, top: bool) -> None:
    if isinstance(node, ast.Import):
        for alias in node.names:
            _record_module_alias(alias, facts, top)
        return
    root = (node.module or "").split(".")[0]
    if node.level == 0 and root in TRT_MODULES:
        facts.imports_trt = True
        for alias in node.names:
            if alias.name != "*":
                facts.members[alias.asname or alias.name] = alias.name


def _record_star(
    node: ast.Import | ast.ImportFrom, facts: FileFacts, stars: Mapping[str, frozenset[str]]
) -> None:
    # from torch2trt.torch2trt import *: the tensorrt aliases that module binds come along.
    if not isinstance(node, ast.ImportFrom):
        return
    if node.module and any(alias.name == "*" for alias in node.names):
        aliases = stars.get(node.module, frozenset())
        if aliases:
            facts.imports_trt = True
            facts.modules.update(aliases)


def _record_import_call(target: ast.expr, value: ast.expr, facts: FileFacts, top: bool) -> None:
    # trt = importlib.import_module("tensorrt") / mod.lazy_import("tensorrt>=8.5")
    found = import_alias(value)
    if found is None or not isinstance(target, ast.Name):
        return
    module, floor = found
    facts.imports_trt = True
    facts.modules.add(target.id)
    if floor is not None:
        facts.import_floor = floor
    if top and module == module.split(".")[0]:
        facts.fix_alias = facts.fix_alias or target.id
        if module == "tensorrt":
            facts.builder_alias = facts.builder_alias or target.id


def _bind(facts: FileFacts, scope: ast.AST, name: str, how: str, value: ast.expr | None) -> None:
    facts.scopes.setdefault(id(scope), {}).setdefault(name, []).append((how, value))


def _record_target(facts: FileFacts, target: ast.expr, value: ast.expr | None) -> None:
    name = dotted(target)
    if name is not None and isinstance(value, ast.Call):
        kind = _call_kind(value)
        func = value.func
        legacy = isinstance(func, ast.Attribute) and (
            receiver_kind(func.value, facts) == "legacy_engine"
        )
        if kind == "context" and legacy:
            kind = "legacy_context"  # a LegacyContext keeps the 8.x calls working
        if kind is not None and isinstance(target, ast.Name) and kind.startswith("legacy"):
            scope = facts.scope_of(target)
            if not isinstance(scope, ast.Module):  # a rebinding holds in its function only
                facts.local_kinds[(id(scope), name)] = kind
                return
        if kind is not None:
            facts.kinds[name] = kind


def _top_level(tree: ast.Module) -> set[int]:
    """Ids of the module's own statements (and those of a top-level ``try``)."""
    top = {id(stmt) for stmt in tree.body}
    for stmt in tree.body:
        if isinstance(stmt, ast.Try):
            top.update(id(s) for s in stmt.body)
    return top


def _note_assign(
    node: ast.Assign, facts: FileFacts, top: bool
) -> list[tuple[ast.expr, ast.expr]]:
    for target in node.targets:
        _record_import_call(target, node.value, facts, top)
        name = dotted(target)
        if name is not None:
            facts.layers.setdefault(name, set()).add(layer_key(node.value))
    return [(target, node.value) for target in node.targets]


def _note_binding(node: ast.Name, facts: FileFacts) -> None:
    owner = facts.parents.get(id(node))
    value: ast.expr | None = None
    how = "other"
    if isinstance(owner, (ast.For, ast.comprehension)) and owner.target is node:
        how, value = "for", owner.iter
    elif isinstance(owner, ast.Assign) and node in owner.targets:
        how, value = "assign", owner.value
    _bind(facts, facts.scope_of(node), node.id, how, value)


def analyse(tree: ast.Module, stars: Mapping[str, frozenset[str]] | None = None) -> FileFacts:
    """Collect the facts of one module.

    Args:
        tree: The parsed module.
        stars: The tensorrt aliases each module of the scanned tree binds at its top level, by
            dotted module name (what ``from module import *`` brings in).

    Returns:
        The file's facts.
    """
    facts = FileFacts()
    for parent in ast.walk(tree):
        for child in ast.iter_child_nodes(parent):
            facts.parents[id(child)] = parent
    top_level = _top_level(tree)
    assignments: list[tuple[ast.expr, ast.expr]] = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            _record_import(node, facts, id(node) in top_level)
            _record_star(node, facts, stars or {})
        elif isinstance(node, ast.Assign):
            assignments.extend(_note_assign(node, facts, id(node) in top_level))
        elif isinstance(node, ast.withitem) and node.optional_vars is not None:
            assignments.append((node.optional_vars, node.context_expr))
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            _note_binding(node, facts)
        elif isinstance(node, ast.arg):
            _bind(facts, facts.scope_of(node), node.arg, "other", None)
    # Twice: a context's kind depends on its engine's, whichever assignment the walk met first.
    for _ in range(2):
        for target, value in assignments:
            _record_target(facts, target, value)
    return facts
