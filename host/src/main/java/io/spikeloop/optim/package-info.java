/**
 * Optimizers with PyTorch's exact update rules ({@code torch.optim.Adam} with {@code eps} added
 * after the square root and bias correction; {@code torch.optim.SGD} with momentum
 * {@code buf = momentum * buf + g}). {@link io.spikeloop.optim.OptimizerSpec} holds the
 * hyperparameters and the per-step coefficients that both the float64 reference and the fused
 * float32 fast path use; {@link io.spikeloop.optim.Optimizer} applies them to float64 tensors.
 * {@code OptimizerSpec.QuantizedAdam} runs the learning engine's integer quantized Adam
 * ({@code io.spikeloop.sim.learning}, {@code docs/learning-engine.md}) inside the reference trainer.
 */
package io.spikeloop.optim;
