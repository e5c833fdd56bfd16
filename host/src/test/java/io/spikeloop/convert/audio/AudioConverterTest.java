package io.spikeloop.convert.audio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.spikeloop.data.shd.ShdRecordings;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.sound.sampled.AudioFileFormat;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AudioConverterTest {
  static final Path AUDIO = LauscherReferenceTest.DIGITS.resolve("audio");

  @TempDir
  Path dir;

  @Test
  void heidelbergDigitsGetSeveralThousandSpikesAt700Channels() throws IOException {
    assumeTrue(Files.isDirectory(AUDIO), "skipped: no Heidelberg Digits audio at " + AUDIO);
    Path in = dir.resolve("in");
    Files.createDirectories(in);
    for (String name : new String[] {"lang-english_speaker-00_trial-3_digit-1.flac",
        "lang-german_speaker-06_trial-0_digit-4.flac"}) {
      Files.copy(AUDIO.resolve(name), in.resolve(name)); // a small temporary copy
    }
    List<AudioConverter.Item> items = AudioConverter.scan(in, null);
    assertEquals(List.of(1, 14), items.stream().map(AudioConverter.Item::label).toList());
    assertEquals(List.of(0, 6), items.stream().map(AudioConverter.Item::speaker).toList());
    // recordings of ~0.65 s keep the 700-channel transfer table at 16,384 bins (test time)
    ShdRecordings data = AudioConverter.convert(items, 700, 20, 7, 2, done -> { });
    for (int i = 0; i < data.size(); i++) {
      int spikes = data.times()[i].length;
      System.out.println(items.get(i).file().getFileName() + ": " + spikes + " spikes");
      assertTrue(spikes >= 3000 && spikes <= 9500, "spikes " + spikes + " outside SHD's range");
      float[] t = data.times()[i];
      for (int j = 1; j < t.length; j++) {
        assertTrue(t[j] >= t[j - 1], "times ascend");
      }
    }
    // reproducible: same seed, other thread count -> same spikes
    ShdRecordings again = AudioConverter.convert(items.subList(1, 2), 700, 20, 7, 1, done -> { });
    assertArrayEquals(data.times()[1], again.times()[0]);
    assertArrayEquals(data.units()[1], again.units()[0]);
  }

  @Test
  void wavAtAnotherRateConvertsLikeTheFlac() throws Exception {
    Path flac = AUDIO.resolve("lang-english_speaker-00_trial-0_digit-3.flac");
    assumeTrue(Files.isRegularFile(flac), "skipped: no " + flac);
    Audio original = AudioFiles.read(flac);
    assertEquals(48_000, original.sampleRate());
    double[] at16k = Resampler.resample(original.samples(), 48_000, 16_000);
    Path wav = dir.resolve("digit.wav");
    writeWav(at16k, 16_000, wav);
    Audio back = AudioFiles.read(wav);
    assertEquals(16_000, back.sampleRate());
    AudioToSpikes chain = AudioToSpikes.shd(70, 1.2);
    int[] a = chain.convert(original, 3).countsPerChannel();
    int[] b = chain.convert(back, 3).countsPerChannel();
    double r = LauscherReferenceTest.correlation(a, b);
    System.out.printf("16 kHz WAV vs 48 kHz FLAC: per-channel correlation %.3f, totals %d vs %d%n",
        r, LauscherReferenceTest.sum(b), LauscherReferenceTest.sum(a));
    assertTrue(r > 0.9, "correlation " + r);
  }

  @Test
  void badInputsAreNamed() throws IOException {
    IOException missing = assertThrows(IOException.class,
        () -> AudioConverter.scan(dir.resolve("nothing"), null));
    assertTrue(missing.getMessage().contains("no such folder"), missing.getMessage());

    Path in = dir.resolve("in");
    Files.createDirectories(in);
    IOException empty = assertThrows(IOException.class, () -> AudioConverter.scan(in, null));
    assertTrue(empty.getMessage().contains("no .wav or .flac files"), empty.getMessage());

    Path odd = in.resolve("hello.flac");
    Files.writeString(odd, "not audio at all");
    IOException unlabelled = assertThrows(IOException.class, () -> AudioConverter.scan(in, null));
    assertTrue(unlabelled.getMessage().contains("hello.flac") && unlabelled.getMessage()
        .contains("no label"), unlabelled.getMessage());

    Path labels = dir.resolve("labels.tsv");
    Files.writeString(labels, "hello.flac\t3\t1\n");
    List<AudioConverter.Item> items = AudioConverter.scan(in, labels);
    assertEquals(3, items.get(0).label());
    IOException corrupt = assertThrows(IOException.class,
        () -> AudioConverter.convert(items, 70, 20, 1, 1, d -> { }));
    assertTrue(corrupt.getMessage().contains("hello.flac"), corrupt.getMessage());

    Files.writeString(labels, "hello.flac\tthree\n");
    IOException badLabel = assertThrows(IOException.class, () -> AudioConverter.scan(in, labels));
    assertTrue(badLabel.getMessage().contains("labels.tsv:1"), badLabel.getMessage());

    Files.writeString(labels, "hello.flac\t25\n");
    IOException range = assertThrows(IOException.class,
        () -> AudioConverter.convert(AudioConverter.scan(in, labels), 70, 20, 1, 1, d -> { }));
    assertTrue(range.getMessage().contains("label 25 is out of range for 20 classes"),
        range.getMessage());
  }

  @Test
  void truncatedFlacIsNamed() throws IOException {
    Path flac = AUDIO.resolve("lang-english_speaker-00_trial-0_digit-1.flac");
    assumeTrue(Files.isRegularFile(flac), "skipped: no " + flac);
    byte[] bytes = Files.readAllBytes(flac);
    Path cut = dir.resolve("cut.flac");
    Files.write(cut, java.util.Arrays.copyOf(bytes, 40));
    IOException e = assertThrows(IOException.class, () -> AudioFiles.read(cut));
    assertTrue(e.getMessage().startsWith(cut.toString()), e.getMessage());
    // cut in the middle of the audio frames: the decoder used to return the first half quietly
    Files.write(cut, java.util.Arrays.copyOf(bytes, bytes.length / 2));
    e = assertThrows(IOException.class, () -> AudioFiles.read(cut));
    assertTrue(e.getMessage().startsWith(cut.toString()) && e.getMessage().contains(
        "truncated FLAC"), e.getMessage());
  }

  @Test
  void wavWithSampleRateZeroOrCutShortIsNamed() throws IOException {
    Path wav = dir.resolve("zero.wav");
    writeWav(new double[] {0.1, -0.2, 0.3, 0.0}, 16_000, wav);
    byte[] bytes = Files.readAllBytes(wav);
    java.util.Arrays.fill(bytes, 24, 32, (byte) 0); // RIFF fmt chunk: sample rate, byte rate
    Files.write(wav, bytes);
    IOException e = assertThrows(IOException.class, () -> AudioFiles.read(wav));
    assertTrue(e.getMessage().startsWith(wav.toString()) && e.getMessage().contains(
        "sample rate 0.0 Hz"), e.getMessage());

    Path cut = dir.resolve("cut.wav");
    writeWav(new double[1000], 16_000, cut);
    bytes = Files.readAllBytes(cut);
    Files.write(cut, java.util.Arrays.copyOf(bytes, bytes.length - 600));
    e = assertThrows(IOException.class, () -> AudioFiles.read(cut));
    assertTrue(e.getMessage().contains("truncated WAV: 700 of the 1000 frames"), e.getMessage());
  }

  @Test
  void heidelbergNamesGiveShdLabels() {
    HeidelbergDigitName german = HeidelbergDigitName
        .parse("lang-german_speaker-07_trial-3_digit-9.flac").orElseThrow();
    assertEquals(19, german.label());
    assertEquals(7, german.speaker());
    assertEquals(3, german.trial());
    assertEquals(2, HeidelbergDigitName.parse("lang-english_speaker-00_trial-0_digit-2.wav")
        .orElseThrow().label());
    assertTrue(HeidelbergDigitName.parse("digit-2.wav").isEmpty());
  }

  static void writeWav(double[] samples, int rate, Path file) throws IOException {
    byte[] pcm = new byte[2 * samples.length];
    for (int i = 0; i < samples.length; i++) {
      int v = (int) Math.max(-32768, Math.min(32767, Math.round(samples[i] * 32768)));
      pcm[2 * i] = (byte) v;
      pcm[2 * i + 1] = (byte) (v >> 8);
    }
    AudioFormat format = new AudioFormat(rate, 16, 1, true, false);
    try (AudioInputStream s = new AudioInputStream(new ByteArrayInputStream(pcm), format,
        samples.length)) {
      AudioSystem.write(s, AudioFileFormat.Type.WAVE, file.toFile());
    }
  }
}
