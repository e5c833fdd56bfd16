/**
 * Training of the float network: the modes ({@code tbptt1}, {@code bptt}, {@code tbptt-k}), the
 * float64 reference trainer with hand-derived gradients ({@link
 * io.spikeloop.train.ReferenceTrainer}, the clear statement of the maths, matched against the
 * golden vectors to 1e-8), the optimized float32 trainer ({@link io.spikeloop.train.FastTrainer},
 * sparse forward pass and the gradient fused into the optimizer loop), what both minimise beyond
 * the per-step cross-entropy ({@link io.spikeloop.train.TrainingObjective}: loss mask, rate
 * penalty, decoupled weight decay), the augmentations of training samples ({@link
 * io.spikeloop.train.Augmentation}), the learning-rate schedule, the per-dataset defaults
 * ({@link io.spikeloop.train.TrainingPreset}), and the epoch loop with evaluation (accuracy,
 * spikes, SOPs).
 */
package io.spikeloop.train;
