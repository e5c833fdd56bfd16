package io.spikeloop.sim.learning;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Writes the {@code spikeloop-qadam-vector/1} golden vectors that pin quantized Adam's integer
 * semantics (format in {@code docs/learning-engine.md}). The gradients come from
 * {@link SplittableRandom} seeded with the generator seed plus the vector's index; the files hold
 * them, so a re-implementation only replays the files. Usage:
 *
 * <pre>
 *   java -cp device-sim/target/classes io.spikeloop.sim.learning.QuantizedAdamVectorGenerator \
 *       [OUT_DIR (default device-sim/src/test/resources/golden/qadam)] [SEED (default 20261129)]
 * </pre>
 */
public final class QuantizedAdamVectorGenerator {
  public static final String FORMAT = "spikeloop-qadam-vector/1";
  public static final long DEFAULT_SEED = 20261129L;

  /** How a vector's gradient integers are drawn. */
  enum GradientKind {
    /** Uniform over the whole int16 range, exponent varying by a few octaves. */
    DENSE,
    /** Mostly zero, occasional large values (spiking layers: most inputs silent). */
    SPARSE,
    /** Extreme magnitudes and exponents, whole zero steps. */
    EXTREME
  }

  /** One vector to generate. */
  record Spec(String name, String description, QuantizedAdamConfig config, int length, int steps,
      GradientKind kind) {}

  private QuantizedAdamVectorGenerator() {}

  static List<Spec> specs() {
    List<Spec> specs = new ArrayList<>();
    QuantizedAdamConfig base = QuantizedAdamConfig.defaults(24.0);
    specs.add(new Spec("qadam8-block64-n100", "8-bit state, default betas, two blocks, the second "
        + "partial (100 = 64 + 36)", base, 100, 12, GradientKind.DENSE));
    specs.add(new Spec("qadam4-block16-n37", "4-bit state packed two codes per byte, odd length, "
        + "sparse gradients", base.withStateBits(4).withBlockSize(16), 37, 12,
        GradientKind.SPARSE));
    specs.add(new Spec("qadam4-block256-n300", "4-bit state, block larger than a tensor row, "
        + "whole blocks without gradient", base.withStateBits(4).withBlockSize(256), 300, 8,
        GradientKind.SPARSE));
    specs.add(new Spec("qadam8-block4-long-bias-saturates", "beta1 0.5, beta2 0.75: both beta "
        + "powers underflow Q0.30 (bias correction saturates at 1) within the 120 steps",
        QuantizedAdamConfig.fromFloat(8, 4, 3.5, 0.5, 0.75, 1e-8, 8, 8), 6, 120,
        GradientKind.DENSE));
    specs.add(new Spec("qadam8-block1-extremes", "int4 core weights with 6 master fraction bits,"
        + " lr 256 LSB so masters saturate, eps 2^-2 dominating small gradients, exponents from"
        + " -120 to +40, zero steps", QuantizedAdamConfig.fromFloat(8, 1, 256.0, 0.9, 0.999, 0.25,
            4, 6), 5, 16, GradientKind.EXTREME));
    specs.add(new Spec("qadam8-block16-n300-lazy", "lazy schedule: blocks whose gradient is all 0 "
        + "(whole silent regions, and by chance) keep their state and draw nothing",
        base.withBlockSize(16).withSchedule(AdamSchedule.LAZY), 300, 16, GradientKind.SPARSE));
    specs.add(new Spec("qadam4-block64-n200-lazy", "lazy schedule, 4-bit packed codes, a partial "
        + "last block", base.withStateBits(4).withSchedule(AdamSchedule.LAZY), 200, 12,
        GradientKind.SPARSE));
    return specs;
  }

  public static void main(String[] args) throws IOException {
    Path out = Path.of(args.length > 0 ? args[0] : "device-sim/src/test/resources/golden/qadam");
    long seed = args.length > 1 ? Long.parseLong(args[1]) : DEFAULT_SEED;
    Files.createDirectories(out);
    List<Spec> specs = specs();
    for (int k = 0; k < specs.size(); k++) {
      Spec spec = specs.get(k);
      Path file = out.resolve(spec.name() + ".json");
      Files.writeString(file, generate(spec, seed + k), StandardCharsets.UTF_8);
      System.out.println("wrote " + file);
    }
  }

  /** The JSON text of one vector. */
  static String generate(Spec spec, long seed) {
    QuantizedAdamConfig c = spec.config();
    int n = spec.length();
    SplittableRandom rnd = new SplittableRandom(seed);
    int[] master = new int[n];
    for (int i = 0; i < n; i++) {
      master[i] = rnd.nextInt(c.masterMin(), c.masterMax() + 1) / 4;
    }
    int[] weights = new int[n];
    QuantizedAdamState state = QuantizedAdamState.initial(c, n, seed);
    QuantizedAdam adam = new QuantizedAdam(c);

    StringBuilder json = new StringBuilder(1 << 16);
    json.append("{\n  \"format\": \"").append(FORMAT).append("\",\n");
    json.append("  \"name\": \"").append(spec.name()).append("\",\n");
    json.append("  \"description\": \"").append(spec.description()).append("\",\n");
    json.append("  \"generator\": \"").append(QuantizedAdamVectorGenerator.class.getName())
        .append(" seed ").append(seed).append("\",\n");
    json.append(String.format(Locale.ROOT, "  \"config\": {\"stateBits\": %d, \"blockSize\": %d, "
            + "\"beta1Q20\": %d, \"beta2Q20\": %d, \"lrQ16\": %d, \"epsExp\": %d, "
            + "\"weightBits\": %d, \"masterFracBits\": %d%s},%n", c.stateBits(), c.blockSize(),
        c.beta1Q20(), c.beta2Q20(), c.lrQ16(), c.epsExp(), c.weightBits(), c.masterFracBits(),
        c.schedule() == AdamSchedule.DENSE ? ""
            : ", \"schedule\": \"" + c.schedule().cliName() + "\""));
    json.append("  \"length\": ").append(n).append(",\n");
    json.append("  \"seed\": ").append(seed).append(",\n");
    json.append("  \"rngInit\": \"").append(hex(state.rngState())).append("\",\n");
    array(json.append("  \"master\": "), master).append(",\n");
    json.append("  \"steps\": [\n");
    int[] grad = new int[n];
    for (int t = 0; t < spec.steps(); t++) {
      int gradExp = drawGradient(spec.kind(), rnd, t, grad);
      state = adam.step(state, grad, gradExp, master, weights);
      json.append("    {\"gradExp\": ").append(gradExp).append(", ");
      array(json.append("\"grad\": "), grad).append(",\n     \"expect\": {");
      json.append("\"step\": ").append(state.step());
      json.append(", \"beta1Pow\": ").append(state.beta1Pow());
      json.append(", \"beta2Pow\": ").append(state.beta2Pow());
      json.append(", \"rngState\": \"").append(hex(state.rngState())).append("\",\n       ");
      int[] mCodes = new int[n];
      int[] rCodes = new int[n];
      for (int i = 0; i < n; i++) {
        mCodes[i] = state.mCode(i);
        rCodes[i] = state.rCode(i);
      }
      array(json.append("\"mCodes\": "), mCodes).append(",\n       ");
      array(json.append("\"mScales\": "), state.mScales()).append(",\n       ");
      array(json.append("\"rCodes\": "), rCodes).append(",\n       ");
      array(json.append("\"rScales\": "), state.rScales()).append(",\n       ");
      array(json.append("\"master\": "), master).append(",\n       ");
      array(json.append("\"weights\": "), weights).append("}}");
      json.append(t + 1 < spec.steps() ? ",\n" : "\n");
    }
    json.append("  ]\n}\n");
    return json.toString();
  }

  private static int drawGradient(GradientKind kind, SplittableRandom rnd, int t, int[] grad) {
    switch (kind) {
      case DENSE:
        for (int i = 0; i < grad.length; i++) {
          grad[i] = rnd.nextInt(-QuantizedAdam.MAX_GRADIENT, QuantizedAdam.MAX_GRADIENT + 1)
              >> rnd.nextInt(8);
        }
        return -20 + rnd.nextInt(7);
      case SPARSE:
        for (int i = 0; i < grad.length; i++) {
          boolean silentBlock = (i / 128 + t) % 3 == 0;
          grad[i] = !silentBlock && rnd.nextInt(5) == 0
              ? rnd.nextInt(-QuantizedAdam.MAX_GRADIENT, QuantizedAdam.MAX_GRADIENT + 1) : 0;
        }
        return -16 + rnd.nextInt(3);
      case EXTREME: {
        boolean zeroStep = t % 5 == 4;
        for (int i = 0; i < grad.length; i++) {
          int magnitude = rnd.nextBoolean() ? QuantizedAdam.MAX_GRADIENT : rnd.nextInt(4);
          grad[i] = zeroStep ? 0 : (rnd.nextBoolean() ? magnitude : -magnitude);
        }
        return t < 8 ? -120 + 20 * t : 40 - 10 * (t - 8);
      }
      default:
        throw new IllegalStateException("unknown gradient kind " + kind);
    }
  }

  private static String hex(long x) {
    return String.format(Locale.ROOT, "0x%016x", x);
  }

  private static StringBuilder array(StringBuilder json, int[] values) {
    json.append('[');
    for (int i = 0; i < values.length; i++) {
      json.append(i == 0 ? "" : ", ").append(values[i]);
    }
    return json.append(']');
  }

  private static StringBuilder array(StringBuilder json, byte[] values) {
    json.append('[');
    for (int i = 0; i < values.length; i++) {
      json.append(i == 0 ? "" : ", ").append(values[i]);
    }
    return json.append(']');
  }
}
