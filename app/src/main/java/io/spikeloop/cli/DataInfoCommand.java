package io.spikeloop.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.spikeloop.data.DatasetOptions;
import io.spikeloop.data.DatasetSplit;
import io.spikeloop.data.Datasets;
import io.spikeloop.data.NmnistDataset;
import io.spikeloop.data.SpikeDataset;
import io.spikeloop.data.SpikeSample;
import io.spikeloop.data.shd.ShdDataset;
import io.spikeloop.data.shd.ShdRecordings;
import java.io.PrintWriter;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code data info DATASET}: what a dataset holds. */
@Command(name = "info", mixinStandardHelpOptions = true,
    description = "Print samples, classes, channels, duration, spikes per sample and speakers of "
        + "the training and test parts of a dataset.",
    footer = {"", "Examples:", "  ./spikeloop data info shd:runs/hd.h5 --test-speakers 0,1",
        "  ./spikeloop data info nmnist:../shared/data/nmnist-small --json"})
public final class DataInfoCommand implements Callable<Integer> {
  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Parameters(index = "0", paramLabel = "DATASET",
      description = "synthetic, nmnist:PATH or shd:PATH[#test-speakers=IDS|#test-trials=IDS].")
  String dataset;

  @Option(names = "--dt", description = "Bin width in ms (dataset default if absent).")
  Double dtMillis;

  @Option(names = "--steps", description = "Number of time steps (dataset default if absent).")
  Integer steps;

  @Option(names = "--test-speakers", split = ",", paramLabel = "IDS",
      description = "shd: put these speakers into the test set.")
  int[] testSpeakers;

  @Option(names = "--test-trials", split = ",", paramLabel = "IDS",
      description = "shd: put these trials into the test set.")
  int[] testTrials;

  @Option(names = "--seed", defaultValue = "1", description = "Seed of generated datasets.")
  long seed;

  @Option(names = "--json", description = "End with one JSON object of the figures.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    DatasetSplit split = Datasets.open(withSplitRule(dataset),
        new DatasetOptions(dtMillis, steps, seed));
    ObjectNode result = new ObjectMapper().createObjectNode();
    result.put("dataset", dataset);
    PrintWriter out = spec.commandLine().getOut();
    Double dt = dtMillis != null ? dtMillis
        : dataset.startsWith("nmnist:") ? Double.valueOf(NmnistDataset.DEFAULT_DT_MS) : null;
    result.set("train", describe(split.train(), dt, out));
    result.set("test", describe(split.test(), dt, out));
    if (json) {
      out.println(new ObjectMapper().writeValueAsString(result));
    }
    out.flush();
    return 0;
  }

  private String withSplitRule(String name) {
    if (testSpeakers == null && testTrials == null) {
      return name;
    }
    if (!name.startsWith("shd:")) {
      throw new IllegalArgumentException("--test-speakers/--test-trials apply to shd: datasets");
    }
    if (testSpeakers != null && testTrials != null) {
      throw new IllegalArgumentException("give --test-speakers or --test-trials, not both");
    }
    if (name.contains("#")) {
      throw new IllegalArgumentException(name + " already names a split rule after '#'");
    }
    int[] ids = testSpeakers != null ? testSpeakers : testTrials;
    StringBuilder rule = new StringBuilder(testSpeakers != null ? "#test-speakers=" : "#test-trials=");
    for (int i = 0; i < ids.length; i++) {
      rule.append(i == 0 ? "" : ",").append(ids[i]);
    }
    return name + rule;
  }

  /** Figures of one part; {@code dtMillis} gives the duration of non-SHD sets (null: unknown). */
  private static ObjectNode describe(SpikeDataset d, Double dtMillis, PrintWriter out) {
    ObjectNode node = new ObjectMapper().createObjectNode();
    long total = 0;
    int min = Integer.MAX_VALUE;
    int max = 0;
    TreeMap<Integer, Integer> perClass = new TreeMap<>();
    TreeSet<Integer> speakers = new TreeSet<>();
    for (int i = 0; i < d.size(); i++) {
      SpikeSample s = d.sample(i);
      total += s.spikeCount();
      min = Math.min(min, s.spikeCount());
      max = Math.max(max, s.spikeCount());
      perClass.merge(s.label(), 1, Integer::sum);
      if (s.speaker() >= 0) {
        speakers.add(s.speaker());
      }
    }
    double mean = d.size() == 0 ? 0 : total / (double) d.size();
    node.put("name", d.name());
    node.put("samples", d.size());
    node.put("classes", d.classes());
    node.put("classesPresent", perClass.size());
    node.put("channels", d.channels());
    node.put("steps", d.steps());
    node.put("spikesPerSampleMean", mean);
    node.put("spikesPerSampleMin", d.size() == 0 ? 0 : min);
    node.put("spikesPerSampleMax", max);
    var speakerArray = node.putArray("speakers");
    speakers.forEach(speakerArray::add);
    out.printf("%s%n  samples %d, classes %d (%d present), channels %d, steps %d%n", d.name(),
        d.size(), d.classes(), perClass.size(), d.channels(), d.steps());
    if (!(d instanceof ShdDataset) && dtMillis != null) {
      node.put("dtMillis", dtMillis);
      node.put("durationSeconds", dtMillis * d.steps() / 1000);
      out.printf("  binned %.1f ms x %d steps = %.3f s%n", dtMillis, d.steps(),
          dtMillis * d.steps() / 1000);
    }
    if (d instanceof ShdDataset shd) {
      ShdRecordings r = shd.recordings();
      double rawTotal = 0;
      double longest = 0;
      double durationSum = 0;
      for (float[] t : r.times()) {
        rawTotal += t.length;
        double last = t.length == 0 ? 0 : t[t.length - 1];
        longest = Math.max(longest, last);
        durationSum += last;
      }
      double meanDuration = r.size() == 0 ? 0 : durationSum / r.size();
      node.put("dtMillis", shd.dtSeconds() * 1000);
      node.put("durationSeconds", shd.dtSeconds() * shd.steps());
      node.put("recordingSecondsMean", meanDuration);
      node.put("recordingSecondsMax", longest);
      node.put("rawSpikesPerSampleMean", r.size() == 0 ? 0 : rawTotal / r.size());
      out.printf("  binned %.1f ms x %d steps = %.2f s; recordings last %.2f s on average "
              + "(longest %.2f s), %.0f raw spikes per sample%n", shd.dtSeconds() * 1000,
          shd.steps(), shd.dtSeconds() * shd.steps(), meanDuration, longest,
          r.size() == 0 ? 0 : rawTotal / r.size());
    }
    out.printf("  spikes per sample (binned): mean %.1f, min %d, max %d%n", mean,
        d.size() == 0 ? 0 : min, max);
    out.printf("  speakers: %s%n", speakers.isEmpty() ? "unknown" : speakers.toString());
    return node;
  }
}
