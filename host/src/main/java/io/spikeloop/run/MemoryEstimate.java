package io.spikeloop.run;

import java.util.List;
import java.util.Locale;

/**
 * What a run will hold in memory, estimated from its options and the data's shape before
 * anything large is allocated, so that a run that cannot fit is refused with the estimate instead
 * of ending in an OutOfMemoryError. Figures are lower bounds of the large arrays only (no JVM
 * overhead): a run refused here could never have finished.
 *
 * @param parameters   weights and biases of the network
 * @param modelBytes   parameters times the trainer's copies of them (weights, optimizer state,
 *                     gradients, transposed copies): 28 bytes per parameter for the float32
 *                     trainer, 40 for the float64 one
 * @param stateBytes   the per-step state the trainer keeps: (chunk length + 2) x batch x
 *                     (12 bytes per hidden unit + 4 per output); chunk length 1 for tbptt1, k for
 *                     tbptt-k, the steps for bptt; device placements train one sample at a time;
 *                     eprop (chunk 1) adds its eligibility traces, 4 bytes per hidden-layer
 *                     parameter and sample of the batch, independent of the steps
 * @param dataBytes    at least 4 bytes per step and sample (the CSR row offsets); 132 for the
 *                     synthetic set, which draws up to 32 spikes per step
 */
public record MemoryEstimate(long parameters, long modelBytes, long stateBytes, long dataBytes) {

  /** The estimate for {@code options} on data of this shape (sizes as longs: no overflow). */
  public static MemoryEstimate of(TrainOptions options, long channels, long classes, long steps,
                                  long samples) {
    List<Integer> hidden = options.hidden();
    boolean recurrent = options.model().equals("rsnn");
    long parameters = 0;
    long pre = channels;
    long hiddenTotal = 0;
    for (int size : hidden) {
      parameters = saturatingAdd(parameters, saturatingMultiply(pre + (recurrent ? size : 0) + 1,
          size));
      hiddenTotal += size;
      pre = size;
    }
    parameters = saturatingAdd(parameters, saturatingMultiply(pre + 1, classes));
    long perParameter = options.precision().equals("float64") ? 40 : 28;
    long chunk = switch (options.trainingMode().kind()) {
      case TBPTT1, EPROP -> 1;
      case TBPTT_K -> options.k();
      case BPTT -> steps;
    };
    long batch = options.placement().equals("host-float") ? options.batch() : 1;
    long state = saturatingMultiply(saturatingMultiply(chunk + 2, batch),
        saturatingAdd(saturatingMultiply(hiddenTotal, 12), saturatingMultiply(classes, 4)));
    if (options.trainingMode().kind() == io.spikeloop.train.TrainingMode.Kind.EPROP) {
      long firstLayer = saturatingMultiply(channels + (recurrent ? hidden.get(0) : 0) + 1,
          hidden.get(0));
      state = saturatingAdd(state, saturatingMultiply(saturatingMultiply(batch, 4), firstLayer));
    }
    long perStep = options.dataset().equals("synthetic") ? 132 : 4;
    long data = saturatingMultiply(saturatingMultiply(samples, steps + 1), perStep);
    return new MemoryEstimate(parameters, saturatingMultiply(parameters, perParameter), state,
        data);
  }

  public long totalBytes() {
    return saturatingAdd(saturatingAdd(modelBytes, stateBytes), dataBytes);
  }

  /** Fails with the estimate when it exceeds {@code availableBytes} (the JVM's -Xmx). */
  public void check(long availableBytes) {
    if (totalBytes() > availableBytes) {
      throw new IllegalArgumentException(String.format(Locale.ROOT, "this run needs at least "
              + "%s (network %s for %,d parameters, training state %s, data %s) but the JVM may "
              + "use %s; reduce --hidden, --batch or --steps (or raise -Xmx)",
          bytes(totalBytes()), bytes(modelBytes), parameters, bytes(stateBytes), bytes(dataBytes),
          bytes(availableBytes)));
    }
  }

  /** The JVM's heap limit. */
  public static long availableHeap() {
    return Runtime.getRuntime().maxMemory();
  }

  static String bytes(long b) {
    if (b == Long.MAX_VALUE) {
      return "more than 8 EiB";
    }
    String[] units = {"MiB", "GiB", "TiB", "PiB", "EiB"};
    double value = b / (double) (1L << 20);
    int unit = 0;
    while (value >= 1024 && unit < units.length - 1) {
      value /= 1024;
      unit++;
    }
    return String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
  }

  private static long saturatingAdd(long a, long b) {
    long r = a + b;
    return ((a ^ r) & (b ^ r)) < 0 ? Long.MAX_VALUE : r;
  }

  private static long saturatingMultiply(long a, long b) {
    long hi = Math.multiplyHigh(a, b);
    long lo = a * b;
    return (hi == 0 && lo >= 0) ? lo : Long.MAX_VALUE;
  }
}
