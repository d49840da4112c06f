package dev.tunekit.report;

import dev.tunekit.TunekitException;
import dev.tunekit.model.Labels;
import dev.tunekit.pipeline.MethodResult;
import dev.tunekit.train.EpochMetrics;
import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.HeatMapChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** The lab's plots, drawn with XChart and saved as PNG. */
public final class Charts {
  private static final int WIDTH = 800;
  private static final int HEIGHT = 480;

  static {
    System.setProperty("java.awt.headless", "true");
  }

  private Charts() {}

  /** Training and validation loss per epoch of every trained method. */
  public static void loss(List<MethodResult> methods, Path file) {
    XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title("Loss per epoch")
        .xAxisTitle("epoch").yAxisTitle("cross-entropy").build();
    style(chart);
    for (MethodResult m : methods) {
      if (m.epochs().isEmpty()) {
        continue;
      }
      List<Double> epochs = epochs(m.epochs());
      List<Double> train = new ArrayList<>();
      List<Double> val = new ArrayList<>();
      for (EpochMetrics e : m.epochs()) {
        train.add(e.trainLoss());
        val.add(e.valLoss());
      }
      chart.addSeries(m.method() + " train", epochs, train).setMarker(SeriesMarkers.CIRCLE);
      XYSeries v = chart.addSeries(m.method() + " validation", epochs, val);
      v.setMarker(SeriesMarkers.SQUARE);
      v.setLineStyle(new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f));
    }
    save(chart, file);
  }

  /** Validation accuracy per epoch; methods without epochs (the SVM) as a flat line. */
  public static void accuracy(List<MethodResult> methods, Path file) {
    XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title("Validation accuracy per epoch")
        .xAxisTitle("epoch").yAxisTitle("accuracy").build();
    style(chart);
    double last = 1;
    for (MethodResult m : methods) {
      last = Math.max(last, m.epochs().size());
    }
    for (MethodResult m : methods) {
      if (m.epochs().isEmpty()) {
        XYSeries s = chart.addSeries(m.method() + " (no epochs)", List.of(0.0, last),
            List.of(m.validation().accuracy(), m.validation().accuracy()));
        s.setMarker(SeriesMarkers.NONE);
        continue;
      }
      List<Double> acc = new ArrayList<>();
      m.epochs().forEach(e -> acc.add(e.accuracy()));
      chart.addSeries(m.method(), epochs(m.epochs()), acc).setMarker(SeriesMarkers.CIRCLE);
    }
    save(chart, file);
  }

  /** Validation and test accuracy of every method, side by side. */
  public static void methods(List<MethodResult> methods, Path file) {
    CategoryChart chart = new CategoryChartBuilder().width(WIDTH).height(HEIGHT).title("Accuracy by method")
        .xAxisTitle("method").yAxisTitle("accuracy").build();
    style(chart);
    chart.getStyler().setLabelsVisible(true);
    chart.getStyler().setDecimalPattern("0.000");
    List<String> names = methods.stream().map(MethodResult::method).toList();
    chart.addSeries("validation", names, methods.stream().map(m -> (Number) m.validation().accuracy()).toList());
    chart.addSeries("test", names, methods.stream().map(m -> (Number) m.test().accuracy()).toList());
    double low = methods.stream().mapToDouble(m -> Math.min(m.validation().accuracy(), m.test().accuracy())).min().orElse(0);
    chart.getStyler().setYAxisMin(Math.max(0, Math.floor(low * 10) / 10 - 0.1));
    chart.getStyler().setYAxisMax(1.0);
    save(chart, file);
  }

  /** The test confusion matrix of one method: rows true labels, columns predicted, counts in the cells. */
  public static void confusion(MethodResult m, Labels labels, Path file) {
    int[][] cm = m.test().confusion();
    HeatMapChart chart = new HeatMapChartBuilder().width(520).height(460)
        .title(m.method() + ": test confusion matrix").xAxisTitle("predicted").yAxisTitle("true").build();
    chart.getStyler().setShowValue(true);
    chart.getStyler().setHeatMapValueDecimalPattern("0");
    chart.getStyler().setValueFontColor(Color.BLACK);
    chart.getStyler().setRangeColors(new Color[] {new Color(0xf7fbff), new Color(0x9ecae1), new Color(0x4292c6)});
    chart.getStyler().setChartBackgroundColor(Color.WHITE);
    List<String> names = labels.names();
    List<String> reversed = new ArrayList<>(names);
    java.util.Collections.reverse(reversed); // true labels top to bottom in id order
    List<Number[]> cells = new ArrayList<>();
    for (int t = 0; t < cm.length; t++) {
      for (int p = 0; p < cm.length; p++) {
        cells.add(new Number[] {p, cm.length - 1 - t, cm[t][p]});
      }
    }
    chart.addSeries("count", names, reversed, cells);
    save(chart, file);
  }

  private static List<Double> epochs(List<EpochMetrics> rows) {
    return rows.stream().map(EpochMetrics::epoch).toList();
  }

  private static void style(Chart<?, ?> chart) {
    Styler s = chart.getStyler();
    s.setChartBackgroundColor(Color.WHITE);
    s.setLegendPosition(Styler.LegendPosition.OutsideE);
  }

  private static void save(Chart<?, ?> chart, Path file) {
    try {
      BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
    } catch (IOException e) {
      throw new TunekitException(file + ": cannot write the plot (" + e.getMessage() + ")");
    }
  }
}
