"""The training's GPU as NVIDIA's driver reports it, and whether its free memory fits the plans.

Readings come from NVML through NVIDIA's own binding, ``nvidia-ml-py`` (module ``pynvml``): a
call asks the driver's ``libnvidia-ml.so`` directly, takes well under a millisecond, starts no
process and imports no torch, so the wizard can sample every 2 s and ``nnft monitor`` with every
epoch line. Without the binding, the driver or a GPU everything here answers "unavailable" with
one reason line; nothing raises.

Which GPU: nnU-Net trains on ``cuda`` = ``cuda:0``, the first device ``CUDA_VISIBLE_DEVICES``
leaves visible. NVML numbers GPUs like ``nvidia-smi`` (PCI bus order) and ignores that
variable, so :func:`nvml_device_of` maps the training's device index through it (indices or
``GPU-``/``MIG-`` UUIDs). CUDA's own order is fastest-first unless ``CUDA_DEVICE_ORDER=
PCI_BUS_ID``; on a machine with *different* GPU models the two orders can differ, which
``nvidia-smi`` users know and set that variable for.

The memory check (:func:`gpu_memory_problems`) compares the GPU's free memory with what
nnU-Net's planner sized the configuration for (:data:`PLANNER_MEMORY_GB`).
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import problems as P
from .i18n import text
from .problems import Problem

if TYPE_CHECKING:
    from .steps.context import ChainContext

MIB = 1024 ** 2
GIB = 1024 ** 3
#: nnU-Net's planners give their targets in GB (``gpu_memory_target_in_gb``), the cards they
#: mean are sold in GB: an "8 GB" card has 8 GiB, a little more than 8e9 bytes. Comparing with
#: decimal GB keeps a healthy 8 GB, 24 GB or 40 GB card free of warnings for its preset.
GB = 1000 ** 3

#: What the training's GPU memory must hold, by nnU-Net planner (the plans'
#: ``experiment_planner_used``). The planner sizes patch and batch of *every* configuration
#: (2d, 3d_lowres, 3d_fullres) to its ``gpu_memory_target_in_gb``: 8 for the default
#: ``ExperimentPlanner`` and ResEnc M, 24 for L, 40 for XL (nnunetv2 2.8.1,
#: ``residual_encoder_unet_planners.py``). ResEnc M is listed at 9: its documentation
#: (``resenc_presets.md``) asks for a GPU of 9-11 GB, its network being larger than the
#: planner's estimate counts.
PLANNER_MEMORY_GB: dict[str, float] = {
    "ExperimentPlanner": 8,
    "nnUNetPlanner_torchres": 8,
    "ResEncUNetPlanner": 8,
    "nnUNetPlannerResEncM": 9,
    "nnUNetPlannerResEncL": 24,
    "nnUNetPlannerResEncL_torchres": 24,
    "nnUNetPlannerResEncL_torchres_sepz": 24,
    "nnUNetPlannerResEncL_noResampling": 24,
    "nnUNetPlannerResEncXL": 40,
}
#: The ResEnc presets' plans identifiers (``-pl nnUNetPlannerResEncL`` writes
#: ``nnUNetResEncUNetLPlans``); nnFT's own identifiers start with them
#: (``nnUNetResEncUNetLPlans_pretrain_for_Dataset002``). Used when no plans file is there yet.
IDENTIFIER_MEMORY_GB: tuple[tuple[str, float, str], ...] = (
    ("nnUNetResEncUNetXLPlans", 40, "nnUNetPlannerResEncXL"),
    ("nnUNetResEncUNetLPlans", 24, "nnUNetPlannerResEncL"),
    ("nnUNetResEncUNetMPlans", 9, "nnUNetPlannerResEncM"),
    ("nnUNetPlans", 8, "ExperimentPlanner"),
)


# -- readings ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class GpuSample:
    """One reading of one GPU.

    Attributes
    ----------
    index
        NVML's index of the GPU (``nvidia-smi``'s numbering, not CUDA's after
        ``CUDA_VISIBLE_DEVICES``).
    name
        e.g. ``NVIDIA H200``.
    utilization_percent
        GPU busy time over NVML's last sample period; None where the GPU does not report it
        (MIG instances).
    memory_used_mib, memory_total_mib, memory_free_mib
        Device memory in MiB, as NVML counts it.
    temperature_c
        GPU core temperature in °C; None where not reported.
    time
        When it was read (``time.time()``).
    """

    index: int
    name: str
    utilization_percent: int | None
    memory_used_mib: float
    memory_total_mib: float
    memory_free_mib: float
    temperature_c: int | None
    time: float

    @property
    def memory_free_bytes(self) -> float:
        return self.memory_free_mib * MIB


@dataclass(frozen=True)
class GpuUnavailable:
    """No reading: ``reason`` says why in one line (no driver, no GPU visible, an NVML error)."""

    reason: str


GpuReading = GpuSample | GpuUnavailable


def _load_pynvml() -> Any:
    import pynvml  # nvidia-ml-py; imported only when a GPU is asked about

    return pynvml


def _nvml_error_reason(nvml: Any, error: BaseException) -> str:
    """One line for an NVML failure, saying what is missing rather than NVML's code."""
    value = getattr(error, "value", None)
    if value is not None and value == getattr(nvml, "NVML_ERROR_LIBRARY_NOT_FOUND", object()):
        return "no NVIDIA driver: the NVML library (libnvidia-ml) was not found"
    if value is not None and value == getattr(nvml, "NVML_ERROR_DRIVER_NOT_LOADED", object()):
        return "the NVIDIA driver is not loaded"
    if value is not None and value == getattr(nvml, "NVML_ERROR_NO_PERMISSION", object()):
        return "no permission to read the GPU (NVML refused)"
    return f"NVML error: {error}"


def visible_device_entry(visible_devices: str | None, device_index: int) -> str | None:
    """The ``CUDA_VISIBLE_DEVICES`` entry CUDA calls ``cuda:<device_index>``.

    ``visible_devices`` None (unset) leaves every GPU visible: the entry is the index itself.
    CUDA reads the list up to the first invalid entry, so ``""`` or ``"-1"`` hide all GPUs
    (None is returned then, as for an index past the list's end).
    """
    if visible_devices is None:
        return str(device_index)
    entries: list[str] = []
    for raw in visible_devices.split(","):
        entry = raw.strip()
        if entry.isdigit() or entry.startswith(("GPU-", "MIG-")):
            entries.append(entry)
        else:
            break  # CUDA stops at the first entry it cannot use ("-1", "", "none")
    return entries[device_index] if device_index < len(entries) else None


def nvml_device_of(nvml: Any, entry: str) -> Any:
    """NVML's handle for one ``CUDA_VISIBLE_DEVICES`` entry: an index, or a (leading part of a)
    ``GPU-``/``MIG-`` UUID, as CUDA accepts it. Raises NVML's error when there is none."""
    if entry.isdigit():
        return nvml.nvmlDeviceGetHandleByIndex(int(entry))
    try:
        return nvml.nvmlDeviceGetHandleByUUID(entry)
    except nvml.NVMLError:
        # CUDA also takes a unique leading part of the UUID; NVML only the whole one.
        for index in range(nvml.nvmlDeviceGetCount()):
            handle = nvml.nvmlDeviceGetHandleByIndex(index)
            if str(nvml.nvmlDeviceGetUUID(handle)).startswith(entry):
                return handle
        raise


class GpuSampler:
    """Reads the training's GPU through NVML; safe to call from any one thread at a time.

    ``nvmlInit`` runs once, at the first :meth:`sample`; when it fails (no binding, no driver)
    the sampler stays unavailable with that reason and never asks again.

    Parameters
    ----------
    device_index
        The training's CUDA device index (nnU-Net's ``cuda`` is 0).
    environment
        The training's environment (its ``CUDA_VISIBLE_DEVICES`` picks the GPU); by default
        this process's, which a training nnFT starts inherits.
    nvml
        The ``pynvml`` module, or an object offering the same functions (recorded readings in
        tests); by default ``pynvml`` is imported at the first sample.
    clock
        Where a sample's ``time`` comes from.
    """

    def __init__(self, device_index: int = 0, *, environment: Mapping[str, str] | None = None,
                 nvml: Any = None, clock: Callable[[], float] = time.time) -> None:
        self.device_index = device_index
        self.visible_devices = (os.environ if environment is None else environment).get(
            "CUDA_VISIBLE_DEVICES")
        self._nvml = nvml
        self._clock = clock
        self._lock = threading.Lock()
        self._initialised = False
        self._failed: str | None = None  # why NVML cannot be used at all

    @property
    def unavailable_reason(self) -> str | None:
        """Why no GPU can be read at all (set after the first sample), else None."""
        return self._failed

    def _init(self) -> Any:
        """The NVML module, initialised once; None (and ``_failed`` set) when it cannot be."""
        if self._failed is not None:
            return None
        if self._nvml is None:
            try:
                self._nvml = _load_pynvml()
            except ImportError:
                self._failed = ("nvidia-ml-py is not installed (pip install nvidia-ml-py), so "
                                "no GPU can be read")
                return None
        if not self._initialised:
            try:
                self._nvml.nvmlInit()
            except Exception as error:  # NVMLError, or OSError from a broken library
                self._failed = _nvml_error_reason(self._nvml, error)
                return None
            self._initialised = True
        return self._nvml

    def sample(self) -> GpuReading:
        """One reading of the training's GPU, or :class:`GpuUnavailable` saying why not."""
        with self._lock:
            nvml = self._init()
            if nvml is None:
                return GpuUnavailable(self._failed or "no GPU")
            entry = visible_device_entry(self.visible_devices, self.device_index)
            if entry is None:
                return GpuUnavailable(
                    f"CUDA_VISIBLE_DEVICES={self.visible_devices!r} leaves no GPU "
                    f"cuda:{self.device_index} visible")
            try:
                handle = nvml_device_of(nvml, entry)
                name = str(nvml.nvmlDeviceGetName(handle))
                memory = nvml.nvmlDeviceGetMemoryInfo(handle)
                index = int(nvml.nvmlDeviceGetIndex(handle)) if not entry.isdigit() \
                    else int(entry)
            except Exception as error:  # NVMLError: the GPU vanished, a MIG UUID unknown, …
                return GpuUnavailable(f"GPU {entry}: {_nvml_error_reason(nvml, error)}")
            # Not every GPU reports these (MIG instances have no utilisation): leave them out.
            try:
                utilization: int | None = int(nvml.nvmlDeviceGetUtilizationRates(handle).gpu)
            except Exception:
                utilization = None
            try:
                temperature: int | None = int(nvml.nvmlDeviceGetTemperature(
                    handle, nvml.NVML_TEMPERATURE_GPU))
            except Exception:
                temperature = None
            return GpuSample(index=index, name=name, utilization_percent=utilization,
                             memory_used_mib=memory.used / MIB,
                             memory_total_mib=memory.total / MIB,
                             memory_free_mib=memory.free / MIB,
                             temperature_c=temperature, time=self._clock())

    def close(self) -> None:
        """Release NVML (its init is reference counted; harmless when it never started)."""
        with self._lock:
            if self._initialised and self._nvml is not None:
                try:
                    self._nvml.nvmlShutdown()
                except Exception:
                    pass
                self._initialised = False


def process_environment(pid: int) -> dict[str, str] | None:
    """The environment of a running process (Linux ``/proc``): which GPU a training started
    elsewhere sees. None when it cannot be read (another user's process, not Linux)."""
    try:
        raw = Path(f"/proc/{pid}/environ").read_bytes()
    except OSError:
        return None
    pairs = (item.decode(errors="replace").split("=", 1) for item in raw.split(b"\0") if item)
    return {pair[0]: pair[1] for pair in pairs if len(pair) == 2}


# -- formatting ----------------------------------------------------------------------------------
def format_sample(sample: GpuSample) -> str:
    """``GPU 0 NVIDIA H200 · 87 % · 40.1/139.8 GiB · 61 °C`` (unknown parts left out)."""
    parts = [f"GPU {sample.index} {sample.name}"]
    if sample.utilization_percent is not None:
        parts.append(f"{sample.utilization_percent} %")
    parts.append(f"{sample.memory_used_mib / 1024:.1f}/{sample.memory_total_mib / 1024:.1f} GiB")
    if sample.temperature_c is not None:
        parts.append(f"{sample.temperature_c} °C")
    return " · ".join(parts)


def format_columns(sample: GpuSample) -> str:
    """The GPU columns of an epoch line: ``GPU0 87 %  40.1/139.8 GiB  61 °C`` (unknown parts
    shown as ``-``, so the columns stay in place)."""
    util = "-" if sample.utilization_percent is None else str(sample.utilization_percent)
    temp = "-" if sample.temperature_c is None else str(sample.temperature_c)
    return (f"GPU{sample.index} {util:>3} %  "
            f"{sample.memory_used_mib / 1024:.1f}/{sample.memory_total_mib / 1024:.1f} GiB  "
            f"{temp} °C")


def format_unavailable(reading: GpuUnavailable) -> str:
    """The one quiet line said when there is nothing to show."""
    return f"no GPU readings ({reading.reason})"


# -- what the configuration needs ----------------------------------------------------------------
@dataclass(frozen=True)
class MemoryNeed:
    """The GPU memory a configuration was planned for.

    Attributes
    ----------
    gigabytes
        The planner's target (decimal GB, as nnU-Net states it).
    planner
        The planner it comes from (``experiment_planner_used``, or the one the identifier
        names).
    plans_name, configuration
        What will be trained.
    """

    gigabytes: float
    planner: str
    plans_name: str
    configuration: str

    @property
    def bytes(self) -> float:
        return self.gigabytes * GB


def memory_need(plans: dict[str, Any] | None, plans_name: str,
                configuration: str) -> MemoryNeed | None:
    """What nnU-Net sized ``configuration`` of these plans for; None for a planner nnFT does not
    know (a custom one: its target is not written into the plans).

    Parameters
    ----------
    plans
        The plans JSON when it exists (its ``experiment_planner_used`` decides; nnU-Net's
        plans transfer keeps it), else None.
    plans_name
        The plans identifier, used when there is no plans file yet (the ResEnc presets name
        their identifiers ``nnUNetResEncUNet{M,L,XL}Plans``).
    configuration
        The configuration to train (every one is planned for the same target).
    """
    planner = str((plans or {}).get("experiment_planner_used") or "")
    if planner:
        gigabytes = PLANNER_MEMORY_GB.get(planner)
        return MemoryNeed(gigabytes, planner, plans_name, configuration) \
            if gigabytes is not None else None
    for prefix, gigabytes, named_planner in IDENTIFIER_MEMORY_GB:
        if plans_name.startswith(prefix):
            return MemoryNeed(gigabytes, named_planner, plans_name, configuration)
    return None


def memory_need_of_chain(ctx: ChainContext) -> MemoryNeed | None:
    """What the chain's trainings need: the fine-tuning dataset's plans (the pretraining gets
    them by the transfer, planner and all) or the model's, read from disk."""
    import json

    o = ctx.options
    if ctx.from_model:
        return memory_need(ctx.model.plans, ctx.model.plans_name, o.configuration)
    try:
        plans = json.loads(ctx.finetune_plans_file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        plans = None  # not planned yet: the identifier tells
    return memory_need(plans if isinstance(plans, dict) else None, o.finetune_plans,
                       o.configuration)


def memory_problem(need: MemoryNeed, sample: GpuSample) -> Problem | None:
    """``GPU_MEMORY_LOW`` (a warning) when the GPU's free memory is below the need."""
    if sample.memory_free_bytes >= need.bytes:
        return None
    free_gib = sample.memory_free_mib / 1024
    others = sample.memory_used_mib / 1024
    smaller = (text("plan with a smaller preset (nnUNetv2_plan_experiment -pl "
                    "nnUNetPlannerResEncM: 9 GB, or nnU-Net's default planner: 8 GB) under a "
                    "new plans identifier")
               if need.gigabytes > 9 else
               text("plan with a smaller target (nnUNetv2_plan_experiment -gpu_memory_target "
                    "GB -overwrite_plans_name NEW_NAME) and train with those plans"))
    return P.warning(
        P.GPU_MEMORY_LOW,
        text("GPU {index} ({name}) has {free:.1f} GiB of {total:.1f} GiB free, but "
             "configuration '{configuration}' of plans '{plans}' was planned by {planner} for "
             "about {gigabytes:g} GB of GPU memory: the training may stop with 'CUDA out of "
             "memory'.", index=sample.index, name=sample.name, free=free_gib,
             total=sample.memory_total_mib / 1024, configuration=need.configuration,
             plans=need.plans_name, planner=need.planner, gigabytes=need.gigabytes),
        text("Free the GPU ({others:.1f} GiB are in use: see nvidia-smi for the processes), "
             "choose a GPU with more free memory (CUDA_VISIBLE_DEVICES=N), or {smaller}.",
             others=others, smaller=smaller))


def gpu_memory_problems(ctx: ChainContext, sampler: GpuSampler | None = None) -> list[Problem]:
    """Before a training on ``cuda``: does the GPU's free memory fit what the plans need?

    Nothing on ``cpu``/``mps``, for an unknown planner, or when the GPU cannot be read (no
    driver, no NVML): the device check says what matters there.
    """
    if ctx.options.device != "cuda":
        return []
    need = memory_need_of_chain(ctx)
    if need is None:
        return []
    own = sampler is None
    sampler = sampler or GpuSampler()
    try:
        reading = sampler.sample()
    finally:
        if own:
            sampler.close()
    if not isinstance(reading, GpuSample):
        return []
    problem = memory_problem(need, reading)
    return [problem] if problem else []


class MonitorGpuColumns:
    """The GPU part of ``nnft monitor --follow``: one line when following starts (the GPU, or
    why there are no readings), then the GPU columns of each new epoch line.

    Parameters
    ----------
    sampler
        Reads the training's GPU (NVML by default, this process's ``CUDA_VISIBLE_DEVICES``).
    """

    def __init__(self, sampler: GpuSampler | None = None) -> None:
        self.sampler = sampler or GpuSampler()
        self.enabled = True
        self._pid: int | None = None

    def start_line(self) -> str:
        """``GPU: GPU 0 NVIDIA H200 · 0 % · 0.5/140.4 GiB · 34 °C``, or the quiet reason why
        the epoch lines get no GPU columns."""
        reading = self.sampler.sample()
        if isinstance(reading, GpuUnavailable):
            self.enabled = False
            return f"GPU: {format_unavailable(reading)}"
        return f"GPU: {format_sample(reading)}"

    def columns(self) -> str:
        """``  GPU0  87 %  40.1/140.4 GiB  61 °C`` to append to an epoch line ('' without)."""
        if not self.enabled:
            return ""
        reading = self.sampler.sample()
        return f"  {format_columns(reading)}" if isinstance(reading, GpuSample) else ""

    def follow_process(self, pid: int | None, argv: list[str]) -> str | None:
        """Sample the GPU the training process ``pid`` uses (its ``CUDA_VISIBLE_DEVICES``,
        its ``-device``). Returns a line to print when that changes what is shown."""
        if pid is None or pid == self._pid or not self.enabled:
            return None
        self._pid = pid
        if "-device" in argv[:-1]:
            device = argv[argv.index("-device") + 1]
            if device != "cuda":
                self.enabled = False
                return f"GPU: the training runs on {device}: no GPU columns"
        environment = process_environment(pid)
        if environment is None:
            return None
        visible = environment.get("CUDA_VISIBLE_DEVICES")
        if visible == self.sampler.visible_devices:
            return None
        self.sampler.visible_devices = visible
        reading = self.sampler.sample()
        shown = format_sample(reading) if isinstance(reading, GpuSample) \
            else format_unavailable(reading)
        return f"GPU: the training's (CUDA_VISIBLE_DEVICES={visible}): {shown}"


@dataclass(frozen=True)
class GpuStatus:
    """What the wizard's GPU strip shows: a reading, and the memory the plans need (None when
    not asked for, e.g. while a training runs and holds the memory itself, or unknown)."""

    reading: GpuReading
    need: MemoryNeed | None = None

    @property
    def memory_low(self) -> bool:
        """The free memory is below the need (:func:`memory_problem`'s rule)."""
        return isinstance(self.reading, GpuSample) and self.need is not None and \
            memory_problem(self.need, self.reading) is not None


def gpu_status(sampler: GpuSampler, ctx: ChainContext | None = None) -> GpuStatus:
    """One reading, and the chain's memory need when ``ctx`` is given (reads the plans file:
    call it off the GUI thread)."""
    reading = sampler.sample()
    need = memory_need_of_chain(ctx) if ctx is not None and isinstance(reading, GpuSample) \
        else None
    return GpuStatus(reading, need)
