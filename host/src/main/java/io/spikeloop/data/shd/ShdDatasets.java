package io.spikeloop.data.shd;

import io.spikeloop.data.DatasetSplit;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Opens {@code shd:PATH[#RULE]}: PATH is a folder with {@code shd_train.h5} and
 * {@code shd_test.h5} (SHD's own split; SSC's {@code ssc_*.h5} too) or one file, divided by RULE
 * ({@code test-speakers=0,1} or {@code test-trials=7}; default every fifth sample to test).
 */
public final class ShdDatasets {
  private ShdDatasets() {
  }

  /**
   * @param spec  the part after {@code shd:}, e.g. {@code data/hd.h5#test-speakers=0,1}
   * @param dtMs  bin width in ms (null: 10 ms)
   * @param steps number of bins (null: 100)
   */
  public static DatasetSplit open(String spec, Double dtMs, Integer steps) throws IOException {
    int hash = spec.indexOf('#');
    String pathPart = hash < 0 ? spec : spec.substring(0, hash);
    ShdSplit rule = hash < 0 ? null : ShdSplit.parse(spec.substring(hash + 1));
    return open(Path.of(pathPart), rule, dtMs, steps);
  }

  public static DatasetSplit open(Path path, ShdSplit rule, Double dtMs, Integer steps)
      throws IOException {
    if (path.toString().isEmpty()) {
      throw new IllegalArgumentException("shd needs a file or folder: shd:PATH");
    }
    double dt = (dtMs == null ? ShdDataset.DEFAULT_DT_MS : dtMs) / 1000.0;
    int n = steps == null ? ShdDataset.DEFAULT_STEPS : steps;
    if (Files.isDirectory(path)) {
      for (String prefix : new String[] {"shd", "ssc"}) {
        Path train = path.resolve(prefix + "_train.h5");
        Path test = path.resolve(prefix + "_test.h5");
        if (Files.isRegularFile(train) || Files.isRegularFile(test)) {
          if (rule != null) {
            throw new IllegalArgumentException(path + ": a folder already holds its train/test "
                + "split; give a single file to split by " + rule.describe());
          }
          ShdRecordings trainData = ShdReader.read(train);
          ShdRecordings testData = ShdReader.read(test);
          int classes = Math.max(trainData.classes(), testData.classes());
          return new DatasetSplit(
              new ShdDataset("shd:" + train, withClasses(trainData, classes), dt, n),
              new ShdDataset("shd:" + test, withClasses(testData, classes), dt, n));
        }
      }
      throw new IOException(path + ": folder has neither shd_train.h5/shd_test.h5 nor "
          + "ssc_train.h5/ssc_test.h5");
    }
    ShdRecordings all = ShdReader.read(path);
    ShdSplit split = rule == null ? new ShdSplit.EveryFifth() : rule;
    String suffix = " (" + split.describe() + ")";
    return new DatasetSplit(
        new ShdDataset("shd:" + path + " train" + suffix,
            all.select(all.source(), split.indices(all, false)), dt, n),
        new ShdDataset("shd:" + path + " test" + suffix,
            all.select(all.source(), split.indices(all, true)), dt, n));
  }

  private static ShdRecordings withClasses(ShdRecordings r, int classes) {
    return new ShdRecordings(r.source(), r.channels(), classes, r.times(), r.units(), r.labels(),
        r.speakers(), r.trials());
  }
}
