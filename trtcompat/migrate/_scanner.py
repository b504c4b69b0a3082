"""Find removed and deprecated TensorRT APIs with the standard library ``ast`` module.

The scanner decides everything: which uses are findings, and which of them ``--fix`` may
rewrite (it attaches a :class:`FixSpec`). The codemod only executes those decisions.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from trtcompat._versions import NEWEST_KNOWN_MAJOR, release_major
from trtcompat.legacy import CONTEXT_MEMBERS, ENGINE_MEMBERS
from trtcompat.migrate._analysis import (
    FileFacts,
    analyse,
    dotted,
    receiver_kind,
    receiver_layer,
)
from trtcompat.migrate._astcompat import alias_positions, subscript_key
from trtcompat.migrate._fixes import FixSpec, plan_fix
from trtcompat.migrate._floor import Floor, file_floor
from trtcompat.migrate._guards import is_guarded, possibly_guarded
from trtcompat.migrate._project import Project, function_names, guard_helpers
from trtcompat.migrate._rules import RULES, Rule
from trtcompat.migrate._table import FIRST_BRANCH, at_least, fix_needs, is_member_name, versions
from trtcompat.migrate._totrtcompat import RUNTIME_KINDS, plan_trtcompat

__all__ = [
    "NEWEST",
    "VOLUME_DEPTH",
    "FileResult",
    "Finding",
    "FixSpec",
    "scan_source",
    "status_for",
]

_IGNORE = re.compile(r"#\s*trtcompat:\s*ignore(?:\[([A-Za-z0-9_, ]+)\])?")
_CUDA_LEGACY = {"cudart": "runtime", "cuda": "driver", "nvrtc": "nvrtc"}
# The default --target: the newest TensorRT major trtcompat knows.
NEWEST = NEWEST_KNOWN_MAJOR
# The oldest TensorRT trtcompat (and so a --to trtcompat runtime fix) runs on.
TRTCOMPAT_OLDEST = "8.0"
# Depth to which a name is followed through its assignments (``s = shape; volume(s)``).
VOLUME_DEPTH = 3




def status_for(rule: Rule, deprecated: str | None, removed: str | None, target: int) -> str | None:
    """``removed``, ``deprecated`` or ``hazard`` for a match under ``--target``, or None.

    Args:
        rule: The matched rule.
        deprecated: The release that deprecated the matched name (None: never).
        removed: The release that removed it (None: never).
        target: The TensorRT major version the code must run on.

    Returns:
        ``removed`` when it is gone by ``target`` (cuda-python removals always count),
        ``deprecated`` when it warns by ``target``, ``hazard`` for rules that are neither,
        None when ``target`` still has it without a deprecation.
    """
    if rule.on == "hazard":
        return "hazard"  # behaves differently across releases, whatever the name's dates
    if removed is not None:
        major = release_major(removed)
        if major is None or major <= target:
            return "removed"
    if deprecated is not None and (release_major(deprecated) or 0) <= target:
        return "deprecated"
    if rule.removed_in is None and rule.deprecated_in is None:
        return "hazard"
    return None


@dataclass(frozen=True)
class Finding:
    """One use of a removed or deprecated API.

    Attributes:
        path: The file, as given or found.
        line: 1-based line.
        col: 1-based column, in characters, of the API name.
        rule: The rule.
        symbol: The name found in the source (``num_bindings``, ``BuilderFlag.FP16``, ...).
        fix: The rewrite ``--fix`` performs, or None when the finding is manual.
        api: The TensorRT API as ``Class.member`` (the rule's title where the table lacks it).
        deprecated_in: The release that deprecated it (None: never).
        removed_in: The release that removed it (None: never).
        status: ``removed``, ``deprecated`` (still present at the target) or ``hazard``.
        guarded: On a compatibility path (hasattr, try/except AttributeError, version check,
            implicit-batch branch): reported, never rewritten, not failing by default.
        needs: The oldest TensorRT release the fix needs: a fixable finding's fix, or, for one
            that ``min_trt`` left unfixed, the ``--min-trt`` that lets ``--fix`` rewrite it.
            None when there is no fix or it runs on every TensorRT.
        possibly: Guarded only possibly: in a branch decided by a function the scanner cannot
            read (``guarded`` is True too: reported, never rewritten, not failing).
        by_name: Found through a string (``getattr(trt.BuilderFlag, "FP16")``,
            ``try_set_flag("FP16")``): reported as "by name, check".
        held_back: Why ``--fix`` left a fix out: the ``--min-trt`` given, or what in the file
            shows it runs on releases older than the fix needs ("a version check on line 11").
    """

    path: str
    line: int
    col: int
    rule: Rule
    symbol: str = ""
    fix: FixSpec | None = None
    api: str = ""
    deprecated_in: str | None = None
    removed_in: str | None = None
    status: str = "removed"
    guarded: bool = False
    needs: str | None = None
    possibly: bool = False
    by_name: bool = False
    held_back: str | None = None

    @property
    def fixable(self) -> bool:
        """Whether ``--fix`` rewrites this finding."""
        return self.fix is not None


@dataclass
class FileResult:
    """The findings of one file, or why it could not be scanned.

    Attributes:
        path: The file.
        findings: Findings, ordered by position.
        error: Why the file could not be read or parsed, else None.
    """

    path: str
    findings: list[Finding] = field(default_factory=list)
    error: str | None = None


class _Visitor(ast.NodeVisitor):
    def __init__(
        self, path: str, lines: list[str], facts: FileFacts, rules: Iterable[Rule], target: int
    ):
        self.path, self.lines, self.facts, self.target = path, lines, facts, target
        self.nodes: dict[tuple[int, int, str], tuple[ast.AST, str | None]] = {}
        self.by_name: dict[tuple[str, str], list[Rule]] = {}
        for rule in rules:
            for name in rule.names:
                on = "member" if is_member_name(name) and rule.on != "hazard" else rule.on
                if name.startswith("tensorrt."):
                    name = name[len("tensorrt.") :]
                self.by_name.setdefault((on, name), []).append(rule)
        self.found: dict[tuple[int, int, str], Finding] = {}
        self.consumed: set[tuple[int, int]] = set()
        self.defaulted: set[tuple[int, int]] = set()

    # -- helpers ---------------------------------------------------------------------------
    def _col(self, line: int, byte_col: int) -> int:
        text = self.lines[line - 1] if 0 < line <= len(self.lines) else ""
        return len(text.encode("utf-8")[:byte_col].decode("utf-8", "replace")) + 1

    def _add(
        self,
        node: ast.AST,
        line: int,
        byte_col: int,
        rule: Rule,
        symbol: str,
        fix: FixSpec | None = None,
        kind: str | None = None,
        layer: str = "",
        guarded: bool | None = None,
        by_name: bool = False,
    ) -> bool:
        deprecated, removed, api = versions(rule, symbol, kind, layer)
        status = status_for(rule, deprecated, removed, self.target)
        if status is None:
            return False
        possibly = False
        if guarded is None:
            guarded = is_guarded(node, symbol, self.facts)
            possibly = not guarded and possibly_guarded(node, self.facts)
            guarded = guarded or possibly
        col = self._col(line, byte_col)
        key = (line, col, rule.id)
        if key not in self.found:
            self.nodes[key] = (node, kind)
            self.found[key] = Finding(
                self.path,
                line,
                col,
                rule,
                symbol,
                None if guarded else fix,
                api,
                deprecated,
                removed,
                status,
                guarded,
                possibly=possibly,
                by_name=by_name,
            )
        return not guarded

    def _rules(self, on: str, name: str) -> list[Rule]:
        return self.by_name.get((on, name), [])

    def _confident(self, rule: Rule, recv: ast.expr, node: ast.AST, name: str) -> bool:
        kind = receiver_kind(recv, self.facts)
        if kind == "legacy_engine":  # trtcompat.legacy.wrap(...) serves the 8.x surface
            return "engine" in rule.receivers and name not in ENGINE_MEMBERS
        if kind == "legacy_context":
            return "context" in rule.receivers and name not in CONTEXT_MEMBERS
        if kind in ("self", "options"):
            return False
        if kind is not None:
            return kind in rule.receivers
        if rule.strict:
            # Generic names: accept an unknown receiver only with binding-era keywords.
            call = self.facts.parents.get(id(node))
            keywords = {k.arg for k in getattr(call, "keywords", [])}
            return self.facts.imports_trt and bool(keywords & {"batch_size", "bindings"})
        return self.facts.imports_trt

    # -- visitors --------------------------------------------------------------------------
    def visit_Attribute(self, node: ast.Attribute) -> None:
        line = node.end_lineno or node.lineno
        col = (node.end_col_offset or 0) - len(node.attr)
        store = isinstance(node.ctx, ast.Store)
        rules = self._rules("attr", node.attr) + (self._rules("store", node.attr) if store else [])
        for rule in rules:
            if self._confident(rule, node.value, node, node.attr):
                fix = plan_fix(rule, node, self.facts)
                kind = receiver_kind(node.value, self.facts)
                layer = receiver_layer(node.value, self.facts)
                added = self._add(node, line, col, rule, node.attr, fix, kind, layer)
                if added and fix and fix.arg >= 0:
                    self._consume(node, fix.arg)
        self._member(node, dotted(node), line, col)
        self.generic_visit(node)

    def _consume(self, node: ast.Attribute, index: int) -> None:
        # X.get_binding_index("lit") as the argument of a fixed call disappears with it.
        call = self.facts.parents[id(node)]
        inner = call.args[index] if isinstance(call, ast.Call) else None
        if not isinstance(inner, ast.Call) or not isinstance(inner.func, ast.Attribute):
            return
        line = inner.func.end_lineno or inner.func.lineno
        col = (inner.func.end_col_offset or 0) - len(inner.func.attr)
        self.consumed.add((line, self._col(line, col)))

    def finish(self, tree: ast.Module, to: str, min_trt: str | None) -> list[Finding]:
        """The findings, their fixes chosen for ``--to`` and ``--min-trt``.

        Native fixes record the oldest TensorRT they need and are dropped where that is newer
        than ``min_trt`` or than what the file shows it supports (:mod:`._floor`, used when
        ``--min-trt`` is not given); with ``to="trtcompat"`` runtime findings get trtcompat
        fixes instead.
        """
        floor = self._floor(tree) if min_trt is None else Floor()
        least = min_trt if min_trt is not None else TRTCOMPAT_OLDEST if to == "trtcompat" else None
        label = f"--min-trt {least}" if min_trt is not None else f"the default --min-trt {least}"
        done = [
            self._native(key, finding, (least, label), floor)
            for key, finding in sorted(self.found.items())
        ]
        return self._trtcompat(tree, done, floor) if to == "trtcompat" else done

    def _native(
        self,
        key: tuple[int, int, str],
        finding: Finding,
        least: tuple[str | None, str],
        floor: Floor,
    ) -> Finding:
        """One finding with its native fix, kept only where the release it needs is allowed
        (``least``: the oldest release the fixed code must run on, and how to say it)."""
        where = key[:2]
        if finding.rule.strategy == "consumed" and where in self.consumed and not finding.guarded:
            finding = replace(finding, fix=FixSpec("consumed"))
        if where in self.defaulted:
            finding = replace(finding, fix=None, guarded=True)
        fix = finding.fix
        if fix is None or fix.kind == "consumed":
            return finding
        needs = fix_needs(fix.kind, fix.new, finding.rule.receivers)
        if least[0] is not None and not at_least(needs, least[0]):
            return replace(finding, fix=None, needs=needs, held_back=least[1])
        if not floor.allows(needs):
            return replace(finding, fix=None, needs=needs, held_back=floor.why(needs))
        return replace(finding, fix=replace(fix, needs=needs), needs=needs)

    def _trtcompat(self, tree: ast.Module, done: list[Finding], floor: Floor) -> list[Finding]:
        """Runtime findings get trtcompat fixes (or none) instead of native ones; none where
        the file shows it runs on a TensorRT older than trtcompat's (a 7.x file)."""
        usable = floor.allows(TRTCOMPAT_OLDEST)
        items = []
        for key, finding in zip(sorted(self.found), done):
            node, kind = self.nodes[key]
            items.append((kind or "", finding.symbol, node, finding.guarded))
        plans = plan_trtcompat(tree, self.facts, self.lines, items)
        for i, (plan, held) in enumerate(plans):
            finding = done[i]
            if finding.guarded:
                continue
            if plan is not None and not usable:
                done[i] = replace(
                    finding, fix=None, needs=TRTCOMPAT_OLDEST, held_back=floor.why(TRTCOMPAT_OLDEST)
                )
            elif plan is not None:
                done[i] = replace(finding, fix=plan, needs=plan.needs, held_back=None)
            elif finding.fix is not None and finding.fix.kind == "consumed":
                done[i] = replace(finding, fix=None)  # its call is not rewritten natively
            elif set(finding.rule.receivers) <= RUNTIME_KINDS:
                # No native runtime rewrite in this mode, whatever --min-trt says.
                done[i] = replace(finding, fix=None, needs=None, held_back=held or None)
        return done

    def _floor(self, tree: ast.Module) -> Floor:
        trt7 = [
            f.line
            for f in self.found.values()
            if not f.guarded
            and (f.removed_in or "x")[0].isdigit()  # TensorRT's releases, not cuda-python's
            and at_least(f.removed_in, FIRST_BRANCH)
        ]
        return file_floor(tree, self.facts, trt7)

    def visit_Name(self, node: ast.Name) -> None:
        self._member(node, node.id, node.lineno, node.col_offset)

    def _member_path(self, name: str | None) -> str | None:
        """``BuilderFlag.FP16`` for ``trt.BuilderFlag.FP16`` (or an imported member), else None."""
        head, _, rest = (name or "").partition(".")
        if head in self.facts.modules and rest:
            return rest
        if head in self.facts.members:
            return ".".join(filter(None, (self.facts.members[head], rest)))
        return None

    def _member(self, node: ast.expr, name: str | None, line: int, col: int) -> None:
        if name is None or not isinstance(getattr(node, "ctx", None), ast.Load):
            return
        member = self._member_path(name)
        if member is None:
            return
        for rule in self._rules("member", member):
            self._add(node, line, col, rule, member)
        self._dropped(node, line, col, member)

    def _dropped(
        self, node: ast.AST, line: int, col: int, member: str, defaulted: bool = False,
        by_name: bool = False,
    ) -> None:
        # A use behind a guard that skips it silently where the member is gone: a hazard for a
        # target that removed it (a precision flag on 11).
        for rule in self._hazards(member, "dropped_when_guarded"):
            removed = release_major(versions(rule, member, None)[1])
            if removed is None or removed > self.target:
                continue
            if defaulted or is_guarded(node, member, self.facts, versions=False):
                self._add(node, line, col, rule, member, guarded=False, by_name=by_name)

    def visit_Call(self, node: ast.Call) -> None:
        func = node.func
        fname = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        if fname == "len" and len(node.args) == 1:
            self._seq(node, node.args[0])
        elif fname in ("volume", "prod") and node.args and self._engine_shape(node.args[0]):
            line = func.end_lineno or func.lineno
            col = (func.end_col_offset or 0) - len(fname)
            for rule in self._rules("volume", fname):
                self._add(node, line, col, rule, fname)
        elif fname == "getattr" and isinstance(func, ast.Name):
            self._getattr(node)
        else:
            if isinstance(func, ast.Attribute):
                self._no_arguments(node, func)
            self._flag_call(node, func)
        self.generic_visit(node)

    def _by_name(
        self, node: ast.Call, owner: str, literal: ast.Constant, defaulted: bool = False
    ) -> None:
        # A member named by a string: getattr(trt.BuilderFlag, "FP16"), try_set_flag("FP16");
        # getattr(..., default) expects it may be gone (guarded, and a dropped precision).
        member = f"{owner}.{literal.value!s}"
        line, col = literal.lineno, literal.col_offset
        for rule in self._rules("member", member):
            self._add(node, line, col, rule, member, guarded=defaulted or None, by_name=True)
        self._dropped(node, line, col, member, defaulted, by_name=True)

    def _flag_call(self, node: ast.Call, func: ast.expr) -> None:
        # try_set_flag("FP16") (Polygraphy), config.set_flag("FP16"): a BuilderFlag by name.
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        if not self.facts.imports_trt or "flag" not in str(name).lower() or not node.args:
            return
        first = node.args[0]
        name = first.value if isinstance(first, ast.Constant) else None
        if isinstance(name, str) and name.isidentifier() and name.isupper():
            assert isinstance(first, ast.Constant)
            self._by_name(node, "BuilderFlag", first)

    def _getattr(self, node: ast.Call) -> None:
        # getattr(obj, "member"[, default]) reads the member as obj.member does.
        if len(node.args) not in (2, 3) or not isinstance(node.args[1], ast.Constant):
            return
        name = node.args[1].value
        if not isinstance(name, str):
            return
        owner = self._member_path(dotted(node.args[0]))
        if owner is not None:
            self._by_name(node, owner, node.args[1], defaulted=len(node.args) == 3)
            return
        for rule in self._rules("attr", name):
            if self._confident(rule, node.args[0], node, name):
                kind = receiver_kind(node.args[0], self.facts)
                finding = node.args[1]
                layer = receiver_layer(node.args[0], self.facts)
                col = finding.col_offset + 1
                self._add(node, finding.lineno, col, rule, name, None, kind, layer)
                if len(node.args) == 3:  # a default: the code expects the member may be gone
                    key = (finding.lineno, self._col(finding.lineno, finding.col_offset + 1))
                    self.defaulted.add(key)

    def _hazards(self, name: str, check: str) -> list[Rule]:
        return [rule for rule in self._rules("hazard", name) if rule.check == check]

    def _no_arguments(self, node: ast.Call, func: ast.Attribute) -> None:
        # A hazard when called bare (create_network(): implicit batch on 8.x, explicit from 10).
        rules = self._hazards(func.attr, "no_arguments")
        if node.args or node.keywords or not rules:
            return
        kind = receiver_kind(func.value, self.facts)
        line = func.end_lineno or func.lineno
        col = (func.end_col_offset or 0) - len(func.attr)
        for rule in rules:
            if kind in rule.receivers or (kind is None and self.facts.imports_trt):
                self._add(node, line, col, rule, func.attr, None, kind)

    def visit_Compare(self, node: ast.Compare) -> None:
        operands = [node.left, *node.comparators]
        strings = [o for o in operands if isinstance(o, ast.Constant) and isinstance(o.value, str)]
        for rule in (r for rules in self.by_name.values() for r in rules):
            if rule.on != "hazard" or rule.check != "string_compare" or not strings:
                continue
            for name in rule.names:
                texts = [o for o in operands if self._module_text(o, name)]
                if texts:
                    self._add(node, texts[0].lineno, texts[0].col_offset, rule, name)
        self.generic_visit(node)

    def _module_text(self, expr: ast.expr, member: str, depth: int = 0) -> bool:
        """Whether ``expr`` is (a piece of) a tensorrt module's string ``member``
        (``trt.__version__``, ``trt.__version__.split(".")[0]``, a name assigned one)."""
        if isinstance(expr, ast.Attribute) and expr.attr == member:
            return dotted(expr.value) in self.facts.modules
        if isinstance(expr, ast.Subscript):
            return self._module_text(expr.value, member, depth)
        if isinstance(expr, ast.Call) and isinstance(expr.func, ast.Attribute):
            return expr.func.attr in ("split", "strip", "partition") and self._module_text(
                expr.func.value, member, depth
            )
        if isinstance(expr, ast.Name):
            if expr.id == member and self.facts.members.get(member):
                return True
            return depth < 1 and any(
                how == "assign"
                and value is not None
                and self._module_text(value, member, depth + 1)
                for how, value in self.facts.bindings(expr, expr.id)
            )
        return False

    def visit_Subscript(self, node: ast.Subscript) -> None:
        key = subscript_key(node)
        if isinstance(key, ast.Constant) and isinstance(key.value, str):
            self._seq(node, node.value)
        self.generic_visit(node)

    def _seq(self, node: ast.expr, engine: ast.expr) -> None:
        if receiver_kind(engine, self.facts) == "engine":
            name = "__len__" if isinstance(node, ast.Call) else "__getitem__(str)"
            symbol = "len(engine)" if isinstance(node, ast.Call) else "engine[str]"
            for rule in self._rules("seq", name):
                self._add(node, node.lineno, node.col_offset, rule, symbol, kind="engine")

    def _engine_shape(self, arg: ast.expr, depth: int = 0) -> bool:
        if (
            isinstance(arg, ast.Call)
            and isinstance(arg.func, ast.Name)
            and arg.func.id in ("tuple", "list", "abs")
            and arg.args
        ):
            return self._engine_shape(arg.args[0], depth)
        if isinstance(arg, ast.Name) and depth < VOLUME_DEPTH:
            return any(
                value is not None and how == "assign" and self._engine_shape(value, depth + 1)
                for how, value in self.facts.bindings(arg, arg.id)
            )
        if not (isinstance(arg, ast.Call) and isinstance(arg.func, ast.Attribute)):
            return False
        if arg.func.attr not in ("get_binding_shape", "get_tensor_shape"):
            return False
        kind = receiver_kind(arg.func.value, self.facts)
        return kind in ("engine", "legacy_engine") or (kind is None and self.facts.imports_trt)

    def visit_Import(self, node: ast.Import) -> None:
        single = len(node.names) == 1
        for alias, (line, col) in zip(node.names, alias_positions(node, self.lines)):
            parts = alias.name.split(".")
            if len(parts) == 2 and parts[0] == "cuda" and parts[1] in _CUDA_LEGACY:
                fix = None
                if single and alias.asname:
                    fix = FixSpec("cuda_import", new="cuda.bindings." + _CUDA_LEGACY[parts[1]])
                for rule in self._rules("import", parts[1]):
                    self._add(node, line, col, rule, alias.name, fix)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        if node.level or node.module != "cuda":
            return
        positions = alias_positions(node, self.lines)
        legacy = [(a, p) for a, p in zip(node.names, positions) if a.name in _CUDA_LEGACY]
        one_line = node.end_lineno == node.lineno
        fix = FixSpec("cuda_from") if one_line and len(legacy) == len(node.names) else None
        for alias, (line, col) in legacy:
            for rule in self._rules("import", alias.name):
                self._add(node, line, col, rule, f"cuda.{alias.name}", fix)


def _suppressed(lines: list[str], finding: Finding) -> bool:
    text = lines[finding.line - 1] if finding.line <= len(lines) else ""
    match = _IGNORE.search(text)
    if match is None:
        return False
    ids = match.group(1)
    return ids is None or finding.rule.id in {i.strip() for i in ids.split(",")}


def scan_source(
    source: bytes | str,
    path: str = "<string>",
    rules: Iterable[Rule] = RULES,
    target: int = NEWEST,
    to: str = "trtcompat",
    min_trt: str | None = None,
    project: Project | None = None,
) -> FileResult:
    """Scan one file's source.

    Args:
        source: The source, as bytes (encoding cookies honoured) or text.
        path: The name reported in findings.
        rules: The active rules.
        target: The TensorRT major version the code must run on: what is removed or
            deprecated up to it is reported.
        to: ``"trtcompat"``: runtime fixes become trtcompat calls that run on every TensorRT
            (other fixes are native, within ``min_trt``); ``"tensorrt"``: native fixes only.
        min_trt: The oldest TensorRT the fixed code must still run on: a native fix that
            needs newer stays a finding (None: the oldest the file's own version checks,
            hasattr probes, import requirement or TensorRT 7 names show, else no limit;
            ``to="trtcompat"`` also means ``"8.0"``).
        project: What the other files of the scanned tree say (guard helpers, star-imported
            aliases); None: this file alone.

    Returns:
        The findings, or the parse error (the scanner never raises for bad input).
    """
    try:
        data = source.encode("utf-8") if isinstance(source, str) else source
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        text = data.decode(encoding)
        tree = ast.parse(data, filename=path)
    except UnicodeDecodeError as err:
        # err.args[0] is only the codec's name; say where the bad byte is.
        line = data.count(b"\n", 0, err.start) + 1
        return FileResult(
            path,
            error=f"UnicodeDecodeError: byte 0x{data[err.start]:02x} at offset {err.start} "
            f"(line {line}) is not valid {err.encoding}",
        )
    except (SyntaxError, ValueError, LookupError) as err:
        # detect_encoding's SyntaxError carries no line number: name the line only when known.
        lineno = getattr(err, "lineno", None)
        where = f" (line {lineno})" if lineno is not None else ""
        return FileResult(
            path, error=f"{type(err).__name__}: {err.args[0] if err.args else err}{where}"
        )
    lines = text.splitlines()
    project = project if project is not None else Project()
    facts = analyse(tree, project.star_aliases)
    helpers = guard_helpers([tree], project.helpers)
    facts.guard_helpers = frozenset(name for name, how in helpers.items() if how == "guard")
    facts.maybe_helpers = frozenset(name for name, how in helpers.items() if how == "possible")
    facts.defined = project.defined | function_names(tree)
    visitor = _Visitor(path, lines, facts, rules, target)
    visitor.visit(tree)
    if to not in ("trtcompat", "tensorrt"):
        raise ValueError(f"to={to!r}: expected 'trtcompat' or 'tensorrt'")
    findings = [f for f in visitor.finish(tree, to, min_trt) if not _suppressed(lines, f)]
    return FileResult(path, findings)
