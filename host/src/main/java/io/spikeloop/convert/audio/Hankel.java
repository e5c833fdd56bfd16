package io.spikeloop.convert.audio;

/**
 * Hankel functions of the first kind, {@code H_n^(1)(z) = J_n(z) + i Y_n(z)} for n = 0, 1 and
 * complex z with {@code Re z > 0} (what the basilar-membrane model needs): ascending series for
 * {@code |z| < 8}, Hankel's asymptotic expansion beyond (its truncation error there is below
 * 1e-7 relative; the series' cancellation error below 1e-9).
 */
final class Hankel {
  private static final double EULER_GAMMA = 0.5772156649015329;
  private static final double SERIES_LIMIT = 8.0;

  private Hankel() {
  }

  static Complex h0(Complex z) {
    return z.abs() < SERIES_LIMIT ? series(z, 0) : asymptotic(z, 0);
  }

  static Complex h1(Complex z) {
    return z.abs() < SERIES_LIMIT ? series(z, 1) : asymptotic(z, 1);
  }

  private static Complex asymptotic(Complex z, int order) {
    double mu = 4.0 * order * order;
    Complex inverseZ = z.reciprocal();
    Complex sum = Complex.ONE;
    Complex term = Complex.ONE;
    Complex iOverZ = Complex.I.times(inverseZ);
    Complex previous = null;
    for (int k = 1; k <= 30; k++) {
      double odd = 2.0 * k - 1;
      term = term.times(iOverZ).times((mu - odd * odd) / (8.0 * k));
      if (previous != null && term.abs() > previous.abs()) {
        break; // the asymptotic series starts to diverge: stop at its smallest term
      }
      sum = sum.plus(term);
      previous = term;
      if (term.abs() < 1e-17 * sum.abs()) {
        break;
      }
    }
    Complex phase = Complex.I.times(z.plus(-order * Math.PI / 2 - Math.PI / 4)).exp();
    Complex amplitude = z.times(Math.PI / 2).reciprocal().sqrt();
    return amplitude.times(phase).times(sum);
  }

  private static Complex series(Complex z, int order) {
    Complex half = z.times(0.5);
    Complex q = half.times(half).times(-1); // -(z/2)^2
    Complex logHalf = half.log();
    if (order == 0) {
      Complex j = Complex.ONE;
      Complex ySum = Complex.real(0);
      Complex term = Complex.ONE; // (-(z/2)^2)^k / (k!)^2
      double harmonic = 0;
      for (int k = 1; k < 80; k++) {
        term = term.times(q).times(1.0 / ((double) k * k));
        harmonic += 1.0 / k;
        j = j.plus(term);
        ySum = ySum.minus(term.times(harmonic)); // (-1)^(k+1) H_k (z^2/4)^k / (k!)^2
        if (term.abs() < 1e-18) {
          break;
        }
      }
      Complex y = logHalf.plus(EULER_GAMMA).times(j).plus(ySum).times(2 / Math.PI);
      return j.plus(Complex.I.times(y));
    }
    // order 1: J1 = sum (-1)^k (z/2)^(2k+1) / (k!(k+1)!),
    // Y1 = (2/pi) ln(z/2) J1 - 2/(pi z) - (1/pi) sum (-1)^k (H_k + H_{k+1} - 2 gamma) (z/2)^(2k+1)/(k!(k+1)!)
    Complex term = half; // k = 0
    Complex j = term;
    double hk = 0;
    double hk1 = 1;
    Complex psiSum = term.times(hk + hk1 - 2 * EULER_GAMMA);
    for (int k = 1; k < 80; k++) {
      term = term.times(q).times(1.0 / ((double) k * (k + 1)));
      hk += 1.0 / k;
      hk1 += 1.0 / (k + 1);
      j = j.plus(term);
      psiSum = psiSum.plus(term.times(hk + hk1 - 2 * EULER_GAMMA));
      if (term.abs() < 1e-18) {
        break;
      }
    }
    Complex y = logHalf.times(j).times(2 / Math.PI)
        .minus(z.times(Math.PI / 2).reciprocal())
        .minus(psiSum.times(1 / Math.PI));
    return j.plus(Complex.I.times(y));
  }
}
