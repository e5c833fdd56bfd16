package io.spikeloop.demo;

import io.spikeloop.data.DatasetSplit;
import io.spikeloop.data.SpikeDataset;
import io.spikeloop.data.SpikeSample;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A stream in stages: each stage brings new classes (or new speakers) with its own training
 * samples, and a held-out evaluation set on which the accuracy of that stage is measured.
 *
 * @param kind   {@code classes} or {@code speakers}
 * @param stages in arrival order
 */
public record ContinualStream(String kind, List<Stage> stages) {
  public static final List<String> KINDS = List.of("classes", "speakers");

  /**
   * One stage.
   *
   * @param name  e.g. {@code classes 0-4} or {@code speakers 3,7}
   * @param train the stage's training samples in stream order
   * @param test  the stage's evaluation samples (never trained on)
   */
  public record Stage(String name, List<SpikeSample> train, List<SpikeSample> test) {
    public Stage {
      if (train.isEmpty() || test.isEmpty()) {
        throw new IllegalArgumentException("stage '" + name + "' has " + train.size()
            + " training and " + test.size() + " evaluation samples; it needs at least one of each");
      }
      train = List.copyOf(train);
      test = List.copyOf(test);
    }
  }

  public ContinualStream {
    if (!KINDS.contains(kind)) {
      throw new IllegalArgumentException("stream must be one of " + KINDS + ", got '" + kind + "'");
    }
    if (stages.size() < 2) {
      throw new IllegalArgumentException("a continual stream needs at least 2 stages, got "
          + stages.size());
    }
    stages = List.copyOf(stages);
  }

  public int trainSamples() {
    return stages.stream().mapToInt(s -> s.train().size()).sum();
  }

  /**
   * The classes in {@code stageCount} consecutive groups (20 classes in 4 stages: 0-4, 5-9, ...);
   * each stage trains on up to {@code trainPerStage} of its training samples (shuffled with
   * {@code seed}) and is evaluated on up to {@code testPerStage} of its test samples.
   */
  public static ContinualStream byClasses(DatasetSplit data, int stageCount, int trainPerStage,
                                          int testPerStage, long seed) {
    int classes = data.train().classes();
    if (stageCount < 2 || stageCount > classes) {
      throw new IllegalArgumentException("--stages must be in [2, " + classes + "] for "
          + classes + " classes, got " + stageCount);
    }
    Random random = new Random(seed);
    List<Stage> stages = new ArrayList<>();
    for (int s = 0; s < stageCount; s++) {
      int first = s * classes / stageCount;
      int end = (s + 1) * classes / stageCount;
      List<SpikeSample> train = withLabels(data.train(), first, end);
      List<SpikeSample> test = withLabels(data.test(), first, end);
      Collections.shuffle(train, random);
      Collections.shuffle(test, random);
      stages.add(new Stage("classes " + first + "-" + (end - 1),
          head(train, trainPerStage), head(test, testPerStage)));
    }
    return new ContinualStream("classes", stages);
  }

  /**
   * The speakers (training and test recordings pooled) in {@code stageCount} groups; every class
   * is present in every stage, the voices change. Each stage holds out {@code testPerStage} of
   * its recordings for evaluation and trains on up to {@code trainPerStage} of the rest.
   */
  public static ContinualStream bySpeakers(DatasetSplit data, int stageCount, int trainPerStage,
                                           int testPerStage, long seed) {
    TreeMap<Integer, List<SpikeSample>> bySpeaker = new TreeMap<>();
    for (SpikeDataset d : List.of(data.train(), data.test())) {
      for (int i = 0; i < d.size(); i++) {
        SpikeSample sample = d.sample(i);
        bySpeaker.computeIfAbsent(sample.speaker(), k -> new ArrayList<>()).add(sample);
      }
    }
    if (stageCount < 2 || stageCount > bySpeaker.size()) {
      throw new IllegalArgumentException("--stream speakers needs 2 <= --stages <= speakers; "
          + data.train().name() + " has " + bySpeaker.size() + " speaker(s) "
          + new TreeSet<>(bySpeaker.keySet()) + ", --stages is " + stageCount);
    }
    List<Integer> speakers = new ArrayList<>(bySpeaker.keySet());
    Random random = new Random(seed);
    List<Stage> stages = new ArrayList<>();
    for (int s = 0; s < stageCount; s++) {
      List<Integer> group = speakers.subList(s * speakers.size() / stageCount,
          (s + 1) * speakers.size() / stageCount);
      List<SpikeSample> pool = new ArrayList<>();
      group.forEach(g -> pool.addAll(bySpeaker.get(g)));
      Collections.shuffle(pool, random);
      int held = Math.min(testPerStage, pool.size() / 2);
      stages.add(new Stage("speakers " + group.stream().map(String::valueOf)
          .reduce((a, b) -> a + "," + b).orElseThrow(),
          head(pool.subList(held, pool.size()), trainPerStage), pool.subList(0, held)));
    }
    return new ContinualStream("speakers", stages);
  }

  private static List<SpikeSample> withLabels(SpikeDataset d, int first, int end) {
    List<SpikeSample> out = new ArrayList<>();
    for (int i = 0; i < d.size(); i++) {
      SpikeSample sample = d.sample(i);
      if (sample.label() >= first && sample.label() < end) {
        out.add(sample);
      }
    }
    return out;
  }

  private static List<SpikeSample> head(List<SpikeSample> list, int n) {
    return new ArrayList<>(list.subList(0, Math.min(n, list.size())));
  }
}
