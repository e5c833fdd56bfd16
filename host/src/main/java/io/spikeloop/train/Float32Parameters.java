package io.spikeloop.train;

import io.spikeloop.checkpoint.StateMap;
import io.spikeloop.model.ParameterTensor;
import io.spikeloop.model.SnnConfig;
import io.spikeloop.model.SnnParameters;
import io.spikeloop.optim.FusedUpdate;
import io.spikeloop.optim.OptimizerSpec;
import io.spikeloop.sim.learning.AdamSchedule;
import java.util.ArrayList;
import java.util.List;

/**
 * The parameters of a float32 trainer as {@link Float32Tensor}s, in the order of {@link
 * SnnParameters#tensors()}, with their optimizer rows: exported as {@link SnnParameters}, saved to
 * and restored from a checkpoint under {@code trainer.kind}, {@code trainer.updates} and per
 * tensor {@code trainer.i.w}, {@code .s1}, {@code .s2} (Adam) and {@code .last} (catch-up Adam).
 */
final class Float32Parameters {
  private final SnnConfig config;
  private final FusedUpdate update;
  private final List<Float32Tensor> tensors = new ArrayList<>();

  /** {@code init} copied to float32, with optimizer rows for {@code update}'s optimizer. */
  Float32Parameters(SnnParameters init, FusedUpdate update) {
    this.config = init.config();
    this.update = update;
    boolean adam = update.spec() instanceof OptimizerSpec.Adam;
    boolean catchUp = update.schedule() == AdamSchedule.CATCH_UP;
    for (ParameterTensor t : init.tensors()) {
      tensors.add(new Float32Tensor(t, adam, catchUp));
    }
  }

  /** The tensors, in {@link SnnParameters#tensors()} order. */
  List<Float32Tensor> tensors() {
    return tensors;
  }

  Float32Tensor get(int i) {
    return tensors.get(i);
  }

  /** The current values as {@link SnnParameters} (float64). */
  SnnParameters export() {
    SnnParameters p = SnnParameters.zeros(config);
    for (int i = 0; i < tensors.size(); i++) {
      tensors.get(i).export(p.tensors().get(i).values());
    }
    return p;
  }

  /**
   * A state holding {@code kind}, the update count and per tensor its float32 rows and optimizer
   * rows, flattened.
   */
  StateMap save(String kind) {
    StateMap out = new StateMap();
    out.putText("trainer.kind", kind);
    out.putLong("trainer.updates", update.steps());
    for (int i = 0; i < tensors.size(); i++) {
      Float32Tensor tensor = tensors.get(i);
      out.putFloats("trainer." + i + ".w", flatten(tensor.w, tensor.post));
      out.putFloats("trainer." + i + ".s1", flatten(tensor.s1, tensor.post));
      if (update.spec() instanceof OptimizerSpec.Adam) {
        out.putFloats("trainer." + i + ".s2", flatten(tensor.s2, tensor.post));
      }
      if (update.schedule() == AdamSchedule.CATCH_UP) {
        out.putInts("trainer." + i + ".last", flattenInts(tensor.last, tensor.post));
      }
    }
    return out;
  }

  /**
   * Reads and checks what {@link #save} wrote under {@code kind} ({@code hint} says in the error
   * what else the checkpoint may come from) without changing anything yet: the returned action
   * applies it. A state of the wrong shape must not leave a trainer half-restored.
   */
  Runnable read(StateMap in, String kind, String hint) {
    if (!in.text("trainer.kind").equals(kind)) {
      throw new IllegalArgumentException("the checkpoint holds a " + in.text("trainer.kind")
          + " trainer, not " + kind + " (" + hint + ")");
    }
    long updates = in.getLong("trainer.updates");
    List<float[][]> values = new ArrayList<>();
    List<int[]> lastValues = new ArrayList<>();
    for (int i = 0; i < tensors.size(); i++) {
      Float32Tensor tensor = tensors.get(i);
      int n = tensor.pre * tensor.post;
      if (update.schedule() == AdamSchedule.CATCH_UP) {
        lastValues.add(in.ints("trainer." + i + ".last", n));
      }
      values.add(new float[][] {in.floats("trainer." + i + ".w", n),
          in.floats("trainer." + i + ".s1", n),
          update.spec() instanceof OptimizerSpec.Adam ? in.floats("trainer." + i + ".s2", n) : null});
    }
    return () -> {
      for (int i = 0; i < tensors.size(); i++) {
        Float32Tensor tensor = tensors.get(i);
        unflatten(values.get(i)[0], tensor.w);
        unflatten(values.get(i)[1], tensor.s1);
        if (values.get(i)[2] != null) {
          unflatten(values.get(i)[2], tensor.s2);
        }
        if (!lastValues.isEmpty()) {
          int[] flat = lastValues.get(i);
          for (int j = 0; j < tensor.pre; j++) {
            System.arraycopy(flat, j * tensor.post, tensor.last[j], 0, tensor.post);
          }
        }
      }
      update.restoreSteps(updates);
    };
  }

  /** Rows of {@code width} values one after the other. */
  static float[] flatten(float[][] rows, int width) {
    float[] flat = new float[rows.length * width];
    for (int j = 0; j < rows.length; j++) {
      System.arraycopy(rows[j], 0, flat, j * width, width);
    }
    return flat;
  }

  private static int[] flattenInts(int[][] rows, int width) {
    int[] flat = new int[rows.length * width];
    for (int j = 0; j < rows.length; j++) {
      System.arraycopy(rows[j], 0, flat, j * width, width);
    }
    return flat;
  }

  private static void unflatten(float[] flat, float[][] rows) {
    for (int j = 0; j < rows.length; j++) {
      System.arraycopy(flat, j * rows[j].length, rows[j], 0, rows[j].length);
    }
  }
}
