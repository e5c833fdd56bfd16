package io.spikeloop.convert.audio;

/**
 * Meddis (1986, 1988) inner hair cell: transmitter pools q (free), c (cleft), w (reprocessing)
 * driven by the basilar-membrane velocity; the output per sample is {@code c * h / fs}, the
 * spike probability of an auditory-nerve fibre in that sample. Same update order and clamping
 * as lauscher's HairCell.
 */
public record HairCell(double y, double g, double l, double r, double x, double a, double b,
                       double h, double m) {
  public static final HairCell SHD = new HairCell(5.05, 2000, 2500, 6580, 66.3, 5, 300, 50000, 1);

  public HairCell {
    if (!(g > 0 && l + r > 0 && x > 0 && a + b > 0 && h > 0 && m > 0)) {
      throw new IllegalArgumentException("hair cell parameters must be positive");
    }
  }

  /** Writes the spike probability per sample of {@code velocity[0..n)} into {@code out}. */
  public void firingProbability(double[] velocity, int n, double fs, double[] out) {
    double ymdt = y * m / fs;
    double xdt = x / fs;
    double ydt = y / fs;
    double rdt = r / fs;
    double gdt = g / fs;
    double hdt = h / fs;
    double lossDt = (l + r) / fs;
    double restingRate = g * a / (a + b);
    double cleft = m * y * restingRate / (l * restingRate + y * (l + r));
    double free = cleft * (l + r) / restingRate;
    double reprocessing = cleft * r / x;
    for (int j = 0; j < n; j++) {
      double drive = velocity[j] + a;
      double k = drive > 0 ? gdt * drive / (drive + b) : 0.0;
      double replenish = free < m ? ymdt - ydt * free : 0.0;
      double eject = k * free;
      double reuptakeAndLoss = lossDt * cleft;
      double reuptake = rdt * cleft;
      double reprocess = xdt * reprocessing;
      free = Math.max(free + replenish - eject + reprocess, 0);
      cleft = Math.max(cleft + eject - reuptakeAndLoss, 0);
      reprocessing = Math.max(reprocessing + reuptake - reprocess, 0);
      out[j] = cleft * hdt;
    }
  }
}
