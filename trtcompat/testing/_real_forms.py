"""How runtime and builder members are called, per release: generated.

Written by ``tools/gen_api_changes.py`` from ``tests/data/surfaces/``
``tensorrt-imported-members.json`` (NVIDIA's bindings of 8.6.1 and every 10.x / 11.x
release, imported on CPU). Which release has a member is the version table's word
(``trtcompat._api_changes``); this says how it is called there, for the fakes' stand-ins
(``_inert.py``).

``FORMS["Class.member"] = ((since, kind, overloads, returns), ...)``: from release ``since``
on (until the next entry), the member is a ``def`` / ``property`` / ``property_readonly``
whose overloads take ``((param, default or None), ...)`` and which returns ``returns``
(pybind's type name). Releases before the first entry (8.0 ... 8.5) use the first.

``VALUES[enum][member] = ((since, value), ...)``: the member's integer value from release
``since`` on (NvInfer.h renumbers an enum when a member goes: ``BuilderFlag.REFIT`` is 5 in
8.6, 4 from 10.0). Releases before the first entry use the first (8.x appended members).
"""

# ruff: noqa: E501  (generated data: one entry per line)
from __future__ import annotations

FORMS: dict[
    str, tuple[tuple[str, str, tuple[tuple[tuple[str, str | None], ...], ...], str], ...]
] = {
    "Builder.__del__": (
        ("8.6", "def", ((),), "None"),
    ),
    "Builder.build_engine": (
        ("8.6", "def", ((("network", None), ("config", None)),), "ICudaEngine"),
    ),
    "Builder.build_engine_with_config": (
        ("10.6", "def", ((("network", None), ("config", None)),), "ICudaEngine"),
    ),
    "Builder.build_serialized_network": (
        ("8.6", "def", ((("network", None), ("config", None)),), "IHostMemory"),
        ("10.13", "def", ((("network", None), ("config", None)), (("network", None), ("config", None), ("kernel_text", None))), "IHostMemory"),
    ),
    "Builder.build_serialized_network_to_stream": (
        ("10.13", "def", ((("network", None), ("config", None), ("writer", None)),), "bool"),
    ),
    "Builder.create_builder_config": (
        ("8.6", "def", ((),), "IBuilderConfig"),
    ),
    "Builder.create_network": (
        ("8.6", "def", ((("flags", "0"),),), "INetworkDefinition"),
    ),
    "Builder.create_optimization_profile": (
        ("8.6", "def", ((),), "IOptimizationProfile"),
    ),
    "Builder.error_recorder": (
        ("8.6", "property", (), "IErrorRecorder"),
    ),
    "Builder.get_plugin_registry": (
        ("8.6", "def", ((),), "IPluginRegistry"),
    ),
    "Builder.gpu_allocator": (
        ("8.6", "property", (), ""),
    ),
    "Builder.is_network_supported": (
        ("8.6", "def", ((("network", None), ("config", None)),), "bool"),
    ),
    "Builder.logger": (
        ("8.6", "property_readonly", (), "ILogger"),
    ),
    "Builder.max_DLA_batch_size": (
        ("8.6", "property_readonly", (), "int"),
    ),
    "Builder.max_batch_size": (
        ("8.6", "property", (), "int"),
    ),
    "Builder.max_threads": (
        ("8.6", "property", (), "int"),
    ),
    "Builder.num_DLA_cores": (
        ("8.6", "property_readonly", (), "int"),
    ),
    "Builder.platform_has_fast_fp16": (
        ("8.6", "property_readonly", (), "bool"),
    ),
    "Builder.platform_has_fast_int8": (
        ("8.6", "property_readonly", (), "bool"),
    ),
    "Builder.platform_has_tf32": (
        ("8.6", "property_readonly", (), "bool"),
    ),
    "Builder.reset": (
        ("8.6", "def", ((),), "None"),
    ),
    "IBuilderConfig.DLA_core": (
        ("8.6", "property", (), "int"),
    ),
    "IBuilderConfig.__del__": (
        ("8.6", "def", ((),), "None"),
    ),
    "IBuilderConfig.add_optimization_profile": (
        ("8.6", "def", ((("profile", None),),), "int"),
    ),
    "IBuilderConfig.algorithm_selector": (
        ("8.6", "property", (), "IAlgorithmSelector"),
    ),
    "IBuilderConfig.all_build_routes": (
        ("11.1", "property_readonly", (), "str"),
    ),
    "IBuilderConfig.avg_timing_iterations": (
        ("8.6", "property", (), "int"),
    ),
    "IBuilderConfig.build_route": (
        ("11.1", "property", (), "str"),
    ),
    "IBuilderConfig.builder_optimization_level": (
        ("8.6", "property", (), "int"),
    ),
    "IBuilderConfig.can_run_on_DLA": (
        ("8.6", "def", ((("layer", None),),), "bool"),
    ),
    "IBuilderConfig.clear_flag": (
        ("8.6", "def", ((("flag", None),),), "None"),
    ),
    "IBuilderConfig.clear_quantization_flag": (
        ("8.6", "def", ((("flag", None),),), "None"),
    ),
    "IBuilderConfig.create_timing_cache": (
        ("8.6", "def", ((("serialized_timing_cache", None),),), "ITimingCache"),
    ),
    "IBuilderConfig.default_device_type": (
        ("8.6", "property", (), "DeviceType"),
    ),
    "IBuilderConfig.engine_capability": (
        ("8.6", "property", (), "EngineCapability"),
    ),
    "IBuilderConfig.flags": (
        ("8.6", "property", (), "int"),
    ),
    "IBuilderConfig.get_calibration_profile": (
        ("8.6", "def", ((),), "IOptimizationProfile"),
    ),
    "IBuilderConfig.get_device_type": (
        ("8.6", "def", ((("layer", None),),), "DeviceType"),
    ),
    "IBuilderConfig.get_flag": (
        ("8.6", "def", ((("flag", None),),), "bool"),
    ),
    "IBuilderConfig.get_memory_pool_limit": (
        ("8.6", "def", ((("pool", None),),), "int"),
    ),
    "IBuilderConfig.get_preview_feature": (
        ("8.6", "def", ((("feature", None),),), "bool"),
    ),
    "IBuilderConfig.get_quantization_flag": (
        ("8.6", "def", ((("flag", None),),), "bool"),
    ),
    "IBuilderConfig.get_tactic_sources": (
        ("8.6", "def", ((),), "int"),
    ),
    "IBuilderConfig.get_timing_cache": (
        ("8.6", "def", ((),), "ITimingCache"),
    ),
    "IBuilderConfig.hardware_compatibility_level": (
        ("8.6", "property", (), "HardwareCompatibilityLevel"),
    ),
    "IBuilderConfig.int8_calibrator": (
        ("8.6", "property", (), "IInt8Calibrator"),
    ),
    "IBuilderConfig.is_device_type_set": (
        ("8.6", "def", ((("layer", None),),), "bool"),
    ),
    "IBuilderConfig.l2_limit_for_tiling": (
        ("10.8", "property", (), "int"),
    ),
    "IBuilderConfig.max_aux_streams": (
        ("8.6", "property", (), "int"),
    ),
    "IBuilderConfig.max_num_tactics": (
        ("10.4", "property", (), "int"),
    ),
    "IBuilderConfig.max_workspace_size": (
        ("8.6", "property", (), "int"),
    ),
    "IBuilderConfig.min_timing_iterations": (
        ("8.6", "property", (), "int"),
    ),
    "IBuilderConfig.num_optimization_profiles": (
        ("8.6", "property_readonly", (), "int"),
    ),
    "IBuilderConfig.plugins_to_serialize": (
        ("8.6", "property", (), "List[str]"),
        ("10.16", "property", (), "list[str]"),
    ),
    "IBuilderConfig.profile_stream": (
        ("8.6", "property", (), "int"),
    ),
    "IBuilderConfig.profiling_verbosity": (
        ("8.6", "property", (), "ProfilingVerbosity"),
    ),
    "IBuilderConfig.progress_monitor": (
        ("10.0", "property", (), "IProgressMonitor"),
    ),
    "IBuilderConfig.quantization_flags": (
        ("8.6", "property", (), "int"),
    ),
    "IBuilderConfig.remote_auto_tuning_config": (
        ("10.13", "property", (), "str"),
    ),
    "IBuilderConfig.reset": (
        ("8.6", "def", ((),), "None"),
    ),
    "IBuilderConfig.reset_device_type": (
        ("8.6", "def", ((("layer", None),),), "None"),
    ),
    "IBuilderConfig.runtime_platform": (
        ("10.2", "property", (), "RuntimePlatform"),
    ),
    "IBuilderConfig.set_calibration_profile": (
        ("8.6", "def", ((("profile", None),),), "bool"),
    ),
    "IBuilderConfig.set_device_type": (
        ("8.6", "def", ((("layer", None), ("device_type", None)),), "None"),
    ),
    "IBuilderConfig.set_flag": (
        ("8.6", "def", ((("flag", None),),), "None"),
    ),
    "IBuilderConfig.set_memory_pool_limit": (
        ("8.6", "def", ((("pool", None), ("pool_size", None)),), "None"),
    ),
    "IBuilderConfig.set_preview_feature": (
        ("8.6", "def", ((("feature", None), ("enable", None)),), "None"),
    ),
    "IBuilderConfig.set_quantization_flag": (
        ("8.6", "def", ((("flag", None),),), "None"),
    ),
    "IBuilderConfig.set_tactic_sources": (
        ("8.6", "def", ((("tactic_sources", None),),), "bool"),
    ),
    "IBuilderConfig.set_timing_cache": (
        ("8.6", "def", ((("cache", None), ("ignore_mismatch", None)),), "bool"),
    ),
    "IBuilderConfig.tiling_optimization_level": (
        ("10.8", "property", (), "TilingOptimizationLevel"),
    ),
    "ICudaEngine.__del__": (
        ("8.6", "def", ((),), "None"),
    ),
    "ICudaEngine.__getitem__": (
        ("8.6", "def", ((("arg0", None),), (("arg0", None),)), "int"),
        ("10.0", "def", ((("arg0", None),),), "str"),
    ),
    "ICudaEngine.__len__": (
        ("8.6", "def", ((),), "int"),
    ),
    "ICudaEngine.binding_is_input": (
        ("8.6", "def", ((("index", None),), (("name", None),)), "bool"),
    ),
    "ICudaEngine.create_engine_inspector": (
        ("8.6", "def", ((),), "nvinfer1::IEngineInspector"),
        ("10.0", "def", ((),), "EngineInspector"),
    ),
    "ICudaEngine.create_execution_context": (
        ("8.6", "def", ((),), "IExecutionContext"),
        ("10.0", "def", ((("strategy", "<ExecutionContextAllocationStrategy.STATIC: 0>"),),), "IExecutionContext"),
        ("10.11", "def", ((("strategy", "<ExecutionContextAllocationStrategy.STATIC: 0>"),), (("runtime_config", "None"),)), "IExecutionContext"),
    ),
    "ICudaEngine.create_execution_context_without_device_memory": (
        ("8.6", "def", ((),), "IExecutionContext"),
    ),
    "ICudaEngine.create_runtime_config": (
        ("10.11", "def", ((),), "IRuntimeConfig"),
    ),
    "ICudaEngine.create_serialization_config": (
        ("10.0", "def", ((),), "ISerializationConfig"),
    ),
    "ICudaEngine.device_memory_size": (
        ("8.6", "property_readonly", (), "int"),
    ),
    "ICudaEngine.device_memory_size_v2": (
        ("10.1", "property_readonly", (), "int"),
    ),
    "ICudaEngine.engine_capability": (
        ("8.6", "property_readonly", (), "nvinfer1::EngineCapability"),
        ("10.0", "property_readonly", (), "EngineCapability"),
    ),
    "ICudaEngine.error_recorder": (
        ("8.6", "property", (), "IErrorRecorder"),
    ),
    "ICudaEngine.get_aliased_input_tensor": (
        ("10.15", "def", ((("name", None),),), "str"),
    ),
    "ICudaEngine.get_binding_bytes_per_component": (
        ("8.6", "def", ((("index", None),),), "int"),
    ),
    "ICudaEngine.get_binding_components_per_element": (
        ("8.6", "def", ((("index", None),),), "int"),
    ),
    "ICudaEngine.get_binding_dtype": (
        ("8.6", "def", ((("index", None),), (("name", None),)), "DataType"),
    ),
    "ICudaEngine.get_binding_format": (
        ("8.6", "def", ((("index", None),),), "TensorFormat"),
    ),
    "ICudaEngine.get_binding_format_desc": (
        ("8.6", "def", ((("index", None),),), "str"),
    ),
    "ICudaEngine.get_binding_index": (
        ("8.6", "def", ((("name", None),),), "int"),
    ),
    "ICudaEngine.get_binding_name": (
        ("8.6", "def", ((("index", None),),), "str"),
    ),
    "ICudaEngine.get_binding_shape": (
        ("8.6", "def", ((("index", None),), (("name", None),)), "Dims"),
    ),
    "ICudaEngine.get_binding_vectorized_dim": (
        ("8.6", "def", ((("index", None),),), "int"),
    ),
    "ICudaEngine.get_device_memory_size_for_profile": (
        ("10.0", "def", ((("profile_index", None),),), "int"),
    ),
    "ICudaEngine.get_device_memory_size_for_profile_v2": (
        ("10.1", "def", ((("profile_index", None),),), "int"),
    ),
    "ICudaEngine.get_engine_stat": (
        ("10.14", "def", ((("stat", "<EngineStat.TOTAL_WEIGHTS_SIZE: 0>"),),), "int"),
    ),
    "ICudaEngine.get_location": (
        ("8.6", "def", ((("index", None),), (("name", None),)), "TensorLocation"),
    ),
    "ICudaEngine.get_profile_shape": (
        ("8.6", "def", ((("profile_index", None), ("binding", None)), (("profile_index", None), ("binding", None))), "Dims]"),
    ),
    "ICudaEngine.get_profile_shape_input": (
        ("8.6", "def", ((("profile_index", None), ("binding", None)), (("profile_index", None), ("binding", None))), "List[List[int]]"),
    ),
    "ICudaEngine.get_tensor_bytes_per_component": (
        ("8.6", "def", ((("name", None),), (("name", None), ("profile_index", None))), "int"),
    ),
    "ICudaEngine.get_tensor_components_per_element": (
        ("8.6", "def", ((("name", None),), (("name", None), ("profile_index", None))), "int"),
    ),
    "ICudaEngine.get_tensor_dtype": (
        ("8.6", "def", ((("name", None),),), "DataType"),
    ),
    "ICudaEngine.get_tensor_format": (
        ("8.6", "def", ((("name", None),), (("name", None), ("profile_index", None))), "TensorFormat"),
    ),
    "ICudaEngine.get_tensor_format_desc": (
        ("8.6", "def", ((("name", None),), (("name", None), ("profile_index", None))), "str"),
    ),
    "ICudaEngine.get_tensor_location": (
        ("8.6", "def", ((("name", None),),), "TensorLocation"),
    ),
    "ICudaEngine.get_tensor_mode": (
        ("8.6", "def", ((("name", None),),), "nvinfer1::TensorIOMode"),
        ("10.0", "def", ((("name", None),),), "TensorIOMode"),
    ),
    "ICudaEngine.get_tensor_name": (
        ("8.6", "def", ((("index", None),),), "str"),
    ),
    "ICudaEngine.get_tensor_profile_shape": (
        ("8.6", "def", ((("name", None), ("profile_index", None)),), "Dims]"),
    ),
    "ICudaEngine.get_tensor_profile_values": (
        ("10.0", "def", ((("name", None), ("profile_index", None)),), "List[List[int]]"),
        ("10.16", "def", ((("name", None), ("profile_index", None)),), "list[list[int]]"),
    ),
    "ICudaEngine.get_tensor_shape": (
        ("8.6", "def", ((("name", None),),), "Dims"),
    ),
    "ICudaEngine.get_tensor_vectorized_dim": (
        ("8.6", "def", ((("name", None),), (("name", None), ("profile_index", None))), "int"),
    ),
    "ICudaEngine.get_weight_streaming_automatic_budget": (
        ("10.1", "def", ((),), "int"),
    ),
    "ICudaEngine.hardware_compatibility_level": (
        ("8.6", "property_readonly", (), "nvinfer1::HardwareCompatibilityLevel"),
    ),
    "ICudaEngine.has_implicit_batch_dimension": (
        ("8.6", "property_readonly", (), "bool"),
    ),
    "ICudaEngine.is_debug_tensor": (
        ("10.0", "def", ((("name", None),),), "bool"),
    ),
    "ICudaEngine.is_execution_binding": (
        ("8.6", "def", ((("binding", None),),), "bool"),
    ),
    "ICudaEngine.is_shape_binding": (
        ("8.6", "def", ((("binding", None),),), "bool"),
    ),
    "ICudaEngine.is_shape_inference_io": (
        ("8.6", "def", ((("name", None),),), "bool"),
    ),
    "ICudaEngine.max_batch_size": (
        ("8.6", "property_readonly", (), "int"),
    ),
    "ICudaEngine.minimum_weight_streaming_budget": (
        ("10.0", "property_readonly", (), "int"),
    ),
    "ICudaEngine.name": (
        ("8.6", "property_readonly", (), "str"),
    ),
    "ICudaEngine.num_aux_streams": (
        ("8.6", "property_readonly", (), "int"),
    ),
    "ICudaEngine.num_bindings": (
        ("8.6", "property_readonly", (), "int"),
    ),
    "ICudaEngine.num_io_tensors": (
        ("8.6", "property_readonly", (), "int"),
    ),
    "ICudaEngine.num_layers": (
        ("8.6", "property_readonly", (), "int"),
    ),
    "ICudaEngine.num_optimization_profiles": (
        ("8.6", "property_readonly", (), "int"),
    ),
    "ICudaEngine.profiling_verbosity": (
        ("8.6", "property_readonly", (), "nvinfer1::ProfilingVerbosity"),
    ),
    "ICudaEngine.refittable": (
        ("8.6", "property_readonly", (), "bool"),
    ),
    "ICudaEngine.serialize": (
        ("8.6", "def", ((),), "IHostMemory"),
    ),
    "ICudaEngine.serialize_with_config": (
        ("10.0", "def", ((("arg0", None),),), "IHostMemory"),
    ),
    "ICudaEngine.streamable_weights_size": (
        ("10.0", "property_readonly", (), "int"),
    ),
    "ICudaEngine.tactic_sources": (
        ("8.6", "property_readonly", (), "int"),
    ),
    "ICudaEngine.weight_streaming_budget": (
        ("10.0", "property", (), "int"),
    ),
    "ICudaEngine.weight_streaming_budget_v2": (
        ("10.1", "property", (), "int"),
    ),
    "ICudaEngine.weight_streaming_scratch_memory_size": (
        ("10.1", "property_readonly", (), "int"),
    ),
    "IExecutionContext.__del__": (
        ("8.6", "def", ((),), "None"),
    ),
    "IExecutionContext.active_optimization_profile": (
        ("8.6", "property", (), "int"),
        ("10.0", "property_readonly", (), "int"),
    ),
    "IExecutionContext.all_binding_shapes_specified": (
        ("8.6", "property_readonly", (), "bool"),
    ),
    "IExecutionContext.all_shape_inputs_specified": (
        ("8.6", "property_readonly", (), "bool"),
    ),
    "IExecutionContext.debug_sync": (
        ("8.6", "property", (), "bool"),
    ),
    "IExecutionContext.device_memory": (
        ("8.6", "property", (), ""),
    ),
    "IExecutionContext.engine": (
        ("8.6", "property_readonly", (), "nvinfer1::ICudaEngine"),
    ),
    "IExecutionContext.enqueue_emits_profile": (
        ("8.6", "property", (), "bool"),
    ),
    "IExecutionContext.error_recorder": (
        ("8.6", "property", (), "IErrorRecorder"),
    ),
    "IExecutionContext.execute": (
        ("8.6", "def", ((("batch_size", "1"), ("bindings", None)),), "bool"),
    ),
    "IExecutionContext.execute_async": (
        ("8.6", "def", ((("batch_size", "1"), ("bindings", None), ("stream_handle", None), ("input_consumed", "None")),), "bool"),
    ),
    "IExecutionContext.execute_async_v2": (
        ("8.6", "def", ((("bindings", None), ("stream_handle", None), ("input_consumed", "None")),), "bool"),
    ),
    "IExecutionContext.execute_async_v3": (
        ("8.6", "def", ((("stream_handle", None),),), "bool"),
    ),
    "IExecutionContext.execute_v2": (
        ("8.6", "def", ((("bindings", None),),), "bool"),
    ),
    "IExecutionContext.get_binding_shape": (
        ("8.6", "def", ((("binding", None),),), "Dims"),
    ),
    "IExecutionContext.get_debug_listener": (
        ("10.0", "def", ((),), "IDebugListener"),
    ),
    "IExecutionContext.get_debug_state": (
        ("10.0", "def", ((("name", None),),), "bool"),
    ),
    "IExecutionContext.get_input_consumed_event": (
        ("8.6", "def", ((),), "int"),
    ),
    "IExecutionContext.get_max_output_size": (
        ("8.6", "def", ((("name", None),),), "int"),
    ),
    "IExecutionContext.get_output_allocator": (
        ("8.6", "def", ((("name", None),),), "nvinfer1::IOutputAllocator"),
        ("10.0", "def", ((("name", None),),), "IOutputAllocator"),
    ),
    "IExecutionContext.get_runtime_config": (
        ("10.11", "def", ((),), "nvinfer1::IRuntimeConfig"),
        ("10.14", "def", ((),), "IRuntimeConfig"),
    ),
    "IExecutionContext.get_shape": (
        ("8.6", "def", ((("binding", None),),), "List[int]"),
    ),
    "IExecutionContext.get_strides": (
        ("8.6", "def", ((("binding", None),),), "Dims"),
    ),
    "IExecutionContext.get_tensor_address": (
        ("8.6", "def", ((("name", None),),), "int"),
    ),
    "IExecutionContext.get_tensor_shape": (
        ("8.6", "def", ((("name", None),),), "Dims"),
    ),
    "IExecutionContext.get_tensor_strides": (
        ("8.6", "def", ((("name", None),),), "Dims"),
    ),
    "IExecutionContext.infer_shapes": (
        ("8.6", "def", ((),), "List[str]"),
        ("10.16", "def", ((),), "list[str]"),
    ),
    "IExecutionContext.name": (
        ("8.6", "property", (), "str"),
    ),
    "IExecutionContext.nvtx_verbosity": (
        ("8.6", "property", (), "nvinfer1::ProfilingVerbosity"),
    ),
    "IExecutionContext.persistent_cache_limit": (
        ("8.6", "property", (), "int"),
    ),
    "IExecutionContext.profiler": (
        ("8.6", "property", (), "IProfiler"),
    ),
    "IExecutionContext.report_to_profiler": (
        ("8.6", "def", ((),), "bool"),
    ),
    "IExecutionContext.set_all_tensors_debug_state": (
        ("10.0", "def", ((("flag", None),),), "bool"),
    ),
    "IExecutionContext.set_aux_streams": (
        ("8.6", "def", ((("aux_streams", None),),), "None"),
    ),
    "IExecutionContext.set_binding_shape": (
        ("8.6", "def", ((("binding", None), ("shape", None)),), "bool"),
    ),
    "IExecutionContext.set_communicator": (
        ("10.16", "def", ((("communicator", None),),), "bool"),
    ),
    "IExecutionContext.set_debug_listener": (
        ("10.0", "def", ((("listener", None),),), "bool"),
    ),
    "IExecutionContext.set_device_memory": (
        ("10.1", "def", ((("memory", None), ("size", None)),), "None"),
    ),
    "IExecutionContext.set_input_consumed_event": (
        ("8.6", "def", ((("event", None),),), "bool"),
    ),
    "IExecutionContext.set_input_shape": (
        ("8.6", "def", ((("name", None), ("shape", None)),), "bool"),
        ("10.0", "def", ((("name", None), ("shape", None)), (("name", None), ("shape", None)), (("name", None), ("shape", None))), "bool"),
    ),
    "IExecutionContext.set_optimization_profile_async": (
        ("8.6", "def", ((("profile_index", None), ("stream_handle", None)),), "bool"),
    ),
    "IExecutionContext.set_output_allocator": (
        ("8.6", "def", ((("name", None), ("output_allocator", None)),), "bool"),
    ),
    "IExecutionContext.set_shape_input": (
        ("8.6", "def", ((("binding", None), ("shape", None)),), "bool"),
    ),
    "IExecutionContext.set_tensor_address": (
        ("8.6", "def", ((("name", None), ("memory", None)),), "bool"),
    ),
    "IExecutionContext.set_tensor_debug_state": (
        ("10.0", "def", ((("name", None), ("flag", None)),), "bool"),
    ),
    "IExecutionContext.temporary_allocator": (
        ("8.6", "property", (), "nvinfer1::IGpuAllocator"),
        ("10.0", "property", (), "nvinfer1::v_1_0::IGpuAllocator"),
    ),
    "IExecutionContext.unfused_tensors_debug_state": (
        ("10.12", "property", (), "bool"),
    ),
    "IExecutionContext.update_device_memory_size_for_shapes": (
        ("10.0", "def", ((),), "int"),
    ),
    "INetworkDefinition.__del__": (
        ("8.6", "def", ((),), "None"),
    ),
    "INetworkDefinition.__getitem__": (
        ("8.6", "def", ((("arg0", None),),), "ILayer"),
    ),
    "INetworkDefinition.__len__": (
        ("8.6", "def", ((),), "int"),
    ),
    "INetworkDefinition.add_activation": (
        ("8.6", "def", ((("input", None), ("type", None)),), "IActivationLayer"),
    ),
    "INetworkDefinition.add_assertion": (
        ("8.6", "def", ((("condition", None), ("message", None)),), "IAssertionLayer"),
    ),
    "INetworkDefinition.add_attention": (
        ("10.14", "def", ((("query", None), ("key", None), ("value", None), ("norm_op", None), ("causal", None)),), "IAttention"),
    ),
    "INetworkDefinition.add_attention_v2": (
        ("11.0", "def", ((("query", None), ("key", None), ("value", None), ("norm_op", None), ("causal_kind", None)),), "IAttention"),
    ),
    "INetworkDefinition.add_cast": (
        ("8.6", "def", ((("input", None), ("to_type", None)),), "ICastLayer"),
    ),
    "INetworkDefinition.add_concatenation": (
        ("8.6", "def", ((("inputs", None),),), "IConcatenationLayer"),
    ),
    "INetworkDefinition.add_constant": (
        ("8.6", "def", ((("shape", None), ("weights", None)),), "IConstantLayer"),
    ),
    "INetworkDefinition.add_convolution": (
        ("8.6", "def", ((("input", None), ("num_output_maps", None), ("kernel_shape", None), ("kernel", None), ("bias", "None")),), "IConvolutionLayer"),
    ),
    "INetworkDefinition.add_convolution_nd": (
        ("8.6", "def", ((("input", None), ("num_output_maps", None), ("kernel_shape", None), ("kernel", None), ("bias", "None")),), "IConvolutionLayer"),
    ),
    "INetworkDefinition.add_cumulative": (
        ("10.8", "def", ((("input", None), ("axis", None), ("op", None), ("exclusive", None), ("reverse", None)),), "ICumulativeLayer"),
    ),
    "INetworkDefinition.add_deconvolution": (
        ("8.6", "def", ((("input", None), ("num_output_maps", None), ("kernel_shape", None), ("kernel", None), ("bias", "None")),), "IDeconvolutionLayer"),
    ),
    "INetworkDefinition.add_deconvolution_nd": (
        ("8.6", "def", ((("input", None), ("num_output_maps", None), ("kernel_shape", None), ("kernel", None), ("bias", "None")),), "IDeconvolutionLayer"),
    ),
    "INetworkDefinition.add_dequantize": (
        ("8.6", "def", ((("input", None), ("scale", None)),), "IDequantizeLayer"),
        ("10.0", "def", ((("input", None), ("scale", None)), (("input", None), ("scale", None), ("output_type", None))), "IDequantizeLayer"),
        ("11.0", "def", ((("input", None), ("scale", None), ("output_type", None)),), "IDequantizeLayer"),
    ),
    "INetworkDefinition.add_dist_collective": (
        ("10.16", "def", ((("input", None), ("dist_collective_op", None), ("reduce_op", None), ("root", None), ("groups", None)),), "IDistCollectiveLayer"),
    ),
    "INetworkDefinition.add_dynamic_quantize": (
        ("10.8", "def", ((("input", None), ("axis", None), ("block_size", None), ("output_type", None), ("scale_type", None)),), "IDynamicQuantizeLayer"),
    ),
    "INetworkDefinition.add_dynamic_quantize_v2": (
        ("10.15", "def", ((("input", None), ("block_shape", None), ("output_type", None), ("scale_type", None)),), "IDynamicQuantizeLayer"),
    ),
    "INetworkDefinition.add_einsum": (
        ("8.6", "def", ((("inputs", None), ("equation", None)),), "IEinsumLayer"),
    ),
    "INetworkDefinition.add_elementwise": (
        ("8.6", "def", ((("input1", None), ("input2", None), ("op", None)),), "IElementWiseLayer"),
    ),
    "INetworkDefinition.add_fill": (
        ("8.6", "def", ((("shape", None), ("op", None)),), "IFillLayer"),
        ("10.0", "def", ((("shape", None), ("op", None)), (("shape", None), ("op", None), ("output_type", None))), "IFillLayer"),
        ("10.12", "def", ((("shape", None), ("op", None), ("output_type", None)), (("shape", None), ("op", None))), "IFillLayer"),
        ("11.0", "def", ((("shape", None), ("op", None), ("output_type", "<DataType.FLOAT: 0>")),), "IFillLayer"),
    ),
    "INetworkDefinition.add_fully_connected": (
        ("8.6", "def", ((("input", None), ("num_outputs", None), ("kernel", None), ("bias", "None")),), "IFullyConnectedLayer"),
    ),
    "INetworkDefinition.add_gather": (
        ("8.6", "def", ((("input", None), ("indices", None), ("axis", None)),), "IGatherLayer"),
    ),
    "INetworkDefinition.add_gather_v2": (
        ("8.6", "def", ((("input", None), ("indices", None), ("mode", None)),), "IGatherLayer"),
    ),
    "INetworkDefinition.add_grid_sample": (
        ("8.6", "def", ((("input", None), ("grid", None)),), "IGridSampleLayer"),
    ),
    "INetworkDefinition.add_identity": (
        ("8.6", "def", ((("input", None),),), "IIdentityLayer"),
    ),
    "INetworkDefinition.add_if_conditional": (
        ("8.6", "def", ((),), "IIfConditional"),
    ),
    "INetworkDefinition.add_input": (
        ("8.6", "def", ((("name", None), ("dtype", None), ("shape", None)),), "ITensor"),
    ),
    "INetworkDefinition.add_kv_cache_update": (
        ("10.15", "def", ((("cache", None), ("update", None), ("write_indices", None), ("cache_mode", None)),), "IKVCacheUpdateLayer"),
    ),
    "INetworkDefinition.add_loop": (
        ("8.6", "def", ((),), "ILoop"),
    ),
    "INetworkDefinition.add_lrn": (
        ("8.6", "def", ((("input", None), ("window", None), ("alpha", None), ("beta", None), ("k", None)),), "ILRNLayer"),
    ),
    "INetworkDefinition.add_matrix_multiply": (
        ("8.6", "def", ((("input0", None), ("op0", None), ("input1", None), ("op1", None)),), "IMatrixMultiplyLayer"),
    ),
    "INetworkDefinition.add_moe": (
        ("10.16", "def", ((("hidden_states", None), ("selected_experts_for_tokens", None), ("scores_for_selected_experts", None)),), "IMoELayer"),
    ),
    "INetworkDefinition.add_nms": (
        ("8.6", "def", ((("boxes", None), ("scores", None), ("max_output_boxes_per_class", None)),), "INMSLayer"),
        ("10.14", "def", ((("boxes", None), ("scores", None), ("max_output_boxes_per_class", None)), (("boxes", None), ("scores", None), ("max_output_boxes_per_class", None), ("indices_type", None))), "INMSLayer"),
    ),
    "INetworkDefinition.add_non_zero": (
        ("8.6", "def", ((("input", None),),), "INonZeroLayer"),
        ("10.14", "def", ((("input", None),), (("input", None), ("indices_type", None))), "INonZeroLayer"),
    ),
    "INetworkDefinition.add_normalization": (
        ("8.6", "def", ((("input", None), ("scale", None), ("bias", None), ("axesMask", None)),), "INormalizationLayer"),
    ),
    "INetworkDefinition.add_normalization_v2": (
        ("10.15", "def", ((("input", None), ("scale", None), ("bias", None), ("axesMask", None)),), "INormalizationLayer"),
    ),
    "INetworkDefinition.add_one_hot": (
        ("8.6", "def", ((("indices", None), ("values", None), ("depth", None), ("axis", None)),), "IOneHotLayer"),
    ),
    "INetworkDefinition.add_padding": (
        ("8.6", "def", ((("input", None), ("pre_padding", None), ("post_padding", None)),), "IPaddingLayer"),
    ),
    "INetworkDefinition.add_padding_nd": (
        ("8.6", "def", ((("input", None), ("pre_padding", None), ("post_padding", None)),), "IPaddingLayer"),
    ),
    "INetworkDefinition.add_parametric_relu": (
        ("8.6", "def", ((("input", None), ("slopes", None)),), "IParametricReLULayer"),
    ),
    "INetworkDefinition.add_plugin": (
        ("10.6", "def", ((("tuple", None),),), "IPluginV3Layer"),
        ("10.8", "def", ((("tuple", None),), (("func", None),)), "IPluginV3Layer"),
        ("10.9", "def", ((("tuple", None),), (("func", None),), (("func", None), ("aot", None))), "IPluginV3Layer"),
    ),
    "INetworkDefinition.add_plugin_v2": (
        ("8.6", "def", ((("inputs", None), ("plugin", None)),), "IPluginV2Layer"),
    ),
    "INetworkDefinition.add_plugin_v3": (
        ("10.0", "def", ((("inputs", None), ("shape_inputs", None), ("plugin", None)),), "IPluginV3Layer"),
    ),
    "INetworkDefinition.add_pooling": (
        ("8.6", "def", ((("input", None), ("type", None), ("window_size", None)),), "IPoolingLayer"),
    ),
    "INetworkDefinition.add_pooling_nd": (
        ("8.6", "def", ((("input", None), ("type", None), ("window_size", None)),), "IPoolingLayer"),
    ),
    "INetworkDefinition.add_quantize": (
        ("8.6", "def", ((("input", None), ("scale", None)),), "IQuantizeLayer"),
        ("10.0", "def", ((("input", None), ("scale", None)), (("input", None), ("scale", None), ("output_type", None))), "IQuantizeLayer"),
        ("11.0", "def", ((("input", None), ("scale", None), ("output_type", None)),), "IQuantizeLayer"),
    ),
    "INetworkDefinition.add_ragged_softmax": (
        ("8.6", "def", ((("input", None), ("bounds", None)),), "IRaggedSoftMaxLayer"),
    ),
    "INetworkDefinition.add_reduce": (
        ("8.6", "def", ((("input", None), ("op", None), ("axes", None), ("keep_dims", None)),), "IReduceLayer"),
    ),
    "INetworkDefinition.add_resize": (
        ("8.6", "def", ((("input", None),),), "IResizeLayer"),
    ),
    "INetworkDefinition.add_reverse_sequence": (
        ("8.6", "def", ((("input", None), ("sequence_lens", None)),), "IReverseSequenceLayer"),
    ),
    "INetworkDefinition.add_rnn_v2": (
        ("8.6", "def", ((("input", None), ("layer_count", None), ("hidden_size", None), ("max_seq_length", None), ("op", None)),), "IRNNv2Layer"),
    ),
    "INetworkDefinition.add_rotary_embedding": (
        ("10.15", "def", ((("input", None), ("cos_cache", None), ("sin_cache", None), ("interleaved", None), ("rotary_embedding_dim", None)),), "IRotaryEmbeddingLayer"),
    ),
    "INetworkDefinition.add_scale": (
        ("8.6", "def", ((("input", None), ("mode", None), ("shift", "None"), ("scale", "None"), ("power", "None")),), "IScaleLayer"),
    ),
    "INetworkDefinition.add_scale_nd": (
        ("8.6", "def", ((("input", None), ("mode", None), ("shift", "None"), ("scale", "None"), ("power", "None"), ("channel_axis", None)),), "IScaleLayer"),
    ),
    "INetworkDefinition.add_scatter": (
        ("8.6", "def", ((("data", None), ("indices", None), ("updates", None), ("mode", None)),), "IScatterLayer"),
    ),
    "INetworkDefinition.add_select": (
        ("8.6", "def", ((("condition", None), ("then_input", None), ("else_input", None)),), "ISelectLayer"),
    ),
    "INetworkDefinition.add_shape": (
        ("8.6", "def", ((("input", None),),), "IShapeLayer"),
    ),
    "INetworkDefinition.add_shuffle": (
        ("8.6", "def", ((("input", None),),), "IShuffleLayer"),
    ),
    "INetworkDefinition.add_slice": (
        ("8.6", "def", ((("input", None), ("start", None), ("shape", None), ("stride", None)),), "ISliceLayer"),
    ),
    "INetworkDefinition.add_softmax": (
        ("8.6", "def", ((("input", None),),), "ISoftMaxLayer"),
    ),
    "INetworkDefinition.add_squeeze": (
        ("10.7", "def", ((("input", None), ("axes", None)),), "ISqueezeLayer"),
        ("11.4", "def", ((("input", None), ("axes", "None")),), "ISqueezeLayer"),
    ),
    "INetworkDefinition.add_topk": (
        ("8.6", "def", ((("input", None), ("op", None), ("k", None), ("axes", None)),), "ITopKLayer"),
        ("10.14", "def", ((("input", None), ("op", None), ("k", None), ("axes", None)), (("input", None), ("op", None), ("k", None), ("axes", None), ("indices_type", None))), "ITopKLayer"),
    ),
    "INetworkDefinition.add_unary": (
        ("8.6", "def", ((("input", None), ("op", None)),), "IUnaryLayer"),
    ),
    "INetworkDefinition.add_unsqueeze": (
        ("10.7", "def", ((("input", None), ("axes", None)),), "IUnsqueezeLayer"),
    ),
    "INetworkDefinition.are_weights_marked_refittable": (
        ("10.2", "def", ((("name", None),),), "bool"),
    ),
    "INetworkDefinition.builder": (
        ("8.6", "property_readonly", (), "nvinfer1::IBuilder"),
    ),
    "INetworkDefinition.error_recorder": (
        ("8.6", "property", (), "nvinfer1::IErrorRecorder"),
        ("10.0", "property", (), "nvinfer1::v_1_0::IErrorRecorder"),
    ),
    "INetworkDefinition.flags": (
        ("10.0", "property_readonly", (), "int"),
    ),
    "INetworkDefinition.get_flag": (
        ("10.0", "def", ((("flag", None),),), "bool"),
    ),
    "INetworkDefinition.get_input": (
        ("8.6", "def", ((("index", None),),), "ITensor"),
    ),
    "INetworkDefinition.get_layer": (
        ("8.6", "def", ((("index", None),),), "ILayer"),
    ),
    "INetworkDefinition.get_output": (
        ("8.6", "def", ((("index", None),),), "ITensor"),
    ),
    "INetworkDefinition.has_explicit_precision": (
        ("8.6", "property_readonly", (), "bool"),
    ),
    "INetworkDefinition.has_implicit_batch_dimension": (
        ("8.6", "property_readonly", (), "bool"),
    ),
    "INetworkDefinition.is_debug_tensor": (
        ("10.0", "def", ((("tensor", None),),), "bool"),
    ),
    "INetworkDefinition.mark_debug": (
        ("10.0", "def", ((("tensor", None),),), "bool"),
    ),
    "INetworkDefinition.mark_output": (
        ("8.6", "def", ((("tensor", None),),), "None"),
    ),
    "INetworkDefinition.mark_output_for_shapes": (
        ("8.6", "def", ((("tensor", None),),), "bool"),
    ),
    "INetworkDefinition.mark_unfused_tensors_as_debug_tensors": (
        ("10.12", "def", ((),), "bool"),
    ),
    "INetworkDefinition.mark_weights_refittable": (
        ("10.2", "def", ((("name", None),),), "bool"),
    ),
    "INetworkDefinition.name": (
        ("8.6", "property", (), "str"),
    ),
    "INetworkDefinition.num_inputs": (
        ("8.6", "property_readonly", (), "int"),
    ),
    "INetworkDefinition.num_layers": (
        ("8.6", "property_readonly", (), "int"),
    ),
    "INetworkDefinition.num_outputs": (
        ("8.6", "property_readonly", (), "int"),
    ),
    "INetworkDefinition.remove_tensor": (
        ("8.6", "def", ((("tensor", None),),), "None"),
    ),
    "INetworkDefinition.set_weights_name": (
        ("8.6", "def", ((("weights", None), ("name", None)),), "bool"),
    ),
    "INetworkDefinition.unmark_debug": (
        ("10.0", "def", ((("tensor", None),),), "bool"),
    ),
    "INetworkDefinition.unmark_output": (
        ("8.6", "def", ((("tensor", None),),), "None"),
    ),
    "INetworkDefinition.unmark_output_for_shapes": (
        ("8.6", "def", ((("tensor", None),),), "bool"),
    ),
    "INetworkDefinition.unmark_unfused_tensors_as_debug_tensors": (
        ("10.12", "def", ((),), "bool"),
    ),
    "INetworkDefinition.unmark_weights_refittable": (
        ("10.2", "def", ((("name", None),),), "bool"),
    ),
    "IOptimizationProfile.__bool__": (
        ("8.6", "def", ((),), "bool"),
    ),
    "IOptimizationProfile.__nonzero__": (
        ("8.6", "def", ((),), "bool"),
    ),
    "IOptimizationProfile.extra_memory_target": (
        ("8.6", "property", (), "float"),
    ),
    "IOptimizationProfile.get_shape": (
        ("8.6", "def", ((("input", None),),), "Dims]"),
    ),
    "IOptimizationProfile.get_shape_input": (
        ("8.6", "def", ((("input", None),),), "List[List[int]]"),
        ("10.16", "def", ((("input", None),),), "list[list[int]]"),
    ),
    "IOptimizationProfile.profile_stream": (
        ("11.4", "property", (), "int"),
    ),
    "IOptimizationProfile.set_shape": (
        ("8.6", "def", ((("input", None), ("min", None), ("opt", None), ("max", None)),), "None"),
    ),
    "IOptimizationProfile.set_shape_input": (
        ("8.6", "def", ((("input", None), ("min", None), ("opt", None), ("max", None)),), "None"),
    ),
    "ITimingCache.combine": (
        ("8.6", "def", ((("input_cache", None), ("ignore_mismatch", None)),), "bool"),
    ),
    "ITimingCache.query": (
        ("10.8", "def", ((("key", None),),), "TimingCacheValue"),
    ),
    "ITimingCache.queryKeys": (
        ("10.8", "def", ((),), "TimingCacheKey]"),
    ),
    "ITimingCache.reset": (
        ("8.6", "def", ((),), "bool"),
    ),
    "ITimingCache.serialize": (
        ("8.6", "def", ((),), "IHostMemory"),
    ),
    "ITimingCache.update": (
        ("10.8", "def", ((("key", None), ("value", None)),), "bool"),
    ),
    "OnnxParser.__del__": (
        ("8.6", "def", ((),), "None"),
    ),
    "OnnxParser.clear_errors": (
        ("8.6", "def", ((),), "None"),
    ),
    "OnnxParser.clear_flag": (
        ("8.6", "def", ((("flag", None),),), "None"),
    ),
    "OnnxParser.flags": (
        ("8.6", "property", (), "int"),
    ),
    "OnnxParser.get_error": (
        ("8.6", "def", ((("index", None),),), "nvonnxparser::IParserError"),
    ),
    "OnnxParser.get_flag": (
        ("8.6", "def", ((("flag", None),),), "bool"),
    ),
    "OnnxParser.get_layer_output_tensor": (
        ("10.0", "def", ((("name", None), ("i", None)),), "ITensor"),
    ),
    "OnnxParser.get_subgraph_nodes": (
        ("10.1", "def", ((("index", None),),), "list"),
    ),
    "OnnxParser.get_used_vc_plugin_libraries": (
        ("8.6", "def", ((),), "List[str]"),
        ("10.16", "def", ((),), "list[str]"),
    ),
    "OnnxParser.is_subgraph_supported": (
        ("10.1", "def", ((("index", None),),), "bool"),
    ),
    "OnnxParser.load_initializer": (
        ("10.13", "def", ((("name", None), ("data", None), ("size", None)),), "bool"),
    ),
    "OnnxParser.load_model_proto": (
        ("10.13", "def", ((("model", None), ("path", "None")),), "bool"),
    ),
    "OnnxParser.num_errors": (
        ("8.6", "property_readonly", (), "int"),
    ),
    "OnnxParser.num_subgraphs": (
        ("10.1", "property_readonly", (), "int"),
    ),
    "OnnxParser.parse": (
        ("8.6", "def", ((("model", None), ("path", "None")),), "bool"),
    ),
    "OnnxParser.parse_from_file": (
        ("8.6", "def", ((("model", None),),), "bool"),
    ),
    "OnnxParser.parse_model_proto": (
        ("10.13", "def", ((),), "bool"),
    ),
    "OnnxParser.parse_with_weight_descriptors": (
        ("8.6", "def", ((("model", None),),), "bool"),
    ),
    "OnnxParser.set_builder_config": (
        ("10.15", "def", ((("builder_config", None),),), "bool"),
    ),
    "OnnxParser.set_flag": (
        ("8.6", "def", ((("flag", None),),), "None"),
    ),
    "OnnxParser.supports_model": (
        ("8.6", "def", ((("model", None), ("path", "None")),), "Tuple[bool, List[Tuple[List[int], bool]]]"),
        ("10.16", "def", ((("model", None), ("path", "None")),), "tuple[bool, list[tuple[list[int], bool]]]"),
    ),
    "OnnxParser.supports_model_v2": (
        ("10.1", "def", ((("model", None), ("path", "None")),), "bool"),
    ),
    "OnnxParser.supports_operator": (
        ("8.6", "def", ((("op_name", None),),), "bool"),
    ),
    "Runtime.DLA_core": (
        ("8.6", "property", (), "int"),
    ),
    "Runtime.__del__": (
        ("8.6", "def", ((),), "None"),
    ),
    "Runtime.deserialize_cuda_engine": (
        ("8.6", "def", ((("serialized_engine", None),),), "ICudaEngine"),
        ("10.0", "def", ((("serialized_engine", None),), (("stream_reader", None),)), "ICudaEngine"),
        ("10.7", "def", ((("serialized_engine", None),), (("stream_reader", None),), (("stream_reader_v2", None),)), "ICudaEngine"),
        ("11.0", "def", ((("serialized_engine", None),), (("stream_reader_v2", None),)), "ICudaEngine"),
    ),
    "Runtime.dla_workspace_allocation_strategy": (
        ("11.3", "property", (), "DLAWorkspaceAllocationStrategy"),
    ),
    "Runtime.engine_host_code_allowed": (
        ("8.6", "property", (), "bool"),
    ),
    "Runtime.error_recorder": (
        ("8.6", "property", (), "IErrorRecorder"),
    ),
    "Runtime.get_plugin_registry": (
        ("8.6", "def", ((),), "IPluginRegistry"),
    ),
    "Runtime.gpu_allocator": (
        ("8.6", "property", (), ""),
    ),
    "Runtime.load_runtime": (
        ("8.6", "def", ((("path", None),),), "Runtime"),
    ),
    "Runtime.logger": (
        ("8.6", "property_readonly", (), "ILogger"),
    ),
    "Runtime.max_threads": (
        ("8.6", "property", (), "int"),
    ),
    "Runtime.num_DLA_cores": (
        ("8.6", "property_readonly", (), "int"),
    ),
    "Runtime.tempfile_control_flags": (
        ("8.6", "property", (), "int"),
    ),
    "Runtime.temporary_directory": (
        ("8.6", "property", (), "str"),
    ),
}

VALUES: dict[str, dict[str, tuple[tuple[str, int], ...]]] = {
    "APILanguage": {
        "CPP": (("10.0", 0),),
        "PYTHON": (("10.0", 1),),
    },
    "ActivationType": {
        "CLIP": (("8.6", 8),),
        "ELU": (("8.6", 4),),
        "GELU_ERF": (("10.0", 12),),
        "GELU_TANH": (("10.0", 13),),
        "HARD_SIGMOID": (("8.6", 9),),
        "LEAKY_RELU": (("8.6", 3),),
        "RELU": (("8.6", 0),),
        "SCALED_TANH": (("8.6", 10),),
        "SELU": (("8.6", 5),),
        "SIGMOID": (("8.6", 1),),
        "SOFTPLUS": (("8.6", 7),),
        "SOFTSIGN": (("8.6", 6),),
        "TANH": (("8.6", 2),),
        "THRESHOLDED_RELU": (("8.6", 11),),
    },
    "AllocatorFlag": {
        "RESIZABLE": (("8.6", 0),),
    },
    "AttentionIOForm": {
        "PACKED_NHD": (("11.0", 1),),
        "PADDED_BHND": (("11.0", 0),),
    },
    "AttentionNormalizationOp": {
        "NONE": (("10.14", 0),),
        "SOFTMAX": (("10.14", 1),),
    },
    "BoundingBoxFormat": {
        "CENTER_SIZES": (("8.6", 1),),
        "CORNER_PAIRS": (("8.6", 0),),
    },
    "BuilderFlag": {
        "BF16": (("10.0", 17),),
        "DEBUG": (("8.6", 2),),
        "DIRECT_IO": (("8.6", 12), ("10.0", 11)),
        "DISABLE_COMPILATION_CACHE": (("10.0", 18), ("11.0", 17)),
        "DISABLE_TIMING_CACHE": (("8.6", 6), ("10.0", 5)),
        "DISTRIBUTIVE_INDEPENDENCE": (("10.12", 28), ("11.0", 27)),
        "EDITABLE_TIMING_CACHE": (("10.8", 27), ("11.0", 26)),
        "ENABLE_TACTIC_HEURISTIC": (("8.6", 14),),
        "ERROR_ON_TIMING_CACHE_MISS": (("10.0", 16), ("11.0", 15)),
        "EXCLUDE_LEAN_RUNTIME": (("8.6", 16), ("10.0", 14), ("11.0", 13)),
        "FP16": (("8.6", 0),),
        "FP4": (("10.8", 26),),
        "FP8": (("8.6", 17), ("10.0", 15)),
        "GPU_FALLBACK": (("8.6", 3),),
        "INT4": (("10.1", 22),),
        "INT8": (("8.6", 1),),
        "MONITOR_MEMORY": (("10.6", 25), ("11.0", 24)),
        "OBEY_PRECISION_CONSTRAINTS": (("8.6", 10), ("10.0", 9)),
        "PREFER_PRECISION_CONSTRAINTS": (("8.6", 11), ("10.0", 10)),
        "REFIT": (("8.6", 5), ("10.0", 4)),
        "REFIT_IDENTICAL": (("10.0", 20), ("11.0", 19)),
        "REFIT_INDIVIDUAL": (("10.2", 23), ("11.0", 22)),
        "REJECT_EMPTY_ALGORITHMS": (("8.6", 13), ("10.0", 12)),
        "SAFETY_SCOPE": (("8.6", 9), ("10.0", 8)),
        "SPARSE_WEIGHTS": (("8.6", 8), ("10.0", 7)),
        "STRICT_NANS": (("10.6", 24), ("11.0", 23)),
        "STRICT_TYPES": (("8.6", 4),),
        "STRIP_PLAN": (("10.0", 19), ("11.0", 18)),
        "TF32": (("8.6", 7), ("10.0", 6)),
        "VERSION_COMPATIBLE": (("8.6", 15), ("10.0", 13), ("11.0", 12)),
        "WEIGHTLESS": (("10.0", 19),),
        "WEIGHT_STREAMING": (("10.0", 21), ("11.0", 20)),
    },
    "CalibrationAlgoType": {
        "ENTROPY_CALIBRATION": (("8.6", 1),),
        "ENTROPY_CALIBRATION_2": (("8.6", 2),),
        "LEGACY_CALIBRATION": (("8.6", 0),),
        "MINMAX_CALIBRATION": (("8.6", 3),),
    },
    "CausalMaskKind": {
        "LOWER_RIGHT": (("11.0", 2),),
        "NONE": (("11.0", 0),),
        "UPPER_LEFT": (("11.0", 1),),
    },
    "CollectiveOperation": {
        "ALL_GATHER": (("10.16", 1),),
        "ALL_REDUCE": (("10.16", 0),),
        "ALL_TO_ALL": (("11.0", 5),),
        "BROADCAST": (("10.16", 2),),
        "GATHER": (("11.0", 6),),
        "REDUCE": (("10.16", 3),),
        "REDUCE_SCATTER": (("10.16", 4),),
        "SCATTER": (("11.0", 7),),
    },
    "CumulativeOperation": {
        "SUM": (("10.8", 0),),
    },
    "DLAWorkspaceAllocationStrategy": {
        "DEFAULT": (("11.3", 0),),
        "SHARED_STATIC": (("11.3", 1),),
    },
    "DataType": {
        "BF16": (("10.0", 7),),
        "BOOL": (("8.6", 4),),
        "E8M0": (("10.12", 11),),
        "FLOAT": (("8.6", 0),),
        "FP4": (("10.8", 10),),
        "FP8": (("8.6", 6),),
        "HALF": (("8.6", 1),),
        "INT32": (("8.6", 3),),
        "INT4": (("10.0", 9),),
        "INT64": (("10.0", 8),),
        "INT8": (("8.6", 2),),
        "UINT8": (("8.6", 5),),
    },
    "DeviceType": {
        "DLA": (("8.6", 1),),
        "GPU": (("8.6", 0),),
    },
    "DimensionOperation": {
        "CEIL_DIV": (("10.0", 8),),
        "EQUAL": (("10.0", 5),),
        "FLOOR_DIV": (("10.0", 7),),
        "LESS": (("10.0", 6),),
        "MAX": (("10.0", 2),),
        "MIN": (("10.0", 3),),
        "PROD": (("10.0", 1),),
        "SUB": (("10.0", 4),),
        "SUM": (("10.0", 0),),
    },
    "ElementWiseOperation": {
        "AND": (("8.6", 8),),
        "DIV": (("8.6", 5),),
        "EQUAL": (("8.6", 11),),
        "FLOOR_DIV": (("8.6", 7),),
        "GREATER": (("8.6", 12),),
        "LESS": (("8.6", 13),),
        "MAX": (("8.6", 2),),
        "MIN": (("8.6", 3),),
        "OR": (("8.6", 9),),
        "POW": (("8.6", 6),),
        "PROD": (("8.6", 1),),
        "SUB": (("8.6", 4),),
        "SUM": (("8.6", 0),),
        "XOR": (("8.6", 10),),
    },
    "EngineCapability": {
        "DEFAULT": (("8.6", 0),),
        "DLA_STANDALONE": (("8.6", 2),),
        "SAFETY": (("8.6", 1),),
        "SAFE_DLA": (("8.6", 2),),
        "SAFE_GPU": (("8.6", 1),),
        "STANDARD": (("8.6", 0),),
    },
    "EngineStat": {
        "STRIPPED_WEIGHTS_SIZE": (("10.14", 1),),
        "TOTAL_WEIGHTS_SIZE": (("10.14", 0),),
    },
    "ErrorCode": {
        "INTERNAL_ERROR": (("8.6", 1),),
        "INVALID_GRAPH": (("8.6", 5),),
        "INVALID_NODE": (("8.6", 6),),
        "INVALID_VALUE": (("8.6", 4),),
        "MEM_ALLOC_FAILED": (("8.6", 2),),
        "MODEL_DESERIALIZE_FAILED": (("8.6", 3),),
        "REFIT_FAILED": (("10.0", 14),),
        "SUCCESS": (("8.6", 0),),
        "UNSUPPORTED_GRAPH": (("8.6", 7),),
        "UNSUPPORTED_NODE": (("8.6", 8),),
        "UNSUPPORTED_NODE_ATTR": (("10.0", 9),),
        "UNSUPPORTED_NODE_DATATYPE": (("10.0", 11),),
        "UNSUPPORTED_NODE_DYNAMIC": (("10.0", 12),),
        "UNSUPPORTED_NODE_INPUT": (("10.0", 10),),
        "UNSUPPORTED_NODE_SHAPE": (("10.0", 13),),
    },
    "ErrorCodeTRT": {
        "FAILED_ALLOCATION": (("8.6", 5),),
        "FAILED_COMPUTATION": (("8.6", 8),),
        "FAILED_EXECUTION": (("8.6", 7),),
        "FAILED_INITIALIZATION": (("8.6", 6),),
        "INTERNAL_ERROR": (("8.6", 2),),
        "INVALID_ARGUMENT": (("8.6", 3),),
        "INVALID_CONFIG": (("8.6", 4),),
        "INVALID_STATE": (("8.6", 9),),
        "SUCCESS": (("8.6", 0),),
        "UNSPECIFIED_ERROR": (("8.6", 1),),
        "UNSUPPORTED_STATE": (("8.6", 10),),
    },
    "ExecutionContextAllocationStrategy": {
        "ON_PROFILE_CHANGE": (("10.0", 1),),
        "STATIC": (("10.0", 0),),
        "USER_MANAGED": (("10.0", 2),),
    },
    "FieldType": {
        "CHAR": (("8.6", 2),),
        "DATATYPE": (("8.6", 5),),
        "DIMS": (("8.6", 4),),
        "FLOAT": (("8.6", 0),),
        "INT32": (("8.6", 1),),
        "UNKNOWN": (("8.6", 6),),
    },
    "FillOperation": {
        "LINSPACE": (("8.6", 0),),
        "RANDOM_NORMAL": (("8.6", 2),),
        "RANDOM_UNIFORM": (("8.6", 1),),
    },
    "GatherMode": {
        "DEFAULT": (("8.6", 0),),
        "ELEMENT": (("8.6", 1),),
        "ND": (("8.6", 2),),
    },
    "HardwareCompatibilityLevel": {
        "AMPERE_PLUS": (("8.6", 1),),
        "NONE": (("8.6", 0),),
        "SAME_COMPUTE_CAPABILITY": (("10.9", 2),),
    },
    "InterpolationMode": {
        "CUBIC": (("8.6", 2),),
        "LINEAR": (("8.6", 1),),
        "NEAREST": (("8.6", 0),),
    },
    "KVCacheMode": {
        "LINEAR": (("10.15", 0),),
    },
    "LayerInformationFormat": {
        "JSON": (("8.6", 1),),
        "ONELINE": (("8.6", 0),),
    },
    "LayerType": {
        "ACTIVATION": (("8.6", 2),),
        "ASSERTION": (("8.6", 40), ("10.0", 39)),
        "ATTENTION_INPUT": (("10.14", 51),),
        "ATTENTION_OUTPUT": (("10.14", 52),),
        "CAST": (("8.6", 47), ("10.0", 1)),
        "CONCATENATION": (("8.6", 8),),
        "CONDITION": (("8.6", 35), ("10.0", 34)),
        "CONDITIONAL_INPUT": (("8.6", 36), ("10.0", 35)),
        "CONDITIONAL_OUTPUT": (("8.6", 37), ("10.0", 36)),
        "CONSTANT": (("8.6", 19),),
        "CONVOLUTION": (("8.6", 0),),
        "CUMULATIVE": (("10.8", 49),),
        "DECONVOLUTION": (("8.6", 7),),
        "DEQUANTIZE": (("8.6", 34), ("10.0", 33)),
        "DIST_COLLECTIVE": (("10.16", 56),),
        "DYNAMIC_QUANTIZE": (("10.8", 50),),
        "EINSUM": (("8.6", 39), ("10.0", 38)),
        "ELEMENTWISE": (("8.6", 9),),
        "FILL": (("8.6", 32), ("10.0", 31)),
        "FULLY_CONNECTED": (("8.6", 1),),
        "GATHER": (("8.6", 16),),
        "GRID_SAMPLE": (("8.6", 43), ("10.0", 42)),
        "IDENTITY": (("8.6", 21), ("10.0", 20)),
        "ITERATOR": (("8.6", 29), ("10.0", 28)),
        "KV_CACHE_UPDATE": (("10.15", 54),),
        "LOOP_OUTPUT": (("8.6", 30), ("10.0", 29)),
        "LRN": (("8.6", 4),),
        "MATRIX_MULTIPLY": (("8.6", 17),),
        "MOE": (("10.16", 55),),
        "NMS": (("8.6", 44), ("10.0", 43)),
        "NON_ZERO": (("8.6", 42), ("10.0", 41)),
        "NORMALIZATION": (("8.6", 46), ("10.0", 45)),
        "ONE_HOT": (("8.6", 41), ("10.0", 40)),
        "PADDING": (("8.6", 12),),
        "PARAMETRIC_RELU": (("8.6", 25), ("10.0", 24)),
        "PLUGIN": (("8.6", 10),),
        "PLUGIN_V2": (("8.6", 22), ("10.0", 21)),
        "PLUGIN_V3": (("10.0", 46),),
        "POOLING": (("8.6", 3),),
        "QUANTIZE": (("8.6", 33), ("10.0", 32)),
        "RAGGED_SOFTMAX": (("8.6", 18),),
        "RECURRENCE": (("8.6", 28), ("10.0", 27)),
        "REDUCE": (("8.6", 14),),
        "RESIZE": (("8.6", 26), ("10.0", 25)),
        "REVERSE_SEQUENCE": (("8.6", 45), ("10.0", 44)),
        "RNN_V2": (("8.6", 20),),
        "ROTARY_EMBEDDING": (("10.15", 53),),
        "SCALE": (("8.6", 5),),
        "SCATTER": (("8.6", 38), ("10.0", 37)),
        "SELECT": (("8.6", 31), ("10.0", 30)),
        "SHAPE": (("8.6", 24), ("10.0", 23)),
        "SHUFFLE": (("8.6", 13),),
        "SLICE": (("8.6", 23), ("10.0", 22)),
        "SOFTMAX": (("8.6", 6),),
        "SQUEEZE": (("10.7", 47),),
        "TOPK": (("8.6", 15),),
        "TRIP_LIMIT": (("8.6", 27), ("10.0", 26)),
        "UNARY": (("8.6", 11),),
        "UNSQUEEZE": (("10.7", 48),),
    },
    "LoopOutput": {
        "CONCATENATE": (("8.6", 1),),
        "LAST_VALUE": (("8.6", 0),),
        "REVERSE": (("8.6", 2),),
    },
    "MatrixOperation": {
        "NONE": (("8.6", 0),),
        "TRANSPOSE": (("8.6", 1),),
        "VECTOR": (("8.6", 2),),
    },
    "MemoryPoolType": {
        "DLA_GLOBAL_DRAM": (("8.6", 3),),
        "DLA_LOCAL_DRAM": (("8.6", 2),),
        "DLA_MANAGED_SRAM": (("8.6", 1),),
        "TACTIC_DRAM": (("8.6", 4),),
        "TACTIC_SHARED_MEMORY": (("10.0", 5),),
        "WORKSPACE": (("8.6", 0),),
    },
    "MoEActType": {
        "NONE": (("10.16", 0),),
        "SILU": (("10.16", 1),),
    },
    "NetworkDefinitionCreationFlag": {
        "EXPLICIT_BATCH": (("8.6", 0),),
        "EXPLICIT_PRECISION": (("8.6", 1),),
        "PREFER_AOT_PYTHON_PLUGINS": (("10.9", 3), ("11.0", 2)),
        "PREFER_JIT_PYTHON_PLUGINS": (("10.9", 2), ("11.0", 1)),
        "STRONGLY_TYPED": (("10.0", 1), ("11.0", 0)),
    },
    "OnnxParserFlag": {
        "ADJUST_FOR_DLA": (("10.16", 4),),
        "ENABLE_PLUGIN_OVERRIDE": (("10.15", 3),),
        "ENABLE_UINT8_AND_ASYMMETRIC_QUANTIZATION_DLA": (("10.11", 1),),
        "NATIVE_INSTANCENORM": (("8.6", 0),),
        "REPORT_CAPABILITY_DLA": (("10.15", 2),),
    },
    "PaddingMode": {
        "CAFFE_ROUND_DOWN": (("8.6", 4),),
        "CAFFE_ROUND_UP": (("8.6", 5),),
        "EXPLICIT_ROUND_DOWN": (("8.6", 0),),
        "EXPLICIT_ROUND_UP": (("8.6", 1),),
        "SAME_LOWER": (("8.6", 3),),
        "SAME_UPPER": (("8.6", 2),),
    },
    "PluginArgDataType": {
        "INT16": (("10.9", 1),),
        "INT32": (("10.9", 2),),
        "INT8": (("10.9", 0),),
    },
    "PluginArgType": {
        "INT": (("10.9", 0),),
    },
    "PluginCapabilityType": {
        "BUILD": (("10.0", 1),),
        "CORE": (("10.0", 0),),
        "RUNTIME": (("10.0", 2),),
    },
    "PluginCreatorVersion": {
        "V1": (("10.0", 0),),
        "V1_PYTHON": (("10.0", 64),),
    },
    "PluginFieldType": {
        "BF16": (("10.0", 9),),
        "CHAR": (("8.6", 6),),
        "DIMS": (("8.6", 7),),
        "FLOAT16": (("8.6", 0),),
        "FLOAT32": (("8.6", 1),),
        "FLOAT64": (("8.6", 2),),
        "FP4": (("10.8", 13),),
        "FP8": (("10.0", 11),),
        "INT16": (("8.6", 4),),
        "INT32": (("8.6", 5),),
        "INT4": (("10.1", 12),),
        "INT64": (("10.0", 10),),
        "INT8": (("8.6", 3),),
        "UNKNOWN": (("8.6", 8),),
    },
    "PoolingType": {
        "AVERAGE": (("8.6", 1),),
        "MAX": (("8.6", 0),),
        "MAX_AVERAGE_BLEND": (("8.6", 2),),
    },
    "PreviewFeature": {
        "ALIASED_PLUGIN_IO_10_03": (("10.3", 1), ("11.0", 0)),
        "DISABLE_EXTERNAL_TACTIC_SOURCES_FOR_CORE_0805": (("8.6", 1),),
        "FASTER_DYNAMIC_SHAPES_0805": (("8.6", 0),),
        "MULTIDEVICE_RUNTIME_10_16": (("10.16", 3),),
        "PROFILE_SHARING_0806": (("8.6", 2), ("10.0", 0)),
        "RUNTIME_ACTIVATION_RESIZE_10_10": (("10.10", 2), ("11.0", 1)),
    },
    "ProfilingVerbosity": {
        "DEFAULT": (("8.6", 0),),
        "DETAILED": (("8.6", 2),),
        "LAYER_NAMES_ONLY": (("8.6", 0),),
        "NONE": (("8.6", 1),),
        "VERBOSE": (("8.6", 2),),
    },
    "QuantizationFlag": {
        "CALIBRATE_BEFORE_FUSION": (("8.6", 0),),
    },
    "QuickPluginCreationRequest": {
        "PREFER_AOT": (("10.9", 2),),
        "PREFER_JIT": (("10.9", 1),),
        "STRICT_AOT": (("10.9", 4),),
        "STRICT_JIT": (("10.9", 3),),
        "UNKNOWN": (("10.9", 0),),
    },
    "RNNDirection": {
        "BIDIRECTION": (("8.6", 1),),
        "UNIDIRECTION": (("8.6", 0),),
    },
    "RNNGateType": {
        "CELL": (("8.6", 5),),
        "FORGET": (("8.6", 2),),
        "HIDDEN": (("8.6", 6),),
        "INPUT": (("8.6", 0),),
        "OUTPUT": (("8.6", 1),),
        "RESET": (("8.6", 4),),
        "UPDATE": (("8.6", 3),),
    },
    "RNNInputMode": {
        "LINEAR": (("8.6", 0),),
        "SKIP": (("8.6", 1),),
    },
    "RNNOperation": {
        "GRU": (("8.6", 3),),
        "LSTM": (("8.6", 2),),
        "RELU": (("8.6", 0),),
        "TANH": (("8.6", 1),),
    },
    "ReduceOperation": {
        "AVG": (("8.6", 4),),
        "MAX": (("8.6", 2),),
        "MIN": (("8.6", 3),),
        "NONE": (("10.16", 5),),
        "PROD": (("8.6", 1),),
        "SUM": (("8.6", 0),),
    },
    "ResizeCoordinateTransformation": {
        "ALIGN_CORNERS": (("8.6", 0),),
        "ASYMMETRIC": (("8.6", 1),),
        "HALF_PIXEL": (("8.6", 2),),
    },
    "ResizeMode": {
        "CUBIC": (("8.6", 2),),
        "LINEAR": (("8.6", 1),),
        "NEAREST": (("8.6", 0),),
    },
    "ResizeRoundMode": {
        "CEIL": (("8.6", 3),),
        "FLOOR": (("8.6", 2),),
        "HALF_DOWN": (("8.6", 1),),
        "HALF_UP": (("8.6", 0),),
    },
    "ResizeSelector": {
        "FORMULA": (("8.6", 0),),
        "UPPER": (("8.6", 1),),
    },
    "RuntimePlatform": {
        "SAME_AS_BUILD": (("10.2", 0),),
        "WINDOWS_AMD64": (("10.2", 1),),
    },
    "SampleMode": {
        "CLAMP": (("8.6", 2),),
        "DEFAULT": (("8.6", 0),),
        "FILL": (("8.6", 3),),
        "REFLECT": (("8.6", 4),),
        "STRICT_BOUNDS": (("8.6", 0),),
        "WRAP": (("8.6", 1),),
    },
    "ScaleMode": {
        "CHANNEL": (("8.6", 1),),
        "ELEMENTWISE": (("8.6", 2),),
        "UNIFORM": (("8.6", 0),),
    },
    "ScatterMode": {
        "ELEMENT": (("8.6", 0),),
        "ND": (("8.6", 1),),
    },
    "SeekPosition": {
        "CUR": (("10.7", 1),),
        "END": (("10.7", 2),),
        "SET": (("10.7", 0),),
    },
    "SerializationFlag": {
        "EXCLUDE_LEAN_RUNTIME": (("10.0", 1),),
        "EXCLUDE_WEIGHTS": (("10.0", 0),),
        "INCLUDE_REFIT": (("10.14", 2),),
    },
    "SliceMode": {
        "CLAMP": (("8.6", 2),),
        "DEFAULT": (("8.6", 0),),
        "FILL": (("8.6", 3),),
        "REFLECT": (("8.6", 4),),
        "STRICT_BOUNDS": (("8.6", 0),),
        "WRAP": (("8.6", 1),),
    },
    "TacticSource": {
        "CUBLAS": (("8.6", 0),),
        "CUBLAS_LT": (("8.6", 1),),
        "CUDNN": (("8.6", 2),),
        "EDGE_MASK_CONVOLUTIONS": (("8.6", 3), ("11.0", 0)),
        "JIT_CONVOLUTIONS": (("8.6", 4), ("11.0", 1)),
    },
    "TempfileControlFlag": {
        "ALLOW_IN_MEMORY_FILES": (("8.6", 0),),
        "ALLOW_TEMPORARY_FILES": (("8.6", 1),),
    },
    "TensorFormat": {
        "CDHW32": (("8.6", 7),),
        "CHW16": (("8.6", 4),),
        "CHW2": (("8.6", 1),),
        "CHW32": (("8.6", 5),),
        "CHW4": (("8.6", 3),),
        "DHWC": (("8.6", 12),),
        "DHWC8": (("8.6", 6),),
        "DLA_HWC4": (("8.6", 10),),
        "DLA_LINEAR": (("8.6", 9),),
        "HWC": (("8.6", 8),),
        "HWC16": (("8.6", 11),),
        "HWC8": (("8.6", 2),),
        "LINEAR": (("8.6", 0),),
    },
    "TensorIOMode": {
        "INPUT": (("8.6", 1),),
        "NONE": (("8.6", 0),),
        "OUTPUT": (("8.6", 2),),
    },
    "TensorLocation": {
        "DEVICE": (("8.6", 0),),
        "HOST": (("8.6", 1),),
    },
    "TensorRTPhase": {
        "BUILD": (("10.0", 0),),
        "RUNTIME": (("10.0", 1),),
    },
    "TilingOptimizationLevel": {
        "FAST": (("10.8", 1),),
        "FULL": (("10.8", 3),),
        "MODERATE": (("10.8", 2),),
        "NONE": (("10.8", 0),),
    },
    "TopKOperation": {
        "MAX": (("8.6", 0),),
        "MIN": (("8.6", 1),),
    },
    "TripLimit": {
        "COUNT": (("8.6", 0),),
        "WHILE": (("8.6", 1),),
    },
    "UffInputOrder": {
        "NC": (("8.6", 2),),
        "NCHW": (("8.6", 0),),
        "NHWC": (("8.6", 1),),
    },
    "UnaryOperation": {
        "ABS": (("8.6", 4),),
        "ACOS": (("8.6", 12),),
        "ACOSH": (("8.6", 15),),
        "ASIN": (("8.6", 11),),
        "ASINH": (("8.6", 14),),
        "ATAN": (("8.6", 13),),
        "ATANH": (("8.6", 16),),
        "CEIL": (("8.6", 17),),
        "COS": (("8.6", 7),),
        "COSH": (("8.6", 10),),
        "ERF": (("8.6", 19),),
        "EXP": (("8.6", 0),),
        "FLOOR": (("8.6", 18),),
        "ISINF": (("8.6", 23),),
        "ISNAN": (("10.1", 24),),
        "LOG": (("8.6", 1),),
        "NEG": (("8.6", 5),),
        "NOT": (("8.6", 20),),
        "RECIP": (("8.6", 3),),
        "ROUND": (("8.6", 22),),
        "SIGN": (("8.6", 21),),
        "SIN": (("8.6", 6),),
        "SINH": (("8.6", 9),),
        "SQRT": (("8.6", 2),),
        "TAN": (("8.6", 8),),
    },
    "WeightsRole": {
        "ANY": (("8.6", 5),),
        "BIAS": (("8.6", 1),),
        "CONSTANT": (("8.6", 4),),
        "KERNEL": (("8.6", 0),),
        "SCALE": (("8.6", 3),),
        "SHIFT": (("8.6", 2),),
    },
}
