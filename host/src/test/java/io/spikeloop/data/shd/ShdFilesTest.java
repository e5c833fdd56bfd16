package io.spikeloop.data.shd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jhdf.HdfFile;
import io.jhdf.WritableHdfFile;
import io.spikeloop.data.DatasetSplit;
import io.spikeloop.data.SpikeSample;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ShdFilesTest {
  @TempDir
  Path dir;

  static ShdRecordings small(int channels, int classes, int[] labels) {
    int n = labels.length;
    float[][] times = new float[n][];
    short[][] units = new short[n][];
    int[] speakers = new int[n];
    int[] trials = new int[n];
    for (int i = 0; i < n; i++) {
      int spikes = 3 + i;
      times[i] = new float[spikes];
      units[i] = new short[spikes];
      for (int j = 0; j < spikes; j++) {
        times[i][j] = 0.0123f * j + 0.001f * i;
        units[i][j] = (short) ((37 * j + i) % channels);
      }
      speakers[i] = i % 3;
      trials[i] = i / 3;
    }
    return new ShdRecordings("test", channels, classes, times, units, labels, speakers, trials);
  }

  @Test
  void writtenFilesReadBackIdentically() throws IOException {
    ShdRecordings data = small(700, 20, new int[] {0, 19, 5, 7, 11, 3});
    Path file = dir.resolve("out.h5");
    ShdWriter.write(data, file);
    ShdRecordings back = ShdReader.read(file, 700, 20);
    assertEquals(data.size(), back.size());
    for (int i = 0; i < data.size(); i++) {
      assertArrayEquals(data.times()[i], back.times()[i]);
      assertArrayEquals(data.units()[i], back.units()[i]);
    }
    assertArrayEquals(data.labels(), back.labels());
    assertArrayEquals(data.speakers(), back.speakers());
    assertArrayEquals(data.trials(), back.trials());
    try (HdfFile hdf = new HdfFile(file)) {
      assertTrue(hdf.getDatasetByPath("spikes/times").isVariableLength());
      assertTrue(hdf.getDatasetByPath("spikes/units").isVariableLength());
    }
  }

  @Test
  void writtenFilesOpenInH5dump() throws Exception {
    assumeTrue(onPath("h5dump"), "skipped: h5dump not installed (Debian: apt-get install hdf5-tools)");
    ShdRecordings data = small(700, 20, new int[] {4, 14});
    Path file = dir.resolve("dump.h5");
    ShdWriter.write(data, file);
    Process p = new ProcessBuilder("h5dump", file.toString()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue(), out);
    String flat = out.replaceAll("\\s+", " ");
    assertTrue(flat.contains("DATASET \"times\" { DATATYPE H5T_VLEN { H5T_IEEE_F32LE}"), out);
    assertTrue(flat.contains("DATASET \"units\" { DATATYPE H5T_VLEN { H5T_STD_U16LE}"), out);
    assertTrue(flat.contains("(0): (0, 37, 74), (1, 38, 75, 112)"), out);
    assertTrue(flat.contains("DATASET \"labels\" { DATATYPE H5T_STD_U16LE DATASPACE SIMPLE { ( 2 ) / ( 2 ) } DATA { (0): 4, 14"), out);
  }

  @Test
  void binsIntoTenMillisecondSteps() throws IOException {
    float[][] times = {{0.0f, 0.004f, 0.0105f, 0.995f, 1.2f}};
    short[][] units = {{3, 3, 5, 699, 1}};
    ShdRecordings data = new ShdRecordings("t", 700, 20, times, units, new int[] {2},
        new int[] {1}, new int[] {0});
    ShdDataset d = new ShdDataset("t", data, 0.010, 100);
    SpikeSample s = d.sample(0);
    assertEquals(100, s.steps());
    assertArrayEquals(new int[] {3}, s.spikesAt(0)); // two spikes of unit 3 in bin 0 merge
    assertArrayEquals(new int[] {5}, s.spikesAt(1));
    assertArrayEquals(new int[] {699}, s.spikesAt(99));
    assertEquals(3, s.spikeCount()); // 1.2 s lies beyond 100 steps
    assertEquals(2, s.label());
  }

  @Test
  void splitsBySpeakerAndByTrial() throws IOException {
    ShdRecordings data = small(700, 20, new int[] {0, 1, 2, 3, 4, 5, 6, 7, 8});
    Path file = dir.resolve("all.h5");
    ShdWriter.write(data, file);
    DatasetSplit bySpeaker = ShdDatasets.open(file + "#test-speakers=0,2", null, null);
    assertEquals(3, bySpeaker.train().size());
    for (int i = 0; i < bySpeaker.train().size(); i++) {
      assertEquals(1, bySpeaker.train().sample(i).speaker());
    }
    for (int i = 0; i < bySpeaker.test().size(); i++) {
      assertTrue(bySpeaker.test().sample(i).speaker() != 1);
    }
    DatasetSplit byTrial = ShdDatasets.open(file + "#test-trials=2", null, null);
    assertEquals(6, byTrial.train().size());
    assertEquals(3, byTrial.test().size());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ShdDatasets.open(file + "#test-speakers=9", null, null));
    assertTrue(e.getMessage().contains("test speaker 9 does not occur"), e.getMessage());
  }

  @Test
  void folderWithOfficialSplit() throws IOException {
    ShdWriter.write(small(700, 20, new int[] {0, 1, 2}), dir.resolve("shd_train.h5"));
    ShdWriter.write(small(700, 20, new int[] {3, 19}), dir.resolve("shd_test.h5"));
    DatasetSplit split = ShdDatasets.open(dir.toString(), 5.0, 200);
    assertEquals(3, split.train().size());
    assertEquals(2, split.test().size());
    assertEquals(20, split.train().classes());
    assertEquals(200, split.test().steps());
  }

  @Test
  void missingFileIsNamed() {
    Path missing = dir.resolve("nope.h5");
    IOException e = assertThrows(IOException.class, () -> ShdReader.read(missing));
    assertTrue(e.getMessage().contains(missing.toString()) && e.getMessage().contains("no such file"),
        e.getMessage());
    IOException folder = assertThrows(IOException.class,
        () -> ShdDatasets.open(dir.toString(), null, null));
    assertTrue(folder.getMessage().contains("shd_train.h5"), folder.getMessage());
  }

  @Test
  void notHdf5IsNamed() throws IOException {
    Path text = dir.resolve("text.h5");
    Files.writeString(text, "time_s,channel\n0.1,3\n");
    IOException e = assertThrows(IOException.class, () -> ShdReader.read(text));
    assertTrue(e.getMessage().contains(text.toString()) && e.getMessage().contains("not an HDF5 file"),
        e.getMessage());
  }

  @Test
  void truncatedFileIsNamed() throws IOException {
    Path file = dir.resolve("full.h5");
    ShdWriter.write(small(700, 20, new int[] {0, 1, 2, 3}), file);
    byte[] bytes = Files.readAllBytes(file);
    Path cut = dir.resolve("cut.h5");
    for (int length : new int[] {bytes.length / 3, bytes.length - 1, 30}) {
      Files.write(cut, java.util.Arrays.copyOf(bytes, length));
      IOException e = assertThrows(IOException.class, () -> ShdReader.read(cut));
      assertTrue(e.getMessage().startsWith(cut + ": truncated HDF5 file"), e.getMessage());
    }
  }

  @Test
  void wrongLayoutIsNamed() throws IOException {
    Path file = dir.resolve("flat.h5");
    try (WritableHdfFile w = HdfFile.write(file)) {
      w.putGroup("spikes").putDataset("times", new float[] {0.1f, 0.2f});
      w.putDataset("labels", new int[] {1});
    }
    IOException e = assertThrows(IOException.class, () -> ShdReader.read(file));
    assertTrue(e.getMessage().contains("spikes/times")
        && e.getMessage().contains("variable-length"), e.getMessage());

    Path noUnits = dir.resolve("nounits.h5");
    try (WritableHdfFile w = HdfFile.write(noUnits)) {
      w.putDataset("labels", new int[] {1});
    }
    IOException missing = assertThrows(IOException.class, () -> ShdReader.read(noUnits));
    assertTrue(missing.getMessage().contains("missing dataset 'spikes/times'"),
        missing.getMessage());
  }

  @Test
  void labelsAndUnitsOutOfRangeAreNamed() throws IOException {
    Path file = dir.resolve("labels.h5");
    ShdWriter.write(small(700, 30, new int[] {1, 25}), file);
    IOException e = assertThrows(IOException.class, () -> ShdReader.read(file, 700, 20));
    assertTrue(e.getMessage().contains("labels[1] = 25 is out of range for 20 classes"),
        e.getMessage());

    Path wide = dir.resolve("units.h5");
    ShdWriter.write(small(1000, 20, new int[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15,
        16, 17, 18, 19, 0, 1, 2, 3, 4, 5, 6, 7, 8}), wide);
    assertEquals(1000, ShdReader.read(wide).channels()); // from the file's channels attribute
    IOException u = assertThrows(IOException.class, () -> ShdReader.read(wide, 700, 0));
    assertTrue(u.getMessage().contains("spikes/units[") && u.getMessage().contains("outside 0..699"),
        u.getMessage());
  }

  static boolean onPath(String tool) {
    String path = System.getenv("PATH");
    if (path == null) {
      return false;
    }
    for (String d : path.split(java.io.File.pathSeparator)) {
      if (Files.isExecutable(Path.of(d, tool))) {
        return true;
      }
    }
    return false;
  }
}
