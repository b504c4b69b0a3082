"""How runtime-class members are called, per release: generated, do not edit.

Written by ``tools/gen_api_changes.py`` from ``tests/data/surfaces/``
``tensorrt-imported-members.json`` (NVIDIA's bindings of 8.6.1 and every 10.x / 11.x
release, imported on CPU). Which release has a member is the version table's word
(``trtcompat._api_changes``); this says how it is called there, for the fakes' stand-ins
(``_inert.py``).

``FORMS["Class.member"] = ((since, kind, overloads, returns), ...)``: from release ``since``
on (until the next entry), the member is a ``def`` / ``property`` / ``property_readonly``
whose overloads take ``((param, default or None), ...)`` and which returns ``returns``
(pybind's type name). Releases before the first entry (8.0 ... 8.5) use the first.
"""

# ruff: noqa: E501  (generated data: one entry per line)
from __future__ import annotations

FORMS: dict[
    str, tuple[tuple[str, str, tuple[tuple[tuple[str, str | None], ...], ...], str], ...]
] = {
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
