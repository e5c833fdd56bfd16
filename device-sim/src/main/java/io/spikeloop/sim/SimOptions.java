package io.spikeloop.sim;

import io.spikeloop.sim.timing.EnergyProfile;
import io.spikeloop.sim.timing.MicroArchitecture;
import io.spikeloop.sim.timing.OverflowPolicy;
import java.util.Locale;

/**
 * How a simulated core is set up, parsed from a device name:
 * {@code sim[:PROFILE][,clock-mhz=F][,step-us=T][,fifo=D][,overflow=stall|drop]
 * [,synapse-lanes=S][,neuron-lanes=L]}, e.g. {@code sim}, {@code sim:loihi},
 * {@code sim:odin,clock-mhz=50,fifo=32,overflow=drop}.
 */
public record SimOptions(EnergyProfile energy, MicroArchitecture arch) {
  public static final String SCHEME = "sim";
  public static final String USAGE = "sim[:PROFILE][,clock-mhz=F][,step-us=T][,fifo=D]"
      + "[,overflow=stall|drop][,synapse-lanes=S][,neuron-lanes=L] with PROFILE one of "
      + EnergyProfile.NAMED.stream().map(EnergyProfile::name).toList();

  /** The reference SL-1 with the ReckOn energy profile. */
  public static final SimOptions DEFAULT = new SimOptions(EnergyProfile.RECKON, MicroArchitecture.SL1);

  public SimOptions {
    if (energy == null || arch == null) {
      throw new IllegalArgumentException("sim options need an energy profile and a microarchitecture");
    }
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
          default -> throw new IllegalArgumentException("unknown option '" + key + "'");
        };
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("device '" + name + "', option '" + part + "': "
            + e.getMessage() + "; use " + USAGE, e);
      }
    }
    return new SimOptions(energy, arch);
  }
}
