package io.spikeloop.convert.audio;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import javax.sound.sampled.UnsupportedAudioFileException;
import org.jflac.FLACDecoder;
import org.jflac.PCMProcessor;
import org.jflac.metadata.StreamInfo;
import org.jflac.util.ByteData;

/**
 * Decodes WAV (javax.sound) and FLAC (jflac) into mono {@link Audio}; several channels are
 * averaged. Integer PCM of 8, 16, 24 or 32 bits.
 */
public final class AudioFiles {
  private AudioFiles() {
  }

  public static boolean isAudio(Path file) {
    String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
    return name.endsWith(".wav") || name.endsWith(".flac");
  }

  public static Audio read(Path file) throws IOException {
    String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
    if (!Files.isRegularFile(file)) {
      throw new IOException(file + ": no such file");
    }
    try {
      if (name.endsWith(".flac")) {
        return readFlac(file);
      }
      if (name.endsWith(".wav")) {
        return readWav(file);
      }
    } catch (IOException | RuntimeException e) {
      throw new IOException(file + ": cannot decode audio (" + e.getMessage() + ")", e);
    }
    throw new IOException(file + ": not a .wav or .flac file");
  }

  /** Duration in seconds from the file header only (no decoding). */
  public static double durationSeconds(Path file) throws IOException {
    String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
    try {
      if (name.endsWith(".flac")) {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
          StreamInfo info = new FLACDecoder(in).readStreamInfo();
          if (info == null || info.getTotalSamples() <= 0) {
            throw new IOException("FLAC header gives no length");
          }
          if (info.getSampleRate() <= 0) {
            throw new IOException("FLAC header gives sample rate " + info.getSampleRate() + " Hz");
          }
          return info.getTotalSamples() / (double) info.getSampleRate();
        }
      }
      var format = AudioSystem.getAudioFileFormat(file.toFile());
      if (!(format.getFormat().getFrameRate() > 0) || format.getFrameLength() < 0) {
        throw new IOException("WAV header gives " + format.getFrameLength() + " frames at "
            + format.getFormat().getFrameRate() + " Hz");
      }
      return format.getFrameLength() / (double) format.getFormat().getFrameRate();
    } catch (IOException | RuntimeException | UnsupportedAudioFileException e) {
      throw new IOException(file + ": cannot read the audio header (" + e.getMessage() + ")", e);
    }
  }

  private static Audio readWav(Path file) throws IOException {
    try (AudioInputStream in = AudioSystem.getAudioInputStream(
        new BufferedInputStream(Files.newInputStream(file)))) {
      AudioFormat f = in.getFormat();
      if (f.getEncoding() != AudioFormat.Encoding.PCM_SIGNED
          && f.getEncoding() != AudioFormat.Encoding.PCM_UNSIGNED) {
        throw new IOException("unsupported WAV encoding " + f.getEncoding());
      }
      if (!(f.getSampleRate() > 0) || Float.isInfinite(f.getSampleRate())) {
        throw new IOException("the WAV header gives sample rate " + f.getSampleRate() + " Hz");
      }
      byte[] bytes = in.readAllBytes();
      long announced = in.getFrameLength();
      long frames = bytes.length / Math.max(1, f.getFrameSize());
      if (announced != AudioSystem.NOT_SPECIFIED && frames < announced) {
        throw new IOException("truncated WAV: " + frames + " of the " + announced
            + " frames its header announces");
      }
      return toAudio(bytes, bytes.length, f.getSampleSizeInBits(), f.getChannels(),
          Math.round(f.getSampleRate()), f.isBigEndian(),
          f.getEncoding() == AudioFormat.Encoding.PCM_SIGNED);
    } catch (UnsupportedAudioFileException e) {
      throw new IOException("not a WAV file javax.sound can read: " + e.getMessage(), e);
    }
  }

  private static Audio readFlac(Path file) throws IOException {
    ByteArrayOutputStream pcm = new ByteArrayOutputStream();
    StreamInfo[] info = new StreamInfo[1];
    try (InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
      FLACDecoder decoder = new FLACDecoder(in);
      decoder.addPCMProcessor(new PCMProcessor() {
        @Override
        public void processStreamInfo(StreamInfo streamInfo) {
          info[0] = streamInfo;
        }

        @Override
        public void processPCM(ByteData data) {
          pcm.write(data.getData(), 0, data.getLen());
        }
      });
      decoder.decode();
      if (info[0] == null) {
        throw new IOException("no FLAC stream info (not a FLAC file?)");
      }
      if (decoder.getBadFrames() > 0) {
        throw new IOException(decoder.getBadFrames() + " corrupt FLAC frames");
      }
    }
    StreamInfo s = info[0];
    if (s.getSampleRate() <= 0) {
      throw new IOException("the FLAC header gives sample rate " + s.getSampleRate() + " Hz");
    }
    byte[] bytes = pcm.toByteArray();
    long frames = bytes.length / Math.max(1, (s.getBitsPerSample() + 7) / 8 * s.getChannels());
    // the decoder stops quietly at the end of the data: a cut file decodes to a short sound
    if (s.getTotalSamples() > 0 && frames < s.getTotalSamples()) {
      throw new IOException("truncated FLAC: " + frames + " of the " + s.getTotalSamples()
          + " samples its header announces");
    }
    return toAudio(bytes, bytes.length, s.getBitsPerSample(), s.getChannels(), s.getSampleRate(),
        false, s.getBitsPerSample() > 8);
  }

  private static Audio toAudio(byte[] bytes, int length, int bits, int channels, int rate,
                               boolean bigEndian, boolean signed) throws IOException {
    if (bits != 8 && bits != 16 && bits != 24 && bits != 32) {
      throw new IOException("unsupported sample size " + bits + " bits");
    }
    int width = bits / 8;
    int frames = length / (width * channels);
    if (frames == 0) {
      throw new IOException("no audio samples");
    }
    double scale = 1.0 / (1L << (bits - 1));
    double[] mono = new double[frames];
    for (int i = 0; i < frames; i++) {
      double sum = 0;
      for (int c = 0; c < channels; c++) {
        int offset = (i * channels + c) * width;
        long v = 0;
        for (int b = 0; b < width; b++) {
          int byteIndex = bigEndian ? offset + b : offset + width - 1 - b;
          v = (v << 8) | (bytes[byteIndex] & 0xff);
        }
        if (signed) {
          v = (v << (64 - bits)) >> (64 - bits); // sign-extend
        } else {
          v -= 1L << (bits - 1);
        }
        sum += v * scale;
      }
      mono[i] = sum / channels;
    }
    return new Audio(mono, rate);
  }
}
