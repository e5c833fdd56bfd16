package io.spikeloop.study.spark;

import io.spikeloop.study.RunOutcome;
import io.spikeloop.study.StudyConfig;
import io.spikeloop.study.StudyGrid;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The study's runs as a Spark DataFrame, one row per run, written as Parquet ({@code
 * dataframe/results.parquet}) and CSV with a header ({@code dataframe/results-csv/part-*.csv})
 * beside {@code results.csv}: the configuration id, each swept option's value (string), baseline,
 * seed, status, every numeric field of train's summary (double, null where a run lacks it),
 * seconds, error, and where the run ran (executor, host, Spark attempt, board, start and end in
 * epoch milliseconds). Spark writes the files through its executors, so the path is the study's
 * folder as the cluster sees it (docs/studies.md).
 */
public final class StudyFrame {
  public static final String FOLDER = "dataframe";

  private StudyFrame() {}

  /** The schema of {@code configs}' swept options and the summaries' numeric fields. */
  static StructType schema(List<String> options, List<String> numeric) {
    List<StructField> fields = new ArrayList<>();
    fields.add(field("config", DataTypes.StringType, false));
    options.forEach(o -> fields.add(field(o, DataTypes.StringType, true)));
    fields.add(field("baseline", DataTypes.BooleanType, false));
    fields.add(field("seed", DataTypes.LongType, false));
    fields.add(field("status", DataTypes.StringType, false));
    numeric.forEach(n -> fields.add(field(n, DataTypes.DoubleType, true)));
    fields.add(field("seconds", DataTypes.DoubleType, false));
    fields.add(field("error", DataTypes.StringType, true));
    fields.add(field("executor", DataTypes.StringType, true));
    fields.add(field("host", DataTypes.StringType, true));
    fields.add(field("attempt", DataTypes.IntegerType, false));
    fields.add(field("board", DataTypes.StringType, true));
    fields.add(field("startMillis", DataTypes.LongType, false));
    fields.add(field("endMillis", DataTypes.LongType, false));
    return DataTypes.createStructType(fields);
  }

  /** One row per run, in plan order. */
  public static Dataset<Row> frame(SparkSession spark, List<StudyConfig> configs,
                                   List<Long> seeds, List<RunRow> rows,
                                   List<RunOutcome> outcomes) {
    Set<String> options = new LinkedHashSet<>();
    configs.forEach(c -> c.settings().forEach(s -> options.add(s.option())));
    Set<String> numeric = new LinkedHashSet<>();
    for (RunOutcome o : outcomes) {
      if (o.ok()) {
        for (Map.Entry<String, com.fasterxml.jackson.databind.JsonNode> f
            : o.result().properties()) {
          if (f.getValue().isNumber() && !f.getKey().equals("seed")) {
            numeric.add(f.getKey());
          }
        }
      }
    }
    List<Row> data = new ArrayList<>();
    for (int i = 0; i < rows.size(); i++) {
      StudyConfig c = configs.get(i);
      RunOutcome o = outcomes.get(i);
      RunRow r = rows.get(i);
      List<Object> values = new ArrayList<>();
      values.add(c.id());
      for (String option : options) {
        values.add(c.value(option));
      }
      values.add(c.baseline());
      values.add(seeds.get(i));
      values.add(o.ok() ? "ok" : "failed");
      for (String n : numeric) {
        double v = o.number(n);
        values.add(Double.isNaN(v) ? null : v);
      }
      values.add(o.seconds());
      values.add(o.error());
      values.add(r.executor());
      values.add(r.host());
      values.add(r.attempt());
      values.add(r.board());
      values.add(r.startMillis());
      values.add(r.endMillis());
      data.add(RowFactory.create(values.toArray()));
    }
    return spark.createDataFrame(data, schema(List.copyOf(options), List.copyOf(numeric)));
  }

  /** Writes the frame under {@code <study>/dataframe/}; a failure is reported, not thrown. */
  static void write(SparkSession spark, StudyGrid grid, List<StudyConfig> configs,
                    List<Long> seeds, List<RunRow> rows, List<RunOutcome> outcomes,
                    PrintWriter log) {
    Path folder = grid.runsDir().toAbsolutePath().getParent().resolve(FOLDER);
    long start = System.nanoTime();
    try {
      Dataset<Row> frame = frame(spark, configs, seeds, rows, outcomes).coalesce(1);
      frame.write().mode(SaveMode.Overwrite).parquet(folder.resolve("results.parquet").toString());
      frame.write().mode(SaveMode.Overwrite).option("header", "true")
          .csv(folder.resolve("results-csv").toString());
      log.printf(java.util.Locale.ROOT, "study: wrote the runs as a DataFrame into %s "
          + "(results.parquet, results-csv) in %.1f s%n", folder,
          (System.nanoTime() - start) / 1e9);
      log.flush();
    } catch (RuntimeException e) {
      // results.csv, results.md and the run folders are already written by the study
      log.println("study: the DataFrame copy of the results could not be written to " + folder
          + ": " + e.getMessage());
      log.flush();
    }
  }

  private static StructField field(String name, DataType type, boolean nullable) {
    return DataTypes.createStructField(name, type, nullable);
  }
}
