package io.spikeloop.nir;

import io.spikeloop.mapper.MappingOptions;
import io.spikeloop.mapper.NirFixedPointLayout;
import io.spikeloop.mapper.StoredMapping;
import io.spikeloop.mapper.TargetMapper;
import io.spikeloop.mapper.TargetMapping;
import io.spikeloop.mapper.TargetMappers;
import io.spikeloop.model.SnnConfig;
import io.spikeloop.model.SnnParameters;
import io.spikeloop.model.Surrogate;
import java.util.List;
import java.util.Map;

/**
 * What spikeloop keeps in the {@code /spikeloop} group beside NIR's {@code /node}: the step and
 * discretisation the time constants were written with, the exact discrete constants (so that
 * {@code alpha -> tau -> alpha} does not lose the last bit), the training surrogate, and
 * optionally a fixed-point mapping. NIR readers only open {@code /node} and {@code /version} and
 * never see it. The {@code fixed_point} group holds a target's mapping in that target's layout
 * ({@link NirFixedPointLayout}, found through its mapper; {@code docs/nir.md}); a group without
 * a {@code target} dataset is target {@value #UNNAMED_FIXED_POINT_TARGET}'s (every file written
 * before targets existed, and every SL-1 export since, byte for byte). A target without a
 * layout is refused by name.
 *
 * @param dt             step in seconds the NIR time constants refer to
 * @param fixedPoint     the integer network exactly as deployed, with the options that made it,
 *                       or {@code null} for a float export
 */
public record SpikeloopExtension(double dt, Discretisation discretisation, double alpha,
                                 double kappa, double theta, Surrogate surrogate,
                                 StoredMapping fixedPoint) {
  public static final String GROUP = "spikeloop";
  public static final String FORMAT = "spikeloop-nir/1";
  /**
   * The target of a {@code fixed_point} group without a {@code target} dataset: format
   * spikeloop-nir/1 had one layout, SL-1's, before it named targets.
   */
  public static final String UNNAMED_FIXED_POINT_TARGET = "sl1";

  public SpikeloopExtension {
    if (!(dt > 0) || !Double.isFinite(dt)) {
      throw new IllegalArgumentException("dt must be > 0 seconds, got " + dt);
    }
    if (discretisation == null || surrogate == null) {
      throw new IllegalArgumentException("discretisation and surrogate are required");
    }
  }

  /** A float export's extension: the step, rule and exact constants of {@code c}. */
  public static SpikeloopExtension of(SnnConfig c, double dt, Discretisation discretisation) {
    return new SpikeloopExtension(dt, discretisation, c.alpha(), c.kappa(), c.theta(),
        c.surrogate(), null);
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
    if (mapper.nirFixedPointLayout().isEmpty()) {
      throw new IllegalArgumentException("the NIR fixed-point group (/" + GROUP + "/fixed_point) "
          + "has " + layouts() + " only; a mapping onto target " + targetId + " cannot be "
          + "stored in it. Export the float graph (without --fixed-point) and map it where it "
          + "runs: eval --nir FILE --device DEVICE uses the device's target's mapper");
    }
    TargetMapping mapping = mapper.map(params, options, Map.of());
    SnnConfig c = params.config();
    return new SpikeloopExtension(dt, discretisation, c.alpha(), c.kappa(), c.theta(),
        c.surrogate(), StoredMapping.of(mapping, options));
  }

  /**
   * The stored mapping beside {@code params} (the float parameters read from the same file):
   * its target's layout recomputes every tensor's LSB and errors against them.
   *
   * @throws IllegalArgumentException when the stored network is not {@code params}' shape
   */
  public TargetMapping fixedPointMapping(SnnParameters params) {
    if (fixedPoint == null) {
      throw new IllegalStateException("this extension holds no fixed-point mapping");
    }
    return layout(fixedPoint.targetId()).restore(fixedPoint, params);
  }

  /** The layout of target {@code targetId} in the fixed-point group. */
  static NirFixedPointLayout layout(String targetId) {
    return TargetMappers.forTarget(targetId).nirFixedPointLayout().orElseThrow(() ->
        new IllegalArgumentException("target " + targetId + " has no layout in the NIR "
            + "fixed-point group (/" + GROUP + "/fixed_point); this build has " + layouts()));
  }

  /** "target sl1's layout", or several, as the messages name them. */
  static String layouts() {
    List<String> ids = TargetMappers.all().stream()
        .filter(m -> m.nirFixedPointLayout().isPresent()).map(TargetMapper::targetId).toList();
    return ids.isEmpty() ? "no target's layout" : ids.stream().map(id -> "target " + id + "'s")
        .collect(java.util.stream.Collectors.joining(", ")) + " layout";
  }
}
