"""nnFT's nnU-Net trainers.

nnU-Net finds them by name through ``nnUNet_extTrainer`` (nnFT points it at this folder), so the
real ``nnUNetv2_train`` runs them. This ``__init__`` imports nothing: the GUI must not pull in
torch by importing ``nnft.resources``.
"""
