package io.spikeloop.target.sl1;

import io.spikeloop.device.Telemetry;
import io.spikeloop.target.CostModel;
import io.spikeloop.target.Equivalence;
import io.spikeloop.target.StateDifference;
import io.spikeloop.target.Target;
import io.spikeloop.target.TargetLearning;
import io.spikeloop.target.TargetNetwork;
import io.spikeloop.target.TargetState;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * SL-1, the first target: chains of dense LIF layers with one weight exponent per layer, a leaky
 * integrator output, the quantized-Adam tBPTT1 learning engine ({@code docs/core-spec.md}). Its
 * devices are the simulator ({@code sim}), boards speaking driver ABI 3 ({@code board:NAME}) and
 * either behind a server ({@code remote://}); they agree bit for bit.
 */
public final class Sl1Target implements Target {
  public static final String ID = "sl1";

  /** Neuron updates (hidden and output neurons per step). */
  public static final String NEURON_UPDATES = "neuron_updates";
  public static final String HIDDEN_SPIKES = "hidden_spikes";
  /** Membrane or output values clamped to their width. */
  public static final String SATURATIONS = "saturations";
  /** Cycles the learning engine spent (part of {@link Telemetry#CYCLES}). */
  public static final String LEARNING_CYCLES = "learning_cycles";
  /** Measure: energy the learning engine spent (part of {@link Telemetry#ENERGY_JOULES}). */
  public static final String LEARNING_ENERGY_JOULES = "learning_energy_joules";

  /** The counters SL-1 devices report, in order. */
  public static final List<String> COUNTERS = List.of(Telemetry.STEPS, Telemetry.SOPS,
      Telemetry.CYCLES, NEURON_UPDATES, HIDDEN_SPIKES, SATURATIONS, Telemetry.FIFO_OVERFLOWS,
      Telemetry.DEADLINE_MISSES, Telemetry.LEARNING_UPDATES, LEARNING_CYCLES);

  /** Cycles and energy are what the devices count and estimate themselves (cycle model, energy profile). */
  private static final CostModel COST = new CostModel() {
    @Override
    public long cycles(Telemetry t) {
      return t.cycles();
    }

    @Override
    public double energyJoules(Telemetry t) {
      return t.energyJoules();
    }

    @Override
    public long learningCycles(Telemetry t) {
      return t.count(LEARNING_CYCLES);
    }

    @Override
    public double learningJoules(Telemetry t) {
      return t.measure(LEARNING_ENERGY_JOULES);
    }
  };

  private static final TargetLearning LEARNING = new TargetLearning() {
    @Override
    public void checkConfig(TargetNetwork network, TargetState config) {
      NetworkConfig net = network(network);
      LearningConfig c = Sl1Codecs.decodeLearningConfig(config);
      for (String tensor : c.learningRates().keySet()) {
        net.tensor(tensor);
      }
    }

    @Override
    public void checkState(TargetState state) {
      Sl1Codecs.decodeLearningState(state);
    }

    @Override
    public String describeState(TargetState state) {
      LearningState s = Sl1Codecs.decodeLearningState(state);
      return "sl1 learning state " + s.inputs() + "-" + s.hidden() + "-" + s.outputs() + ", "
          + LearningState.ruleName(s.rule()) + " " + LearningState.scheduleName(s.schedule())
          + ", " + s.tensors().size() + " tensors"
          + (s.sections().isEmpty() ? "" : ", sections " + s.sections().stream()
              .map(LearningState.Section::name).toList());
    }

    @Override
    public StateDifference firstDifference(TargetState a, TargetState b) {
      LearningState.Difference d = Sl1Codecs.decodeLearningState(a)
          .firstDifference(Sl1Codecs.decodeLearningState(b));
      return d == null ? null : new StateDifference(d.tensor(), d.variable(), d.index(), d.a(),
          d.b());
    }
  };

  @Override
  public String id() {
    return ID;
  }

  @Override
  public String description() {
    return "SL-1: dense LIF layers, leaky-integrator outputs, quantized-Adam tBPTT1 engine";
  }

  @Override
  public TargetNetwork decodeNetwork(TargetState encoded) {
    return Sl1Codecs.decodeNetwork(encoded);
  }

  @Override
  public void checkDesignRules(TargetNetwork network, Map<String, Long> limits) {
    DesignRule.check(network(network), CoreLimits.fromNames(limits));
  }

  @Override
  public List<String> telemetryCounters() {
    return COUNTERS;
  }

  @Override
  public void checkDeviceState(TargetNetwork network, TargetState state) {
    network(network).checkState(Sl1Codecs.decodeState(state));
  }

  @Override
  public CostModel costModel() {
    return COST;
  }

  @Override
  public Optional<TargetLearning> onChipLearning() {
    return Optional.of(LEARNING);
  }

  @Override
  public Equivalence equivalence() {
    return Equivalence.BIT_EXACT;
  }

  /** An SL-1 network, or an error naming the target it is for. */
  public static NetworkConfig network(TargetNetwork network) {
    if (!(network instanceof NetworkConfig n)) {
      throw new IllegalArgumentException("an sl1 device cannot load a network of target '"
          + (network == null ? "none" : network.targetId()) + "'");
    }
    return n;
  }
}
