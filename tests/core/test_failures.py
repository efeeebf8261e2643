"""A failed step explained from its own output (nnft.core.failures): nnU-Net 2.8.1's dataset
verification run for real on broken copies of the demo data, a full disk from lines recorded
on real full disks (the real one: tests/integration/test_full_disk.py)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import SimpleITK as sitk

from nnft.core.failures import explain_failure
from nnft.core.i18n import load_catalog, translate

FINETUNE = "Dataset002_DemoFinetune"


def _env_without_roots() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("nnUNet_")}


def _rewrite(path: Path, change) -> None:
    """Rewrite an image with SimpleITK, its geometry kept unless ``change`` returns a new one."""
    image = sitk.ReadImage(str(path))
    changed = change(sitk.GetArrayFromImage(image))
    if isinstance(changed, sitk.Image):
        sitk.WriteImage(changed, str(path))
        return
    out = sitk.GetImageFromArray(changed)
    out.CopyInformation(image)
    sitk.WriteImage(out, str(path))


def _with_value_7(array: np.ndarray) -> np.ndarray:
    array[array.shape[0] // 2, :3, :3] = 7
    return array


def test_unexpected_label_named_in_the_last_lines_of_nnft_run(demo, snapshot_of) -> None:
    """Step 1's nnU-Net verification fails on a label value dataset.json does not list: the
    CLI's last line names the file, the case, the value and the fix; nnUNet_raw is untouched."""
    label = demo.finetune_raw / "labelsTr" / "ft_002.nii.gz"
    _rewrite(label, _with_value_7)
    raw_before = snapshot_of(demo.raw)
    run = subprocess.run(
        [sys.executable, "-m", "nnft.core.cli", "run", "--workspace", str(demo.root),
         "--pretrain", "1", "--finetune", "2", "--epochs", "1", "--iterations", "1",
         "--device", "cpu", "--config", "2d"],
        capture_output=True, text=True, timeout=300, env=_env_without_roots())
    assert run.returncode == 3, run.stdout + run.stderr
    last = run.stderr.strip().splitlines()[-1]
    assert last.startswith("Step 'plan_finetune' failed: exited with status 1: ")
    for needle in (f"{FINETUNE}/labelsTr/ft_002.nii.gz (case ft_002): 7",
                   "(allowed: 0, 1)", "Fix: Correct these label files",
                   str(demo.finetune_raw / "dataset.json")):
        assert needle in last, last
    assert "Please check text output above" not in last
    assert last.endswith("; then run the same command again.")  # said once, by the fix
    # The GUI shows the step's message: the session (and the step log) keep it.
    session = json.loads((demo.results / "nnFT" / "session.json").read_text(encoding="utf-8"))
    assert "ft_002.nii.gz (case ft_002): 7" in session["step_message"]["plan_finetune"]
    log = Path(session["step_log"]["plan_finetune"]).read_text(encoding="utf-8")
    assert "Unexpected labels found in file" in log and "nnFT: exited with status 1: " in log
    assert snapshot_of(demo.raw) == raw_before


def _verify_output(dataset: Path) -> list[str]:
    """nnU-Net's own ``verify_dataset_integrity`` on ``dataset``: its output lines."""
    code = ("import sys\nfrom nnunetv2.experiment_planning.verify_dataset_integrity import "
            "verify_dataset_integrity\nverify_dataset_integrity(sys.argv[1], 1)\n")
    run = subprocess.run([sys.executable, "-c", code, str(dataset)], capture_output=True,
                         text=True, timeout=120,
                         env={**os.environ, "nnUNet_raw": str(dataset.parent)})
    assert run.returncode != 0, "the broken dataset passed nnU-Net's verification"
    return (run.stdout + run.stderr).splitlines()


def test_geometry_named_from_nnunets_verification(demo) -> None:
    """A label of another size: nnU-Net's real verification output, explained."""
    _rewrite(demo.finetune_raw / "labelsTr" / "ft_003.nii.gz",
             lambda a: sitk.GetImageFromArray(a[:, :-4, :]))
    lines = _verify_output(demo.finetune_raw)
    found = explain_failure("plan_finetune", lines, demo.workspace)
    assert found is not None and found.kind == "geometry", lines
    assert "case ft_003: size of the images (32, 48, 48), of the label (32, 44, 48)" \
        in found.message
    # The label was written without its image's geometry: spacing 1 mm, printed readably.
    assert "spacing of the images [2.0, 0.8, 0.8], of the label [1.0, 1.0, 1.0]" \
        in found.message and "np.float64" not in found.message
    assert f"{FINETUNE}/labelsTr/ft_003.nii.gz" in found.message
    assert "Resample or re-export the label" in found.fix



def test_nan_values_named_from_recorded_verification_lines(demo) -> None:
    """nnU-Net's NaN messages (verify_dataset_integrity.check_cases' exact texts). Recorded,
    not run: SimpleITK reads a NaN voxel of a NIfTI file as 0 (checked: nibabel sees the NaN,
    SimpleITK 0), so nnU-Net's SimpleITKIO never reports NaN for the demo's .nii.gz."""
    image = str(demo.finetune_raw / "imagesTr" / "ft_001_0000.nii.gz")
    label = str(demo.finetune_raw / "labelsTr" / "ft_001.nii.gz")
    lines = ["Images contain NaN pixel values. You need to fix that by replacing NaN values "
             "with something that makes sense for your images!", "Images:", f"['{image}']",
             "Traceback (most recent call last):",
             "RuntimeError: Some images have errors. Please check text output above to see "
             "which one(s) and what's going on."]
    found = explain_failure("plan_finetune", lines, demo.workspace)
    assert found is not None and found.kind == "nan"
    assert f"{FINETUNE}/imagesTr/ft_001_0000.nii.gz" in found.message
    assert "Replace the NaN values" in found.fix
    found = explain_failure("plan_finetune", ["Segmentation contains NaN pixel values. You "
                                              "need to fix that.", "Segmentation:", label],
                            demo.workspace)
    assert found is not None and f"{FINETUNE}/labelsTr/ft_001.nii.gz" in found.message


#: The end of a preprocessing that ran out of space (blosc2 and the OS's errno 28), as
#: nnU-Net 2.8.1's DefaultPreprocessor workers report it.
RECORDED_DISK_FULL = """\
Preprocessing dataset Dataset002_DemoFinetune
Configuration: 2d...
multiprocessing.pool.RemoteTraceback:
\"\"\"
Traceback (most recent call last):
  File "/usr/lib/python3.11/multiprocessing/pool.py", line 125, in worker
    result = (True, func(*args, **kwds))
  File ".../preprocessors/default_preprocessor.py", line 183, in run_case_save
    nnUNetDatasetBlosc2.save_case(data, seg, properties, output_filename_truncated,
  File ".../blosc2/ndarray.py", line 3021, in asarray
    return blosc2_ext.asarray(array, chunks, blocks, **kwargs)
  File "blosc2_ext.pyx", line 2385, in blosc2.blosc2_ext.asarray
RuntimeError: Error while creating the NDArray
\"\"\"
OSError: [Errno 28] No space left on device: '{folder}/nnUNetPlans_2d/ft_004.pkl'
""".splitlines()


def test_full_disk_said_plainly_with_the_folder_and_its_free_space(demo) -> None:
    folder = demo.preprocessed / FINETUNE
    folder.mkdir(parents=True, exist_ok=True)  # nnUNetPlans_2d itself: deleted by nnU-Net
    lines = [line.replace("{folder}", str(folder)) for line in RECORDED_DISK_FULL]
    asked: list[str] = []

    def disk_usage(path: str) -> tuple[int, int, int]:
        asked.append(path)
        return (100_000_000_000, 99_988_000_000, 12_000_000)

    found = explain_failure("plan_finetune", lines, demo.workspace, disk_usage=disk_usage)
    assert found is not None and found.kind == "disk_full"
    assert asked == [str(folder)]  # the nearest existing folder of the failed write
    assert f"The disk is full: writing into {folder} failed" in found.message
    assert "12.0 MB are free there now" in found.message
    assert "Free space on that disk" in found.fix
    # Without a path in the output: the root the step writes into.
    found = explain_failure("finetune", ["RuntimeError: Error while creating the NDArray"],
                            demo.workspace, disk_usage=disk_usage)
    assert found is not None and str(demo.results) in found.message
    assert explain_failure("plan_finetune", lines[:3], demo.workspace) is None
    # In the wizard's Chinese, message and fix both.
    chinese = translate(found.as_text(), load_catalog("zh_CN"))
    assert "磁盘已满" in chinese and "解决办法" in chinese and "12.0 MB" in chinese


#: The end of ``nnUNetv2_plan_and_preprocess`` on a real full disk (a 200 kB tmpfs at
#: nnUNet_preprocessed/Dataset002_DemoFinetune): a worker's pickle.dump, no path named.
RECORDED_PREPROCESSING_ON_REAL_FULL_DISK = """\
  File ".../batchgenerators/utilities/file_and_folder_operations.py", line 99, in write_pickle
    pickle.dump(obj, f)
OSError: [Errno 28] No space left on device
\"\"\"

The above exception was the direct cause of the following exception:

Traceback (most recent call last):
  File ".../nnunetv2/preprocessing/preprocessors/default_preprocessor.py", line 407, in run
    r[i].get()  # trigger any errors from worker (single call, no duplicate)
  File "/usr/lib/python3.11/multiprocessing/pool.py", line 774, in get
    raise self._value
OSError: [Errno 28] No space left on device
""".splitlines()

#: The end of ``nnUNetv2_train`` whose final checkpoint filled a real disk (a 24 MB tmpfs at
#: nnUNet_results/Dataset002_DemoFinetune): torch names neither errno nor file.
RECORDED_CHECKPOINT_ON_REAL_FULL_DISK = """\
Traceback (most recent call last):
  File ".../torch/serialization.py", line 1312, in _save
    zip_file.write_record(name, storage, num_bytes)
RuntimeError: basic_ios::clear: iostream error

During handling of the above exception, another exception occurred:

Traceback (most recent call last):
  File ".../nnunetv2/training/nnUNetTrainer/nnUNetTrainer.py", line 987, in on_train_end
    self.save_checkpoint(join(self.output_folder, "checkpoint_final.pth"))
  File ".../nnunetv2/training/nnUNetTrainer/nnUNetTrainer.py", line 1216, in save_checkpoint
    torch.save(checkpoint, filename)
  File ".../torch/serialization.py", line 834, in __exit__
    self.file_like.write_end_of_file()
RuntimeError: [enforce fail at inline_container.cc:672] . unexpected pos 7884416 vs 7884304
""".splitlines()


def test_full_disk_without_a_path_is_looked_up_in_the_steps_own_folder(demo) -> None:
    """The step's folder may be on another disk than the nnU-Net root: its free space, not the
    root's, is the one that ran out."""
    folder = demo.preprocessed / FINETUNE / "nnUNetPlans_2d"
    folder.mkdir(parents=True)
    asked: list[str] = []

    def disk_usage(path: str) -> tuple[int, int, int]:
        asked.append(path)
        return (200_000, 200_000, 0)

    found = explain_failure("plan_finetune", RECORDED_PREPROCESSING_ON_REAL_FULL_DISK,
                            demo.workspace, disk_usage=disk_usage,
                            output_folder=demo.preprocessed / FINETUNE)
    assert found is not None and found.kind == "disk_full"
    assert asked == [str(demo.preprocessed / FINETUNE)]
    assert (f"The disk is full: writing into {demo.preprocessed / FINETUNE} failed "
            '("OSError: [Errno 28] No space left on device"); 0.0 MB are free there now.'
            == found.message)


def test_failed_checkpoint_write_is_a_full_disk_only_without_room_for_a_checkpoint(
        demo) -> None:
    """torch's failed write names no cause: a full disk when the fold folder has less room
    than its last checkpoint took, otherwise not explained (the last lines are shown)."""
    fold = demo.results / FINETUNE / "nnFTTrainerQuickTrial__nnUNetPlans__2d" / "fold_0"
    fold.mkdir(parents=True)
    with open(fold / "checkpoint_best.pth", "wb") as best:
        best.truncate(15_500_051)  # sparse: its size, not the disk's bytes
    free = {"bytes": 3_000}

    def disk_usage(path: str) -> tuple[int, int, int]:
        assert path == str(fold)
        return (24_000_000, 24_000_000 - free["bytes"], free["bytes"])

    found = explain_failure("finetune", RECORDED_CHECKPOINT_ON_REAL_FULL_DISK, demo.workspace,
                            disk_usage=disk_usage, output_folder=fold)
    assert found is not None and found.kind == "disk_full"
    assert found.message == (
        f"The disk is full: writing into {fold} failed (\"RuntimeError: [enforce fail at "
        "inline_container.cc:672] . unexpected pos 7884416 vs 7884304\"); 0.0 MB are free "
        "there now.")
    free["bytes"] = 20_000_000  # room for another checkpoint: something else failed
    assert explain_failure("finetune", RECORDED_CHECKPOINT_ON_REAL_FULL_DISK, demo.workspace,
                           disk_usage=disk_usage, output_folder=fold) is None
    (fold / "checkpoint_best.pth").unlink()  # none to compare with: under 1 MB is full
    free["bytes"] = 900_000
    assert explain_failure("finetune", RECORDED_CHECKPOINT_ON_REAL_FULL_DISK, demo.workspace,
                           disk_usage=disk_usage, output_folder=fold) is not None
    free["bytes"] = 1_100_000
    assert explain_failure("finetune", RECORDED_CHECKPOINT_ON_REAL_FULL_DISK, demo.workspace,
                           disk_usage=disk_usage, output_folder=fold) is None
