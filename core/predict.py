"""Predict new images with a trained nnU-Net model: preflight, then nnU-Net's own predictor.

``nnft predict --model PATH -i INPUT -o OUTPUT`` runs ``nnUNetv2_predict_from_modelfolder``
through nnFT's runner (:mod:`nnft.core.runner`: output lines, progress bars, cancel, a log in
the output folder). The model is a training output folder (``…/<trainer>__<plans>__<config>``),
one of its fold folders (that fold) or a zip as ``nnUNetv2_export_model_to_zip`` writes it
(``<dataset>/<trainer>__<plans>__<config>/…``, unpacked into a temporary folder).

Before anything runs, :func:`plan_prediction` checks the model and the images and returns
problems with stable codes (stage ``predict``); with an error nothing is written. A single image
or a folder of plain names (no ``_0000``) is accepted for a single-channel model: nnFT links the
files under nnU-Net's names in a temporary folder (the user's files are never renamed) and the
predictions carry the user's names. Predictions already in the output folder are never
overwritten unless asked (``overwrite``): they are then moved into a backup folder next to the
output first. With reference labels the Dice is computed by nnU-Net's own evaluation
(``nnUNetv2_evaluate_folder``).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from . import problems as P
from .i18n import text
from .problems import Problem
from .runner import CommandRunner, RunResult
from .safety import atomic_copy
from .steps.disk import checkpoint_complete
from .workspace import Workspace

#: Files nnU-Net's predictor writes into the output folder besides the predictions.
PREDICTOR_FILES = ("dataset.json", "plans.json", "predict_from_raw_data_args.json")
#: nnFT's files in the output folder: the Dice summary (with labels) and the run's log.
SUMMARY_NAME = "summary.json"
LOG_NAME = "nnft_predict_log.txt"
CHECKPOINT_NAME = "checkpoint_final.pth"
_CHANNEL_RE = re.compile(r"^(?P<case>.+)_(?P<channel>\d{4})$")


@dataclass(frozen=True)
class ModelSource:
    """A trained model as given: a folder, or a model folder inside a zip.

    Attributes
    ----------
    path
        The folder (``…/<trainer>__<plans>__<config>``) or the zip file.
    member
        In a zip: the model folder's path inside it (``Dataset002_X/T__P__C``), else None.
    dataset_json, plans
        The model's ``dataset.json`` and ``plans.json``.
    folds
        The folds to predict with (each has a whole ``checkpoint_final.pth``).
    """

    path: Path
    member: str | None
    dataset_json: dict
    plans: dict
    folds: tuple[str, ...]

    @property
    def file_ending(self) -> str:
        return str(self.dataset_json["file_ending"])

    @property
    def channels(self) -> int:
        names = self.dataset_json.get("channel_names", self.dataset_json.get("modality", {}))
        return len(names)

    @property
    def labels(self) -> dict[str, int]:
        """Label name → value (regions: their first value)."""
        out: dict[str, int] = {}
        for name, value in self.dataset_json.get("labels", {}).items():
            out[name] = int(value[0] if isinstance(value, list) else value)
        return out


@dataclass(frozen=True)
class InputCase:
    """One case to predict: its channel files and the name its prediction gets."""

    case: str
    files: tuple[Path, ...]  # channel 0, 1, … in order
    #: The files need nnU-Net's names made in a temporary folder (plain names, a single file).
    needs_link: bool


@dataclass
class PredictionPlan:
    """What :func:`plan_prediction` found: the problems and, without errors, what to run."""

    problems: list[Problem] = field(default_factory=list)
    model: ModelSource | None = None
    cases: list[InputCase] = field(default_factory=list)
    input_dir: Path | None = None  # a folder nnU-Net can read as it is (None: links needed)
    output_dir: Path | None = None
    labels_dir: Path | None = None
    device: str = "cpu"
    #: No mirroring test-time augmentation (nnU-Net's --disable_tta: 4× faster in 2d, 8× in
    #: 3d, a little less accurate).
    disable_tta: bool = False
    overwrite: bool = False
    #: Files in the output folder the run would replace (moved to a backup first).
    existing: list[Path] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.model is not None and not P.has_errors(self.problems)

    def output_of(self, case: InputCase) -> Path:
        """Where the prediction of ``case`` is written."""
        assert self.output_dir is not None and self.model is not None
        return self.output_dir / f"{case.case}{self.model.file_ending}"


def _error(code: str, message: str, fix: str) -> Problem:
    return P.error(code, message, fix)


def _model_folders_in_zip(names: Sequence[str]) -> list[str]:
    """Model folders (those holding a ``plans.json``) inside a zip's member list."""
    found = set()
    for name in names:
        parts = name.rstrip("/").split("/")
        if parts[-1] == "plans.json" and len(parts) >= 2:
            found.add("/".join(parts[:-1]))
    return sorted(found)


def _available_folds(names: set[str] | None, folder: Path | None) -> list[str]:
    """The ``fold_X`` names (without ``fold_``) found in a folder or a zip's members."""
    if folder is not None:
        return sorted(p.name[5:] for p in folder.glob("fold_*") if p.is_dir())
    assert names is not None
    return sorted({n.split("/")[0][5:] for n in names if n.startswith("fold_")})


def resolve_model(path: Path | str, folds: Sequence[str] | None = None
                  ) -> tuple[ModelSource | None, list[Problem]]:
    """Find the model of ``path`` (model folder, fold folder or zip) and check it is complete.

    Parameters
    ----------
    path
        ``…/<trainer>__<plans>__<config>``, one of its ``fold_X`` folders (then that fold is
        used unless ``folds`` say otherwise) or a zip made by ``nnUNetv2_export_model_to_zip``.
    folds
        Folds to predict with (``0``–``4``, ``all``); default every fold with a
        ``checkpoint_final.pth``.

    Returns
    -------
    (ModelSource or None, problems)
        None with ``MODEL_NOT_FOUND``, ``MODEL_AMBIGUOUS`` or ``MODEL_INCOMPLETE`` errors.
    """
    path = Path(path).expanduser().absolute()
    fix_path = text("Give the training output folder (…/<trainer>__<plans>__<config>, with "
                    "plans.json, dataset.json and fold_X/checkpoint_final.pth), one of its fold "
                    "folders, or a zip made by nnUNetv2_export_model_to_zip / nnft "
                    "export-model.")
    if not path.exists():
        return None, [_error(P.MODEL_NOT_FOUND, text("The model {path} does not exist.",
                                                     path=path), fix_path)]
    files: dict[str, bytes] = {}
    names: set[str] | None = None
    folder: Path | None = None
    member: str | None = None
    if path.is_file():
        if not zipfile.is_zipfile(path):
            return None, [_error(P.MODEL_NOT_FOUND,
                                 text("The model {path} is a file but not a zip archive.",
                                      path=path), fix_path)]
        with zipfile.ZipFile(path) as archive:
            all_names = archive.namelist()
            models = _model_folders_in_zip(all_names)
            if not models:
                return None, [_error(
                    P.MODEL_NOT_FOUND,
                    text("The zip {path} holds no nnU-Net model (no <dataset>/<trainer>__"
                         "<plans>__<config>/plans.json inside).", path=path), fix_path)]
            if len(models) > 1:
                return None, [_error(
                    P.MODEL_AMBIGUOUS,
                    text("The zip {path} holds {count} trained models: {models}.", path=path,
                         count=len(models), models=", ".join(models)),
                    text("Unpack it (or install it with "
                         "nnUNetv2_install_pretrained_model_from_zip) and give the one model "
                         "folder you mean as --model."))]
            member = models[0]
            prefix = member + "/"
            names = {n[len(prefix):] for n in all_names if n.startswith(prefix)}
            for name in ("dataset.json", "plans.json"):
                if name in names:
                    files[name] = archive.read(prefix + name)
    else:
        if re.fullmatch(r"fold_(\d+|all)", path.name) and (path.parent / "plans.json").exists():
            if not folds:
                folds = [path.name[5:]]
            path = path.parent
        folder = path
        for name in ("dataset.json", "plans.json"):
            if (folder / name).is_file():
                files[name] = (folder / name).read_bytes()
        if not files and not any(folder.glob("fold_*")):
            return None, [_error(
                P.MODEL_NOT_FOUND,
                text("{path} is not an nnU-Net model folder (no plans.json, dataset.json or "
                     "fold_X folders in it).", path=path), fix_path)]

    where = (text("{path} (in the zip: {member})", path=path, member=member) if member
             else str(path))
    problems: list[Problem] = []
    parsed: dict[str, dict] = {}
    for name in ("dataset.json", "plans.json"):
        if name not in files:
            problems.append(_error(
                P.MODEL_INCOMPLETE, text("The model {where} has no {name}.", where=where,
                                         name=name),
                text("nnU-Net writes {name} next to the fold folders when a training starts: "
                     "copy the whole training output folder, or export it again.", name=name)))
            continue
        try:
            parsed[name] = json.loads(files[name].decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            problems.append(_error(P.MODEL_INCOMPLETE,
                                   text("The model's {name} in {where} is not valid JSON "
                                        "({error}).", name=name, where=where, error=str(exc)),
                                   text("Copy or export the model again.")))
    dataset_json = parsed.get("dataset.json")
    if dataset_json is not None and (not isinstance(dataset_json, dict)
                                     or "file_ending" not in dataset_json
                                     or not (dataset_json.get("channel_names")
                                             or dataset_json.get("modality"))):
        problems.append(_error(
            P.MODEL_INCOMPLETE,
            text("The model's dataset.json in {where} lacks file_ending or channel_names.",
                 where=where),
            text("Copy or export the model again.")))
    available = _available_folds(names, folder)
    chosen = [str(f) for f in folds] if folds else [
        f for f in available if _checkpoint_present(folder, names, f)]

    if not chosen:
        problems.append(_error(
            P.MODEL_INCOMPLETE,
            text("The model {where} has no fold with a finished training ({checkpoint}); "
                 "folds found: {folds}.", where=where, checkpoint=CHECKPOINT_NAME,
                 folds=", ".join(available) or text("none")),
            text("Finish the training first (nnft run continues it), or give the model folder "
                 "of a finished one.")))
    finished = [f for f in available if _checkpoint_present(folder, names, f)]
    for fold in chosen:
        if not _checkpoint_present(folder, names, fold):
            problems.append(_error(
                P.MODEL_INCOMPLETE,
                text("The model {where} has no whole fold_{fold}/{checkpoint} (folds with "
                     "one: {folds}).", where=where, fold=fold, checkpoint=CHECKPOINT_NAME,
                     folds=", ".join(finished) or text("none")),
                text("Choose folds that finished training (--folds), or finish fold "
                     "{fold}'s training first.", fold=fold)))
    if problems or dataset_json is None:
        return None, problems
    return ModelSource(path, member, dataset_json, parsed["plans.json"], tuple(chosen)), []


def _checkpoint_present(folder: Path | None, names: set[str] | None, fold: str) -> bool:
    relative = f"fold_{fold}/{CHECKPOINT_NAME}"
    if folder is not None:
        return checkpoint_complete(folder / relative)
    return names is not None and relative in names


def _strip_ending(name: str, ending: str) -> str | None:
    return name[: -len(ending)] if name.endswith(ending) and len(name) > len(ending) else None


def _image_readable(path: Path) -> str | None:
    """None when SimpleITK reads the image's header, else the reason."""
    import SimpleITK as sitk  # only the preflight needs it

    reader = sitk.ImageFileReader()
    reader.SetFileName(str(path))
    try:
        reader.ReadImageInformation()
    except RuntimeError as exc:
        lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
        return lines[-1] if lines else "SimpleITK cannot read it"
    return None


def _input_cases(input_path: Path, model: ModelSource) -> tuple[list[InputCase], list[Problem]]:
    """The cases of a file or folder, named as nnU-Net expects or plainly (one channel)."""
    ending = model.file_ending
    n = model.channels
    if input_path.is_file():
        files = [input_path]
    else:
        files = sorted(p for p in input_path.iterdir() if p.is_file()
                       and not p.name.startswith("."))
    if not files:
        return [], [_error(P.PREDICT_INPUT_MISSING,
                           text("The input folder {input} holds no image.", input=input_path),
                           text("Put the images to predict ({ending} files) there.",
                                ending=ending))]
    wrong = [p for p in files if _strip_ending(p.name, ending) is None]
    if wrong:
        shown = ", ".join(p.name for p in wrong[:5]) + (" …" if len(wrong) > 5 else "")
        return [], [_error(
            P.PREDICT_FILE_ENDING,
            text("{count} input file(s) do not end with the model's file ending {ending}: "
                 "{shown} (in {folder}).", count=len(wrong), ending=ending, shown=shown,
                 folder=input_path if input_path.is_dir() else input_path.parent),
            text("Convert them to {ending} (the ending the model was trained with, from its "
                 "dataset.json), or move them out of the input folder.", ending=ending))]
    stems = {p: _strip_ending(p.name, ending) or "" for p in files}
    matches = {p: _CHANNEL_RE.match(stem) for p, stem in stems.items()}
    single_file = input_path.is_file()
    if n == 1 and not all(matches.values()):
        # Plain names: each file is a case of its own name; links get the _0000 names.
        return [InputCase(stems[p], (p,), True) for p in files], []
    if not all(matches.values()):
        plain = [p.name for p, m in matches.items() if m is None]
        shown = ", ".join(plain[:5]) + (" …" if len(plain) > 5 else "")
        return [], [_error(
            P.PREDICT_INPUT_NAMES,
            text("The model has {count} input channels, but these files are not named "
                 "CASE_XXXX{ending} (XXXX = the channel, 0000 to {last:04d}): {shown}.",
                 count=n, ending=ending, last=n - 1, shown=shown),
            text("Name each case's channels CASE_0000{ending} … CASE_{last:04d}{ending}, in "
                 "the order of the model's channel_names.", ending=ending, last=n - 1))]
    by_case: dict[str, dict[int, Path]] = {}
    for p, match in matches.items():
        assert match is not None
        by_case.setdefault(match["case"], {})[int(match["channel"])] = p
    problems: list[Problem] = []
    cases: list[InputCase] = []
    expected = list(range(n))
    channel_names = (model.dataset_json.get("channel_names")
                     or model.dataset_json.get("modality") or {})
    for case, channels in sorted(by_case.items()):
        if sorted(channels) != expected:
            problems.append(_error(
                P.PREDICT_CHANNEL_MISMATCH,
                text("Case {case} has channel(s) {channels}, but the model was trained with "
                     "{count} channel(s) ({channel_names}), named {file_names}.", case=case,
                     channels=", ".join(f"{c:04d}" for c in sorted(channels)), count=n,
                     channel_names=", ".join(f"{k}: {v}" for k, v in channel_names.items()),
                     file_names=f"{case}_0000{ending}" + (
                         f" … {case}_{n - 1:04d}{ending}" if n > 1 else "")),
                text("Give every case exactly the model's {count} channel(s), one file each; a "
                     "model cannot predict images with another number of channels.", count=n)))
            continue
        cases.append(InputCase(case, tuple(channels[c] for c in expected), single_file))
    return cases, problems


def _existing_outputs(output_dir: Path, names: list[str]) -> list[Path]:
    if not output_dir.is_dir():
        return []
    return [output_dir / name for name in names if (output_dir / name).exists()]


def _inside(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
    except ValueError:
        return False
    return True


def plan_prediction(model: Path | str, input_path: Path | str, output_dir: Path | str, *,
                    folds: Sequence[str] | None = None, device: str = "cpu",
                    labels_dir: Path | str | None = None, overwrite: bool = False,
                    disable_tta: bool = False, check_images: bool = True) -> PredictionPlan:
    """The preflight of a prediction: every problem, nothing written.

    Parameters
    ----------
    model
        Model folder, fold folder or zip (see :func:`resolve_model`).
    input_path
        One image file or a folder of images (``CASE_XXXX<ending>``, or plain names for a
        single-channel model).
    output_dir
        Folder for the predictions (created when the run starts).
    folds
        Folds to predict with (default: every finished fold).
    device
        ``cpu``, ``cuda`` or ``mps`` (nnU-Net's ``-device``).
    labels_dir
        Reference labels (``CASE<ending>``): the Dice of the predictions is computed.
    overwrite
        Existing predictions are moved to a backup folder and replaced (a warning), instead of
        the error ``PREDICTION_EXISTS``.
    disable_tta
        Predict each case once, without nnU-Net's mirroring test-time augmentation.
    check_images
        Read every image's header (SimpleITK); off only for tests of the naming rules.

    Returns
    -------
    PredictionPlan
        ``plan.ok`` when :func:`run_prediction` may run it.
    """
    plan = PredictionPlan(device=device, overwrite=overwrite, disable_tta=disable_tta)
    found, problems = resolve_model(model, folds)
    plan.problems.extend(problems)
    plan.model = found
    input_path = Path(input_path).expanduser().absolute()
    output = Path(output_dir).expanduser().absolute()
    plan.output_dir = output
    if not input_path.exists():
        plan.problems.append(_error(P.PREDICT_INPUT_MISSING,
                                    text("The input {input} does not exist.", input=input_path),
                                    text("Give an image file or a folder of images (-i).")))
    if output.exists() and not output.is_dir():
        plan.problems.append(_error(P.PREDICT_OUTPUT_INVALID,
                                    text("The output {output} is a file, not a folder.",
                                         output=output),
                                    text("Give a folder for the predictions (-o); it is created "
                                         "when missing.")))
    elif input_path.is_dir() and _inside(output, input_path):
        plan.problems.append(_error(
            P.PREDICT_OUTPUT_INVALID,
            text("The output folder {output} is the input folder {input} or inside it.",
                 output=output, input=input_path),
            text("Choose an output folder outside the input folder: predictions have the names "
                 "of the input cases and would be taken as input images by the next run.")))
    if found is None or not input_path.exists():
        return plan
    cases, problems = _input_cases(input_path, found)
    plan.problems.extend(problems)
    plan.cases = cases
    inputs = {image.resolve() for case in cases for image in case.files}
    clashes = [plan.output_of(c) for c in cases if plan.output_of(c).resolve() in inputs]
    if clashes:
        plan.problems.append(_error(
            P.PREDICT_OUTPUT_INVALID,
            text("The prediction {prediction} would replace the input image of that name.",
                 prediction=clashes[0]),
            text("Choose an output folder other than the image's folder (-o).")))
    if cases and input_path.is_dir() and not any(c.needs_link for c in cases):
        plan.input_dir = input_path
    if check_images:
        for case in cases:
            for image in case.files:
                reason = _image_readable(image)
                if reason is not None:
                    plan.problems.append(_error(
                        P.PREDICT_IMAGE_UNREADABLE,
                        text("The image {image} cannot be read: {reason}.", image=image,
                             reason=reason),
                        text("Check that it is a whole {ending} image (re-export or copy it "
                             "again), or move it out of the input.",
                             ending=found.file_ending)))
    if labels_dir is not None:
        plan.labels_dir = Path(labels_dir).expanduser().absolute()
        missing = [c.case for c in cases
                   if not (plan.labels_dir / f"{c.case}{found.file_ending}").is_file()]
        if missing:
            shown = ", ".join(f"{m}{found.file_ending}" for m in missing[:5])
            plan.problems.append(_error(
                P.PREDICT_LABELS_MISSING,
                text("The labels folder {folder} has no reference for {count} case(s): "
                     "{shown}.", folder=plan.labels_dir, count=len(missing),
                     shown=shown + (" …" if len(missing) > 5 else "")),
                text("Give the folder with a label file CASE{ending} per input case "
                     "(--labels), or leave --labels out to predict without a Dice.",
                     ending=found.file_ending)))
    names = [f"{c.case}{found.file_ending}" for c in cases] + list(PREDICTOR_FILES)
    if labels_dir is not None:
        names.append(SUMMARY_NAME)
    plan.existing = _existing_outputs(output, names)
    # nnU-Net's own files there (copies of the model's) are moved to the backup quietly; a
    # prediction needs the user's word.
    predictions = [p for p in plan.existing if p.name not in PREDICTOR_FILES]
    if predictions:
        shown = ", ".join(p.name for p in predictions[:5]) + (" …" if len(predictions) > 5
                                                             else "")
        message = text("The output folder {output} already holds {count} prediction(s) this "
                       "run would overwrite: {shown}.", output=output, count=len(predictions),
                       shown=shown)
        if overwrite:
            plan.problems.append(P.warning(
                P.PREDICTION_EXISTS, message,
                text("They are moved to {backup}-<time> before the run.",
                     backup=backup_folder_name(output))))
        else:
            plan.problems.append(_error(
                P.PREDICTION_EXISTS, message,
                text("Choose another output folder, or pass --overwrite: nnFT then moves the "
                     "old files to a backup folder next to it ({name}.nnft-backup-<time>) "
                     "first.", name=output.name)))
    return plan


def backup_folder_name(output: Path) -> Path:
    """The stem of the backup folders of ``output`` (a timestamp follows)."""
    return output.parent / f"{output.name}.nnft-backup"


def predict_argv(model_dir: Path, input_dir: Path, output_dir: Path, folds: Sequence[str],
                 device: str, workers: int = 2, disable_tta: bool = False) -> list[str]:
    """nnU-Net's predictor for a model folder (``nnUNetv2_predict_from_modelfolder``)."""
    return ["nnUNetv2_predict_from_modelfolder", "-i", str(input_dir), "-o", str(output_dir),
            "-m", str(model_dir), "-f", *[str(f) for f in folds], "-device", device,
            "-npp", str(workers), "-nps", str(workers),
            *(["--disable_tta"] if disable_tta else [])]


def evaluate_argv(labels_dir: Path, predictions_dir: Path, model_dir: Path, summary: Path
                  ) -> list[str]:
    """nnU-Net's evaluation of a folder of predictions against reference labels."""
    return ["nnUNetv2_evaluate_folder", str(labels_dir), str(predictions_dir),
            "-djfile", str(model_dir / "dataset.json"), "-pfile", str(model_dir / "plans.json"),
            "-o", str(summary), "-np", "1"]


@dataclass
class PredictionResult:
    """How a prediction ended."""

    runs: list[RunResult] = field(default_factory=list)
    #: Input file (channel 0) → its prediction.
    outputs: dict[Path, Path] = field(default_factory=dict)
    #: nnU-Net's evaluation summary (``summary.json``) when labels were given.
    summary: dict | None = None
    backup: Path | None = None
    cancelled: bool = False
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None and not self.cancelled and all(r.ok for r in self.runs)

    def dice(self, model: ModelSource) -> dict[str, float | None]:
        """Label name → mean Dice over the cases (from the summary), plus ``"mean"``."""
        if self.summary is None:
            return {}
        names = {str(v): k for k, v in model.labels.items()}
        out: dict[str, float | None] = {
            names.get(str(label), str(label)): metrics.get("Dice")
            for label, metrics in self.summary.get("mean", {}).items()}
        out["mean"] = self.summary.get("foreground_mean", {}).get("Dice")
        return out


def label_volumes_ml(label_image_path: Path | str, labels: dict[str, int]) -> dict[str, float]:
    """Each label's volume in millilitres: its voxel count × the voxel volume.

    Parameters
    ----------
    label_image_path
        A label image (a prediction, or a reference label), read with SimpleITK.
    labels
        Label name → value, as :attr:`ModelSource.labels` gives them; the background (value 0)
        is left out.

    Returns
    -------
    dict
        Label name → volume in mL (1 mL = 1000 mm³), in the order of ``labels``; a label with
        no voxel gets 0.0. A 2D image counts as one slice 1 mm thick (its area in cm²).
    """
    import numpy as np
    import SimpleITK as sitk  # only the wizard's "use the model" page and tests need it

    image = sitk.ReadImage(str(label_image_path))
    voxel_mm3 = float(np.prod(image.GetSpacing()))
    values = sitk.GetArrayViewFromImage(image).ravel()
    counts = np.bincount(values[values > 0].astype(np.int64)) if values.size else np.zeros(0)
    return {name: (int(counts[value]) if value < len(counts) else 0) * voxel_mm3 / 1000.0
            for name, value in labels.items() if value > 0}


def _link(source: Path, target: Path) -> None:
    """nnU-Net's name for a user's file, without renaming or copying it where links work."""
    try:
        os.symlink(source, target)
    except OSError:  # no symlinks (Windows without the privilege): a copy
        atomic_copy(source, target)


class PredictionRun:
    """Runs a checked :class:`PredictionPlan`: backup, links, predictor, evaluation.

    Parameters
    ----------
    plan
        A plan with ``plan.ok``.
    on_line, on_progress
        The runner's callbacks (output lines; progress bars).
    workers
        nnU-Net's ``-npp``/``-nps``.
    """

    def __init__(self, plan: PredictionPlan, *, on_line: Callable[[str], None] | None = None,
                 on_progress: Callable[[str], None] | None = None, workers: int = 2) -> None:
        if not plan.ok:
            raise ValueError("the prediction's preflight found errors; nothing may run")
        self.plan = plan
        self.on_line = on_line
        self.on_progress = on_progress
        self.workers = workers
        self._runner: CommandRunner | None = None
        self._cancelled = False

    def cancel(self) -> None:
        """End the running command (and run no further one)."""
        self._cancelled = True
        if self._runner is not None:
            self._runner.cancel()

    def _say(self, line: str) -> None:
        if self.on_line is not None:
            self.on_line(line)

    def _run(self, argv: list[str], env: dict[str, str], log: Path) -> RunResult:
        self._runner = CommandRunner(argv, env=env, on_line=self.on_line,
                                     on_progress=self.on_progress, log_path=log)
        if self._cancelled:
            self._runner.cancel()
        return self._runner.run()

    def run(self) -> PredictionResult:
        """Run it; the temporary folders are removed whatever happens."""
        plan = self.plan
        model = plan.model
        output = plan.output_dir
        assert model is not None and output is not None
        result = PredictionResult()
        output.mkdir(parents=True, exist_ok=True)
        if plan.existing:
            result.backup = self._back_up(plan.existing, output)
        log = output / LOG_NAME
        env = Workspace(None, None, None).child_environment()
        scratch = Path(tempfile.mkdtemp(prefix="nnft-predict-"))
        try:
            model_dir = self._model_folder(model, scratch)
            input_dir = plan.input_dir or self._linked_input(scratch / "input")
            run = self._run(predict_argv(model_dir, input_dir, output, model.folds, plan.device,
                                         self.workers, plan.disable_tta), env, log)
            result.runs.append(run)
            result.cancelled = run.cancelled
            if not run.ok:
                return result
            ending = model.file_ending
            for case in plan.cases:
                result.outputs[case.files[0]] = plan.output_of(case)
            missing = [p for p in result.outputs.values() if not p.is_file()]
            if missing:
                result.error = ("nnU-Net ended without writing "
                                + ", ".join(p.name for p in missing))
                return result
            if plan.labels_dir is not None and not self._cancelled:
                # Only this run's predictions are evaluated (the output folder may hold others).
                predictions = scratch / "predictions"
                predictions.mkdir()
                for case in plan.cases:
                    _link(plan.output_of(case), predictions / f"{case.case}{ending}")
                summary = output / SUMMARY_NAME
                run = self._run(evaluate_argv(plan.labels_dir, predictions, model_dir, summary),
                                env, log)
                result.runs.append(run)
                result.cancelled = run.cancelled
                if run.ok:
                    result.summary = json.loads(summary.read_text(encoding="utf-8"))
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
        return result

    def _back_up(self, files: list[Path], output: Path) -> Path:
        """Move the files the run would replace into a new folder next to the output."""
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S-%f")
        backup = Path(f"{backup_folder_name(output)}-{stamp}")
        backup.mkdir(parents=True)
        for path in files:
            os.rename(path, backup / path.name)  # same file system: a move, nothing copied
        self._say(f"nnFT: moved {len(files)} existing file(s) of {output} to the backup "
                  f"{backup}")
        return backup

    def _model_folder(self, model: ModelSource, scratch: Path) -> Path:
        """The model folder nnU-Net reads: the given one, or the zip's model unpacked."""
        if model.member is None:
            return model.path
        target = scratch / "model"
        prefix = model.member + "/"
        with zipfile.ZipFile(model.path) as archive:
            wanted = [n for n in archive.namelist() if n.startswith(prefix)
                      and (n.count("/") == prefix.count("/")  # plans.json, dataset.json, …
                           or any(n.startswith(f"{prefix}fold_{f}/") for f in model.folds))]
            archive.extractall(target, members=wanted)  # zipfile drops "..", absolute parts
        self._say(f"nnFT: unpacked the model {model.member} of {model.path}")
        return target / model.member

    def _linked_input(self, folder: Path) -> Path:
        """nnU-Net's names (CASE_0000<ending>) for plain names, as links in a new folder."""
        plan = self.plan
        assert plan.model is not None
        folder.mkdir()
        for case in plan.cases:
            for channel, source in enumerate(case.files):
                _link(source, folder / f"{case.case}_{channel:04d}{plan.model.file_ending}")
        return folder
