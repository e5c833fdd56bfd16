package io.spikeloop.sim.timing;

import java.util.List;
import java.util.Locale;

/**
 * A named energy model: energy of one step =
 * {@code sops * joulesPerSop + neuronUpdates * joulesPerNeuronUpdate + staticWatts * t}, with
 * {@code t} the step's wall time ({@code max(stepPeriod, cycles / clock)}; the core idles, leaking,
 * for the rest of a real-time step).
 *
 * <p>The per-SOP figures are the published ones of the chip each profile is named after; they are
 * assumptions about what an SL-1 in a similar process would spend, not measurements of SL-1.
 * Where a paper gives no comparable per-neuron or static figure, the value is our assumption and
 * {@link #source()} says so.
 */
public record EnergyProfile(String name, double joulesPerSop, double joulesPerNeuronUpdate,
                            double staticWatts, String source) {

  /** Intel Loihi, 14 nm: 23.6 pJ per synaptic spike operation, 52 pJ per (inactive) neuron update. */
  public static final EnergyProfile LOIHI = new EnergyProfile("loihi", 23.6e-12, 52e-12, 100e-6,
      "Davies et al., IEEE Micro 38(1) 2018, Loihi: 23.6 pJ/SOP (min. synaptic spike op), "
          + "52 pJ neuron update; static 100 uW per core is our assumption");
  /** ODIN, 28 nm FDSOI at 0.55 V: 12.7 pJ/SOP. */
  public static final EnergyProfile ODIN = new EnergyProfile("odin", 12.7e-12, 12.7e-12, 27.3e-6,
      "Frenkel et al., IEEE TBioCAS 13(1) 2019, ODIN at 0.55 V: 12.7 pJ/SOP, 27.3 uW leakage; "
          + "neuron update assumed to cost one SOP");
  /** ReckOn, 28 nm at 0.5 V: 5.3 pJ/SOP. */
  public static final EnergyProfile RECKON = new EnergyProfile("reckon", 5.3e-12, 5.3e-12, 20e-6,
      "Frenkel and Indiveri, ISSCC 2022, ReckOn at 0.5 V: 5.3 pJ/SOP; neuron update assumed "
          + "to cost one SOP; static 20 uW is our assumption");

  /** The profiles known by name. */
  public static final List<EnergyProfile> NAMED = List.of(LOIHI, ODIN, RECKON);

  public EnergyProfile {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("an energy profile needs a name");
    }
    nonNegative("joulesPerSop", joulesPerSop);
    nonNegative("joulesPerNeuronUpdate", joulesPerNeuronUpdate);
    nonNegative("staticWatts", staticWatts);
    if (source == null) {
      throw new IllegalArgumentException("energy profile " + name + " needs a source");
    }
  }

  private static void nonNegative(String what, double v) {
    if (!(v >= 0) || Double.isInfinite(v)) {
      throw new IllegalArgumentException(what + " must be >= 0 and finite, got " + v);
    }
  }

  /** The named profile, or an exception listing the names. */
  public static EnergyProfile named(String name) {
    String key = name.toLowerCase(Locale.ROOT);
    for (EnergyProfile p : NAMED) {
      if (p.name.equals(key)) {
        return p;
      }
    }
    throw new IllegalArgumentException("unknown energy profile '" + name + "'; known: "
        + NAMED.stream().map(EnergyProfile::name).toList());
  }

  /** Energy of one step. */
  public double stepJoules(long sops, long neuronUpdates, double stepSeconds) {
    return sops * joulesPerSop + neuronUpdates * joulesPerNeuronUpdate + staticWatts * stepSeconds;
  }
}
