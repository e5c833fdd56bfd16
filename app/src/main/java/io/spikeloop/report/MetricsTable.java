package io.spikeloop.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The numbers of a run folder's {@code metrics.csv}: one named column per header field, one row
 * per epoch. Columns are looked up by name, so columns added later (device cycles, energy,
 * optimizer memory) are reported without changing this reader.
 */
public record MetricsTable(List<String> columns, List<double[]> rows) {
  public MetricsTable {
    columns = List.copyOf(columns);
    rows = List.copyOf(rows);
    for (int r = 0; r < rows.size(); r++) {
      if (rows.get(r).length != columns.size()) {
        throw new IllegalArgumentException("row " + (r + 1) + " has " + rows.get(r).length
            + " values but there are " + columns.size() + " columns");
      }
    }
  }

  /** Reads {@code file}; a malformed line fails naming the file, line and field. */
  public static MetricsTable read(Path file) throws IOException {
    List<String> lines = Files.readAllLines(file).stream().filter(l -> !l.isBlank()).toList();
    if (lines.isEmpty()) {
      throw new IllegalArgumentException(file + ": empty, expected a header line");
    }
    List<String> columns = Arrays.stream(lines.get(0).split(",", -1)).map(String::trim).toList();
    List<double[]> rows = new ArrayList<>();
    for (int i = 1; i < lines.size(); i++) {
      String[] fields = lines.get(i).split(",", -1);
      if (fields.length != columns.size()) {
        throw new IllegalArgumentException(file + " line " + (i + 1) + ": " + fields.length
            + " fields, the header has " + columns.size());
      }
      double[] row = new double[fields.length];
      for (int c = 0; c < fields.length; c++) {
        try {
          row[c] = Double.parseDouble(fields[c].trim());
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException(file + " line " + (i + 1) + ", column "
              + columns.get(c) + ": not a number: '" + fields[c] + "'");
        }
      }
      rows.add(row);
    }
    return new MetricsTable(columns, rows);
  }

  public boolean has(String column) {
    return columns.contains(column);
  }

  /** The values of a column, one per row; fails naming the column when it is absent. */
  public double[] column(String name) {
    int c = columns.indexOf(name);
    if (c < 0) {
      throw new IllegalArgumentException("no column '" + name + "' in metrics (have " + columns
          + ")");
    }
    double[] values = new double[rows.size()];
    for (int r = 0; r < rows.size(); r++) {
      values[r] = rows.get(r)[c];
    }
    return values;
  }

  /** Columns whose name contains any of {@code fragments}, ignoring case, in file order. */
  public List<String> columnsMatching(String... fragments) {
    List<String> found = new ArrayList<>();
    for (String column : columns) {
      String lower = column.toLowerCase(java.util.Locale.ROOT);
      for (String f : fragments) {
        if (lower.contains(f.toLowerCase(java.util.Locale.ROOT))) {
          found.add(column);
          break;
        }
      }
    }
    return found;
  }
}
