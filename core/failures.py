"""A failed step explained from its own output: which case, which value or file, and the fix.

nnU-Net's dataset verification (``--verify_dataset_integrity`` in steps that plan or
preprocess) prints the details of what it found several lines above the exception that ends
the command ("Some segmentation images contained unexpected labels. Please check text output
above to see which one(s)."), and a full disk shows up as ``No space left on device`` or blosc2's
``Error while creating the NDArray`` deep inside a multiprocessing traceback (measured on a
real full disk: ``OSError: [Errno 28] No space left on device`` without a path, from a
preprocessing worker's ``pickle.dump``), and torch's ``torch.save`` of a checkpoint as a failed
write (``basic_ios::clear: iostream error``, ``unexpected pos N vs M``). Instead of sending
the user to read the log, :func:`explain_failure` reads the lines (the step log) and says it in
one message with a fix. The texts it recognises are nnunetv2 2.8.1's
(``experiment_planning/verify_dataset_integrity.py``).
"""

from __future__ import annotations

import ast
import re
import shutil
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from .disk_space import size_text
from .i18n import Text, text
from .workspace import Workspace

#: Steps whose command writes into nnUNet_preprocessed (planning, preprocessing); the others
#: that run nnU-Net (trainings) write into nnUNet_results.
PREPROCESSING_STEPS = frozenset({"plan_finetune", "fingerprint_pretrain", "preprocess_pretrain",
                                 "fingerprint_finetune", "preprocess_finetune"})

#: How much of a step log is read (its end): the verification's lines come shortly before the
#: failure, and a training log can be long.
LOG_BYTES_READ = 4 * 1024 * 1024


@dataclass(frozen=True)
class Explanation:
    """What went wrong (naming the case, value or file) and how to fix it.

    ``kind`` is one of ``unexpected_labels``, ``missing_files``, ``geometry``, ``nan``,
    ``disk_full``.
    """

    kind: str
    message: Text
    fix: Text

    def as_text(self) -> Text:
        """Message and fix as one text (the step's failure message)."""
        return text("{message} Fix: {fix}", message=self.message, fix=self.fix)


_UNEXPECTED_RE = re.compile(r"Unexpected labels found in file (?P<file>.+?)\.?\s*$")
_NUMBER_RE = re.compile(r"-?\d+(?:\.\d*)?(?:[eE][-+]?\d+)?")
_DISK_FULL_RE = re.compile(r"No space left on device|Error while creating the NDArray|"
                           r"\[Errno 28\]|errno 28|ENOSPC", re.IGNORECASE)
_ERRNO_PATH_RE = re.compile(r"No space left on device: '(?P<path>[^']+)'")
#: torch.save's failed write (its C++ stream writer says neither errno nor path): a full disk
#: only when the folder has no room for another checkpoint now (:func:`_no_room_for_checkpoint`).
_TORCH_WRITE_FAILED_RE = re.compile(r"unexpected pos \d+ vs \d+|PytorchStreamWriter failed "
                                    r"writing|basic_ios::clear: iostream error")
#: Free space below this, in a folder without checkpoints, leaves no room for one.
NO_ROOM_BYTES = 1_000_000
_SHAPE_RE = re.compile(r"Error: (?P<what>Shape|Spacing) mismatch between segmentation")


def read_log_lines(log_path: Path | None) -> list[str]:
    """The end of a step log as lines (empty when it cannot be read)."""
    if log_path is None:
        return []
    try:
        with open(log_path, "rb") as log:
            log.seek(0, 2)
            size = log.tell()
            log.seek(max(0, size - LOG_BYTES_READ))
            data = log.read()
    except OSError:
        return []
    return data.decode("utf-8", errors="replace").splitlines()


def explain_failure(step_key: str, output_lines: Sequence[str], workspace: Workspace, *,
                    disk_usage: Callable[[str], tuple[int, int, int]] | None = None,
                    output_folder: Path | None = None) -> Explanation | None:
    """Say why a step failed, from its own output; None when nothing known is recognised.

    Parameters
    ----------
    step_key
        The failed step (which folder a full disk concerns).
    output_lines
        The command's output (the step log's lines, or its tail).
    workspace
        For the folders named in the message (relative to nnUNet_raw) and the free space.
    disk_usage
        ``shutil.disk_usage`` (replaceable in tests).
    output_folder
        The folder the step writes into (its first output's folder: the dataset's
        preprocessed folder, the training's fold folder). A full disk whose output names no
        path is looked up there, not at the nnU-Net root: the two may be on different disks.

    Returns
    -------
    Explanation or None
        The first known cause in this order: a full disk, unexpected label values, missing
        files, NaN values, a geometry mismatch.
    """
    lines = [line.rstrip("\r") for line in output_lines]
    usage = disk_usage or shutil.disk_usage
    found = _disk_full(step_key, lines, workspace, usage, output_folder)
    if found is not None:
        return found
    for explain in (_unexpected_labels, _missing_files, _nan_values, _geometry):
        found = explain(step_key, lines, workspace, usage)
        if found is not None:
            return found
    return None


def _shown_path(path: str, workspace: Workspace) -> str:
    """``Dataset001_X/labelsTr/case.nii.gz`` for a file under nnUNet_raw, else the path."""
    if workspace.raw is not None:
        try:
            return str(Path(path).resolve().relative_to(Path(workspace.raw).resolve()))
        except (ValueError, OSError):
            pass
    return path


_NUMPY_SCALAR_RE = re.compile(r"np\.[a-z]+\d*\(([^()]*)\)")


def _numbers(line: str) -> list[float]:
    """The numbers of a printed list: ``[0, 1]``, ``[0. 1. 7.]`` and numpy 2's
    ``[np.int64(0), np.int64(1)]`` alike."""
    return [float(n) for n in _NUMBER_RE.findall(_NUMPY_SCALAR_RE.sub(r"\1", line))]


def _joined(items: Sequence[str]) -> str:
    """``a; b; c`` that stays translatable (``"; ".join`` would make plain English)."""
    if not items:
        return ""
    result = items[-1]
    for item in reversed(items[:-1]):
        result = text("{first}; {rest}", first=item, rest=result)
    return result


def _readable(printed: str) -> str:
    """A printed shape or spacing without numpy 2's ``np.float64(…)`` and float noise:
    ``[2.0, 0.8, 0.8]``."""
    plain = _NUMPY_SCALAR_RE.sub(r"\1", printed)
    return re.sub(r"\d+\.\d{5,}", lambda m: f"{float(m.group()):.4g}", plain)


def _value_text(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def _case_of(label_file: str) -> str:
    name = Path(label_file).name
    for ending in (".nii.gz", ".nrrd", ".mha", ".nii", ".tif", ".tiff", ".png", ".bmp"):
        if name.endswith(ending):
            return name[: -len(ending)]
    return name.rsplit(".", 1)[0]


def _dataset_json_of(label_file: str) -> str:
    """``…/DatasetXXX_Name/dataset.json`` for a file in its ``labelsTr`` (else the folder)."""
    parent = Path(label_file).parent
    return str((parent.parent if parent.name == "labelsTr" else parent) / "dataset.json")


def _unexpected_labels(step_key, lines: list[str], workspace, disk_usage) -> Explanation | None:
    found: list[tuple[str, list[float], list[float]]] = []  # file, unexpected, expected
    for index, line in enumerate(lines):
        match = _UNEXPECTED_RE.search(line)
        if match is None:
            continue
        expected: list[float] = []
        values: list[float] = []
        # "Expected: [0, 1]" and "Found: [0 1 5]" follow (numpy may wrap a long array).
        following = lines[index + 1:index + 12]
        for offset, other in enumerate(following):
            if other.startswith("Expected:"):
                expected = _numbers(other)
            elif other.startswith("Found:"):
                joined = other
                for more in following[offset + 1:]:
                    if "]" in joined or not more.startswith(" "):
                        break
                    joined += " " + more
                values = _numbers(joined)
                break
        unexpected = [v for v in values if v not in expected]
        found.append((match.group("file").strip(), unexpected, expected))
    if not found:
        if any("Some segmentation images contained unexpected labels" in line for line in lines):
            return Explanation(
                "unexpected_labels",
                text("nnU-Net's dataset check found label values that dataset.json does not "
                     "list, but the lines naming the files are not in the output."),
                text("Run nnUNetv2_plan_and_preprocess with --verify_dataset_integrity by hand "
                     "to see the files, then correct them or dataset.json's 'labels'."))
        return None
    files = _joined([
        text("{file} (case {case}): {values}", file=_shown_path(path, workspace),
             case=_case_of(path), values=", ".join(_value_text(v) for v in unexpected) or "?")
        for path, unexpected, _ in found])
    expected_values = ", ".join(_value_text(v) for v in found[0][2])
    return Explanation(
        "unexpected_labels",
        text("{count} label file(s) contain values that dataset.json's 'labels' do not list "
             "(allowed: {allowed}): {files}.", count=len(found), allowed=expected_values,
             files=files),
        text("Correct these label files so that they hold only {allowed}, or add a label for "
             "each extra value to 'labels' in {dataset_json} (labels must be consecutive from "
             "0); then run the same command again.",
             allowed=expected_values, dataset_json=_dataset_json_of(found[0][0])))


def _list_after(lines: list[str], index: int) -> list[str]:
    """The Python list printed on one of the next lines (``['a', 'b']``), as strings."""
    for other in lines[index:index + 4]:
        stripped = other.strip()
        if stripped.startswith("[") and stripped.endswith("]"):
            try:
                value = ast.literal_eval(stripped)
            except (ValueError, SyntaxError):
                return []
            items = value if isinstance(value, list) else []
            flat: list[str] = []
            for item in items:
                if isinstance(item, list | tuple):  # a case's channels
                    flat.extend(str(i) for i in item)
                else:
                    flat.append(str(item))
            return flat
    return []


def _missing_files(step_key, lines: list[str], workspace, disk_usage) -> Explanation | None:
    for index, line in enumerate(lines):
        if "not all training cases have a label file in labelsTr" in line:
            match = re.search(r"Missing: (\[.*\])", line)
            cases = match.group(1) if match else "?"
            return Explanation(
                "missing_files",
                text("Training cases without a label file in labelsTr: {cases}.", cases=cases),
                text("Add labelsTr/CASE<file_ending> for each of them, or remove their images "
                     "from imagesTr and lower numTraining in dataset.json."))
        if "Did not find the expected number of training cases" in line:
            numbers = _numbers(line)
            expected = _value_text(numbers[0]) if numbers else "?"
            actual = _value_text(numbers[1]) if len(numbers) > 1 else "?"
            return Explanation(
                "missing_files",
                text("dataset.json's numTraining is {expected}, but nnU-Net found {actual} "
                     "training case(s).", expected=expected, actual=actual),
                text("Set numTraining to the number of cases in imagesTr (or add the missing "
                     "cases)."))
        if "Some expected files were missing" in line:
            images: list[str] = []
            labels: list[str] = []
            for offset in range(index, min(index + 12, len(lines))):
                if lines[offset].startswith("Missing images:"):
                    images = _list_after(lines, offset + 1)
                elif lines[offset].startswith("Missing labels:"):
                    labels = _list_after(lines, offset + 1)
            names = [_shown_path(p, workspace) for p in images + labels]
            return Explanation(
                "missing_files",
                text("Files that dataset.json's 'dataset' entry names do not exist: {files}.",
                     files=", ".join(names) or "?"),
                text("Correct the paths in dataset.json's 'dataset' entry, or put the files "
                     "there."))
    return None


def _nan_values(step_key, lines: list[str], workspace, disk_usage) -> Explanation | None:
    for index, line in enumerate(lines):
        if line.startswith("Images contain NaN pixel values"):
            files = _list_after(lines, index + 1)
            return Explanation(
                "nan",
                text("Images contain NaN (not-a-number) voxel values: {files}.",
                     files=", ".join(_shown_path(f, workspace) for f in files) or "?"),
                text("Replace the NaN values in these images with a value that makes sense "
                     "for them (e.g. the background intensity), then run the same command "
                     "again."))
        if line.startswith("Segmentation contains NaN pixel values"):
            following = lines[index + 1:index + 4]
            path = next((other.strip() for other in following
                         if other.strip() and not other.startswith("Segmentation:")), "?")
            return Explanation(
                "nan",
                text("The label file {file} contains NaN values.",
                     file=_shown_path(path, workspace)),
                text("Save the label file with integer label values only."))
    return None


def _field(lines: Iterable[str], prefix: str) -> str:
    for line in lines:
        stripped = line.strip()
        if stripped.startswith(prefix):
            return stripped[len(prefix):].strip().rstrip(".").strip()
    return "?"


def _geometry(step_key, lines: list[str], workspace, disk_usage) -> Explanation | None:
    mismatches: list[Text] = []
    for index, line in enumerate(lines):
        match = _SHAPE_RE.search(line)
        if match is not None:
            block = lines[index + 1:index + 8]
            what = match.group("what")
            label_file = _field(block, "Seg file:")
            mismatches.append(text(
                "case {case}: {what} of the images {image_value}, of the label {label_value} "
                "({file})", case=_case_of(label_file),
                what=text("size") if what == "Shape" else text("spacing"),
                image_value=_readable(_field(block, f"{what} images:")),
                label_value=_readable(_field(block, f"{what} seg:")), file=_shown_path(label_file,
                                                                           workspace)))
        elif line.startswith("Error: Unexpected number of modalities"):
            block = lines[index + 1:index + 6]
            mismatches.append(text(
                "{expected} channel(s) expected, {got} found: {images}",
                expected=_field(block, "Expected:"), got=_field(block, "Got:"),
                images=_field(block, "Images:")))
    if not mismatches:
        return None
    return Explanation(
        "geometry",
        text("Images and labels do not match: {mismatches}.",
             mismatches=_joined(mismatches)),
        text("Resample or re-export the label so that it has its image's size and spacing (or "
             "give each case all its channels), then run the same command again."))


def _existing(folder: Path) -> Path:
    """``folder`` or its nearest existing parent (nnU-Net deletes a data folder it refills)."""
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    return folder


def _no_room_for_checkpoint(folder: Path, free: int) -> bool:
    """Less free space in ``folder`` than its largest checkpoint (or :data:`NO_ROOM_BYTES`
    without one): a failed ``torch.save`` there ran out of space, not into something else."""
    try:
        sizes = [path.stat().st_size for path in folder.glob("*.pth")]
    except OSError:
        sizes = []
    return free < max([NO_ROOM_BYTES, *sizes])


def _disk_full(step_key, lines: list[str], workspace, disk_usage,
               output_folder: Path | None = None) -> Explanation | None:
    hits = [line for line in lines if _DISK_FULL_RE.search(line)]
    torch_hits = [line for line in lines if _TORCH_WRITE_FAILED_RE.search(line)]
    if not hits and not torch_hits:
        return None
    folder: Path | None = None
    for line in hits:
        match = _ERRNO_PATH_RE.search(line)
        if match is not None:
            folder = Path(match.group("path"))
            break
    if folder is None and output_folder is not None:
        folder = Path(output_folder)
    if folder is None:
        root = workspace.preprocessed if step_key in PREPROCESSING_STEPS else workspace.results
        folder = Path(root) if root is not None else Path.cwd()
    existing = _existing(folder)
    try:
        free_bytes: int | None = disk_usage(str(existing))[2]
    except OSError:
        free_bytes = None
    if not hits:
        # torch names no cause: only a folder without room now makes it a full disk.
        if free_bytes is None or not _no_room_for_checkpoint(existing, free_bytes):
            return None
        hits = torch_hits[-1:]  # the exception that ended the command
    free = size_text(free_bytes) if free_bytes is not None else text("an unknown amount")
    return Explanation(
        "disk_full",
        text("The disk is full: writing into {folder} failed (\"{line}\"); {free} are free "
             "there now.", folder=existing, line=hits[0].strip()[:200], free=free),
        text("Free space on that disk (or point nnUNet_preprocessed / nnUNet_results to a "
             "larger one), then run the same command again: finished steps are skipped."))
