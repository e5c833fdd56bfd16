package io.spikeloop.report;

import java.awt.Color;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler;

/** XChart charts as PNG bytes, files and data URIs, in one house style (white, readable fonts). */
public final class ChartImages {
  private ChartImages() {}

  /** White background, legend outside the plot, no border noise. */
  public static void style(Styler styler) {
    styler.setChartBackgroundColor(Color.WHITE);
    styler.setPlotBackgroundColor(Color.WHITE);
    styler.setPlotBorderVisible(false);
    styler.setLegendBorderColor(Color.WHITE);
    styler.setLegendPosition(Styler.LegendPosition.OutsideE);
    styler.setAntiAlias(true);
  }

  public static byte[] png(Chart<?, ?> chart) {
    // Rendering needs no display; headless keeps AWT from looking for one.
    System.setProperty("java.awt.headless", "true");
    try {
      return BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot render chart '" + chart.getTitle() + "'", e);
    }
  }

  public static String pngDataUri(Chart<?, ?> chart) {
    return "data:image/png;base64," + Base64.getEncoder().encodeToString(png(chart));
  }

  public static void writePng(Chart<?, ?> chart, Path file) throws IOException {
    Files.write(file, png(chart));
  }
}
