"""The one table of migration rules: for the scanner, the JSON output and docs/MIGRATION.md.

Versions come from the generated table ``trtcompat/_api_changes.py`` (the pybind sources of the
NVIDIA/TensorRT ``release/x.y`` branches); replacements from NVIDIA's 8.x->10.x and 10.x->11.x
Python migration guides, the C++ deprecated list, the 10.12 release notes and the cuda-python
12.6.1 / 13.0.0 notes, as docs/MIGRATION.md cites them.
"""

from __future__ import annotations

from dataclasses import dataclass

from trtcompat._versions import release_major

__all__ = ["RULES", "RULES_BY_ID", "Rule", "applies_to_target", "select_rules"]

# ``on``: attr (attribute read, write or call), store (assignment only), member (of a tensorrt
# module, through its alias), import (legacy cuda-python module), seq (``len(engine)``,
# ``engine["x"]``), volume (``volume()``/``prod()`` of an engine shape), hazard (a use of
# ``names`` that behaves differently across releases, as ``check`` says). See _analysis.py
# for how receivers are classified and when ``strict`` matters.


@dataclass(frozen=True)
class Rule:
    """One removed or deprecated TensorRT (or cuda-python) API.

    Attributes:
        id: Stable rule id (``TRT001``...), used by ``--select`` / ``--ignore``.
        api: The API as TensorRT names it.
        names: The attribute, member or module names the scanner matches.
        on: How the scanner matches it (``attr``, ``store``, ``member``, ``import``, ``seq``,
            ``volume``, ``hazard``).
        receivers: Object kinds the attribute belongs to.
        strict: The receiver must look like one of ``receivers`` (generic names).
        deprecated_in: Release that deprecated it (None: never formally deprecated).
        removed_in: Release that removed it (None: a hazard that was never removed).
        replacement: The tensor-era TensorRT call.
        trtcompat: The trtcompat equivalent.
        fix: When ``--fix`` rewrites it; empty when it never does.
        why: Why the rewrite is limited (or impossible), in one or two sentences.
        strategy: The name of the fix strategy that rewrites it (a key of
            ``_fixes.STRATEGIES``, or ``consumed`` / ``cuda_bindings_import``, which the
            scanner applies); empty for manual rules.
        check: For ``on="hazard"``: what makes a use of ``names`` a hazard
            (``no_arguments``: called without arguments; ``string_compare``: compared with a
            string literal).
    """

    id: str
    api: str
    names: tuple[str, ...]
    on: str
    receivers: tuple[str, ...]
    strict: bool
    deprecated_in: str | None
    removed_in: str | None
    replacement: str
    trtcompat: str
    fix: str
    why: str
    strategy: str = ""
    check: str = ""

    @property
    def fixable(self) -> bool:
        """Whether ``--fix`` can rewrite at least some uses."""
        return bool(self.strategy)


_E, _C, _EC = ("engine",), ("context",), ("engine", "context")
_NAME = "when the argument is certainly a tensor name (a string literal, "
_NAME += '`X.get_binding_index("lit")`, or the variable of `for n in engine`)'
_IDX = "Binding indices are replicated per optimization profile in 8.x; a name is needed."
# The trtcompat spelling of a precision (the plan-lifecycle builder, docs/BUILD.md).
_PLAN = 'trtcompat.build_plan(model, trtcompat.BuildConfig(precision="{}"))'
_QDQ = (
    "explicit quantization: Q/DQ nodes in the model (ModelOpt PTQ with a calibration set), "
    "a strongly typed network"
)

# fmt: off
RULES: tuple[Rule, ...] = (
    Rule("TRT001", "ICudaEngine.num_bindings", ("num_bindings",), "attr", _E, False, "8.5",
         "10.0", "engine.num_io_tensors", "len(trtcompat.io_tensors(engine))", "",
         "With K profiles num_bindings == K * num_io_tensors, and the count sizes "
         "binding-index lists; the surrounding code needs review."),
    Rule("TRT002", "ICudaEngine.get_binding_name", ("get_binding_name",), "attr", _E, False,
         "8.5", "10.0", "engine.get_tensor_name(i)", "trtcompat.io_tensors(engine)[i].name", "",
         "Indices >= num_io_tensors (profiles > 0) and mangled 'x [profile k]' names have "
         "no tensor-era equivalent."),
    Rule("TRT003", "ICudaEngine.get_binding_index", ("get_binding_index",), "attr", _E, False,
         "8.5", "10.0", "use the tensor name (name-based API)",
         "trtcompat.io_tensors(engine) (keyed by name)",
         'only as the argument of a fixed call: `set_binding_shape(e.get_binding_index("x"), s)`',
         "The index usually addresses a bindings list; that list must become "
         "set_tensor_address calls.", strategy="consumed"),
    Rule("TRT004", "ICudaEngine.binding_is_input", ("binding_is_input",), "attr", _E, False,
         "8.5", "10.0", "engine.get_tensor_mode(name) == trt.TensorIOMode.INPUT",
         "IOTensor.is_input", _NAME + " and `import tensorrt` is at module level",
         "An integer index has no tensor-era meaning.", strategy="is_input"),
    Rule("TRT005", "ICudaEngine/IExecutionContext.get_binding_shape", ("get_binding_shape",),
         "attr", _EC, False, "8.5", "10.0", "engine/context.get_tensor_shape(name)",
         "IOTensor.shape / trtcompat.tensor_shape(context, name)", _NAME, _IDX,
         strategy="tensor_name_rename"),
    Rule("TRT006", "ICudaEngine.get_binding_dtype", ("get_binding_dtype",), "attr", _E, False,
         "8.5", "10.0", "engine.get_tensor_dtype(name)", "IOTensor.dtype", _NAME, _IDX,
         strategy="tensor_name_rename"),
    Rule("TRT007", "ICudaEngine.get_binding_format/_format_desc/_vectorized_dim/"
         "_bytes_per_component/_components_per_element",
         ("get_binding_format", "get_binding_format_desc", "get_binding_vectorized_dim",
          "get_binding_bytes_per_component", "get_binding_components_per_element"), "attr", _E,
         False, "8.5", "10.0", "engine.get_tensor_format(name[, profile]) and siblings",
         "IOTensor.dtype / IOTensor.shape", _NAME, _IDX, strategy="tensor_name_rename"),
    Rule("TRT008", "ICudaEngine.get_location", ("get_location",), "attr", _E, True, "8.5",
         "10.0", "engine.get_tensor_location(name)", "IOTensor.location", _NAME, _IDX,
         strategy="tensor_name_rename"),
    Rule("TRT009", "ICudaEngine.is_shape_binding / is_execution_binding",
         ("is_shape_binding", "is_execution_binding"), "attr", _E, False, "8.5", "10.0",
         "engine.is_shape_inference_io(name) / engine.get_tensor_location(name)",
         "IOTensor.is_shape_tensor / IOTensor.location", "",
         "The two predicates do not map one to one onto the tensor-era queries."),
    Rule("TRT010", "ICudaEngine.get_profile_shape", ("get_profile_shape",), "attr", _E, False,
         "8.5", "10.0", "engine.get_tensor_profile_shape(name, profile) (argument order reversed)",
         "trtcompat.allocate_buffers(engine) sizes from the profile max",
         "when both arguments are positional and the binding is certainly a tensor name "
         "(the arguments are swapped)", _IDX, strategy="swap_profile_args"),
    Rule("TRT011", "ICudaEngine.get_profile_shape_input", ("get_profile_shape_input",), "attr",
         _E, False, "8.5", "10.0", "engine.get_tensor_profile_values(profile, name)",
         "trtcompat.io_tensors(engine) + Runner", "",
         "8.x returns rank-length lists, 10.x volume-length ones, and the positional order of "
         "get_tensor_profile_values is (profile_index, name)."),
    Rule("TRT012", "ICudaEngine.max_batch_size / IBuilder.max_batch_size", ("max_batch_size",),
         "attr", ("engine", "builder"), True, "8.4", "10.0",
         "explicit batch: the batch is dimension 0 of every shape",
         "IOTensor.shape (batch prepended for implicit-batch engines); "
         "trtcompat.execute(context, bindings, stream, batch_size=None)", "",
         "Explicit-batch engines report 1; implicit-batch code needs a new shape strategy."),
    Rule("TRT013", "len(ICudaEngine) / ICudaEngine[str]", ("__len__", "__getitem__(str)"), "seq",
         _E, True,
         "8.5", "10.0", "engine.num_io_tensors / use the tensor name",
         "len(trtcompat.io_tensors(engine))", "",
         "len(engine) raises TypeError from 10.0 and engine['x'] no longer returns an index."),
    Rule("TRT014", "ICudaEngine/INetworkDefinition.has_implicit_batch_dimension",
         ("has_implicit_batch_dimension",), "attr", ("engine", "network"), False, "10.0", "11.0",
         "nothing: always False from 10.0", "trtcompat handles implicit batch (IOTensor.shape)",
         "", "The branch it guards is usually 8.x-only code that should be deleted by hand."),
    Rule("TRT020", "IExecutionContext.execute", ("execute",), "attr", _C, True, "8.4", "10.0",
         "context.execute_v2(bindings) or set_tensor_address + execute_async_v3",
         "trtcompat.execute(context, bindings, stream, batch_size=...)", "",
         "Implicit-batch execution (batch_size) has no tensor-era equivalent."),
    Rule("TRT021", "IExecutionContext.execute_async", ("execute_async",), "attr", _C, True,
         "8.4", "10.0", "set_tensor_address per tensor + context.execute_async_v3(stream)",
         "trtcompat.execute(context, bindings, stream, batch_size=...)", "",
         "Implicit-batch execution (batch_size) has no tensor-era equivalent."),
    Rule("TRT022", "IExecutionContext.execute_async_v2", ("execute_async_v2",), "attr", _C,
         False, "8.5", "10.0", "set_tensor_address per tensor + context.execute_async_v3(stream)",
         "trtcompat.execute(context, bindings, stream) / trtcompat.Runner(engine).infer(feed)",
         "", "The bindings list must become one set_tensor_address call per tensor name "
         "(C++ enqueueV2 was deprecated in 8.5; Python never warned)."),
    Rule("TRT023", "IExecutionContext.set_binding_shape", ("set_binding_shape",), "attr", _C,
         False, "8.5", "10.0", "context.set_input_shape(name, shape)",
         "trtcompat.set_input_shape(context, name, shape)", _NAME, _IDX,
         strategy="tensor_name_rename"),
    Rule("TRT024", "IExecutionContext.get_strides", ("get_strides",), "attr", _C, True, "8.5",
         "10.0", "context.get_tensor_strides(name)", "IOTensor + numpy strides", _NAME, _IDX,
         strategy="tensor_name_rename"),
    Rule("TRT025", "IExecutionContext.set_shape_input", ("set_shape_input",), "attr", _C, False,
         "8.5", "10.0", "context.set_tensor_address(name, host_ptr) (values read at enqueue)",
         "trtcompat.Runner(engine).infer(feed) (host memory for shape tensors)", "",
         "The values must live in host memory that outlives the enqueue."),
    Rule("TRT026", "IExecutionContext.get_shape", ("get_shape",), "attr", _C, True, "8.5",
         "10.0", "read the host buffer bound with set_tensor_address(name, ptr)",
         "trtcompat.Runner(engine).infer(feed)", "", "No direct tensor-era query exists."),
    Rule("TRT027", "IExecutionContext.active_optimization_profile (setter)",
         ("active_optimization_profile",), "store", _C, False, "8.0", "10.0",
         "context.set_optimization_profile_async(index, stream_handle)",
         "trtcompat.Runner(engine)", "", "The replacement needs a CUDA stream."),
    Rule("TRT028", "IExecutionContext.all_shape_inputs_specified",
         ("all_shape_inputs_specified",), "attr", _C, False, "10.0", "11.0",
         "not context.infer_shapes()", "trtcompat.Runner(engine).infer(feed)", "",
         "infer_shapes() returns the missing names and raises on error; the check changes."),
    Rule("TRT030", "ICudaEngine.device_memory_size", ("device_memory_size",), "attr", _E, False,
         "10.1", "11.0", "engine.device_memory_size_v2", "trtcompat.Runner(engine)",
         "always (device_memory_size_v2 exists from 10.1)",
         "The fixed code needs TensorRT >= 10.1; _v2 also counts the weight-streaming budget.",
         strategy="v2_attribute"),
    Rule("TRT031", "ICudaEngine.get_device_memory_size_for_profile",
         ("get_device_memory_size_for_profile",), "attr", _E, False, "10.1", "11.0",
         "engine.get_device_memory_size_for_profile_v2(profile)", "trtcompat.Runner(engine)",
         "always (the _v2 method exists from 10.1)", "The fixed code needs TensorRT >= 10.1.",
         strategy="v2_method"),
    Rule("TRT032", "ICudaEngine.create_execution_context_without_device_memory",
         ("create_execution_context_without_device_memory",), "attr", _E, False, "10.0", "11.0",
         "engine.create_execution_context(trt.ExecutionContextAllocationStrategy.USER_MANAGED)",
         "trtcompat.Runner(engine)",
         "when called without arguments and a tensorrt module is imported at module level",
         "The fixed code needs TensorRT >= 10.0; memory is still set with set_device_memory.",
         strategy="user_managed_context"),
    Rule("TRT033", "ICudaEngine.weight_streaming_budget / minimum_weight_streaming_budget",
         ("weight_streaming_budget", "minimum_weight_streaming_budget"), "attr", _E, False,
         "10.1", "11.0", "weight_streaming_budget_v2 / get_weight_streaming_automatic_budget()",
         "—", "", "The v2 budget has different special values (bytes, -1 / 0 semantics)."),
    Rule("TRT034", "IStreamReader", ("IStreamReader",), "member", ("trt",), True, None, "11.0",
         "IStreamReaderV2 (10.7+)", "trtcompat.load_engine(path)", "",
         "The V2 reader has a different read signature (seek, stream)."),
    Rule("TRT040", "IBuilderConfig.max_workspace_size", ("max_workspace_size",), "attr",
         ("config",), True, "8.4", "10.0",
         "config.set_memory_pool_limit(trt.MemoryPoolType.WORKSPACE, size)", "—",
         "for a plain `config.max_workspace_size = X` statement when `import tensorrt` is at "
         "module level", "Reads and chained assignments are left alone; the fixed code needs "
         "TensorRT >= 8.4.", strategy="memory_pool_limit"),
    Rule("TRT041", "IBuilder.build_engine", ("build_engine",), "attr", ("builder",), True,
         "8.0", "10.0", "builder.build_serialized_network(network, config) + "
         "Runtime.deserialize_cuda_engine", "trtcompat.load_engine(plan)", "",
         "build_serialized_network returns a serialized plan (IHostMemory), not an engine."),
    Rule("TRT042", "BuilderFlag.FP16 / BF16 (weak typing)",
         ("BuilderFlag.FP16", "BuilderFlag.BF16"), "member", ("trt",), True, "10.12", "11.0",
         "a strongly typed network whose model carries FP16/BF16 types: convert the ONNX "
         "model with ModelOpt AutoCast (NVIDIA's 10.x->11.x migration guide)",
         _PLAN.format("fp16"), "",
         "11.0 builds strongly typed networks only: the flag is gone and the precision moves "
         "into the model."),
    Rule("TRT043", "IInt8Calibrator family",
         ("IInt8Calibrator", "IInt8EntropyCalibrator", "IInt8EntropyCalibrator2",
          "IInt8MinMaxCalibrator", "IInt8LegacyCalibrator", "CalibrationAlgoType"), "member",
         ("trt",), True, "10.1", "11.0", _QDQ, _PLAN.format("int8") + " (a Q/DQ model)", "",
         "Implicit quantization was removed; calibration moves out of the build script."),
    Rule("TRT044", "IBuilderConfig.int8_calibrator", ("int8_calibrator",), "attr",
         ("config",), False, "10.1", "11.0", _QDQ,
         _PLAN.format("int8") + " (a Q/DQ model)", "", "Implicit quantization was removed."),
    Rule("TRT045", "IBuilder.platform_has_fast_fp16 / _int8 / platform_has_tf32",
         ("platform_has_fast_fp16", "platform_has_fast_int8", "platform_has_tf32"), "attr",
         ("builder",), False, "10.5", "11.0",
         "the GPU's compute capability from CUDA; with strong typing the model's types decide",
         _PLAN.format("fp16") + " (raises PrecisionError where the GPU or release cannot)",
         "", "The answer comes from CUDA, not TensorRT."),
    Rule("TRT049", "BuilderFlag.INT8 / FP8 / INT4 / FP4 (implicit quantization)",
         ("BuilderFlag.INT8", "BuilderFlag.FP8", "BuilderFlag.INT4", "BuilderFlag.FP4"),
         "member", ("trt",), True, "10.12", "11.0", _QDQ,
         _PLAN.format("int8") + ' or precision="fp8" (a Q/DQ model); precision="model" for '
         "INT4/FP4 Q/DQ models", "",
         "11.0 quantizes explicitly only: the quantized types come from the model's Q/DQ nodes."),
    Rule("TRT076", "BuilderFlag.OBEY_PRECISION_CONSTRAINTS / PREFER_PRECISION_CONSTRAINTS",
         ("BuilderFlag.OBEY_PRECISION_CONSTRAINTS", "BuilderFlag.PREFER_PRECISION_CONSTRAINTS"),
         "member", ("trt",), True, "10.12", "11.0",
         "a strongly typed network: the model's types are obeyed; ICastLayer (network.add_cast) "
         "where a type must change", _PLAN.format("model"), "",
         "Per-layer precision constraints have no meaning once the network is strongly typed."),
    Rule("TRT063", "A precision flag behind a hasattr / try / getattr guard",
         ("BuilderFlag.FP16", "BuilderFlag.BF16", "BuilderFlag.INT8", "BuilderFlag.FP8",
          "BuilderFlag.INT4", "BuilderFlag.FP4"), "hazard", ("trt",), True, None, None,
         "decide the precision for 11.x explicitly (a strongly typed model), not by whether "
         "the flag exists", _PLAN.format("fp16") + " (raises PrecisionError, never drops it)",
         "", "Precision silently dropped on 11: the guard skips the flag there and the build "
         "runs in FP32 without a word (rf-detr#1453).", check="dropped_when_guarded"),
    Rule("TRT046", "BuilderFlag.STRICT_TYPES", ("BuilderFlag.STRICT_TYPES",), "member", ("trt",),
         True, "8.2", "10.0", "BuilderFlag.OBEY_PRECISION_CONSTRAINTS (10.x), strong typing (11)",
         "—", "", "Its successor is itself removed in 11.0."),
    Rule("TRT047", "NetworkDefinitionCreationFlag.EXPLICIT_BATCH",
         ("NetworkDefinitionCreationFlag.EXPLICIT_BATCH",), "member", ("trt",), True, "10.0",
         "11.0", "builder.create_network(0) (explicit batch is the only mode)", "—", "",
         "The flag is usually folded into a bit mask with other flags."),
    Rule("TRT048", "TacticSource.CUBLAS / CUBLAS_LT / CUDNN",
         ("TacticSource.CUBLAS", "TacticSource.CUBLAS_LT", "TacticSource.CUDNN"), "member",
         ("trt",), True, "10.0", "11.0", "drop the tactic source (CUBLAS_LT: deprecated 9.0)", "—",
         "", "It is usually part of a bit mask."),
    Rule("TRT070", "TensorRT 7 IBuilder attributes (removed in 8.0)",
         ("max_workspace_size", "fp16_mode", "int8_mode", "int8_calibrator",
          "strict_type_constraints", "refittable", "debug_sync", "build_cuda_engine",
          "average_find_iterations", "min_find_iterations"), "attr", ("builder",), True,
         "7.0", "8.0", "the IBuilderConfig member: config.set_memory_pool_limit(...), "
         "config.set_flag(BuilderFlag.FP16 / INT8), config.int8_calibrator, "
         "builder.build_serialized_network(network, config)", "—", "",
         "These lived on IBuilder in TensorRT 7; 8.0 moved them to IBuilderConfig "
         "(TensorRT 8.0 release notes, 'Removed' section)."),
    Rule("TRT074", "ICudaEngine.max_workspace_size (TensorRT 7)", ("max_workspace_size",),
         "attr", ("engine",), True, None, "8.0",
         "nothing on the engine: engine.device_memory_size_v2 (10.1+) / device_memory_size is "
         "what it needs to run; the workspace limit is a build setting, "
         "config.set_memory_pool_limit(trt.MemoryPoolType.WORKSPACE, size)",
         "trtcompat.Runner(engine) (allocates the engine's device memory)", "",
         "A TensorRT 7 engine property; 8.0 has no engine-side workspace."),
    Rule("TRT075", "IResizeLayer.align_corners (TensorRT 7)", ("align_corners",), "attr",
         ("layer",), True, None, "8.0",
         "layer.coordinate_transformation = trt.ResizeCoordinateTransformation.ALIGN_CORNERS "
         "(8.0+)", "—", "",
         "align_corners=True maps to ALIGN_CORNERS; False to ASYMMETRIC (TensorRT 7's default "
         "behaviour) or HALF_PIXEL, which the model decides."),
    Rule("TRT071", "IBuilderConfig.min_timing_iterations", ("min_timing_iterations",), "attr",
         ("config",), False, "8.4", "10.0", "config.avg_timing_iterations", "—", "",
         "Only the average iteration count is configurable from 10.0."),
    Rule("TRT072", "IDimensionExpr.isConstant / getConstantValue",
         ("isConstant", "getConstantValue"), "attr", ("dimexpr",), False, None, "10.0",
         "expr.is_constant() / expr.get_constant_value()", "—", "",
         "Renamed to snake case in the plugin bindings."),
    Rule("TRT073", "ITimingCache / IBuilderConfig timing-cache API (deprecated 10.16)",
         ("get_timing_cache", "set_timing_cache", "combine", "query", "queryKeys", "update"),
         "attr", ("config", "timing_cache"), True, "10.16", None,
         "still present in 11.x; see the 10.16 release notes for the runtime cache", "—", "",
         "Deprecated (the binding warns), not removed."),
    Rule("TRT080", "INetworkDefinition.add_convolution / add_deconvolution / add_pooling / "
         "add_padding / add_fully_connected / add_rnn_v2",
         ("add_convolution", "add_deconvolution", "add_pooling", "add_padding",
          "add_fully_connected", "add_rnn_v2"), "attr", ("network",), False, "8.0", "10.0",
         "add_convolution_nd / add_deconvolution_nd / add_pooling_nd / add_padding_nd (8.0+); "
         "add_matrix_multiply + add_elementwise for fully connected; an ILoop for RNNs",
         "—", "", "The _nd methods take Dims (kernel_shape=(3, 3)) where the old ones took "
         "DimsHW; the rest of the call is the same, but not all call sites are mechanical."),
    Rule("TRT081", "Layer kernel_size / stride / padding / dilation / window_size / "
         "pre_padding / post_padding",
         ("kernel_size", "stride", "padding", "dilation", "window_size", "pre_padding",
          "post_padding"), "attr", ("layer",), True, "8.0", "10.0",
         "the _nd property (kernel_size_nd, stride_nd, padding_nd, dilation_nd, "
         "window_size_nd, pre_padding_nd, post_padding_nd; all in 8.0)", "—",
         "where the receiver is a layer of a known class that lost the field (add_pooling_nd"
         "(...) etc.; the _nd properties exist from 8.0): ILRNLayer.window_size, "
         "ISliceLayer.stride, IConvolutionLayer.pre_padding keep theirs",
         "The _nd properties hold Dims; assigning a tuple works for both.",
         strategy="nd_attribute"),
    Rule("TRT082", "INetworkDefinition.has_explicit_precision / "
         "NetworkDefinitionCreationFlag.EXPLICIT_PRECISION",
         ("has_explicit_precision", "NetworkDefinitionCreationFlag.EXPLICIT_PRECISION"),
         "attr", ("network",), False, "8.0", "10.0",
         "nothing: networks with Q/DQ layers are explicit precision", "—", "",
         "Drop the flag from the create_network mask."),
    Rule("TRT083", "ILayer.precision / set_output_type and their queries (weak typing)",
         ("precision", "precision_is_set", "reset_precision", "set_output_type",
          "output_type_is_set", "reset_output_type", "compute_precision"), "attr", ("layer",),
         True, "10.12", "11.0",
         "a strongly typed network: ICastLayer (network.add_cast) where a type must change",
         "—", "", "11.0 builds strongly typed networks only; precision follows the types."),
    Rule("TRT084", "Dynamic ranges: ITensor.dynamic_range / set_dynamic_range / "
         "reset_dynamic_range, Refitter.*dynamic_range*",
         ("dynamic_range", "set_dynamic_range", "reset_dynamic_range", "get_dynamic_range",
          "get_tensors_with_dynamic_range"), "attr", ("tensor", "refitter"), False, "10.1",
         "11.0", "explicit quantization: Q/DQ layers with scales (ModelOpt)", "—", "",
         "Implicit INT8 quantization was removed in 11.0."),
    Rule("TRT085", "ITensor.dtype (setter)", ("dtype",), "store", ("tensor",), True, None,
         "11.0", "network.add_cast(tensor, dtype) where the type must change", "—", "",
         "ITensor.dtype is read-only from 11.0 (strong typing)."),
    Rule("TRT086", "ITensor.broadcast_across_batch", ("broadcast_across_batch",), "attr",
         ("tensor",), False, "10.0", None, "nothing: implicit batch is gone", "—", "",
         "Deprecated (the binding warns), not removed; meaningless without implicit batch."),
    Rule("TRT087", "IBuilderConfig quantization flags, calibration profile, algorithm selector",
         ("set_quantization_flag", "clear_quantization_flag", "get_quantization_flag",
          "quantization_flags", "set_calibration_profile", "get_calibration_profile",
          "algorithm_selector", "QuantizationFlag", "IAlgorithmSelector", "IAlgorithm",
          "IAlgorithmContext", "IAlgorithmIOInfo", "IAlgorithmVariant"), "attr", ("config",),
         False, "10.1", "11.0", "explicit quantization (Q/DQ); editable timing cache instead "
         "of algorithm selection", "—", "", "Implicit quantization and algorithm selectors "
         "were removed in 11.0."),
    Rule("TRT088", "IPluginRegistry.get_plugin_creator / plugin_creator_list",
         ("get_plugin_creator", "plugin_creator_list"), "attr", ("registry",), False, None,
         "11.0", "registry.get_creator(name, version, namespace) / registry.all_creators", "—",
         "", "The V3 registry returns IPluginCreatorInterface objects."),
    Rule("TRT089", "OnnxParser.supports_model / parse_with_weight_descriptors",
         ("supports_model", "parse_with_weight_descriptors"), "attr", ("parser",), False,
         None, "11.0", "parser.supports_model_v2(model) + get_subgraph_nodes / parser.parse",
         "—", "", "supports_model_v2 reports subgraphs through methods, not a tuple."),
    Rule("TRT090", "EngineCapability.DEFAULT / SAFE_GPU / SAFE_DLA",
         ("EngineCapability.DEFAULT", "EngineCapability.SAFE_GPU", "EngineCapability.SAFE_DLA"),
         "member", ("trt",), True, "8.0", "10.0",
         "EngineCapability.STANDARD / SAFETY / DLA_STANDALONE (8.0+)", "—", "",
         "Renamed in 8.0; the old names were removed in 10.0."),
    Rule("TRT091", "ProfilingVerbosity.DEFAULT / VERBOSE",
         ("ProfilingVerbosity.DEFAULT", "ProfilingVerbosity.VERBOSE"), "member", ("trt",), True,
         "8.2", "10.0", "ProfilingVerbosity.LAYER_NAMES_ONLY / DETAILED (8.2+)", "—", "",
         "Renamed in 8.2."),
    Rule("TRT092", "PreviewFeature values removed in 10.0 / 11.0",
         ("PreviewFeature.FASTER_DYNAMIC_SHAPES_0805",
          "PreviewFeature.DISABLE_EXTERNAL_TACTIC_SOURCES_FOR_CORE_0805",
          "PreviewFeature.PROFILE_SHARING_0806", "PreviewFeature.MULTIDEVICE_RUNTIME_10_16"),
         "member", ("trt",), True, "8.6", "10.0", "drop the preview feature (now the default)",
         "—", "", "Preview features graduate or disappear; the set_preview_feature call goes."),
    Rule("TRT093", "PaddingMode.CAFFE_ROUND_DOWN / CAFFE_ROUND_UP",
         ("PaddingMode.CAFFE_ROUND_DOWN", "PaddingMode.CAFFE_ROUND_UP"), "member", ("trt",),
         True, None, "10.0", "PaddingMode.EXPLICIT_ROUND_DOWN / EXPLICIT_ROUND_UP", "—", "",
         "Caffe padding semantics went with the Caffe parser."),
    Rule("TRT094", "SampleMode.DEFAULT, ResizeMode, SliceMode (renamed)",
         ("SampleMode.DEFAULT", "ResizeMode", "SliceMode"), "member", ("trt",), True, "8.5",
         "10.0", "SampleMode.STRICT_BOUNDS; InterpolationMode (8.5+) for ResizeMode; "
         "SampleMode (8.5+) for SliceMode", "—", "", "Renamed enums and values."),
    Rule("TRT095", "BuilderFlag.ENABLE_TACTIC_HEURISTIC / WEIGHTLESS / REJECT_EMPTY_ALGORITHMS",
         ("BuilderFlag.ENABLE_TACTIC_HEURISTIC", "BuilderFlag.WEIGHTLESS",
          "BuilderFlag.REJECT_EMPTY_ALGORITHMS"), "member", ("trt",), True, None, "10.0",
         "drop the flag; WEIGHTLESS: BuilderFlag.STRIP_PLAN (10.0+)", "—", "",
         "Usually one set_flag call to delete."),
    Rule("TRT096", "Fully connected and RNNv2 layers",
         ("IFullyConnectedLayer", "IRNNv2Layer", "LayerType.FULLY_CONNECTED", "LayerType.RNN_V2",
          "RNNDirection", "RNNGateType", "RNNInputMode", "RNNOperation"), "member", ("trt",),
         True, "8.4", "10.0", "IMatrixMultiplyLayer (+ elementwise bias); ILoop-based RNNs",
         "—", "", "The network must be rebuilt with other layers (or exported from ONNX)."),
    Rule("TRT097", "Caffe and UFF parsers", ("CaffeParser", "UffParser", "UffInputOrder",
         "FieldCollection", "FieldMap", "FieldType", "IBlobNameToTensor",
         "ICaffePluginFactoryV2", "tensorrt.shutdown_protobuf_library"), "member", ("trt",), True,
         "8.4", "9.3", "export to ONNX and use trt.OnnxParser", "—", "",
         "Removed in 9.0 (9.3 is the first examined 9.x release)."),
    Rule("TRT098", "Enum values deprecated but still present in 11.x",
         ("BuilderFlag.DIRECT_IO", "BuilderFlag.SAFETY_SCOPE",
          "NetworkDefinitionCreationFlag.STRONGLY_TYPED", "PluginCreatorVersion.V1",
          "PluginCreatorVersion.V1_PYTHON"), "member", ("trt",), True, "10.8", None,
         "DIRECT_IO: none (deprecated 10.8); STRONGLY_TYPED: drop it (11.0 networks are "
         "strongly typed); V1: PluginCreatorVersion.V2 / V3 plugins", "—", "",
         "Deprecated (TRT_DEPRECATED_ENUM), not removed: the code still runs on 11.x."),
    Rule("TRT050", "cuda-python modules cuda.cudart / cuda.cuda / cuda.nvrtc",
         ("cudart", "cuda", "nvrtc"), "import", ("any",), False, "cuda-python 12.6.1",
         "cuda-python 13", "from cuda.bindings import runtime as cudart, driver as cuda, nvrtc",
         "trtcompat backends ('cuda_python' handles both layouts)",
         "for single-line `from cuda import ...` and `import cuda.X as Y` statements",
         "`import cuda.cudart` without an alias is used as cuda.cudart.X everywhere; the fixed "
         "code needs cuda-python >= 12.6.1.", strategy="cuda_bindings_import"),
    Rule("TRT060", "volume() of an engine shape that may hold -1", ("volume", "prod"), "volume",
         _E, False, None, None,
         "size from engine.get_tensor_profile_shape(name, profile)[2] (max) or "
         "context.get_tensor_shape(name) after set_input_shape",
         "trtcompat.allocate_buffers(engine) / trtcompat.Runner(engine)", "",
         "trt.volume([-1, 3, 224, 224]) == -150528: a negative size for dynamic shapes."),
    Rule("TRT061", "IBuilder.create_network() without the explicit-batch flag",
         ("create_network",), "hazard", ("builder",), False, None, None,
         "builder.create_network(1 << int(trt.NetworkDefinitionCreationFlag.EXPLICIT_BATCH)) "
         "on 8.x; create_network(0) from 10.0", "—", "",
         "No flags means implicit batch on 8.x and explicit batch from 10.0: the same line "
         "builds a different network.", check="no_arguments"),
    Rule("TRT062", "trt.__version__ compared as a string", ("__version__",), "hazard",
         ("trt",), False, None, None,
         "compare parsed versions: packaging.version.parse(trt.__version__) >= Version('8.5') "
         "or int(trt.__version__.split('.')[0]) >= 10", "—", "",
         "'10.0' < '8.0' and '10.0'[0] == '1': string comparisons break from TensorRT 10.",
         check="string_compare"),
)

# fmt: on

RULES = tuple(sorted(RULES, key=lambda rule: rule.id))
RULES_BY_ID: dict[str, Rule] = {rule.id: rule for rule in RULES}




def applies_to_target(rule: Rule, target: int) -> bool:
    """Whether a rule is reported when migrating to TensorRT ``target``.

    Args:
        rule: The rule.
        target: The TensorRT major version the code must run on (10 or 11).

    Returns:
        True for rules removed in ``target`` or earlier, for hazards (never removed) and for
        cuda-python rules (independent of the TensorRT version).
    """
    if rule.removed_in is None or rule.deprecated_in is None:
        return True  # hazards, and rules whose names the table dates one by one
    major = release_major(rule.removed_in)
    deprecated = release_major(rule.deprecated_in)
    return major is None or major <= target or (deprecated is not None and deprecated <= target)


def select_rules(
    target: int, select: list[str] | None = None, ignore: list[str] | None = None
) -> tuple[Rule, ...]:
    """The rules active for a target and a ``--select`` / ``--ignore`` choice.

    Args:
        target: TensorRT major version (10 or 11).
        select: Rule ids or id prefixes to keep (None keeps all).
        ignore: Rule ids or id prefixes to drop.

    Returns:
        The active rules, in table order.

    Raises:
        ValueError: An id or prefix matches no rule.
    """
    for code in (select or []) + (ignore or []):
        if not any(rule.id.startswith(code) for rule in RULES):
            raise ValueError(f"unknown rule id {code!r}; known ids are TRT001..{RULES[-1].id}")
    chosen = []
    for rule in RULES:
        if not applies_to_target(rule, target):
            continue
        if select and not any(rule.id.startswith(code) for code in select):
            continue
        if ignore and any(rule.id.startswith(code) for code in ignore):
            continue
        chosen.append(rule)
    return tuple(chosen)
