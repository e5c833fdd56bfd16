package io.spikeloop.study.spark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.launcher.JavaModuleOptions;

/**
 * A Spark standalone cluster on this machine, on the loopback interface: one master and some
 * workers, each a child JVM running Spark's own {@code org.apache.spark.deploy.master.Master} and
 * {@code org.apache.spark.deploy.worker.Worker} from this class path (no Spark distribution
 * needed). Each worker has its cores, memory and the boards it advertises as the resource {@code
 * board} (a discovery script). For trying distributed studies and for the tests; a real cluster
 * runs the same classes from a Spark 4.1 distribution (docs/studies.md).
 *
 * <p>Executors inherit the worker's {@code SPARK_HOME}: a folder of this cluster holding an empty
 * {@code jars/} (so Spark's launcher finds its layout); a study on a loopback master gives them the
 * driver's class path through {@code spark.executor.extraClassPath} ({@link
 * SparkStudyScheduler}).
 */
public final class LoopbackCluster implements AutoCloseable {
  /** One worker: cores, memory (Spark's syntax, e.g. {@code 1g}) and board addresses. */
  public record Worker(int cores, String memory, List<String> boards) {
    public Worker {
      if (cores < 1) {
        throw new IllegalArgumentException("a worker needs at least one core, got " + cores);
      }
      boards = List.copyOf(boards);
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String LOOPBACK = "127.0.0.1";

  private final Path dir;
  private final String classPath;
  private final int masterPort;
  private final int masterUiPort;
  private final Process master;
  private final List<Process> workers = new ArrayList<>();
  private final List<Worker> specs;

  private LoopbackCluster(Path dir, String classPath, List<Worker> specs) throws IOException {
    this.dir = dir;
    this.classPath = classPath;
    this.specs = List.copyOf(specs);
    Files.createDirectories(dir.resolve("spark-home/jars"));
    masterPort = freePort();
    masterUiPort = freePort();
    master = launch("master", List.of(), "org.apache.spark.deploy.master.Master", "--host",
        LOOPBACK, "--port", Integer.toString(masterPort), "--webui-port",
        Integer.toString(masterUiPort));
  }

  /**
   * Starts a master and {@code workers} under {@code dir} (logs, work folders, discovery
   * scripts), with this JVM's class path, and waits until every worker has registered.
   */
  public static LoopbackCluster start(Path dir, List<Worker> workers, Duration timeout)
      throws IOException, InterruptedException {
    LoopbackCluster cluster = new LoopbackCluster(dir.toAbsolutePath(),
        System.getProperty("java.class.path"), workers);
    try {
      for (int i = 0; i < workers.size(); i++) {
        cluster.startWorker(i);
      }
      cluster.awaitWorkers(workers.size(), timeout);
      return cluster;
    } catch (IOException | InterruptedException | RuntimeException e) {
      cluster.close();
      throw e;
    }
  }

  private void startWorker(int index) throws IOException {
    Worker w = specs.get(index);
    String name = "worker" + (index + 1);
    List<String> props = new ArrayList<>();
    if (!w.boards().isEmpty()) {
      Path script = BoardResource.discoveryScript(dir, name, w.boards());
      props.add("-Dspark.worker.resource." + BoardResource.NAME + ".amount=" + w.boards().size());
      props.add("-Dspark.worker.resource." + BoardResource.NAME + ".discoveryScript=" + script);
    }
    Path work = dir.resolve(name + "-work");
    Files.createDirectories(work);
    workers.add(launch(name, props, "org.apache.spark.deploy.worker.Worker", "--host", LOOPBACK,
        "--cores", Integer.toString(w.cores()), "--memory", w.memory(), "--work-dir",
        work.toString(), "--webui-port", Integer.toString(freePort()), masterUrl()));
  }

  private Process launch(String name, List<String> props, String mainClass, String... args)
      throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(Arrays.asList(JavaModuleOptions.defaultModuleOptionArray()));
    // Daemons only pass messages: a small heap, the quick JIT and one GC thread start them fast.
    command.addAll(List.of("-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"));
    command.addAll(props);
    command.add("-cp");
    command.add(classPath);
    command.add(mainClass);
    command.addAll(Arrays.asList(args));
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(dir.resolve(name + ".log").toFile());
    Map<String, String> env = pb.environment();
    env.put("SPARK_HOME", dir.resolve("spark-home").toString());
    env.put("SPARK_SCALA_VERSION", "2.13");
    env.put("SPARK_LOCAL_IP", LOOPBACK);
    return pb.start();
  }

  /** {@code spark://127.0.0.1:PORT}. */
  public String masterUrl() {
    return "spark://" + LOOPBACK + ":" + masterPort;
  }

  /** The master's web UI ({@code /json/} has the workers and their resources). */
  public URI masterUi() {
    return URI.create("http://" + LOOPBACK + ":" + masterUiPort + "/");
  }

  /** Workers the master counts as alive. */
  public int aliveWorkers() throws IOException, InterruptedException {
    try {
      try (var in = masterUi().resolve("json/").toURL().openStream()) {
        JsonNode state = JSON.readTree(in);
        return state.path("aliveworkers").asInt(0);
      }
    } catch (IOException e) {
      if (!master.isAlive()) {
        throw new IOException("the Spark master exited (" + master.exitValue() + "); see "
            + dir.resolve("master.log"), e);
      }
      return 0; // not listening yet
    }
  }

  private void awaitWorkers(int count, Duration timeout) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (aliveWorkers() < count) {
      for (int i = 0; i < workers.size(); i++) {
        if (!workers.get(i).isAlive()) {
          throw new IOException("Spark worker " + (i + 1) + " exited; see "
              + dir.resolve("worker" + (i + 1) + ".log"));
        }
      }
      if (System.nanoTime() > deadline) {
        throw new IOException(count + " Spark workers did not register within " + timeout
            + "; see the logs in " + dir);
      }
      Thread.sleep(200);
    }
  }

  /**
   * Kills worker {@code index} (0-based) and the executors it started, at once and without
   * warning (SIGKILL), as when its machine fails.
   */
  public void killWorker(int index) throws InterruptedException {
    Process worker = workers.get(index);
    List<ProcessHandle> children = worker.descendants().toList();
    worker.destroyForcibly();
    children.forEach(ProcessHandle::destroyForcibly);
    worker.waitFor();
  }

  /** Stops the workers (and their executors) and the master. */
  @Override
  public void close() {
    List<Process> all = new ArrayList<>(workers);
    all.add(master);
    for (Process p : all) {
      List<ProcessHandle> children = p.descendants().toList();
      p.destroy();
      children.forEach(ProcessHandle::destroy);
    }
    for (Process p : all) {
      try {
        if (!p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
          p.descendants().forEach(ProcessHandle::destroyForcibly);
          p.destroyForcibly();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        p.destroyForcibly();
      }
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /**
   * {@code java -cp ... io.spikeloop.study.spark.LoopbackCluster [--workers N] [--cores C]
   * [--memory M] [--board WORKER=ADDRESS ...] [--dir DIR]}: starts the cluster, prints the master
   * URL and the settings a study needs, and runs until interrupted (Ctrl-C).
   */
  public static void main(String[] args) throws Exception {
    int count = 2;
    int cores = 1;
    String memory = "1g";
    Path where = null;
    Map<Integer, List<String>> boards = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      String value = i + 1 < args.length ? args[i + 1] : null;
      switch (args[i]) {
        case "--workers" -> count = Integer.parseInt(required(args[i], value));
        case "--cores" -> cores = Integer.parseInt(required(args[i], value));
        case "--memory" -> memory = required(args[i], value);
        case "--dir" -> where = Path.of(required(args[i], value));
        case "--board" -> {
          String spec = required(args[i], value);
          int eq = spec.indexOf('=');
          if (eq <= 0) {
            throw new IllegalArgumentException("--board wants WORKER=ADDRESS (e.g. "
                + "1=remote://127.0.0.1:7070), got " + spec);
          }
          boards.computeIfAbsent(Integer.parseInt(spec.substring(0, eq)), k -> new ArrayList<>())
              .add(spec.substring(eq + 1));
        }
        default -> throw new IllegalArgumentException("unknown option " + args[i] + " (options: "
            + "--workers N --cores C --memory M --board WORKER=ADDRESS --dir DIR)");
      }
      i++;
    }
    for (int w : boards.keySet()) {
      if (w < 1 || w > count) {
        throw new IllegalArgumentException("--board " + w + "=... names worker " + w + " of "
            + count);
      }
    }
    List<Worker> specs = new ArrayList<>();
    for (int w = 1; w <= count; w++) {
      specs.add(new Worker(cores, memory, boards.getOrDefault(w, List.of())));
    }
    Path folder = where != null ? where : Files.createTempDirectory("spikeloop-cluster-");
    LoopbackCluster cluster = start(folder, specs, Duration.ofMinutes(2));
    Runtime.getRuntime().addShutdownHook(new Thread(cluster::close));
    System.out.println("Spark master " + cluster.masterUrl() + " with " + count + " workers of "
        + cores + " core(s) and " + memory + (boards.isEmpty() ? "" : ", boards " + boards)
        + "; logs in " + folder);
    // A study on a loopback master sets the driver address and executor class path itself.
    System.out.println("study options: --master " + cluster.masterUrl()
        + " --conf spark.executor.memory=512m" + (boards.isEmpty() ? "" : " --boards"));
    System.out.println("Ctrl-C stops the cluster.");
    Thread.currentThread().join();
  }

  private static String required(String option, String value) {
    if (value == null) {
      throw new IllegalArgumentException(option + " needs a value");
    }
    return value;
  }

  /** The folder holding the cluster's logs. */
  public Path dir() {
    return dir;
  }
}
