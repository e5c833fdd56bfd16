package io.spikeloop.sim;

import io.spikeloop.target.sl1.ChipInstance;
import io.spikeloop.sim.learning.AdamSchedule;
import io.spikeloop.sim.timing.EnergyProfile;
import io.spikeloop.sim.timing.MicroArchitecture;
import io.spikeloop.sim.timing.OverflowPolicy;
import io.spikeloop.target.sl1.CoreLimits;
import java.util.Locale;

/**
 * How a simulated core is set up, parsed from a device name:
 * {@code sim[:PROFILE][,clock-mhz=F][,step-us=T][,fifo=D][,overflow=stall|drop]
 * [,synapse-lanes=S][,neuron-lanes=L][,inputs=N][,fan-in=N][,learning=dense|lazy|catchup]
 * [,mismatch=S][,instance=K][,noise=N][,drop=P]}, e.g. {@code sim},
 * {@code sim:loihi}, {@code sim:odin,clock-mhz=50,fifo=32,overflow=drop}, or a larger core for
 * N-MNIST's 2312 inputs: {@code sim:inputs=4096,fan-in=4096}.
 *
 * @param limits the core's resources; a larger core keeps the 32-bit accumulators exact only
 *               while {@code maxFanIn * 2^(maxWeightBits-1) <= 2^31} (fan-in at most 65536
 *               with the 16-bit maximum weight width), which the constructor checks
 * @param learning the on-chip learning engine's Adam schedule: dense (the normative engine),
 *                 lazy or catchup (the event-driven variant, {@code docs/core-spec.md} 9.7)
 * @param chip     the chip instance: mismatch spread, instance number, membrane noise, input
 *                 event loss ({@code docs/core-spec.md} section 10); {@link ChipInstance#PERFECT}
 *                 for the bit-exact core
 */
public record SimOptions(EnergyProfile energy, MicroArchitecture arch, CoreLimits limits,
                         AdamSchedule learning, ChipInstance chip) {
  public static final String SCHEME = "sim";
  public static final String USAGE = "sim[:PROFILE][,clock-mhz=F][,step-us=T][,fifo=D]"
      + "[,overflow=stall|drop][,synapse-lanes=S][,neuron-lanes=L][,inputs=N][,fan-in=N]"
      + "[,learning=dense|lazy|catchup][,mismatch=S][,instance=K][,noise=N][,drop=P] with "
      + "PROFILE one of " + EnergyProfile.NAMED.stream().map(EnergyProfile::name).toList();

  /** The reference SL-1 with the ReckOn energy profile. */
  public static final SimOptions DEFAULT =
      new SimOptions(EnergyProfile.RECKON, MicroArchitecture.SL1, SimDevice.DEFAULT_LIMITS);

  public SimOptions {
    if (energy == null || arch == null || limits == null) {
      throw new IllegalArgumentException(
          "sim options need an energy profile, a microarchitecture and core limits");
    }
    if (learning == null) {
      throw new IllegalArgumentException("the simulated learning engine needs an Adam schedule "
          + "(dense, lazy or catchup)");
    }
    if (chip == null) {
      throw new IllegalArgumentException("sim options need a chip instance (ChipInstance.PERFECT "
          + "for the bit-exact core)");
    }
    requireExactAccumulators(limits);
  }

  /** A perfect chip (the bit-exact core). */
  public SimOptions(EnergyProfile energy, MicroArchitecture arch, CoreLimits limits,
                    AdamSchedule learning) {
    this(energy, arch, limits, learning, ChipInstance.PERFECT);
  }

  /** The normative (dense) learning engine. */
  public SimOptions(EnergyProfile energy, MicroArchitecture arch, CoreLimits limits) {
    this(energy, arch, limits, AdamSchedule.DENSE);
  }

  /** The reference core's limits with another energy profile or microarchitecture. */
  public SimOptions(EnergyProfile energy, MicroArchitecture arch) {
    this(energy, arch, SimDevice.DEFAULT_LIMITS);
  }

  /** Refuses limits under which a sum of fan-in weights could overflow the int32 accumulator. */
  static void requireExactAccumulators(CoreLimits limits) {
    if ((long) limits.maxFanIn() << (limits.maxWeightBits() - 1) > 1L << 31) {
      throw new IllegalArgumentException("limits allow fan-in " + limits.maxFanIn() + " of "
          + limits.maxWeightBits() + "-bit weights, which could overflow the 32-bit accumulators "
          + "(fanIn * 2^(wBits-1) must be <= 2^31, so fan-in <= "
          + (1L << (32 - limits.maxWeightBits())) + ")");
    }
  }

  private static CoreLimits withInputs(CoreLimits l, int inputs) {
    return l.toBuilder().maxInputs(inputs).build();
  }

  private static CoreLimits withFanIn(CoreLimits l, int fanIn) {
    CoreLimits c = l.toBuilder().maxFanIn(fanIn).build();
    requireExactAccumulators(c);
    return c;
  }

  /** Whether a device name belongs to the simulator. */
  public static boolean accepts(String name) {
    return name.equals(SCHEME) || name.startsWith(SCHEME + ":");
  }

  /** Parses a device name; bad names raise an exception naming the part and what is allowed. */
  public static SimOptions parse(String name) {
    if (!accepts(name)) {
      throw new IllegalArgumentException("'" + name + "' is not a simulator name; use " + USAGE);
    }
    if (name.equals(SCHEME)) {
      return DEFAULT;
    }
    EnergyProfile energy = DEFAULT.energy;
    MicroArchitecture arch = DEFAULT.arch;
    CoreLimits limits = DEFAULT.limits;
    AdamSchedule learning = DEFAULT.learning;
    ChipInstance chip = ChipInstance.PERFECT;
    String[] parts = name.substring(SCHEME.length() + 1).split(",", -1);
    for (int i = 0; i < parts.length; i++) {
      String part = parts[i].trim();
      int eq = part.indexOf('=');
      if (eq < 0) {
        if (i != 0) {
          throw new IllegalArgumentException("device '" + name + "': '" + part
              + "' needs key=value (only the first option may be a bare profile); use " + USAGE);
        }
        energy = EnergyProfile.named(part);
        continue;
      }
      String key = part.substring(0, eq).trim().toLowerCase(Locale.ROOT);
      String value = part.substring(eq + 1).trim();
      try {
        arch = switch (key) {
          case "clock-mhz" -> arch.withClock(Double.parseDouble(value) * 1e6);
          case "step-us" -> arch.withStepPeriod(Double.parseDouble(value) * 1e-6);
          case "fifo" -> arch.withFifo(Integer.parseInt(value), arch.overflow());
          case "overflow" -> arch.withFifo(arch.fifoDepth(),
              OverflowPolicy.valueOf(value.toUpperCase(Locale.ROOT)));
          case "synapse-lanes" -> arch.withLanes(Integer.parseInt(value), arch.neuronLanes());
          case "neuron-lanes" -> arch.withLanes(arch.synapseLanes(), Integer.parseInt(value));
          case "profile" -> {
            energy = EnergyProfile.named(value);
            yield arch;
          }
          case "inputs" -> {
            limits = withInputs(limits, Integer.parseInt(value));
            yield arch;
          }
          case "fan-in" -> {
            limits = withFanIn(limits, Integer.parseInt(value));
            yield arch;
          }
          case "learning" -> {
            learning = AdamSchedule.parse(value);
            yield arch;
          }
          case "mismatch", "instance", "noise", "drop" -> {
            chip = chip.with(key, value);
            yield arch;
          }
          default -> throw new IllegalArgumentException("unknown option '" + key + "'");
        };
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("device '" + name + "', option '" + part + "': "
            + e.getMessage() + "; use " + USAGE, e);
      }
    }
    return new SimOptions(energy, arch, limits, learning, chip);
  }
}
