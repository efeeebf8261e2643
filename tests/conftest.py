"""Shared test set-up: Qt renders offscreen (no screen in CI)."""

import gc
import os
import subprocess

import pytest

# pytest-qt with neither a display nor QT_QPA_PLATFORM aborts the whole run (exit 134).
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture(scope="session", autouse=True)
def _garbage_collected_in_the_main_thread():
    """As in the wizard (``GuiThreadGarbageCollector``): no automatic collection, which could
    run in a worker thread and free a closed page's widgets there (a deadlock with the GUI
    thread); the due generations are collected between tests, in the main thread."""
    gc.disable()
    yield
    gc.enable()


@pytest.fixture(autouse=True)
def _collect_due_garbage():
    yield
    from nnft.gui.background import collect_due_generations

    collect_due_generations()


def put_label_value(label, value: int = 7) -> None:
    """Write ``value`` into the first voxel of the label file ``label`` (a value dataset.json
    does not list), keeping its geometry."""
    import SimpleITK as sitk

    image = sitk.ReadImage(str(label))
    voxels = sitk.GetArrayFromImage(image)
    voxels[0, 0, 0] = value
    changed = sitk.GetImageFromArray(voxels)
    changed.CopyInformation(image)
    sitk.WriteImage(changed, str(label))


@pytest.fixture
def processes():
    """Children a test starts; SIGKILLed and reaped at teardown."""
    started: list[subprocess.Popen] = []
    yield started
    for process in started:
        process.kill()
        process.wait()


# -- recorded NVML readings (the GPU monitor's tests; no GPU on the test machines) -------------
NVML_READINGS = os.path.join(os.path.dirname(__file__), "data", "nvml_readings.json")


class _NVMLError(Exception):
    """pynvml's NVMLError: ``value`` is NVML's return code."""

    def __init__(self, value: int) -> None:
        super().__init__(value)
        self.value = value

    def __str__(self) -> str:
        return {12: "NVML Shared Library Not Found", 9: "Driver Not Loaded",
                3: "Not Supported", 13: "Not Found"}.get(self.value, f"NVML error {self.value}")


class RecordedNvml:
    """Stands in for the ``pynvml`` module (passed as ``GpuSampler(nvml=...)``): answers its
    calls from recorded readings; each ``nvmlDeviceGetMemoryInfo`` of a GPU moves that GPU on to
    its next reading (the last one repeats). ``init_error`` makes ``nvmlInit`` fail with that
    NVML code (12: no library, 9: driver not loaded); ``unsupported`` lists the queries that
    answer "Not Supported" (``"utilization"``, ``"temperature"``: MIG instances)."""

    NVML_TEMPERATURE_GPU = 0
    NVML_ERROR_NOT_SUPPORTED = 3
    NVML_ERROR_DRIVER_NOT_LOADED = 9
    NVML_ERROR_LIBRARY_NOT_FOUND = 12
    NVML_ERROR_NOT_FOUND = 13
    NVMLError = _NVMLError

    def __init__(self, gpus: list[dict], init_error: int | None = None,
                 unsupported: tuple[str, ...] = ()) -> None:
        self.gpus = gpus
        self.init_error = init_error
        self.unsupported = unsupported
        self.position = [0] * len(gpus)
        self.calls: list[tuple[str, bool]] = []  # (function, called on the main thread)

    def _call(self, name: str) -> None:
        import threading

        self.calls.append((name, threading.current_thread() is threading.main_thread()))

    def _reading(self, handle: int) -> dict:
        readings = self.gpus[handle]["readings"]
        return readings[min(self.position[handle], len(readings) - 1)]

    def nvmlInit(self) -> None:
        self._call("nvmlInit")
        if self.init_error is not None:
            raise _NVMLError(self.init_error)

    def nvmlShutdown(self) -> None:
        self._call("nvmlShutdown")

    def nvmlDeviceGetCount(self) -> int:
        return len(self.gpus)

    def nvmlDeviceGetHandleByIndex(self, index: int) -> int:
        self._call("nvmlDeviceGetHandleByIndex")
        if not 0 <= index < len(self.gpus):
            raise _NVMLError(self.NVML_ERROR_NOT_FOUND)
        return index

    def nvmlDeviceGetHandleByUUID(self, uuid: str) -> int:
        for handle, gpu in enumerate(self.gpus):
            if gpu["uuid"] == uuid:
                return handle
        raise _NVMLError(self.NVML_ERROR_NOT_FOUND)

    def nvmlDeviceGetUUID(self, handle: int) -> str:
        return self.gpus[handle]["uuid"]

    def nvmlDeviceGetIndex(self, handle: int) -> int:
        return self.gpus[handle]["index"]

    def nvmlDeviceGetName(self, handle: int) -> str:
        return self.gpus[handle]["name"]

    def nvmlDeviceGetMemoryInfo(self, handle: int):
        from types import SimpleNamespace

        self._call("nvmlDeviceGetMemoryInfo")
        reading = self._reading(handle)
        self.position[handle] += 1
        return SimpleNamespace(total=reading["total"], used=reading["used"],
                               free=reading["free"])

    def nvmlDeviceGetUtilizationRates(self, handle: int):
        from types import SimpleNamespace

        if "utilization" in self.unsupported:
            raise _NVMLError(self.NVML_ERROR_NOT_SUPPORTED)
        reading = self.gpus[handle]["readings"][max(0, min(
            self.position[handle], len(self.gpus[handle]["readings"])) - 1)]
        return SimpleNamespace(gpu=reading["gpu"], memory=reading["memory"])

    def nvmlDeviceGetTemperature(self, handle: int, sensor: int) -> int:
        if "temperature" in self.unsupported or sensor != self.NVML_TEMPERATURE_GPU:
            raise _NVMLError(self.NVML_ERROR_NOT_SUPPORTED)
        readings = self.gpus[handle]["readings"]
        return readings[max(0, min(self.position[handle], len(readings)) - 1)]["temperature"]


@pytest.fixture(scope="session")
def recorded_nvml():
    """``recorded_nvml(start=0, **options)``: a fresh :class:`RecordedNvml` over
    ``tests/data/nvml_readings.json``; ``start`` skips each GPU's first readings (0: the idle
    H200 before the training, 1: during it)."""
    import json

    with open(NVML_READINGS, encoding="utf-8") as handle:
        gpus = json.load(handle)["gpus"]

    def make(start: int = 0, **options) -> RecordedNvml:
        nvml = RecordedNvml(gpus, **options)
        nvml.position = [start] * len(gpus)
        return nvml

    return make
