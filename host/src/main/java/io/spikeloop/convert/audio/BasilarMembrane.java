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
  private final Fft stimulusFft;
  private final Fft channelFft;
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
    this.stimulusFft = new Fft(2 * bins);
    this.channelFft = new Fft(bins);
    this.transferRe = new float[channels][bins];
    this.transferIm = new float[channels][bins];
    double[] omega = new double[bins];
    Complex[] z = new Complex[bins];
    Complex[] pBase = new Complex[bins];
    double nyquist = inputRate / 2;
    for (int k = 0; k < bins; k++) {
      omega[k] = 2 * Math.PI * (1 + k * (nyquist - 1) / bins);
      z[k] = z(omega[k]);
      pBase[k] = pressure(omega[k], 0.0);
    }
    IntStream.range(0, channels).parallel().forEach(ch -> {
      double c = channels == 1 ? 0 : p.positionMax() * ch / (channels - 1);
      for (int k = 0; k < bins; k++) {
        Complex v = Complex.real(2 * omega[k]).dividedBy(xi(omega[k], c))
            .times(pressure(omega[k], c)).times(z[k]).dividedBy(pBase[k]);
        boolean finite = Double.isFinite(v.re()) && Double.isFinite(v.im());
        transferRe[ch][k] = finite ? (float) v.re() : 0f;
        transferIm[ch][k] = finite ? (float) v.im() : 0f;
      }
    });
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
    return 2 * bins;
  }

  /** Characteristic frequency of a channel in Hz: {@code sqrt((c0 e^(-alpha c) - a)/m) / 2 pi}. */
  public double characteristicFrequency(int channel) {
    double c = channels == 1 ? 0 : p.positionMax() * channel / (channels - 1);
    return Math.sqrt((p.c0() * Math.exp(-p.alpha() * c) - p.a()) / p.m()) / (2 * Math.PI);
  }

  /**
   * The stimulus spectrum (first {@code bins} bins of the FFT of the zero-padded stimulus),
   * written into {@code re}/{@code im} of length {@code 2 * bins} (scratch beyond {@code bins}).
   */
  public void spectrum(double[] stimulus, double[] re, double[] im) {
    if (stimulus.length > 2 * bins) {
      throw new IllegalArgumentException("stimulus of " + stimulus.length
          + " samples exceeds the table's " + 2 * bins);
    }
    java.util.Arrays.fill(re, 0);
    java.util.Arrays.fill(im, 0);
    System.arraycopy(stimulus, 0, re, 0, stimulus.length);
    stimulusFft.forward(re, im);
  }

  /**
   * Velocity of one channel: {@code out[0 .. out.length)} gets the real part of the inverse FFT
   * of {@code V[channel] * spectrum}; {@code re}/{@code im} are scratch arrays of length bins.
   */
  public void velocity(int channel, double[] specRe, double[] specIm, double[] re, double[] im,
                       double[] out) {
    float[] vr = transferRe[channel];
    float[] vi = transferIm[channel];
    for (int k = 0; k < bins; k++) {
      re[k] = vr[k] * specRe[k] - vi[k] * specIm[k];
      im[k] = vr[k] * specIm[k] + vi[k] * specRe[k];
    }
    channelFft.inverse(re, im);
    System.arraycopy(re, 0, out, 0, out.length);
  }

  private Complex xi(double omega, double c) {
    double s = p.c0() * Math.exp(-p.alpha() * c) - p.a();
    double r = p.de() * Math.sqrt(p.c0() * p.m()) * Math.exp(-p.alpha() * c / 2);
    return new Complex(s - p.m() * omega * omega, -omega * r);
  }

  private Complex g(double omega, double c) {
    return Complex.real(p.rho()).dividedBy(xi(omega, c).times(p.h())).sqrt().times(omega);
  }

  /** The pressure term p(omega, c) = sqrt(G / g) H0(G) with lauscher's G(omega, c). */
  private Complex pressure(double omega, double c) {
    double a = p.a();
    double alpha = p.alpha();
    double m = p.m();
    double r = p.de() * Math.sqrt(p.c0() * p.m());
    double sqrtAm = Math.sqrt(a + m * omega * omega);
    Complex numerator = new Complex(-a + p.c0() - m * omega * omega, -omega * r).sqrt()
        .times(-alpha)
        .plus(Complex.I.times(alpha).times(new Complex(2 * a + 2 * m * omega * omega, omega * r))
            .times(1 / (2 * sqrtAm)));
    double decay = Math.exp(-alpha * c / 2);
    Complex bracket = new Complex(-a + p.c0() * Math.exp(-alpha * c) - m * omega * omega,
        -decay * omega * r).sqrt().times(-2)
        .plus(Complex.I.times(new Complex(2 * a + 2 * m * omega * omega, omega * decay * r))
            .times(1 / sqrtAm));
    Complex denominator = bracket.times(0.5 * alpha * Math.exp(alpha * c / 2));
    Complex log = numerator.dividedBy(denominator).log();
    Complex correction = new Complex(0, 2 * Math.sqrt(2) * omega).times(log)
        .times(1 / (alpha * Math.sqrt(p.h() * 2 * (m * omega * omega + a))));
    Complex bigG = g(omega, 0.0).times(2 / alpha).minus(correction);
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
