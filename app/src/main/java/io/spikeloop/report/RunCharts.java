package io.spikeloop.report;

import java.awt.Color;
import java.util.List;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** The charts of a run report, built from its metrics table and a spike raster. */
public final class RunCharts {
  public static final int WIDTH = 760;
  public static final int HEIGHT = 340;

  private RunCharts() {}

  /** Test and online training accuracy (%) per epoch. */
  public static XYChart accuracy(MetricsTable m) {
    XYChart chart = epochChart("Accuracy", "accuracy (%)");
    double[] epochs = m.column("epoch");
    for (String column : List.of("testAccuracy", "onlineTrainAccuracy")) {
      if (m.has(column)) {
        chart.addSeries(column, epochs, percent(m.column(column)));
      }
    }
    return chart;
  }

  /** Mean training loss per epoch. */
  public static XYChart loss(MetricsTable m) {
    XYChart chart = epochChart("Training loss", "mean per-step cross-entropy");
    chart.addSeries("trainLoss", m.column("epoch"), m.column("trainLoss"));
    return chart;
  }

  /** Any set of columns per epoch on one axis (device cycles, energy, optimizer memory...). */
  public static XYChart columns(MetricsTable m, String title, String yTitle, List<String> names) {
    XYChart chart = epochChart(title, yTitle);
    for (String name : names) {
      chart.addSeries(name, m.column("epoch"), m.column(name));
    }
    return chart;
  }

  /** One bar per named value (a device run's cost per sample, say). */
  public static CategoryChart bars(String title, String yTitle, List<String> names,
                                   List<Double> values) {
    CategoryChart chart = new CategoryChartBuilder().width(WIDTH).height(HEIGHT).title(title)
        .yAxisTitle(yTitle).build();
    ChartImages.style(chart.getStyler());
    chart.getStyler().setLegendVisible(false);
    chart.getStyler().setYAxisDecimalPattern("#,##0.###");
    chart.addSeries(yTitle, names, values);
    return chart;
  }

  /** One population's spikes: a dot per (step, neuron). */
  public static XYChart raster(SpikeRaster.Layer layer, int steps, String title) {
    XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title)
        .xAxisTitle("time step")
        .yAxisTitle(layer.name().equals("input") ? "input channel" : layer.name() + " neuron")
        .build();
    ChartImages.style(chart.getStyler());
    chart.getStyler().setLegendVisible(false);
    chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
    chart.getStyler().setMarkerSize(3);
    chart.getStyler().setXAxisMin(-0.5);
    chart.getStyler().setXAxisMax(steps - 0.5);
    chart.getStyler().setYAxisMin(-0.5);
    chart.getStyler().setYAxisMax(layer.neurons() - 0.5);
    double[] x = new double[Math.max(1, layer.spikes())];
    double[] y = new double[x.length];
    for (int i = 0; i < layer.spikes(); i++) {
      x[i] = layer.steps()[i];
      y[i] = layer.ids()[i];
    }
    if (layer.spikes() == 0) {
      // XChart needs a point; put the placeholder outside the visible range.
      x[0] = -10;
      y[0] = -10;
    }
    XYSeries series = chart.addSeries(layer.name(), x, y);
    series.setMarker(SeriesMarkers.CIRCLE);
    series.setMarkerColor(Color.BLACK);
    return chart;
  }

  private static XYChart epochChart(String title, String yTitle) {
    XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title)
        .xAxisTitle("epoch").yAxisTitle(yTitle).build();
    ChartImages.style(chart.getStyler());
    chart.getStyler().setMarkerSize(7);
    chart.getStyler().setXAxisDecimalPattern("0");
    chart.getStyler().setYAxisDecimalPattern("#,##0.###");
    return chart;
  }

  private static double[] percent(double[] fractions) {
    double[] p = new double[fractions.length];
    for (int i = 0; i < p.length; i++) {
      p[i] = 100 * fractions[i];
    }
    return p;
  }
}
