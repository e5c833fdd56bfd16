package io.spikeloop.placement;

import io.spikeloop.checkpoint.StateMap;
import io.spikeloop.device.Device;
import io.spikeloop.device.WeightTensor;
import io.spikeloop.model.SnnParameters;
import io.spikeloop.sim.learning.LearningMemory;
import io.spikeloop.target.sl1.FixedPoint;
import java.util.Arrays;
import java.util.Locale;

/**
 * {@code hil}: float master weights and float Adam (PyTorch's update, float64) on the host; after
 * every step each tensor is re-quantized (round to nearest, saturating) and written only when a
 * value changed.
 */
public final class HilPlacement extends OffChipPlacement {
  private final String[] names;
  private final double[][] master;
  private final double[][] m;
  private final double[][] v;
  private final int[][] written;
  private final double[] wOut;
  private long step;

  public HilPlacement(Device device, DeviceNetwork net, PlacementSettings settings,
                      SnnParameters init) {
    super(device, net, settings);
    names = tensorNames(net);
    int n = names.length;
    master = new double[n][];
    m = new double[n][];
    v = new double[n][];
    written = new int[n][];
    for (int i = 0; i < n; i++) {
      master[i] = init.tensor(names[i]).values().clone();
      m[i] = new double[master[i].length];
      v[i] = new double[master[i].length];
      written[i] = device.readWeights(names[i]);
    }
    wOut = master[indexOf(WeightTensor.OUT_W)];
  }

  private int indexOf(String name) {
    return Arrays.asList(names).indexOf(name);
  }

  @Override
  public String name() {
    return "hil";
  }

  @Override
  protected double[] outputWeights() {
    return wOut;
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
      int bits = net.config().tensor(names[i]).bits();
      double lsb = net.lsb(names[i]);
      int[] q = written[i];
      boolean changed = false;
      for (int j = 0; j < w.length; j++) {
        mi[j] = b1 * mi[j] + (1 - b1) * g[j];
        vi[j] = b2 * vi[j] + (1 - b2) * g[j] * g[j];
        w[j] -= lr * (mi[j] / c1) / (Math.sqrt(vi[j]) / c2 + settings.eps());
        int value = (int) FixedPoint.sat((long) Math.rint(w[j] / lsb), bits);
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
        // in place: wOut aliases the master of out.w
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
        + "masters 8 B/param = %d B for %d params; on the core: 0 B", 16 * params, params);
  }
}
