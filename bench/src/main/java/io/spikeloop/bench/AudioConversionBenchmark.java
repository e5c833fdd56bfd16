package io.spikeloop.bench;

import io.spikeloop.convert.audio.Audio;
import io.spikeloop.convert.audio.AudioFiles;
import io.spikeloop.convert.audio.AudioToSpikes;
import io.spikeloop.convert.audio.SpikeTrain;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Speed of the SHD audio converter on one thread: time to build the 700-channel basilar-membrane
 * table, then seconds of CPU per recording and per second of audio.
 *
 * <pre>
 * java -cp bench/target/spikeloop-bench.jar:bench/target/lib/* \
 *     io.spikeloop.bench.AudioConversionBenchmark [AUDIO_DIR [FILES [CHANNELS]]]
 * </pre>
 */
public final class AudioConversionBenchmark {
  private AudioConversionBenchmark() {
  }

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args.length > 0 ? args[0] : "../shared/data/heidelberg-digits/audio");
    int files = args.length > 1 ? Integer.parseInt(args[1]) : 8;
    int channels = args.length > 2 ? Integer.parseInt(args[2]) : 700;
    List<Path> paths;
    try (Stream<Path> s = Files.list(dir)) {
      paths = s.filter(AudioFiles::isAudio).sorted().limit(files).toList();
    }
    long t0 = System.nanoTime();
    AudioToSpikes chain = AudioToSpikes.shd(channels, 1.2);
    double table = (System.nanoTime() - t0) / 1e9;
    System.out.printf("basilar-membrane table, %d channels x %d bins: %.2f s%n", channels,
        chain.membrane().bins(), table);
    chain.convert(AudioFiles.read(paths.get(0)), 0); // warm-up
    double audioSeconds = 0;
    long spikes = 0;
    long t1 = System.nanoTime();
    for (Path p : paths) {
      Audio a = AudioFiles.read(p);
      SpikeTrain train = chain.convert(a, 1);
      audioSeconds += a.seconds();
      spikes += train.size();
    }
    double seconds = (System.nanoTime() - t1) / 1e9;
    System.out.printf("%d recordings (%.1f s of audio): %.3f s per recording, %.3f s per second "
        + "of audio, %.0f spikes per recording (one thread)%n", paths.size(), audioSeconds,
        seconds / paths.size(), seconds / audioSeconds, spikes / (double) paths.size());
  }
}
