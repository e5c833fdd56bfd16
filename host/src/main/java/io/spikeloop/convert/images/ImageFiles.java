package io.spikeloop.convert.images;

import java.awt.image.BufferedImage;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import javax.imageio.ImageIO;

/** Reads MNIST idx files (optionally gzip-compressed), PNG and PGM (P2/P5) images. */
public final class ImageFiles {
  private static final int IDX_IMAGES = 0x00000803;
  private static final int IDX_LABELS = 0x00000801;

  private ImageFiles() {
  }

  /** Whether the file looks like an idx file by name (idx1/idx3, MNIST's naming). */
  public static boolean isIdx(Path file) {
    String n = file.getFileName().toString().toLowerCase(Locale.ROOT);
    return n.contains("idx") || n.contains("-images") || n.contains("-labels");
  }

  /** The labels file next to an idx images file ({@code images-idx3} -> {@code labels-idx1}). */
  public static Path labelsBeside(Path images) {
    String n = images.getFileName().toString();
    return images.resolveSibling(n.replace("images-idx3", "labels-idx1").replace("-images", "-labels"));
  }

  /** Images {@code [offset, offset + limit)} of an idx3 file with labels from an idx1 file. */
  public static List<GrayImage> readIdx(Path images, Path labels, int offset, int limit)
      throws IOException {
    int[] labelValues = labels == null ? null : readIdxLabels(labels);
    List<GrayImage> out = new ArrayList<>();
    try (DataInputStream in = new DataInputStream(open(images))) {
      int magic = in.readInt();
      if (magic != IDX_IMAGES) {
        throw new IOException(images + ": not an idx3 image file (magic 0x"
            + Integer.toHexString(magic) + ", expected 0x803)");
      }
      int count = in.readInt();
      int rows = in.readInt();
      int cols = in.readInt();
      if (count < 0 || rows < 1 || cols < 1 || rows > 4096 || cols > 4096) {
        throw new IOException(images + ": implausible idx header " + count + " x " + rows + " x "
            + cols);
      }
      if (labelValues != null && labelValues.length < count) {
        throw new IOException(labels + ": " + labelValues.length + " labels for " + count
            + " images in " + images.getFileName());
      }
      if (offset < 0 || offset > count) {
        throw new IOException(images + ": offset " + offset + " outside 0.." + count);
      }
      byte[] pixels = new byte[rows * cols];
      int end = (int) Math.min(count, (long) offset + limit);
      for (int i = 0; i < end; i++) {
        try {
          in.readFully(pixels);
        } catch (EOFException e) {
          throw new IOException(images + ": truncated at image " + i + " of " + count, e);
        }
        if (i < offset) {
          continue;
        }
        float[] v = new float[pixels.length];
        for (int j = 0; j < v.length; j++) {
          v[j] = (pixels[j] & 0xff) / 255f;
        }
        out.add(new GrayImage(cols, rows, v, labelValues == null ? -1 : labelValues[i]));
      }
    }
    return out;
  }

  static int[] readIdxLabels(Path labels) throws IOException {
    try (DataInputStream in = new DataInputStream(open(labels))) {
      int magic = in.readInt();
      if (magic != IDX_LABELS) {
        throw new IOException(labels + ": not an idx1 label file (magic 0x"
            + Integer.toHexString(magic) + ", expected 0x801)");
      }
      int count = in.readInt();
      if (count < 0) {
        throw new IOException(labels + ": negative label count " + count);
      }
      byte[] b = new byte[count];
      try {
        in.readFully(b);
      } catch (EOFException e) {
        throw new IOException(labels + ": truncated (header says " + count + " labels)", e);
      }
      int[] out = new int[count];
      for (int i = 0; i < count; i++) {
        out[i] = b[i] & 0xff;
      }
      return out;
    }
  }

  private static InputStream open(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new IOException(file + ": no such file");
    }
    InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
    return file.getFileName().toString().endsWith(".gz") ? new GZIPInputStream(in, 1 << 16) : in;
  }

  /** A PNG (any type ImageIO reads, converted to luminance) or PGM image. */
  public static GrayImage readImage(Path file, int label) throws IOException {
    String n = file.getFileName().toString().toLowerCase(Locale.ROOT);
    if (!Files.isRegularFile(file)) {
      throw new IOException(file + ": no such file");
    }
    if (n.endsWith(".pgm")) {
      return readPgm(file, label);
    }
    BufferedImage img = ImageIO.read(file.toFile());
    if (img == null) {
      throw new IOException(file + ": not an image ImageIO can read (PNG expected)");
    }
    float[] v = new float[img.getWidth() * img.getHeight()];
    for (int y = 0; y < img.getHeight(); y++) {
      for (int x = 0; x < img.getWidth(); x++) {
        int rgb = img.getRGB(x, y);
        double lum = 0.299 * (rgb >> 16 & 0xff) + 0.587 * (rgb >> 8 & 0xff) + 0.114 * (rgb & 0xff);
        v[y * img.getWidth() + x] = (float) (lum / 255);
      }
    }
    return new GrayImage(img.getWidth(), img.getHeight(), v, label);
  }

  private static GrayImage readPgm(Path file, int label) throws IOException {
    byte[] b = Files.readAllBytes(file);
    int[] pos = {0};
    String magic = token(b, pos, file);
    if (!magic.equals("P5") && !magic.equals("P2")) {
      throw new IOException(file + ": not a PGM file (magic '" + magic + "')");
    }
    int w = Integer.parseInt(token(b, pos, file));
    int h = Integer.parseInt(token(b, pos, file));
    int max = Integer.parseInt(token(b, pos, file));
    if (w < 1 || h < 1 || max < 1 || max > 65535) {
      throw new IOException(file + ": bad PGM header " + w + "x" + h + " max " + max);
    }
    float[] v = new float[w * h];
    if (magic.equals("P5")) {
      pos[0]++; // single whitespace after maxval
      int bytesPer = max > 255 ? 2 : 1;
      if (b.length - pos[0] < (long) v.length * bytesPer) {
        throw new IOException(file + ": truncated PGM data");
      }
      for (int i = 0; i < v.length; i++) {
        int value = bytesPer == 1 ? b[pos[0] + i] & 0xff
            : (b[pos[0] + 2 * i] & 0xff) << 8 | (b[pos[0] + 2 * i + 1] & 0xff);
        v[i] = value / (float) max;
      }
    } else {
      for (int i = 0; i < v.length; i++) {
        v[i] = Integer.parseInt(token(b, pos, file)) / (float) max;
      }
    }
    return new GrayImage(w, h, v, label);
  }

  private static String token(byte[] b, int[] pos, Path file) throws IOException {
    int i = pos[0];
    while (i < b.length && (Character.isWhitespace(b[i]) || b[i] == '#')) {
      if (b[i] == '#') {
        while (i < b.length && b[i] != '\n') {
          i++;
        }
      } else {
        i++;
      }
    }
    int start = i;
    while (i < b.length && !Character.isWhitespace(b[i])) {
      i++;
    }
    if (start == i) {
      throw new IOException(file + ": truncated PGM header");
    }
    pos[0] = i;
    return new String(b, start, i - start, java.nio.charset.StandardCharsets.US_ASCII);
  }
}
