package io.spikeloop.mapper.sl1;

import io.spikeloop.mapper.LockstepSettings;
import io.spikeloop.mapper.RandomNetworkSpec;
import io.spikeloop.mapper.RandomTargetNetwork;
import io.spikeloop.target.TargetNetwork;
import io.spikeloop.target.TargetState;
import io.spikeloop.target.sl1.CoreLimits;
import io.spikeloop.target.sl1.LockstepLearning;
import io.spikeloop.target.sl1.RandomNetwork;
import io.spikeloop.target.sl1.Sl1Codecs;
import io.spikeloop.target.sl1.Sl1Target;
import java.util.List;
import java.util.Map;

/**
 * SL-1's side of lock-step runs without a float model: its seeded {@link RandomNetwork} and the
 * {@link LockstepLearning} configuration from named settings ({@link Sl1Mapper#randomNetwork},
 * {@link Sl1Mapper#lockstepLearning}).
 */
final class Sl1LockstepRuns {
  /** Hidden layers when the spec leaves them to the target: one of 64 neurons. */
  static final List<Integer> DEFAULT_HIDDEN = List.of(64);

  /** The settings and their defaults (diff's option defaults). */
  static final String ADAM_BITS = "adam-bits", BLOCK = "block", LR_Q16 = "lr-q16",
      OUTPUT_FRAC_BITS = "output-frac-bits", LEARNING_SEED = "learning-seed";
  static final int DEFAULT_ADAM_BITS = 8, DEFAULT_BLOCK = 64, DEFAULT_LR_Q16 = 4194304,
      DEFAULT_OUTPUT_FRAC_BITS = 6;
  static final long DEFAULT_LEARNING_SEED = 1;

  private Sl1LockstepRuns() {}

  /**
   * {@link RandomNetwork} with as many inputs as the data has and every device allows (the
   * smallest {@code maxInputs}), the spec's layers (default one of 64) and its outputs.
   */
  static RandomTargetNetwork randomNetwork(RandomNetworkSpec spec,
                                           List<Map<String, Long>> deviceLimits) {
    int inputs = spec.inputs();
    for (Map<String, Long> limits : deviceLimits) {
      inputs = Math.min(inputs, CoreLimits.fromNames(limits).maxInputs());
    }
    List<Integer> sizes = spec.hidden().isEmpty() ? DEFAULT_HIDDEN : spec.hidden();
    RandomNetwork r = RandomNetwork.of(inputs, sizes, spec.recurrent(), spec.outputs(),
        spec.seed());
    String shape = (spec.recurrent() ? "recurrent " : "feed-forward ") + inputs + "-"
        + String.join("-", sizes.stream().map(String::valueOf).toList()) + "-" + spec.outputs();
    return new RandomTargetNetwork(r.config(), r.weights(), shape);
  }

  /**
   * {@link LockstepLearning#config} from the settings {@value #ADAM_BITS} (default {@value
   * #DEFAULT_ADAM_BITS}), {@value #BLOCK} ({@value #DEFAULT_BLOCK}), {@value #LR_Q16} ({@value
   * #DEFAULT_LR_Q16}), {@value #OUTPUT_FRAC_BITS} ({@value #DEFAULT_OUTPUT_FRAC_BITS}) and
   * {@value #LEARNING_SEED} ({@value #DEFAULT_LEARNING_SEED}).
   */
  static TargetState lockstepLearning(TargetNetwork network, Map<String, String> settings) {
    LockstepSettings s = LockstepSettings.parse(Sl1Target.ID, settings,
        List.of(ADAM_BITS, BLOCK, LR_Q16, OUTPUT_FRAC_BITS, LEARNING_SEED), "its learning "
            + "engine takes " + ADAM_BITS + ", " + BLOCK + ", " + LR_Q16 + ", "
            + OUTPUT_FRAC_BITS + " and " + LEARNING_SEED);
    return Sl1Codecs.encode(LockstepLearning.config(Sl1Target.network(network),
        s.getInt(ADAM_BITS, DEFAULT_ADAM_BITS), s.getInt(BLOCK, DEFAULT_BLOCK),
        s.getInt(LR_Q16, DEFAULT_LR_Q16), s.getInt(OUTPUT_FRAC_BITS, DEFAULT_OUTPUT_FRAC_BITS),
        s.get(LEARNING_SEED, DEFAULT_LEARNING_SEED)));
  }
}
