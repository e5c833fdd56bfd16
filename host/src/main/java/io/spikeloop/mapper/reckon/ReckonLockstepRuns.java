package io.spikeloop.mapper.reckon;

import io.spikeloop.mapper.LockstepSettings;
import io.spikeloop.mapper.MappingRefusedException;
import io.spikeloop.mapper.RandomNetworkSpec;
import io.spikeloop.mapper.RandomTargetNetwork;
import io.spikeloop.target.TargetNetwork;
import io.spikeloop.target.TargetState;
import io.spikeloop.target.reckon.ReckonCodecs;
import io.spikeloop.target.reckon.ReckonNetwork;
import io.spikeloop.target.reckon.ReckonRandomNetworks;
import io.spikeloop.target.reckon.ReckonTarget;
import io.spikeloop.target.reckon.ReckonTensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * ReckOn's side of lock-step runs without a float model: {@link ReckonRandomNetworks} (every
 * switch of the chip exercised) and e-prop with the network's own settings, every tensor
 * learning ({@link ReckonMapper#randomNetwork}, {@link ReckonMapper#lockstepLearning}).
 */
final class ReckonLockstepRuns {
  /** The one setting family: {@code rate-shift.TENSOR}, that tensor's SPI_LR_R_* right shift. */
  static final String RATE_SHIFT = "rate-shift.";

  private ReckonLockstepRuns() {}

  /**
   * A network drawn from the seed ({@code java.util.Random(seed)}: 2..12 inputs, 4..14 recurrent
   * neurons, 1..3 outputs, the data folded onto them), its weights from the same generator;
   * e-prop switched on for every tensor when the spec learns. Its sizes are the chip's choice,
   * so hidden sizes and a feed-forward network (ReckOn's neurons are recurrent) are refused by
   * name; the networks fit every ReckOn device.
   */
  static RandomTargetNetwork randomNetwork(RandomNetworkSpec spec) {
    List<String> refused = new ArrayList<>();
    if (!spec.hidden().isEmpty()) {
      refused.add("hidden " + spec.hidden() + ": reckon's random networks draw their size from "
          + "the seed");
    }
    if (!spec.recurrent()) {
      refused.add("feed-forward: reckon's hidden neurons are recurrent");
    }
    if (!refused.isEmpty()) {
      throw new MappingRefusedException(ReckonTarget.ID, refused);
    }
    Random random = new Random(spec.seed());
    ReckonNetwork r = ReckonRandomNetworks.network(random, spec.learning());
    return new RandomTargetNetwork(r, ReckonRandomNetworks.genericWeights(random, r),
        "reckon " + r.inputs() + "-" + r.recurrent() + "-" + r.outputs());
  }

  /**
   * The network's own e-prop settings with every tensor enabled; {@code rate-shift.w_in},
   * {@code .w_rec}, {@code .w_out} set that tensor's right shift (0..31).
   */
  static TargetState lockstepLearning(TargetNetwork network, Map<String, String> settings) {
    LockstepSettings s = LockstepSettings.parse(ReckonTarget.ID, settings, List.of(RATE_SHIFT),
        "it learns with e-prop, whose settings come with the network; " + RATE_SHIFT
            + "TENSOR sets one tensor's right shift");
    ReckonNetwork.Eprop eprop = ReckonTarget.network(network).eprop().withEnables(7);
    for (Map.Entry<String, Long> e : s.family(RATE_SHIFT).entrySet()) {
      eprop = eprop.withRateRight(ReckonTensor.byName(e.getKey()),
          s.getInt(RATE_SHIFT + e.getKey(), 0));
    }
    return ReckonCodecs.encodeLearningConfig(eprop);
  }
}
