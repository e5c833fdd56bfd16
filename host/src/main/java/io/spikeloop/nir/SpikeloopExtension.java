package io.spikeloop.nir;

import io.spikeloop.mapper.MappingOptions;
import io.spikeloop.mapper.TargetMapper;
import io.spikeloop.mapper.TargetMappers;
import io.spikeloop.mapper.sl1.Sl1Mapper;
import io.spikeloop.mapper.sl1.MappedNetwork;
import io.spikeloop.mapper.sl1.QuantizationOptions;
import io.spikeloop.model.SnnConfig;
import io.spikeloop.model.SnnParameters;
import io.spikeloop.model.Surrogate;
import io.spikeloop.target.sl1.Sl1Target;
import java.util.Map;

/**
 * What spikeloop keeps in the {@code /spikeloop} group beside NIR's {@code /node}: the step and
 * discretisation the time constants were written with, the exact discrete constants (so that
 * {@code alpha -> tau -> alpha} does not lose the last bit), the training surrogate, and
 * optionally a fixed-point mapping. NIR readers only open {@code /node} and {@code /version} and
 * never see it. The {@code fixed_point} group has one layout, SL-1's ({@code docs/nir.md}): a
 * group without a {@code target} dataset is target {@value #FIXED_POINT_TARGET}'s (every file
 * written so far); a mapping onto another target has no layout there yet and is refused by name.
 *
 * @param dt             step in seconds the NIR time constants refer to
 * @param fixedPoint     the integer network exactly as deployed, or {@code null} for a float export
 * @param quantization   the options that produced {@code fixedPoint} ({@code null} with it)
 */
public record SpikeloopExtension(double dt, Discretisation discretisation, double alpha,
                                 double kappa, double theta, Surrogate surrogate,
                                 MappedNetwork fixedPoint, QuantizationOptions quantization) {
  public static final String GROUP = "spikeloop";
  public static final String FORMAT = "spikeloop-nir/1";
  /** The target whose mapping the {@code fixed_point} group's layout holds. */
  public static final String FIXED_POINT_TARGET = Sl1Target.ID;

  public SpikeloopExtension {
    if (!(dt > 0) || !Double.isFinite(dt)) {
      throw new IllegalArgumentException("dt must be > 0 seconds, got " + dt);
    }
    if (discretisation == null || surrogate == null) {
      throw new IllegalArgumentException("discretisation and surrogate are required");
    }
    if ((fixedPoint == null) != (quantization == null)) {
      throw new IllegalArgumentException("a fixed-point mapping needs its quantization options");
    }
  }

  /** A float export's extension: the step, rule and exact constants of {@code c}. */
  public static SpikeloopExtension of(SnnConfig c, double dt, Discretisation discretisation) {
    return new SpikeloopExtension(dt, discretisation, c.alpha(), c.kappa(), c.theta(),
        c.surrogate(), null, null);
  }

  /**
   * {@code export --fixed-point}: {@code params} mapped by the mapper of target
   * {@code targetId} with {@code options}, stored beside the float graph. A target without a
   * layout in the {@code fixed_point} group is refused naming why, before anything is mapped;
   * what the mapper refuses it names.
   */
  public static SpikeloopExtension withFixedPoint(SnnParameters params, double dt,
                                                  Discretisation discretisation, String targetId,
                                                  MappingOptions options) {
    TargetMapper mapper = TargetMappers.forTarget(targetId);
    if (!targetId.equals(FIXED_POINT_TARGET)) {
      throw new IllegalArgumentException("the NIR fixed-point group (/" + GROUP + "/fixed_point) "
          + "has target " + FIXED_POINT_TARGET + "'s layout only; a mapping onto target "
          + targetId + " cannot be stored in it. Export the float graph (without "
          + "--fixed-point) and map it where it runs: eval --nir FILE --device DEVICE uses the "
          + "device's target's mapper");
    }
    MappedNetwork mapped = Sl1Mapper.mappedNetwork(mapper.map(params, options, Map.of()));
    SnnConfig c = params.config();
    return new SpikeloopExtension(dt, discretisation, c.alpha(), c.kappa(), c.theta(),
        c.surrogate(), mapped, Sl1Mapper.quantizationOptions(options));
  }
}
