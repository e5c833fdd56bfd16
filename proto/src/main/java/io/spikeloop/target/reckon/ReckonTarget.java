package io.spikeloop.target.reckon;

import io.spikeloop.device.DesignRuleViolation;
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
 * Target {@code reckon}: the ReckOn chip as a plug-in ({@code docs/targets.md},
 * {@code docs/reckon.md}). Its devices ({@code sim:reckon}, {@code board:reckon}) are bit-exact
 * to each other; its cost model is the RTL's cycle formula and the published 5.3 pJ per synaptic
 * operation ({@link ReckonCostModel}); its on-chip learning is e-prop.
 */
public final class ReckonTarget implements Target {
  public static final String ID = "reckon";

  /** Named limits of a ReckOn device ({@link io.spikeloop.device.DeviceInfo#limits()}). */
  public static final String MAX_INPUTS = "max_inputs";
  public static final String MAX_RECURRENT = "max_recurrent";
  public static final String MAX_OUTPUTS = "max_outputs";
  /** The chip's own limits: 256 inputs, 256 recurrent neurons, 16 outputs. */
  public static final Map<String, Long> CHIP_LIMITS = Map.of(
      MAX_INPUTS, (long) ReckonNetwork.MAX_INPUTS,
      MAX_RECURRENT, (long) ReckonNetwork.MAX_RECURRENT,
      MAX_OUTPUTS, (long) ReckonNetwork.MAX_OUTPUTS);

  /** Recurrent-neuron spikes (the spike tests that fired). */
  public static final String HIDDEN_SPIKES = "hidden_spikes";
  /** Clock cycles of ticks with e-prop spent in the learning pass (part of {@code cycles}). */
  public static final String LEARNING_CYCLES = "learning_cycles";

  /**
   * {@code steps} ticks, {@code sops} synaptic operations, {@code cycles} clock cycles by the RTL
   * formula, {@code hidden_spikes}, {@code learning_updates} ticks with e-prop, {@code
   * learning_cycles}; measure {@code energy_joules} (sops x 5.3 pJ).
   */
  public static final List<String> COUNTERS = List.of(Telemetry.STEPS, Telemetry.SOPS,
      Telemetry.CYCLES, HIDDEN_SPIKES, Telemetry.LEARNING_UPDATES, LEARNING_CYCLES);

  private static final CostModel COST = new CostModel() {
    @Override
    public long cycles(Telemetry t) {
      return t.cycles();
    }

    /** 5.3 pJ per synaptic operation (ISSCC 2022, at 0.5 V). */
    @Override
    public double energyJoules(Telemetry t) {
      return ReckonCostModel.joules(t.sops());
    }

    @Override
    public long learningCycles(Telemetry t) {
      return t.count(LEARNING_CYCLES);
    }

    /** No published energy figure for the e-prop pass: 0 rather than a made-up number. */
    @Override
    public double learningJoules(Telemetry t) {
      return 0;
    }
  };

  private static final TargetLearning LEARNING = new TargetLearning() {
    @Override
    public void checkConfig(TargetNetwork network, TargetState config) {
      network(network);
      ReckonNetwork.Eprop e = ReckonCodecs.decodeLearningConfig(config);
      if (e.enables() == 0) {
        throw new IllegalArgumentException("reckon learning config enables no tensor (enables 0;"
            + " bit 0 W_in, bit 1 W_rec, bit 2 W_out)");
      }
    }

    @Override
    public void checkState(TargetState state) {
      ReckonCodecs.decodeLearningState(state);
    }

    @Override
    public String describeState(TargetState state) {
      ReckonCodecs.LearningWeights w = ReckonCodecs.decodeLearningState(state);
      return "reckon e-prop weights: W_in " + w.input().length + ", W_rec " + w.recurrent().length
          + ", W_out " + w.output().length + " bytes";
    }

    /**
     * Tensor by tensor: its shape ({@code rows}, {@code columns}: presynaptic, postsynaptic),
     * then its weights {@code w} by generic {@code [post][pre]} index, as {@code readWeights}
     * numbers them.
     */
    @Override
    public StateDifference firstDifference(TargetState a, TargetState b) {
      ReckonCodecs.LearningWeights wa = ReckonCodecs.decodeLearningState(a);
      ReckonCodecs.LearningWeights wb = ReckonCodecs.decodeLearningState(b);
      int[][] shapeA = ReckonCodecs.learningStateShapes(a);
      int[][] shapeB = ReckonCodecs.learningStateShapes(b);
      for (ReckonTensor t : ReckonTensor.values()) {
        String name = t.tensorName();
        int[] sa = shapeA[t.ordinal()];
        int[] sb = shapeB[t.ordinal()];
        if (sa[0] != sb[0]) {
          return new StateDifference(name, "rows", -1, sa[0], sb[0]);
        }
        if (sa[1] != sb[1]) {
          return new StateDifference(name, "columns", -1, sa[1], sb[1]);
        }
        byte[] x = wa.of(t);
        byte[] y = wb.of(t);
        int i = java.util.Arrays.mismatch(x, y);
        if (i >= 0) {
          int pre = i / sa[1];
          int post = i % sa[1];
          return new StateDifference(name, "w", post * sa[0] + pre, x[i], y[i]);
        }
      }
      return null;
    }

    /** E-prop's eligibility traces live in the neuron SRAM: the device state. */
    @Override
    public boolean learnsFromDeviceState() {
      return true;
    }

    /**
     * Membranes {@code u}, output membranes {@code o}, then the traces {@code traceIn}, {@code
     * traceRec}, {@code traceOut} (the order {@link ReckonState#firstDifference} uses).
     */
    @Override
    public StateDifference firstDeviceStateDifference(TargetState a, TargetState b) {
      ReckonState x = ReckonCodecs.decodeState(a);
      ReckonState y = ReckonCodecs.decodeState(b);
      StateDifference d = first("u", shorts(x.membranes()), shorts(y.membranes()));
      if (d == null) {
        d = first("o", shorts(x.outputMembranes()), shorts(y.outputMembranes()));
      }
      if (d == null) {
        d = first("traceIn", x.inputTraces(), y.inputTraces());
      }
      if (d == null) {
        d = first("traceRec", x.recurrentTraces(), y.recurrentTraces());
      }
      if (d == null) {
        d = first("traceOut", x.outputTraces(), y.outputTraces());
      }
      return d;
    }
  };

  private static int[] shorts(short[] v) {
    int[] out = new int[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = v[i];
    }
    return out;
  }

  /** The first differing element (a missing one reads as {@link Long#MIN_VALUE}), or null. */
  private static StateDifference first(String variable, int[] a, int[] b) {
    int i = java.util.Arrays.mismatch(a, b);
    if (i < 0) {
      return null;
    }
    return new StateDifference(null, variable, i, i < a.length ? a[i] : Long.MIN_VALUE,
        i < b.length ? b[i] : Long.MIN_VALUE);
  }

  @Override
  public String id() {
    return ID;
  }

  @Override
  public String description() {
    return "ReckOn (ISSCC 2022): 256 inputs, 256 all-to-all recurrent LIF, 16 outputs, 8-bit"
        + " weights, on-chip e-prop";
  }

  @Override
  public TargetNetwork decodeNetwork(TargetState encoded) {
    return ReckonCodecs.decodeNetwork(encoded);
  }

  /**
   * RK-SIZES against the device's named limits (a device may offer less than the chip); the
   * rest (pairs, alpha range, shifts, thresholds, one recurrent layer, no bias) is structural and
   * checked when the {@link ReckonNetwork} is built.
   */
  @Override
  public void checkDesignRules(TargetNetwork network, Map<String, Long> limits) {
    ReckonNetwork n = network(network);
    limit("inputs", n.inputs(), limits, MAX_INPUTS);
    limit("recurrent", n.recurrent(), limits, MAX_RECURRENT);
    limit("outputs", n.outputs(), limits, MAX_OUTPUTS);
  }

  private static void limit(String what, int value, Map<String, Long> limits, String name) {
    long max = limits.getOrDefault(name, CHIP_LIMITS.get(name));
    if (value > max) {
      throw new DesignRuleViolation("RK-SIZES", what + " is " + value + ", the device allows "
          + name + " = " + max);
    }
  }

  @Override
  public List<String> telemetryCounters() {
    return COUNTERS;
  }

  @Override
  public void checkDeviceState(TargetNetwork network, TargetState state) {
    ReckonNetwork n = network(network);
    ReckonState s = ReckonCodecs.decodeState(state);
    sized("membranes", s.membranes().length, n.recurrent());
    sized("output membranes", s.outputMembranes().length, n.outputs());
    sized("input traces", s.inputTraces().length, n.inputs());
    sized("recurrent traces", s.recurrentTraces().length, n.recurrent());
    sized("output traces", s.outputTraces().length, n.recurrent());
    traces("input traces", s.inputTraces(), 12);
    traces("recurrent traces", s.recurrentTraces(), 12);
    traces("output traces", s.outputTraces(), 10);
  }

  private static void sized(String what, int got, int expected) {
    if (got != expected) {
      throw new IllegalArgumentException("reckon device-state: " + got + " " + what
          + ", the network has " + expected);
    }
  }

  private static void traces(String what, int[] v, int unsignedBits) {
    for (int i = 0; i < v.length; i++) {
      if (v[i] < 0 || v[i] >= 1 << unsignedBits) {
        throw new IllegalArgumentException("reckon device-state: " + what + "[" + i + "] = " + v[i]
            + " does not fit unsigned " + unsignedBits + " bits");
      }
    }
  }

  @Override
  public CostModel costModel() {
    return COST;
  }

  @Override
  public Optional<TargetLearning> onChipLearning() {
    return Optional.of(LEARNING);
  }

  /** E-prop's checks without going through {@link Optional}. */
  static TargetLearning onChipLearningOf() {
    return LEARNING;
  }

  /** The Java model is bit-accurate to the RTL: results, weights and state agree bit for bit. */
  @Override
  public Equivalence equivalence() {
    return Equivalence.BIT_EXACT;
  }

  /** The network as a {@link ReckonNetwork}, or an error naming the target it is of. */
  public static ReckonNetwork network(TargetNetwork network) {
    if (!(network instanceof ReckonNetwork n)) {
      throw new IllegalArgumentException("a reckon device cannot load a network of target '"
          + (network == null ? "none" : network.targetId()) + "'");
    }
    return n;
  }
}
