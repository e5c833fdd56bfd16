package io.spikeloop.report;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;

/** Test support: the PNG images embedded in a report, decoded. */
final class ReportImages {
  private static final Pattern IMG = Pattern.compile(
      "<img class=\"chart\" alt=\"([^\"]*)\"[^>]*src=\"data:image/png;base64,([A-Za-z0-9+/=]+)\"");

  private ReportImages() {}

  record Image(String alt, BufferedImage pixels) {
    /** Fraction of pixels that are not white. */
    double inked() {
      long inked = 0;
      for (int y = 0; y < pixels.getHeight(); y++) {
        for (int x = 0; x < pixels.getWidth(); x++) {
          if ((pixels.getRGB(x, y) & 0xFFFFFF) != 0xFFFFFF) {
            inked++;
          }
        }
      }
      return inked / (double) (pixels.getWidth() * pixels.getHeight());
    }
  }

  static List<Image> decode(String html) throws IOException {
    List<Image> images = new ArrayList<>();
    Matcher m = IMG.matcher(html);
    while (m.find()) {
      byte[] png = Base64.getDecoder().decode(m.group(2));
      BufferedImage img = ImageIO.read(new ByteArrayInputStream(png));
      if (img == null) {
        throw new IOException("chart '" + m.group(1) + "' is not a readable PNG");
      }
      images.add(new Image(m.group(1), img));
    }
    return images;
  }
}
