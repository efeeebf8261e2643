"""The preset trainers' pieces that need no training: names, schedules, defaults, unwrapping.

The trainings themselves (learning rates nnU-Net logs, the frozen encoder's weights) are tested
with real nnU-Net in tests/integration/test_finetune_presets.py.
"""

from __future__ import annotations

from fractions import Fraction

import pytest

from nnft.core.steps import presets

trainers = pytest.importorskip("nnft.resources.trainers.nnft_trainers")
torch = pytest.importorskip("torch")


def test_every_preset_and_baseline_trainer_exists_with_graceful_stop_and_quick_trial():
    pairs = [(p.trainer, p.quick_trial_trainer) for p in presets.FINETUNE_PRESETS.values()
             if p.trainer]
    pairs.append((presets.BASELINE_TRAINER, presets.BASELINE_QUICK_TRIAL_TRAINER))
    assert len(pairs) == 3
    for full_name, trial_name in pairs:
        full, trial = getattr(trainers, full_name), getattr(trainers, trial_name)
        assert issubclass(full, trainers.nnFTTrainer), full_name  # graceful stop
        assert not issubclass(full, trainers.nnFTTrainerQuickTrial), full_name
        # The twin is the same trainer with the quick trial's lengths.
        assert issubclass(trial, full) and issubclass(trial, trainers.nnFTTrainerQuickTrial)
    assert trainers.FREEZE_EPOCHS_ENV == presets.FREEZE_EPOCHS_ENV


@pytest.mark.parametrize(("epochs", "share", "expected"), [
    (1000, trainers.FULL_RUN_WARMUP_SHARE, 50),   # upstream's PretrainedTrainer
    (5, trainers.QUICK_TRIAL_WARMUP_SHARE, 2),
    (4, trainers.QUICK_TRIAL_WARMUP_SHARE, 2),
    (10, trainers.QUICK_TRIAL_WARMUP_SHARE, 4),
    (3, trainers.QUICK_TRIAL_WARMUP_SHARE, 1),
    (1, trainers.QUICK_TRIAL_WARMUP_SHARE, 1),
    (5, trainers.FULL_RUN_WARMUP_SHARE, 1),        # at least one epoch
    (2, Fraction(1), 2),                           # at most all of them
])
def test_warmup_epochs(epochs, share, expected):
    assert trainers.warmup_epochs(epochs, share) == expected


def test_gentle_trainers_use_their_warmup_share():
    assert trainers.nnFTTrainerGentleFinetune.nnft_warmup_share == Fraction(50, 1000)
    assert trainers.nnFTTrainerGentleFinetuneQuickTrial.nnft_warmup_share == Fraction(1, 3)


def _optimizer():
    parameter = torch.nn.Parameter(torch.zeros(1))
    return torch.optim.SGD([parameter], 1e-3, momentum=0.99, nesterov=True, weight_decay=3e-5)


def test_full_run_schedule_is_upstreams_warmup_then_poly():
    optimizer = _optimizer()
    schedule = trainers.WarmupThenPolyLR(optimizer, 1e-3, 1000, 50)
    rates = []
    for epoch in range(1000):
        schedule.step(epoch)  # as nnU-Net's on_train_epoch_start does
        rates.append(optimizer.param_groups[0]["lr"])
    # pretrainedTrainer.py: Lin_incr_LRScheduler for 50 epochs, then PolyLRScheduler_offset.
    expected = [1e-3 * (e + 1) / 50 for e in range(50)]
    expected += [1e-3 * (1 - (e - 50) / 950) ** 0.9 for e in range(50, 1000)]
    assert rates == pytest.approx(expected, rel=1e-12, abs=0)
    assert rates[0] == pytest.approx(2e-5) and rates[49] == rates[50] == pytest.approx(1e-3)
    assert max(rates) == pytest.approx(1e-3)


def test_schedule_of_a_resumed_run_needs_no_saved_state():
    first = _optimizer()
    continuous = trainers.WarmupThenPolyLR(first, 1e-3, 20, 4)
    for epoch in range(12):
        continuous.step(epoch)
    resumed_optimizer = _optimizer()
    resumed = trainers.WarmupThenPolyLR(resumed_optimizer, 1e-3, 20, 4)  # a new process
    for epoch in (2, 11):  # --c inside the warm-up, and after it
        resumed.step(epoch)
        continuous.step(epoch)
        assert resumed_optimizer.param_groups[0]["lr"] == first.param_groups[0]["lr"]
    assert resumed.get_last_lr() == [first.param_groups[0]["lr"]]


def test_a_one_epoch_training_is_all_warmup():
    optimizer = _optimizer()
    schedule = trainers.WarmupThenPolyLR(optimizer, 1e-3, 1, 1)
    schedule.step(0)
    assert optimizer.param_groups[0]["lr"] == pytest.approx(1e-3)


@pytest.mark.parametrize("epochs", [1, 5, 9, 10, 25, 1000])
def test_default_freeze_epochs_is_cores_rule(epochs):
    assert trainers.default_freeze_epochs(epochs) == presets.default_freeze_epochs(epochs)


def test_plain_network_unwraps_compile_and_ddp(tmp_path):
    import torch.distributed as dist

    network = torch.nn.Sequential(torch.nn.Linear(2, 2))
    compiled = torch.compile(network)  # compiles lazily: nothing runs here
    assert trainers.plain_network(compiled) is network
    assert trainers.plain_network(network) is network
    dist.init_process_group("gloo", init_method=f"file://{tmp_path / 'store'}", rank=0,
                            world_size=1)
    try:
        wrapped = torch.nn.parallel.DistributedDataParallel(compiled)  # nnU-Net's order
        assert trainers.plain_network(wrapped) is network
    finally:
        dist.destroy_process_group()
