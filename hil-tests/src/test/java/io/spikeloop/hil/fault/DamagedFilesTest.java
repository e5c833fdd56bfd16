package io.spikeloop.hil.fault;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.spikeloop.checkpoint.Checkpoint;
import io.spikeloop.checkpoint.CheckpointFile;
import io.spikeloop.checkpoint.CheckpointFormatException;
import io.spikeloop.checkpoint.DeviceSnapshot;
import io.spikeloop.data.DatasetOptions;
import io.spikeloop.data.Datasets;
import io.spikeloop.device.Device;
import io.spikeloop.device.Devices;
import io.spikeloop.device.ReadoutLevel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Truncated and corrupted inputs: N-MNIST recordings (a real one, cut and damaged) and device
 * checkpoints. Each gives an error naming the file and the problem; nothing is overwritten.
 * (SHD files: {@code ShdFilesTest}; train checkpoints: {@code TrainCommandTest} in host.)
 */
class DamagedFilesTest {
  @TempDir
  Path dir;

  private static final Path NMNIST = Path.of(System.getProperty("spikeloop.data", "../shared/data"))
      .resolve("nmnist-small");

  /** A one-recording-per-split copy of nmnist-small in the flat layout. */
  private Path copyOfOneRecording() throws IOException {
    assumeTrue(Files.isDirectory(NMNIST), "N-MNIST sample data not found at " + NMNIST
        + " (set -Dspikeloop.data); skipping the damaged-recording test");
    Path root = dir.resolve("nmnist");
    for (String part : List.of("Train", "Test")) {
      Path labels = NMNIST.resolve(part.toLowerCase() + "-labels.tsv");
      String first = Files.readAllLines(labels).stream().filter(l -> !l.isBlank()
          && Character.isDigit(l.charAt(0))).findFirst().orElseThrow();
      String id = first.split("\t")[0];
      Files.createDirectories(root.resolve(part));
      Files.copy(NMNIST.resolve(part).resolve(id + ".bin"), root.resolve(part).resolve(id + ".bin"));
      Files.writeString(root.resolve(part.toLowerCase() + "-labels.tsv"), first + "\n");
    }
    return root;
  }

  private static Path theRecording(Path root) throws IOException {
    try (var files = Files.list(root.resolve("Test"))) {
      return files.findFirst().orElseThrow();
    }
  }

  @Test
  void aTruncatedRecordingIsNamed() throws Exception {
    Path root = copyOfOneRecording();
    Datasets.open("nmnist:" + root, DatasetOptions.defaults(1)); // intact: reads
    Path rec = theRecording(root);
    byte[] bytes = Files.readAllBytes(rec);
    Files.write(rec, Arrays.copyOf(bytes, bytes.length - 2));
    IOException e = assertThrows(IOException.class,
        () -> Datasets.open("nmnist:" + root, DatasetOptions.defaults(1)));
    assertTrue(e.getMessage().contains(rec.getFileName().toString()), e.getMessage());
  }

  @Test
  void aCorruptedRecordingIsNamed() throws Exception {
    Path root = copyOfOneRecording();
    Path rec = theRecording(root);
    byte[] bytes = Files.readAllBytes(rec);
    bytes[5 * 10] = (byte) 200; // x of event 10 far outside the 34x34 sensor
    Files.write(rec, bytes);
    IOException e = assertThrows(IOException.class,
        () -> Datasets.open("nmnist:" + root, DatasetOptions.defaults(1)));
    assertTrue(e.getMessage().contains(rec.getFileName().toString())
        && e.getMessage().contains("event 10"), e.getMessage());
  }

  @Test
  void aDamagedDeviceCheckpointIsRefusedAndTheDeviceKeepsItsState() throws Exception {
    Path file = dir.resolve("device.slc");
    try (Device d = Devices.open("sim")) {
      d.configure(TestInputs.NET.config());
      TestInputs.NET.weights().forEach(d::writeWeights);
      d.run(TestInputs.frames(5, 20), ReadoutLevel.OUTPUTS);
      CheckpointFile.write(file, new Checkpoint("test", DeviceSnapshot.of(d).save()));
      byte[] good = Files.readAllBytes(file);
      var before = d.state();

      Files.write(file, Arrays.copyOf(good, good.length - 9));
      assertTrue(assertThrows(CheckpointFormatException.class, () -> CheckpointFile.read(file))
          .getMessage().contains("truncated"));
      byte[] flipped = good.clone();
      flipped[good.length / 2] ^= 1;
      Files.write(file, flipped);
      assertTrue(assertThrows(CheckpointFormatException.class, () -> CheckpointFile.read(file))
          .getMessage().contains("corrupted"));
      assertArrayEquals(flipped, Files.readAllBytes(file), "the damaged file is left for a look");
      assertTrue(before.equals(d.state()), "nothing was restored");
    }
  }
}
