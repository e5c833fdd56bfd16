package io.spikeloop.bench;

import io.spikeloop.sim.learning.AdamSchedule;
import io.spikeloop.sim.learning.QuantizedAdam;
import io.spikeloop.sim.learning.QuantizedAdamConfig;
import io.spikeloop.sim.learning.QuantizedAdamState;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * CPU time of one quantized Adam step per parameter (8- and 4-bit state, block 64) on a tensor of
 * {@code args[0]} parameters (default 46164, the 700-64-20 synthetic network), measured as thread
 * CPU time so that other load on the machine does not count. Run after
 * {@code mvn -o -q -pl bench -am package -DskipTests}:
 * {@code java -cp "bench/target/classes:bench/target/lib/*"
 * io.spikeloop.bench.QuantizedAdamBenchmark [parameters [8|4]]} (one state width per JVM for
 * clean figures).
 */
public final class QuantizedAdamBenchmark {
  private QuantizedAdamBenchmark() {}

  public static void main(String[] args) {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 46164;
    // one state width per JVM gives clean figures (see LearningStepBenchmark)
    int[] widths = args.length > 1 ? new int[] {Integer.parseInt(args[1])} : new int[] {8, 4};
    System.out.println("quantized Adam step, " + n + " parameters, block 64, "
        + System.getProperty("java.vm.name") + " " + System.getProperty("java.version") + ", "
        + Runtime.getRuntime().availableProcessors() + " CPUs");
    for (int bits : widths) {
      for (double density : new double[] {1.0, 0.03}) {
        System.out.printf(Locale.ROOT, "%d-bit state, %3.0f%% nonzero gradients: %.1f ns CPU per "
            + "parameter per step%n", bits, density * 100,
            nsPerParameter(n, bits, density, AdamSchedule.DENSE, false));
      }
      // rows of a presynaptic unit (whole blocks) touched at ~3 % activity: dense vs lazy
      for (AdamSchedule schedule : new AdamSchedule[] {AdamSchedule.DENSE, AdamSchedule.LAZY}) {
        System.out.printf(Locale.ROOT, "%d-bit state, 3%% of blocks with gradient, %s schedule: "
            + "%.1f ns CPU per parameter per step%n", bits, schedule.cliName(),
            nsPerParameter(n, bits, 0.03, schedule, true));
      }
    }
  }

  /**
   * One tensor's step cost; {@code density} of the gradients are nonzero (dense: every element;
   * 3 %: the share a spiking layer's input gradient has at ~3 % input activity); with
   * {@code wholeBlocks} the nonzero gradients fill whole 64-element blocks (a presynaptic unit's
   * row), as the lazy schedule skips the others.
   */
  static double nsPerParameter(int n, int bits, double density, AdamSchedule schedule,
                               boolean wholeBlocks) {
    ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
    QuantizedAdamConfig config = QuantizedAdamConfig.defaults(20).withStateBits(bits)
        .withSchedule(schedule);
    QuantizedAdam adam = new QuantizedAdam(config);
    QuantizedAdamState state = QuantizedAdamState.initial(config, n, 1);
    int[] grad = new int[n];
    int[] master = new int[n];
    int[] weights = new int[n];
    SplittableRandom rnd = new SplittableRandom(1);
    boolean blockOn = false;
    for (int i = 0; i < n; i++) {
      if (!wholeBlocks) {
        // gradients spread over ten octaves
        grad[i] = rnd.nextDouble() < density ? rnd.nextInt(-32767, 32768) >> rnd.nextInt(10) : 0;
        continue;
      }
      if (i % config.blockSize() == 0) {
        blockOn = rnd.nextDouble() < density;
      }
      grad[i] = blockOn ? (rnd.nextInt(-32767, 32768) >> rnd.nextInt(10)) | 1 : 0; // never 0
    }
    for (int t = 0; t < 300; t++) { // warm-up
      state = adam.step(state, grad, -20, master, weights);
    }
    int steps = 500;
    long start = cpu.getCurrentThreadCpuTime();
    for (int t = 0; t < steps; t++) {
      state = adam.step(state, grad, -20, master, weights);
    }
    return (cpu.getCurrentThreadCpuTime() - start) / (double) steps / n;
  }
}
