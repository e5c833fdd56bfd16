package io.spikeloop.study;

import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

/**
 * Studies run by a distributed engine ({@code study --master URL}). The engine lives in its own
 * module ({@code study-spark}: Apache Spark, one task per run) so that the default build and the
 * CLI stay light; it registers a {@link Provider} with {@link ServiceLoader}, found here when its
 * jars are on the class path.
 */
public final class DistributedStudies {
  private DistributedStudies() {}

  /**
   * How a distributed study runs.
   *
   * @param master   the engine's master: {@code local[*]}, {@code local[N]}, {@code
   *                 spark://HOST:PORT}
   * @param boards   runs with a device placement (hil, near-chip, on-chip) each take one board
   *                 the cluster advertises as a resource and run on its address ({@code --device}
   *                 is then the scheduler's)
   * @param copyBack executors write run folders in their own temporary space and send them back
   *                 to the driver (no shared file system); otherwise they write into the study's
   *                 {@code runs/} directly, which must then be the same path on every executor
   * @param conf     engine settings passed through ({@code --conf spark.executor.memory=1g})
   */
  public record Options(String master, boolean boards, boolean copyBack,
                        Map<String, String> conf) {
    public Options {
      if (master == null || master.isBlank()) {
        throw new IllegalArgumentException("--master must name a master (local[*], "
            + "spark://HOST:PORT)");
      }
      conf = Map.copyOf(conf);
    }
  }

  /** A distributed engine. */
  public interface Provider {
    /** Whether this engine takes {@code master} (Spark: local[...] and spark://...). */
    boolean accepts(String master);

    /** Starts a session on the engine; closing the scheduler ends it. */
    StudyScheduler open(Options options, PrintWriter log);
  }

  /** The scheduler of the engine that takes {@code options.master()}; fails naming what to do. */
  public static StudyScheduler open(Options options, PrintWriter log) {
    List<Provider> providers = ServiceLoader.load(Provider.class).stream()
        .map(ServiceLoader.Provider::get).toList();
    if (providers.isEmpty()) {
      throw new IllegalArgumentException("--master " + options.master() + " needs the "
          + "study-spark module on the class path: build it with `mvn -B -pl study-spark -am "
          + "package -DskipTests` (./spikeloop then adds it; docs/studies.md)");
    }
    return providers.stream().filter(p -> p.accepts(options.master())).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("--master " + options.master()
            + " is not a master this build knows; use local[*], local[N] or "
            + "spark://HOST:PORT"))
        .open(options, log);
  }
}
