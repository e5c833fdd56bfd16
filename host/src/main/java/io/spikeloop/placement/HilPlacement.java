package io.spikeloop.placement;

import io.spikeloop.checkpoint.StateMap;
import io.spikeloop.device.Device;
import io.spikeloop.mapper.MappedTensor;
import io.spikeloop.mapper.TargetMapper;
import io.spikeloop.mapper.TargetMapping;
import io.spikeloop.model.SnnParameters;
import io.spikeloop.sim.learning.LearningMemory;
import java.util.Arrays;
import java.util.Locale;

/**
 * {@code hil}: float master weights and float Adam (PyTorch's update, float64) on the host; after
 * every step each tensor is re-quantized (round to nearest, saturating: {@link
 * MappedTensor#quantize}) and written only when a value changed. Any target with a mapper: the
 * masters are the float tensors the target's tensors stand for, the gradient comes through the
 * target's float model ({@link TargetMapper#backward}).
 */
public final class HilPlacement extends OffChipPlacement {
  private final String[] names;
  private final double[][] master;
  private final double[][] m;
  private final double[][] v;
  private final MappedTensor[] tensors;
  private final int[][] written;
  private long step;

  /**
   * Trains {@code mapping} (made by {@code mapper} from {@code init}) on {@code device}; the
   * masters start from {@code init}'s float values.
   */
  public HilPlacement(Device device, TargetMapping mapping, TargetMapper mapper,
                      PlacementSettings settings, SnnParameters init) {
    super(device, mapping, mapper, settings);
    names = tensorNames(mapping);
    tensors = mapping.tensors().toArray(MappedTensor[]::new);
    int n = names.length;
    String outputTensor = outputTensor(mapping).name();
    master = new double[n][];
    m = new double[n][];
    v = new double[n][];
    written = new int[n][];
    for (int i = 0; i < n; i++) {
      double[] values = init.tensor(tensors[i].floatTensor()).values();
      // the output weights' master is the array the backward reads
      master[i] = names[i].equals(outputTensor) ? outputWeights : new double[values.length];
      System.arraycopy(values, 0, master[i], 0, values.length);
      m[i] = new double[master[i].length];
      v[i] = new double[master[i].length];
      written[i] = device.readWeights(names[i]);
    }
  }

  @Override
  public String name() {
    return "hil";
  }

  @Override
  protected void update() {
    step++;
    double b1 = settings.beta1();
    double b2 = settings.beta2();
    double c1 = 1 - Math.pow(b1, step);
    double c2 = Math.sqrt(1 - Math.pow(b2, step));
    double lr = settings.lr();
    for (int i = 0; i < names.length; i++) {
      double[] g = gradientOf(names[i]);
      double[] w = master[i];
      double[] mi = m[i];
      double[] vi = v[i];
      MappedTensor tensor = tensors[i];
      int[] q = written[i];
      boolean changed = false;
      for (int j = 0; j < w.length; j++) {
        mi[j] = b1 * mi[j] + (1 - b1) * g[j];
        vi[j] = b2 * vi[j] + (1 - b2) * g[j] * g[j];
        w[j] -= lr * (mi[j] / c1) / (Math.sqrt(vi[j]) / c2 + settings.eps());
        int value = tensor.quantize(w[j]);
        if (value != q[j]) {
          q[j] = value;
          changed = true;
        }
      }
      if (changed) {
        write(names[i], q);
      }
    }
  }

  @Override
  protected void saveMasters(StateMap s) {
    s.putLong("hil.step", step);
    for (int i = 0; i < names.length; i++) {
      s.putDoubles("hil.master." + names[i], master[i]);
      s.putDoubles("hil.m." + names[i], m[i]);
      s.putDoubles("hil.v." + names[i], v[i]);
    }
  }

  @Override
  protected Runnable prepareMasters(StateMap s) {
    long savedStep = s.getLong("hil.step");
    double[][][] saved = new double[3][names.length][];
    for (int i = 0; i < names.length; i++) {
      saved[0][i] = s.doubles("hil.master." + names[i], master[i].length);
      saved[1][i] = s.doubles("hil.m." + names[i], m[i].length);
      saved[2][i] = s.doubles("hil.v." + names[i], v[i].length);
    }
    return () -> {
      for (int i = 0; i < names.length; i++) {
        // in place: the output weights' master is the array the backward reads
        System.arraycopy(saved[0][i], 0, master[i], 0, master[i].length);
        System.arraycopy(saved[1][i], 0, m[i], 0, m[i].length);
        System.arraycopy(saved[2][i], 0, v[i], 0, v[i].length);
        written[i] = device.readWeights(names[i]);
      }
      step = savedStep;
    };
  }

  @Override
  public double optimizerStateBytesPerParameter() {
    return LearningMemory.FLOAT_ADAM_BYTES_PER_PARAMETER;
  }

  @Override
  public String memoryReport() {
    long params = Arrays.stream(master).mapToLong(a -> a.length).sum();
    return String.format(Locale.ROOT, "hil learning memory (host): float Adam 8 B/param + float64 "
        + "masters 8 B/param = %d B for %d params%s; on the core: 0 B", 16 * params, params,
        traceReport());
  }
}
