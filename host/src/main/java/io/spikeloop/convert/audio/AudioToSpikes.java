package io.spikeloop.convert.audio;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The SHD conversion chain for one recording: resample to 48 kHz, RMS-normalise to 0.3, Hann
 * ramp over each half, basilar membrane (velocity at 24 kHz), hair cell, bushy cell. Thread-safe
 * (the basilar-membrane table is shared read-only; buffers are per call); the same seed gives the
 * same spikes.
 */
public final class AudioToSpikes {
  /** Rate the model runs at before the membrane halves it (lauscher on 48 kHz recordings). */
  public static final int MODEL_INPUT_RATE = 48_000;
  public static final double RMS_LEVEL = 0.3;

  private final BasilarMembrane membrane;
  private final HairCell hairCell;
  private final BushyCell bushyCell;

  public AudioToSpikes(BasilarMembrane membrane, HairCell hairCell, BushyCell bushyCell) {
    this.membrane = membrane;
    this.hairCell = hairCell;
    this.bushyCell = bushyCell;
  }

  /** SHD membranes by (channels, bins), softly kept: the table costs seconds to compute. */
  private static final java.util.Map<Long, java.lang.ref.SoftReference<BasilarMembrane>>
      SHD_MEMBRANES = new java.util.concurrent.ConcurrentHashMap<>();

  /** A chain with SHD's parameters sized for recordings of up to {@code maxSeconds}. */
  public static AudioToSpikes shd(int channels, double maxSeconds) {
    int needed = (int) Math.ceil(maxSeconds * MODEL_INPUT_RATE / 2.0) + 1;
    int bins = Integer.highestOneBit(Math.max(needed - 1, 1)) << 1;
    long key = (long) channels << 32 | bins;
    java.lang.ref.SoftReference<BasilarMembrane> cached = SHD_MEMBRANES.get(key);
    BasilarMembrane membrane = cached == null ? null : cached.get();
    if (membrane == null) {
      membrane = new BasilarMembrane(BasilarMembrane.Parameters.SHD, channels, bins,
          MODEL_INPUT_RATE);
      SHD_MEMBRANES.put(key, new java.lang.ref.SoftReference<>(membrane));
    }
    return new AudioToSpikes(membrane, HairCell.SHD, BushyCell.SHD);
  }

  public BasilarMembrane membrane() {
    return membrane;
  }

  public SpikeTrain convert(Audio audio, long seed) {
    double[] x = Resampler.resample(audio.samples(), audio.sampleRate(), MODEL_INPUT_RATE);
    if (x.length > membrane.maxStimulusLength()) {
      throw new IllegalArgumentException("recording of " + x.length / (double) MODEL_INPUT_RATE
          + " s is longer than the converter was sized for");
    }
    normaliseRms(x, RMS_LEVEL);
    hannRamp(x);
    int bins = membrane.binsFor(x.length);
    double[] specRe = new double[2 * bins];
    double[] specIm = new double[2 * bins];
    membrane.spectrum(x, bins, specRe, specIm);
    int outSamples = x.length / 2 + 1; // lauscher's length at half the rate
    double fs = membrane.outputRate();
    double[][] scratchFft = new double[4][bins];
    double[][] velocity = new double[2][outSamples];
    double[] probability = new double[outSamples];
    BushyCell.Scratch scratch = new BushyCell.Scratch();
    long[] spikes = new long[1024]; // (sample << 16) | channel, sorted at the end
    int[] count = {0};
    long[][] holder = {spikes};
    int channels = membrane.channels();
    for (int first = 0; first < channels; first += 2) {
      int second = Math.min(first + 1, channels - 1);
      membrane.velocityPair(first, second, bins, specRe, specIm, scratchFft[0], scratchFft[1],
          scratchFft[2], scratchFft[3], velocity[0], velocity[1]);
      for (int ch = first; ch <= second; ch++) {
        hairCell.firingProbability(velocity[ch - first], outSamples, fs, probability);
        SplittableRandom rng = new SplittableRandom(mix(seed, ch));
        long channel = ch;
        bushyCell.simulate(probability, outSamples, fs, rng, scratch, sample -> {
          if (count[0] == holder[0].length) {
            holder[0] = Arrays.copyOf(holder[0], holder[0].length * 2);
          }
          holder[0][count[0]++] = ((long) sample << 16) | channel;
        });
      }
    }
    spikes = holder[0];
    int n = count[0];
    Arrays.sort(spikes, 0, n);
    float[] times = new float[n];
    short[] units = new short[n];
    for (int i = 0; i < n; i++) {
      times[i] = (float) ((spikes[i] >>> 16) / fs);
      units[i] = (short) (spikes[i] & 0xffff);
    }
    return new SpikeTrain(times, units, membrane.channels(),
        audio.samples().length / (double) audio.sampleRate());
  }

  static void normaliseRms(double[] x, double level) {
    double sum = 0;
    for (double v : x) {
      sum += v * v;
    }
    double rms = Math.sqrt(sum / x.length);
    if (rms == 0) {
      return; // silence stays silence
    }
    double gain = level / rms;
    for (int i = 0; i < x.length; i++) {
      x[i] *= gain;
    }
  }

  /** numpy's hanning(2 * half)[:half] on the first half, mirrored on the last half. */
  static void hannRamp(double[] x) {
    int half = x.length / 2;
    int length = 2 * half;
    for (int i = 0; i < half; i++) {
      double w = 0.5 - 0.5 * Math.cos(2 * Math.PI * i / (length - 1));
      x[i] *= w;
      x[x.length - 1 - i] *= w;
    }
  }

  /** SplitMix64 finaliser over (seed, salt): independent streams per file and channel. */
  public static long mix(long seed, long salt) {
    long z = seed + 0x9E3779B97F4A7C15L * (salt + 1);
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
