package io.spikeloop.convert.images;

/** A grey image, row-major intensities in [0, 1], with its class label (-1 if unknown). */
public record GrayImage(int width, int height, float[] pixels, int label) {
  public GrayImage {
    if (width < 1 || height < 1 || pixels.length != width * height) {
      throw new IllegalArgumentException("image of " + width + "x" + height + " needs "
          + (long) width * height + " pixels, got " + pixels.length);
    }
  }

  /** Intensity at (x, y), 0 outside the image. */
  public float at(int x, int y) {
    return x < 0 || y < 0 || x >= width || y >= height ? 0f : pixels[y * width + x];
  }

  /** Bilinear intensity at a sub-pixel position (pixel centres at integers), 0 outside. */
  public double bilinear(double x, double y) {
    int x0 = (int) Math.floor(x);
    int y0 = (int) Math.floor(y);
    double fx = x - x0;
    double fy = y - y0;
    return (1 - fy) * ((1 - fx) * at(x0, y0) + fx * at(x0 + 1, y0))
        + fy * ((1 - fx) * at(x0, y0 + 1) + fx * at(x0 + 1, y0 + 1));
  }
}
