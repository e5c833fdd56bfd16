package io.spikeloop.diff;

import io.spikeloop.data.SpikeDataset;
import io.spikeloop.data.SpikeSample;
import io.spikeloop.device.Capability;
import io.spikeloop.device.Device;
import io.spikeloop.device.ReadoutLevel;
import io.spikeloop.device.SpikeFrame;
import io.spikeloop.device.StepResult;
import io.spikeloop.device.WeightTensor;
import io.spikeloop.target.Equivalence;
import io.spikeloop.target.TargetNetwork;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Runs two devices side by side on the same network and inputs and finds the first place they
 * disagree. Samples are fed in order, both devices reset at each sample's first step; steps go
 * to each device in chunks ({@link Device#run}, so remote and native devices batch them) at the
 * richest readout both offer. A dataset with more channels than the network has inputs is
 * folded onto them (channel {@code c} drives input {@code c mod inputs}). Per step only two 64-bit hashes are compared; the readouts of a
 * step whose hashes differ are searched for the first differing layer, neuron and variable.
 */
public final class LockstepDiff {
  /** Steps per {@link Device#run} call. */
  public static final int CHUNK = 256;

  private LockstepDiff() {}

  /**
   * What a run found.
   *
   * @param steps        steps compared (all of the requested ones, or up to the divergence)
   * @param level        the readout compared
   * @param divergence   the first disagreement, or null when every step agreed
   * @param hashA        running hash of device a's readouts over the steps compared
   * @param hashB        the same for device b (equal to hashA when they agreed)
   * @param hiddenSpikes spikes device a emitted (a run without activity proves little)
   * @param seconds      wall-clock time of the run
   * @param equivalence  what was compared against: the weaker of the two devices' equivalences
   * @param maxOutputDifference largest |o_a - o_b| over every output and step compared
   * @param spikeDisagreements  hidden neuron-steps whose spike differed, over the steps compared
   * @param neuronSteps  hidden neuron-steps compared (steps times hidden neurons)
   */
  public record Report(long steps, ReadoutLevel level, Divergence divergence, long hashA,
                       long hashB, long hiddenSpikes, double seconds, Equivalence equivalence,
                       long maxOutputDifference, long spikeDisagreements, long neuronSteps) {
    public boolean agreed() {
      return divergence == null;
    }

    /** Share of hidden neuron-steps whose spike differed (0 when none were compared). */
    public double spikeDisagreementRate() {
      return neuronSteps == 0 ? 0 : (double) spikeDisagreements / neuronSteps;
    }
  }

  /**
   * The weaker promise of two devices: bit-exact only when both are; otherwise the larger
   * tolerances of the two.
   */
  static Equivalence weaker(Equivalence a, Equivalence b) {
    if (a.bitExact()) {
      return b;
    }
    if (b.bitExact()) {
      return a;
    }
    return Equivalence.tolerance(Math.max(a.maxAbsOutputDifference(), b.maxAbsOutputDifference()),
        Math.max(a.maxSpikeDisagreementRate(), b.maxSpikeDisagreementRate()));
  }

  /**
   * Configures both devices with {@code network} and its integer {@code weights} (by tensor
   * name) and compares {@code steps} steps of {@code data} (cycling through its samples).
   */
  public static Report run(Device a, Device b, TargetNetwork network, Map<String, int[]> weights,
                           SpikeDataset data, long steps) {
    if (steps < 1) {
      throw new IllegalArgumentException("steps must be >= 1, got " + steps);
    }
    if (data.size() == 0) {
      throw new IllegalArgumentException("dataset " + data.name() + " has no samples");
    }
    if (!a.info().target().equals(b.info().target())) {
      throw new IllegalArgumentException("diff compares two devices of one target; "
          + a.info().name() + " is " + a.info().target() + ", " + b.info().name() + " is "
          + b.info().target());
    }
    Equivalence equivalence = weaker(a.equivalence(), b.equivalence());
    int inputs = network.inputs();
    long neuronsPerStep = Arrays.stream(network.hiddenLayerSizes()).asLongStream().sum();
    long spikeDisagreements = 0;
    long maxOutputDifference = 0;
    load(a, network, weights);
    load(b, network, weights);
    ReadoutLevel level = a.info().has(Capability.MEMBRANE_READOUT)
        && b.info().has(Capability.MEMBRANE_READOUT) ? ReadoutLevel.FULL : ReadoutLevel.SPIKES;
    long start = System.nanoTime();
    long hashA = 0;
    long hashB = 0;
    long spikes = 0;
    long done = 0;
    int sample = 0;
    int sampleStep = 0;
    List<SpikeFrame> chunk = new ArrayList<>(CHUNK);
    while (done < steps) {
      SpikeSample s = data.sample(sample % data.size());
      if (sampleStep == 0) {
        a.reset();
        b.reset();
      }
      // A chunk never crosses a sample boundary: the devices are reset between samples.
      int n = (int) Math.min(Math.min(CHUNK, s.steps() - sampleStep), steps - done);
      chunk.clear();
      for (int t = sampleStep; t < sampleStep + n; t++) {
        int[] ids = s.spikesAt(t);
        chunk.add(data.channels() <= inputs ? new SpikeFrame(ids, SpikeFrame.NO_LABEL)
            : SpikeFrame.ofUnsorted(fold(ids, inputs), SpikeFrame.NO_LABEL));
      }
      List<StepResult> ra = a.run(chunk, level);
      List<StepResult> rb = b.run(chunk, level);
      // Hidden spikes, and the SOPs they cause, are compared only where both devices see them
      // (board:reckon cannot: its hidden spikes never reach the pins).
      if (!ra.isEmpty() && (ra.get(0).spikes() == null) != (rb.get(0).spikes() == null)) {
        ra = withoutSpikes(ra);
        rb = withoutSpikes(rb);
      }
      for (int i = 0; i < n; i++) {
        long ha = StepHash.of(ra.get(i));
        long hb = StepHash.of(rb.get(i));
        hashA = StepHash.chain(hashA, ha);
        hashB = StepHash.chain(hashB, hb);
        if (ra.get(i).spikes() != null) {
          for (int[] layer : ra.get(i).spikes()) {
            spikes += layer.length;
          }
        }
        if (ha != hb) {
          maxOutputDifference = Math.max(maxOutputDifference,
              maxOutputDifference(ra.get(i), rb.get(i)));
          // Bit-exact targets stop at the first difference; a stated tolerance bounds each
          // output and the spike disagreement rate over the run.
          Divergence d = equivalence.bitExact()
              ? locate(ra.get(i), rb.get(i), done + i, sample, sampleStep + i)
              : beyondTolerance(ra.get(i), rb.get(i), equivalence, done + i, sample,
                  sampleStep + i);
          spikeDisagreements += spikeDisagreements(ra.get(i), rb.get(i));
          if (d != null) {
            long compared = done + i + 1;
            return new Report(compared, level, d, hashA, hashB, spikes, seconds(start),
                equivalence, maxOutputDifference, spikeDisagreements, compared * neuronsPerStep);
          }
        }
      }
      done += n;
      sampleStep += n;
      if (sampleStep == s.steps()) {
        sampleStep = 0;
        sample++;
      }
    }
    Divergence rate = equivalence.spikesAgree(spikeDisagreements, done * neuronsPerStep) ? null
        : new Divergence(done - 1, sample, sampleStep, "z", -1, -1, spikeDisagreements,
            done * neuronsPerStep);
    return new Report(done, level, rate, hashA, hashB, spikes, seconds(start), equivalence,
        maxOutputDifference, spikeDisagreements, done * neuronsPerStep);
  }

  /** Largest |o_a - o_b| of one step (an output only one side has counts as its value). */
  static long maxOutputDifference(StepResult a, StepResult b) {
    int[] x = a.outputs();
    int[] y = b.outputs();
    long max = 0;
    for (int k = 0; k < Math.max(x.length, y.length); k++) {
      long d = Math.abs((long) (k < x.length ? x[k] : 0) - (k < y.length ? y[k] : 0));
      max = Math.max(max, d);
    }
    return max;
  }

  /** Results without hidden spikes and without the SOPs hidden spikes cause (set to 0). */
  static List<StepResult> withoutSpikes(List<StepResult> results) {
    List<StepResult> out = new ArrayList<>(results.size());
    for (StepResult r : results) {
      out.add(new StepResult(r.step(), null, r.membranes(), r.outputs(), 0, r.cycles(),
          r.deadlineMiss(), r.fifoOverflows()));
    }
    return out;
  }

  /** The first output differing by more than the tolerance, or null. */
  static Divergence beyondTolerance(StepResult a, StepResult b, Equivalence equivalence,
                                    long step, int sample, int sampleStep) {
    int[] x = a.outputs();
    int[] y = b.outputs();
    for (int k = 0; k < Math.max(x.length, y.length); k++) {
      if (k >= x.length || k >= y.length || !equivalence.outputsAgree(x[k], y[k])) {
        return new Divergence(step, sample, sampleStep, "o", -1, k, valueAt(x, k), valueAt(y, k));
      }
    }
    return null;
  }

  /** Hidden neurons whose spike differs between the two results (all layers). */
  public static long spikeDisagreements(StepResult a, StepResult b) {
    long n = 0;
    if (a.spikes() == null || b.spikes() == null) {
      return 0;
    }
    for (int l = 0; l < a.spikes().length; l++) {
      int[] x = a.spikes()[l];
      int[] y = b.spikes()[l];
      int i = 0;
      int j = 0;
      while (i < x.length && j < y.length) {
        if (x[i] == y[j]) {
          i++;
          j++;
        } else {
          n++;
          if (x[i] < y[j]) {
            i++;
          } else {
            j++;
          }
        }
      }
      n += (x.length - i) + (y.length - j);
    }
    return n;
  }

  /** Channel {@code c} drives input {@code c mod inputs} (a wide dataset on a narrow core). */
  static int[] fold(int[] ids, int inputs) {
    for (int i = 0; i < ids.length; i++) {
      ids[i] %= inputs;
    }
    return ids;
  }

  static void load(Device d, TargetNetwork network, Map<String, int[]> weights) {
    d.configure(network);
    for (WeightTensor t : network.tensors()) {
      int[] w = weights.get(t.name());
      if (w == null) {
        throw new IllegalArgumentException("no weights given for tensor " + t.name());
      }
      d.writeWeights(t.name(), w);
    }
  }

  static double seconds(long start) {
    return (System.nanoTime() - start) / 1e9;
  }

  /**
   * The first difference in causal order: per hidden layer its membranes then its spikes, then
   * the outputs, then the SOP count.
   */
  static Divergence locate(StepResult a, StepResult b, long step, int sample, int sampleStep) {
    int layers = a.spikes() != null ? a.spikes().length
        : a.membranes() != null ? a.membranes().length : 0;
    for (int l = 0; l < layers; l++) {
      if (a.membranes() != null && b.membranes() != null) {
        int n = firstDifference(a.membranes()[l], b.membranes()[l]);
        if (n >= 0) {
          return new Divergence(step, sample, sampleStep, "u", l, n, valueAt(a.membranes()[l], n),
              valueAt(b.membranes()[l], n));
        }
      }
      int n = a.spikes() == null || b.spikes() == null ? -1
          : firstSpikeDifference(a.spikes()[l], b.spikes()[l]);
      if (n >= 0) {
        return new Divergence(step, sample, sampleStep, "z", l, n, spiked(a.spikes()[l], n),
            spiked(b.spikes()[l], n));
      }
    }
    int k = firstDifference(a.outputs(), b.outputs());
    if (k >= 0) {
      return new Divergence(step, sample, sampleStep, "o", -1, k, valueAt(a.outputs(), k),
          valueAt(b.outputs(), k));
    }
    return new Divergence(step, sample, sampleStep, "sops", -1, -1, a.sops(), b.sops());
  }

  private static int firstDifference(int[] x, int[] y) {
    int n = Math.min(x.length, y.length);
    for (int i = 0; i < n; i++) {
      if (x[i] != y[i]) {
        return i;
      }
    }
    return x.length == y.length ? -1 : n;
  }

  private static long valueAt(int[] x, int i) {
    return i < x.length ? x[i] : Long.MIN_VALUE;
  }

  /** The smallest neuron id in one spike list but not the other, or -1. */
  private static int firstSpikeDifference(int[] x, int[] y) {
    int i = 0;
    int j = 0;
    while (i < x.length && j < y.length) {
      if (x[i] != y[j]) {
        return Math.min(x[i], y[j]);
      }
      i++;
      j++;
    }
    if (i < x.length) {
      return x[i];
    }
    return j < y.length ? y[j] : -1;
  }

  private static long spiked(int[] ids, int neuron) {
    return java.util.Arrays.binarySearch(ids, neuron) >= 0 ? 1 : 0;
  }
}
