package io.spikeloop.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.spikeloop.data.shd.ShdReader;
import io.spikeloop.data.shd.ShdRecordings;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** convert audio, convert images and data info end to end through the command line. */
class DataCommandsTest {
  static final Path DATA = Path.of(System.getProperty("spikeloop.data", "../shared/data"));

  @TempDir
  Path dir;

  @Test
  void convertAudioThenDataInfoBySpeaker() throws Exception {
    Path audio = DATA.resolve("heidelberg-digits/audio");
    assumeTrue(Files.isDirectory(audio), "skipped: no Heidelberg Digits audio at " + audio);
    Path in = dir.resolve("in");
    Files.createDirectories(in);
    for (String name : new String[] {"lang-english_speaker-06_trial-6_digit-3.flac",
        "lang-english_speaker-06_trial-7_digit-2.flac", "lang-german_speaker-08_trial-1_digit-3.flac"}) {
      Path src = audio.resolve(name);
      assumeTrue(Files.isRegularFile(src), "skipped: no " + src);
      Files.copy(src, in.resolve(name)); // a small temporary copy
    }
    Path out = dir.resolve("hd.h5");
    CliRun convert = CliRun.of("convert", "audio", "--in", in.toString(), "--out", out.toString(),
        "--channels", "70", "--seed", "5");
    assertEquals(0, convert.exit(), convert.err());
    ShdRecordings r = ShdReader.read(out, 70, 20);
    assertEquals(3, r.size());
    assertEquals(13, r.labels()[2]);
    assertEquals(8, r.speakers()[2]);

    CliRun info = CliRun.of("data", "info", "shd:" + out, "--test-speakers", "8", "--json");
    assertEquals(0, info.exit(), info.err());
    JsonNode j = info.json();
    assertEquals(2, j.get("train").get("samples").asInt());
    assertEquals(1, j.get("test").get("samples").asInt());
    assertEquals(8, j.get("test").get("speakers").get(0).asInt());
    assertEquals(70, j.get("train").get("channels").asInt());
    assertEquals(100, j.get("train").get("steps").asInt());
    assertEquals(10.0, j.get("train").get("dtMillis").asDouble());
    assertTrue(j.get("train").get("spikesPerSampleMean").asDouble() > 50);

    CliRun bad = CliRun.of("data", "info", "shd:" + out, "--test-speakers", "4");
    assertEquals(2, bad.exit());
    assertTrue(bad.err().contains("test speaker 4 does not occur (speakers: 6,8)"), bad.err());
  }

  @Test
  void convertImagesThenDataInfo() throws Exception {
    Path train = DATA.resolve("mnist/mnist-train-first10k-images-idx3-ubyte.gz");
    Path test = DATA.resolve("mnist/t10k-images-idx3-ubyte.gz");
    assumeTrue(Files.isRegularFile(train) && Files.isRegularFile(test),
        "skipped: no MNIST under " + DATA);
    Path out = dir.resolve("sim");
    CliRun a = CliRun.of("convert", "images", "--in", train.toString(), "--out", out.toString(),
        "--limit", "4");
    assertEquals(0, a.exit(), a.err());
    CliRun b = CliRun.of("convert", "images", "--in", test.toString(), "--out", out.toString(),
        "--offset", "2", "--limit", "3");
    assertEquals(0, b.exit(), b.err());
    assertTrue(Files.isRegularFile(out.resolve("Train/4.bin")));
    assertTrue(Files.isRegularFile(out.resolve("Test/60003.bin")));
    assertTrue(Files.isRegularFile(out.resolve("Test/60005.bin")));
    assertEquals("60003\t1\n60004\t0\n60005\t4\n", Files.readString(out.resolve("test-labels.tsv")));

    CliRun info = CliRun.of("data", "info", "nmnist:" + out, "--json");
    assertEquals(0, info.exit(), info.err());
    JsonNode j = info.json();
    assertEquals(4, j.get("train").get("samples").asInt());
    assertEquals(3, j.get("test").get("samples").asInt());
    assertEquals(2312, j.get("train").get("channels").asInt());
    assertEquals(0.315, j.get("train").get("durationSeconds").asDouble(), 1e-9);
  }

  @Test
  void badInputsGiveOneLineErrors() throws Exception {
    Path notHdf5 = dir.resolve("x.h5");
    Files.writeString(notHdf5, "hello");
    CliRun r = CliRun.of("data", "info", "shd:" + notHdf5);
    assertEquals(2, r.exit());
    assertTrue(r.err().startsWith("spikeloop: error: " + notHdf5 + ": not an HDF5 file"), r.err());

    CliRun missing = CliRun.of("convert", "images", "--in", dir.resolve("none-images-idx3-ubyte.gz").toString(),
        "--out", dir.resolve("o").toString(), "--labels", dir.resolve("l.gz").toString());
    assertEquals(2, missing.exit());
    assertTrue(missing.err().contains("no such file"), missing.err());

    Path truncated = dir.resolve("cut-images-idx3-ubyte");
    Files.write(truncated, new byte[] {0, 0, 8, 3, 0, 0, 0, 5, 0, 0, 0, 28, 0, 0, 0, 28, 1, 2});
    Path labels = dir.resolve("cut-labels-idx1-ubyte");
    Files.write(labels, new byte[] {0, 0, 8, 1, 0, 0, 0, 5, 1, 2, 3, 4, 5});
    CliRun cut = CliRun.of("convert", "images", "--in", truncated.toString(), "--out",
        dir.resolve("o").toString());
    assertEquals(2, cut.exit());
    assertTrue(cut.err().contains("truncated at image 0 of 5"), cut.err());

    CliRun wrong = CliRun.of("convert", "images", "--in", labels.toString(), "--out",
        dir.resolve("o").toString(), "--labels", labels.toString());
    assertEquals(2, wrong.exit());
    assertTrue(wrong.err().contains("not an idx3 image file"), wrong.err());
  }
}
