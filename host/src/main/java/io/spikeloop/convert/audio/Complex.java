package io.spikeloop.convert.audio;

/**
 * A complex number for the basilar-membrane transfer function (evaluated once per channel and
 * frequency bin, outside the per-sample loops). Branch cuts follow numpy's principal values.
 */
record Complex(double re, double im) {
  static final Complex I = new Complex(0, 1);
  static final Complex ONE = new Complex(1, 0);

  static Complex real(double x) {
    return new Complex(x, 0);
  }

  Complex plus(Complex o) {
    return new Complex(re + o.re, im + o.im);
  }

  Complex plus(double x) {
    return new Complex(re + x, im);
  }

  Complex minus(Complex o) {
    return new Complex(re - o.re, im - o.im);
  }

  Complex times(Complex o) {
    return new Complex(re * o.re - im * o.im, re * o.im + im * o.re);
  }

  Complex times(double x) {
    return new Complex(re * x, im * x);
  }

  Complex dividedBy(Complex o) {
    // Smith's algorithm: avoids overflow for large denominators.
    if (Math.abs(o.re) >= Math.abs(o.im)) {
      double r = o.im / o.re;
      double d = o.re + o.im * r;
      return new Complex((re + im * r) / d, (im - re * r) / d);
    }
    double r = o.re / o.im;
    double d = o.re * r + o.im;
    return new Complex((re * r + im) / d, (im * r - re) / d);
  }

  Complex reciprocal() {
    return ONE.dividedBy(this);
  }

  double abs() {
    return Math.sqrt(re * re + im * im); // magnitudes here stay far from overflow
  }

  double arg() {
    return Math.atan2(im, re);
  }

  Complex sqrt() {
    double r = abs();
    if (r == 0) {
      return new Complex(0, 0);
    }
    double s = Math.sqrt((r + Math.abs(re)) / 2);
    if (re >= 0) {
      return new Complex(s, im / (2 * s));
    }
    return new Complex(Math.abs(im) / (2 * s), Math.copySign(s, im));
  }

  Complex log() {
    return new Complex(Math.log(abs()), arg());
  }

  Complex exp() {
    double e = Math.exp(re);
    return new Complex(e * Math.cos(im), e * Math.sin(im));
  }

  Complex conjugate() {
    return new Complex(re, -im);
  }
}
