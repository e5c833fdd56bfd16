package io.spikeloop.data.shd;

import java.util.Arrays;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * How one SHD file is divided into training and test samples: by speaker (SHD's own split puts
 * speakers in the test set that training never heard), by trial (same voices, new utterances),
 * or, without a rule, every fifth sample (indices 4, 9, ...) to test.
 */
public sealed interface ShdSplit {
  /** Test samples are those of these speakers. */
  record BySpeaker(int[] testSpeakers) implements ShdSplit {
    public BySpeaker {
      if (testSpeakers.length == 0) {
        throw new IllegalArgumentException("--test-speakers needs at least one speaker id");
      }
    }

    @Override
    public boolean[] testMask(ShdRecordings data) {
      TreeSet<Integer> present = new TreeSet<>();
      Arrays.stream(data.speakers()).forEach(present::add);
      for (int speaker : testSpeakers) {
        if (!present.contains(speaker)) {
          throw new IllegalArgumentException(data.source() + ": test speaker " + speaker
              + " does not occur (speakers: "
              + present.stream().map(String::valueOf).collect(Collectors.joining(",")) + ")");
        }
      }
      boolean[] mask = new boolean[data.size()];
      for (int i = 0; i < mask.length; i++) {
        mask[i] = contains(testSpeakers, data.speakers()[i]);
      }
      return mask;
    }

    @Override
    public String describe() {
      return "test-speakers=" + joinInts(testSpeakers);
    }
  }

  /** Test samples are those of these trial numbers. */
  record ByTrial(int[] testTrials) implements ShdSplit {
    public ByTrial {
      if (testTrials.length == 0) {
        throw new IllegalArgumentException("--test-trials needs at least one trial number");
      }
    }

    @Override
    public boolean[] testMask(ShdRecordings data) {
      if (Arrays.stream(data.trials()).allMatch(x -> x < 0)) {
        throw new IllegalArgumentException(data.source()
            + ": has no extra/trial, so it cannot be split by trial (use --test-speakers)");
      }
      boolean[] mask = new boolean[data.size()];
      for (int i = 0; i < mask.length; i++) {
        mask[i] = contains(testTrials, data.trials()[i]);
      }
      return mask;
    }

    @Override
    public String describe() {
      return "test-trials=" + joinInts(testTrials);
    }
  }

  /** Every fifth sample to test (deterministic). */
  record EveryFifth() implements ShdSplit {
    @Override
    public boolean[] testMask(ShdRecordings data) {
      boolean[] mask = new boolean[data.size()];
      for (int i = 0; i < mask.length; i++) {
        mask[i] = i % 5 == 4;
      }
      return mask;
    }

    @Override
    public String describe() {
      return "every fifth sample to test";
    }
  }

  /** Which samples go to the test set. */
  boolean[] testMask(ShdRecordings data);

  /** The rule in the words of the command line. */
  String describe();

  /** Indices of the test ({@code true}) or training ({@code false}) samples; never empty. */
  default int[] indices(ShdRecordings data, boolean test) {
    boolean[] isTest = testMask(data);
    int[] out = new int[data.size()];
    int n = 0;
    for (int i = 0; i < isTest.length; i++) {
      if (isTest[i] == test) {
        out[n++] = i;
      }
    }
    if (n == 0) {
      throw new IllegalArgumentException(data.source() + ": the split " + describe()
          + " leaves no " + (test ? "test" : "training") + " samples");
    }
    return Arrays.copyOf(out, n);
  }

  /** Parses {@code test-speakers=0,1} or {@code test-trials=7}. */
  static ShdSplit parse(String rule) {
    int eq = rule.indexOf('=');
    if (eq < 0) {
      throw new IllegalArgumentException("split rule '" + rule
          + "' must be test-speakers=IDS or test-trials=IDS");
    }
    String key = rule.substring(0, eq).trim();
    int[] ids = parseIds(rule.substring(eq + 1), key);
    return switch (key) {
      case "test-speakers" -> new BySpeaker(ids);
      case "test-trials" -> new ByTrial(ids);
      default -> throw new IllegalArgumentException("unknown split rule '" + key
          + "' (use test-speakers or test-trials)");
    };
  }

  static int[] parseIds(String csv, String what) {
    try {
      return Arrays.stream(csv.split(",")).map(String::trim).filter(s -> !s.isEmpty())
          .mapToInt(Integer::parseInt).toArray();
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(what + ": '" + csv + "' is not a list of integers");
    }
  }

  static boolean contains(int[] values, int v) {
    for (int x : values) {
      if (x == v) {
        return true;
      }
    }
    return false;
  }

  static String joinInts(int[] values) {
    return Arrays.stream(values).mapToObj(String::valueOf).collect(Collectors.joining(","));
  }
}
