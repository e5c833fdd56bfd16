package io.spikeloop.mapper;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Which of a target's named tensors learn for the next stretch of on-chip learning, and how much
 * slower than the plan's own rate ({@link OnChipLearningPlan#withTensors}). A rate is only ever
 * divided by a power of two, which every target encodes exactly: SL-1 shifts its Q16.16 rate
 * right (rounding down: rates are non-negative), ReckOn adds to its rate's right shift.
 *
 * @param rateShifts per learning tensor, by the target's tensor name ({@code
 *                   WeightTensor.name()}), in the order given: {@code k} in 0..{@value
 *                   #MAX_RATE_SHIFT}, its learning rate is the plan's divided by {@code 2^k};
 *                   a tensor not listed does not learn. At least one tensor.
 */
public record TensorLearning(Map<String, Integer> rateShifts) {
  /** Largest slow-down: 2^-31 of the rate. */
  public static final int MAX_RATE_SHIFT = 31;

  public TensorLearning {
    if (rateShifts == null || rateShifts.isEmpty()) {
      throw new IllegalArgumentException("a tensor selection needs at least one learning tensor "
          + "(to stop learning, disable it)");
    }
    rateShifts = Collections.unmodifiableMap(new LinkedHashMap<>(rateShifts));
    rateShifts.forEach((name, k) -> {
      if (k == null || k < 0 || k > MAX_RATE_SHIFT) {
        throw new IllegalArgumentException("rate shift of tensor " + name + " must be in 0.."
            + MAX_RATE_SHIFT + ", got " + k);
      }
    });
  }

  /** {@code tensors} learning at the plan's own rates. */
  public static TensorLearning fullRate(Collection<String> tensors) {
    Map<String, Integer> shifts = new LinkedHashMap<>();
    tensors.forEach(t -> shifts.put(t, 0));
    return new TensorLearning(shifts);
  }

  /** Whether {@code tensor} learns. */
  public boolean learns(String tensor) {
    return rateShifts.containsKey(tensor);
  }
}
