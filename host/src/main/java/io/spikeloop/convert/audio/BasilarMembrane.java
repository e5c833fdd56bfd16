package io.spikeloop.convert.audio;

import java.util.stream.IntStream;

/**
 * Hydrodynamic shallow-water basilar membrane (Sieroka, Dosch &amp; Rupp 2006) as lauscher
 * evaluates it: the membrane velocity of channel c is {@code Re(ifft(V(omega, c) * X(omega)))}
 * over the positive-frequency half of the stimulus spectrum, which also halves the sample rate
 * (48 kHz audio gives 24 kHz velocities). Channel positions are {@code linspace(0, 3.5, channels)},
 * channel 0 at the base (high frequencies).
 *
 * <p>Unlike lauscher (spectrum length {@code n/2 + 1}, any n) the stimulus is zero-padded to
 * {@code 2 * bins} samples with {@code bins} a power of two, so every channel's inverse FFT is a
 * radix-2 transform of one shared size and the transfer table {@code V} can be computed once for
 * many files; the padding only appends silence (and removes lauscher's circular wrap-around of
 * the response tail). Bin k is evaluated at lauscher's frequency {@code 1 + k (fs/2 - 1) / bins} Hz.
 */
public final class BasilarMembrane {
  /** Model constants of lauscher's BasilarMembrane (SI-like units of the paper). */
  public record Parameters(double a, double alpha, double rho, double positionMax, double c0,
                           double de, double h, double m) {
    public static final Parameters SHD = new Parameters(3500, 3.0, 1.0, 3.5, 1e9, 0.15, 0.1, 0.05);

    public Parameters {
      if (!(alpha > 0 && rho > 0 && c0 > 0 && h > 0 && m > 0 && positionMax > 0)) {
        throw new IllegalArgumentException("basilar membrane parameters must be positive");
      }
    }
  }

  private final Parameters p;
  private final int channels;
  private final int bins;
  private final double inputRate;
  private final java.util.concurrent.ConcurrentHashMap<Integer, Fft> ffts =
      new java.util.concurrent.ConcurrentHashMap<>();
  /** Transfer table V[channel][bin], as float pairs (the model's own accuracy is far coarser). */
  private final float[][] transferRe;
  private final float[][] transferIm;

  /**
   * @param channels  number of channels (700 for SHD)
   * @param bins      spectrum bins, a power of two; stimuli of up to {@code 2 * bins} samples fit
   * @param inputRate sample rate of the stimulus in Hz (the output has half of it)
   */
  public BasilarMembrane(Parameters p, int channels, int bins, double inputRate) {
    if (channels < 1) {
      throw new IllegalArgumentException("channels must be >= 1, got " + channels);
    }
    this.p = p;
    this.channels = channels;
    this.bins = bins;
    this.inputRate = inputRate;
    this.transferRe = new float[channels][bins];
    this.transferIm = new float[channels][bins];
    double[] omega = new double[bins];
    Complex[] base = new Complex[bins]; // z(omega) / p(omega, 0): the same for every channel
    Complex[] numerator = new Complex[bins];
    Complex[] g0 = new Complex[bins];
    double nyquist = inputRate / 2;
    for (int k = 0; k < bins; k++) {
      omega[k] = 2 * Math.PI * (1 + k * (nyquist - 1) / bins);
      numerator[k] = logNumerator(omega[k]);
      g0[k] = g(omega[k], 0.0);
      base[k] = z(omega[k]).dividedBy(pressure(omega[k], 0.0, numerator[k], g0[k]));
    }
    IntStream.range(0, channels).parallel().forEach(ch -> {
      double c = position(ch);
      // Far above a channel's characteristic frequency the travelling wave is evanescent:
      // |V| < 1e-7 of its peak beyond 3 x CF (checked against scipy); beyond 4 x CF the table
      // keeps zeros instead of evaluating Hankel functions that round to nothing.
      double cutoffHz = 4 * characteristicFrequency(ch);
      for (int k = 0; k < bins; k++) {
        if (omega[k] / (2 * Math.PI) > cutoffHz) {
          break;
        }
        Complex v = Complex.real(2 * omega[k]).dividedBy(xi(omega[k], c))
            .times(pressure(omega[k], c, numerator[k], g0[k])).times(base[k]);
        boolean finite = Double.isFinite(v.re()) && Double.isFinite(v.im());
        transferRe[ch][k] = finite ? (float) v.re() : 0f;
        transferIm[ch][k] = finite ? (float) v.im() : 0f;
      }
    });
  }

  private double position(int channel) {
    return channels == 1 ? 0 : p.positionMax() * channel / (channels - 1);
  }

  public int channels() {
    return channels;
  }

  public int bins() {
    return bins;
  }

  public double outputRate() {
    return inputRate / 2;
  }

  /** Longest stimulus (in samples) this instance can process. */
  public int maxStimulusLength() {
    return 2 * bins - 1;
  }

  /** Characteristic frequency of a channel in Hz: {@code sqrt((c0 e^(-alpha c) - a)/m) / 2 pi}. */
  public double characteristicFrequency(int channel) {
    double c = position(channel);
    return Math.sqrt((p.c0() * Math.exp(-p.alpha() * c) - p.a()) / p.m()) / (2 * Math.PI);
  }

  /** Spectrum bins for a stimulus of {@code length} samples: a power of two > length / 2. */
  public int binsFor(int length) {
    if (length >= 2 * bins) {
      throw new IllegalArgumentException("stimulus of " + length + " samples exceeds the table's "
          + 2 * bins);
    }
    int b = 2;
    while (2 * b <= length) {
      b <<= 1;
    }
    return Math.min(b, bins);
  }

  /**
   * The stimulus spectrum: the first {@code fileBins} bins of the FFT of the stimulus
   * zero-padded to {@code 2 * fileBins}, in {@code re}/{@code im} (length >= 2 * fileBins).
   */
  public void spectrum(double[] stimulus, int fileBins, double[] re, double[] im) {
    java.util.Arrays.fill(re, 0, 2 * fileBins, 0);
    java.util.Arrays.fill(im, 0, 2 * fileBins, 0);
    System.arraycopy(stimulus, 0, re, 0, stimulus.length);
    fft(2 * fileBins).forward(re, im);
  }

  /**
   * Velocities of channels {@code a} and {@code b} (they may be equal) into {@code outA}/{@code
   * outB}: {@code Re(ifft(V * spectrum))} for each, both from one complex inverse FFT (the real
   * part of an inverse FFT is the inverse FFT of the spectrum's Hermitian part, so two Hermitian
   * spectra packed as {@code Ha + i Hb} come back as {@code a + i b}). Scratch arrays have length
   * >= fileBins.
   */
  public void velocityPair(int a, int b, int fileBins, double[] specRe, double[] specIm,
                           double[] aRe, double[] aIm, double[] bRe, double[] bIm,
                           double[] outA, double[] outB) {
    int stride = bins / fileBins; // the table at fileBins bins is every stride-th entry
    product(transferRe[a], transferIm[a], stride, fileBins, specRe, specIm, aRe, aIm);
    product(transferRe[b], transferIm[b], stride, fileBins, specRe, specIm, bRe, bIm);
    // Z[k] = Ha[k] + i Hb[k], H[k] = (Y[k] + conj(Y[-k])) / 2; k and -k handled together.
    for (int k = 0; k <= fileBins / 2; k++) {
      int m = (fileBins - k) & (fileBins - 1);
      double haRe = 0.5 * (aRe[k] + aRe[m]);
      double haIm = 0.5 * (aIm[k] - aIm[m]);
      double hbRe = 0.5 * (bRe[k] + bRe[m]);
      double hbIm = 0.5 * (bIm[k] - bIm[m]);
      // Ha[-k] = conj(Ha[k]), Hb[-k] = conj(Hb[k])
      double zkRe = haRe - hbIm;
      double zkIm = haIm + hbRe;
      double zmRe = haRe + hbIm;
      double zmIm = -haIm + hbRe;
      aRe[k] = zkRe;
      aIm[k] = zkIm;
      aRe[m] = zmRe;
      aIm[m] = zmIm;
    }
    fft(fileBins).inverse(aRe, aIm);
    System.arraycopy(aRe, 0, outA, 0, outA.length);
    System.arraycopy(aIm, 0, outB, 0, outB.length);
  }

  private static void product(float[] vr, float[] vi, int stride, int n, double[] sRe,
                              double[] sIm, double[] re, double[] im) {
    for (int k = 0, j = 0; k < n; k++, j += stride) {
      re[k] = vr[j] * sRe[k] - vi[j] * sIm[k];
      im[k] = vr[j] * sIm[k] + vi[j] * sRe[k];
    }
  }

  private Fft fft(int size) {
    return ffts.computeIfAbsent(size, Fft::new);
  }

  private Complex xi(double omega, double c) {
    double s = p.c0() * Math.exp(-p.alpha() * c) - p.a();
    double r = p.de() * Math.sqrt(p.c0() * p.m()) * Math.exp(-p.alpha() * c / 2);
    return new Complex(s - p.m() * omega * omega, -omega * r);
  }

  private Complex g(double omega, double c) {
    return Complex.real(p.rho()).dividedBy(xi(omega, c).times(p.h())).sqrt().times(omega);
  }

  /** The channel-independent numerator inside the logarithm of lauscher's G(omega, c). */
  private Complex logNumerator(double omega) {
    double a = p.a();
    double alpha = p.alpha();
    double m = p.m();
    double r = p.de() * Math.sqrt(p.c0() * p.m());
    double sqrtAm = Math.sqrt(a + m * omega * omega);
    return new Complex(-a + p.c0() - m * omega * omega, -omega * r).sqrt()
        .times(-alpha)
        .plus(Complex.I.times(alpha).times(new Complex(2 * a + 2 * m * omega * omega, omega * r))
            .times(1 / (2 * sqrtAm)));
  }

  /** The pressure term p(omega, c) = sqrt(G / g) H0(G) with lauscher's G(omega, c). */
  private Complex pressure(double omega, double c, Complex numerator, Complex g0) {
    double a = p.a();
    double alpha = p.alpha();
    double m = p.m();
    double r = p.de() * Math.sqrt(p.c0() * p.m());
    double sqrtAm = Math.sqrt(a + m * omega * omega);
    double decay = Math.exp(-alpha * c / 2);
    Complex bracket = new Complex(-a + p.c0() * Math.exp(-alpha * c) - m * omega * omega,
        -decay * omega * r).sqrt().times(-2)
        .plus(Complex.I.times(new Complex(2 * a + 2 * m * omega * omega, omega * decay * r))
            .times(1 / sqrtAm));
    Complex denominator = bracket.times(0.5 * alpha * Math.exp(alpha * c / 2));
    Complex log = numerator.dividedBy(denominator).log();
    Complex correction = new Complex(0, 2 * Math.sqrt(2) * omega).times(log)
        .times(1 / (alpha * Math.sqrt(p.h() * 2 * (m * omega * omega + a))));
    Complex bigG = g0.times(2 / alpha).minus(correction);
    return bigG.dividedBy(g(omega, c)).sqrt().times(Hankel.h0(bigG));
  }

  /** Middle-ear impedance term z(omega) = sqrt(2 c0 / h) (i J0 + Y0)(y) / (J1 - i Y1)(y). */
  private Complex z(double omega) {
    double f = omega / (2 * Math.PI);
    double y = 4 * Math.PI * f / p.alpha() * Math.sqrt(2 / (p.h() * p.c0()));
    Complex h0 = Hankel.h0(Complex.real(y));
    Complex h1 = Hankel.h1(Complex.real(y));
    // i J0 + Y0 = i conj(H0), J1 - i Y1 = conj(H1) for real y.
    return Complex.I.times(h0.conjugate()).dividedBy(h1.conjugate())
        .times(Math.sqrt(2 * p.c0() / p.h()));
  }
}
