package io.spikeloop.convert.images;

import java.util.Arrays;

/**
 * Simulates how N-MNIST was recorded: a DVS sensor ({@code sensorSize}^2 pixels) looks at a still
 * image while the sensor makes three saccades of 105 ms each, displacing the image by (+3.5, +7),
 * (+3.5, -7) and (-7, 0) pixels. Each saccade follows a raised-cosine profile (slow at its ends,
 * fastest midway), which gives N-MNIST's three event bursts with quiet gaps between them.
 *
 * <p>Each pixel sees the bilinearly sampled image intensity I in [0, 1] and tracks
 * {@code L = ln(I + logOffset)}; whenever L moved by {@code contrastThreshold} from the pixel's
 * reference level it emits an ON (up) or OFF (down) event and moves the reference by one
 * threshold. Crossings between simulation steps are timed by linear interpolation; a pixel stays
 * silent for {@code refractoryMicros} after an event (crossings during that time fire when it
 * ends). Deterministic: the same image gives the same events.
 */
public record SaccadeDvs(double contrastThreshold, double refractoryMicros, double logOffset,
                         double stepMicros, int sensorSize, double startX, double startY) {
  /** Saccade length in microseconds and displacements in pixels (N-MNIST, Orchard et al. 2015). */
  public static final int SACCADE_US = 105_000;
  static final double[][] SACCADES = {{3.5, 7}, {3.5, -7}, {-7, 0}};

  /**
   * Defaults: threshold 0.53 (tuned so MNIST digits give ~4,100 events per sample like the real
   * recordings, see docs/datasets.md), 1 ms refractory, offset 0.1 (the dark background's log
   * level stays finite), 1 ms steps, 34 x 34 sensor, image origin at (1, 1.5) px.
   */
  public static final SaccadeDvs NMNIST = new SaccadeDvs(0.53, 1000, 0.1, 1000, 34, 1.0, 1.5);

  public SaccadeDvs {
    if (!(contrastThreshold > 0) || refractoryMicros < 0 || !(logOffset > 0)
        || !(stepMicros > 0) || sensorSize < 1 || sensorSize > 256) {
      throw new IllegalArgumentException("DVS parameters out of range: threshold "
          + contrastThreshold + ", refractory " + refractoryMicros + " us, offset " + logOffset
          + ", step " + stepMicros + " us, sensor " + sensorSize);
    }
  }

  public SaccadeDvs withThreshold(double threshold) {
    return new SaccadeDvs(threshold, refractoryMicros, logOffset, stepMicros, sensorSize, startX,
        startY);
  }

  /** Image displacement (x, y) at time {@code t} microseconds. */
  static void displacement(double t, double[] out) {
    double x = 0;
    double y = 0;
    for (int s = 0; s < SACCADES.length; s++) {
      double fraction = Math.min(Math.max((t - s * SACCADE_US) / SACCADE_US, 0), 1);
      double eased = 0.5 - 0.5 * Math.cos(Math.PI * fraction);
      x += SACCADES[s][0] * eased;
      y += SACCADES[s][1] * eased;
    }
    out[0] = x;
    out[1] = y;
  }

  public NmnistEvents simulate(GrayImage image) {
    int n = sensorSize * sensorSize;
    double[] reference = new double[n];
    double[] previous = new double[n];
    double[] lastEvent = new double[n];
    Arrays.fill(lastEvent, Double.NEGATIVE_INFINITY);
    double[] shift = new double[2];
    displacement(0, shift);
    for (int p = 0; p < n; p++) {
      previous[p] = level(image, p % sensorSize, p / sensorSize, shift);
      reference[p] = previous[p];
    }
    long[] keys = new long[4096]; // (time_us << 17) | (on << 16) | pixel
    int count = 0;
    double end = SACCADES.length * (double) SACCADE_US;
    for (double t0 = 0; t0 < end; t0 += stepMicros) {
      double t1 = Math.min(t0 + stepMicros, end);
      displacement(t1, shift);
      for (int p = 0; p < n; p++) {
        double now = level(image, p % sensorSize, p / sensorSize, shift);
        double before = previous[p];
        while (true) {
          double diff = now - reference[p];
          if (Math.abs(diff) < contrastThreshold) {
            break;
          }
          boolean on = diff > 0;
          double crossingLevel = reference[p] + (on ? contrastThreshold : -contrastThreshold);
          double fraction = now == before ? 1 : (crossingLevel - before) / (now - before);
          double time = t0 + Math.min(Math.max(fraction, 0), 1) * (t1 - t0);
          time = Math.max(time, lastEvent[p] + refractoryMicros);
          if (time > t1) {
            break; // still refractory: the crossing fires in a later step
          }
          if (count == keys.length) {
            keys = Arrays.copyOf(keys, 2 * count);
          }
          keys[count++] = ((long) Math.round(time) << 17) | ((on ? 1L : 0L) << 16) | p;
          lastEvent[p] = time;
          reference[p] = crossingLevel;
        }
        previous[p] = now;
      }
    }
    Arrays.sort(keys, 0, count);
    byte[] xs = new byte[count];
    byte[] ys = new byte[count];
    boolean[] on = new boolean[count];
    int[] times = new int[count];
    for (int i = 0; i < count; i++) {
      int p = (int) (keys[i] & 0xffff);
      xs[i] = (byte) (p % sensorSize);
      ys[i] = (byte) (p / sensorSize);
      on[i] = (keys[i] >>> 16 & 1) == 1;
      times[i] = (int) (keys[i] >>> 17);
    }
    return new NmnistEvents(xs, ys, on, times);
  }

  private double level(GrayImage image, int x, int y, double[] shift) {
    double intensity = image.bilinear(x - startX - shift[0], y - startY - shift[1]);
    return Math.log(intensity + logOffset);
  }
}
