package io.spikeloop.model;

/**
 * Heaviside spike ({@code z = 1} when {@code x = u - theta >= 0}) with the double-Gaussian
 * surrogate derivative of the paper:
 * {@code gamma * [(1+height) N(x; 0, sigma) - height N(x; sigma, scale*sigma)
 * - height N(x; -sigma, scale*sigma)]}, N the normal density.
 */
public record Surrogate(double sigma, double scale, double height, double gamma)
    implements SpikeFunction {

  /** The paper's values (and those of the golden vectors). */
  public static final Surrogate DEFAULT = new Surrogate(0.5, 6.0, 0.15, 0.5);

  private static final double INV_SQRT_2PI = 1.0 / Math.sqrt(2.0 * Math.PI);

  public Surrogate {
    if (!(sigma > 0) || !(scale > 0) || !(height >= 0) || !(gamma > 0)) {
      throw new IllegalArgumentException("surrogate needs sigma > 0, scale > 0, height >= 0, "
          + "gamma > 0; got sigma=" + sigma + " scale=" + scale + " height=" + height
          + " gamma=" + gamma);
    }
  }

  @Override
  public double value(double x) {
    return x >= 0 ? 1.0 : 0.0;
  }

  @Override
  public double derivative(double x) {
    double wide = scale * sigma;
    return gamma * ((1 + height) * normal(x, 0, sigma)
        - height * normal(x, sigma, wide) - height * normal(x, -sigma, wide));
  }

  /** Normal density N(x; mean, sd). */
  static double normal(double x, double mean, double sd) {
    double d = (x - mean) / sd;
    return Math.exp(-0.5 * d * d) * INV_SQRT_2PI / sd;
  }
}
