package io.spikeloop.convert.audio;

/** Mono audio: samples in [-1, 1] at {@code sampleRate} Hz. */
public record Audio(double[] samples, int sampleRate) {
  public Audio {
    if (sampleRate <= 0) {
      throw new IllegalArgumentException("sample rate must be positive, got " + sampleRate);
    }
    if (samples.length == 0) {
      throw new IllegalArgumentException("audio has no samples");
    }
  }

  public double seconds() {
    return samples.length / (double) sampleRate;
  }
}
