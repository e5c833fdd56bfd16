package io.spikeloop.remote;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Map;

/**
 * The shared secret a client presents in its Hello. Its {@link #toString()} never shows the
 * value, so it cannot end up in a log line by accident.
 */
public final class SharedToken {
  /** Environment variable holding the token itself. */
  public static final String ENV = "SPIKELOOP_TOKEN";
  /** Environment variable naming a file that holds the token. */
  public static final String ENV_FILE = "SPIKELOOP_TOKEN_FILE";

  private final byte[] value;

  private SharedToken(String value) {
    if (value.isBlank()) {
      throw new IllegalArgumentException("the shared token is empty");
    }
    this.value = value.getBytes(StandardCharsets.UTF_8);
  }

  public static SharedToken of(String value) {
    return new SharedToken(value);
  }

  /** The first line of {@code file}, trimmed. */
  public static SharedToken fromFile(Path file) {
    try {
      String text = Files.readString(file, StandardCharsets.UTF_8).strip();
      int nl = text.indexOf('\n');
      String line = (nl < 0 ? text : text.substring(0, nl)).strip();
      if (line.isEmpty()) {
        throw new IllegalArgumentException("token file " + file + " is empty");
      }
      return new SharedToken(line);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read token file " + file + ": " + e.getMessage(), e);
    }
  }

  /** From {@value #ENV}, else the file named by {@value #ENV_FILE}, else null. */
  public static SharedToken fromEnvironment(Map<String, String> env) {
    String v = env.get(ENV);
    if (v != null && !v.isBlank()) {
      return new SharedToken(v.strip());
    }
    String f = env.get(ENV_FILE);
    if (f != null && !f.isBlank()) {
      return fromFile(Path.of(f));
    }
    return null;
  }

  /** Constant-time comparison with what a client sent. */
  boolean matches(String presented) {
    return MessageDigest.isEqual(value, presented.getBytes(StandardCharsets.UTF_8));
  }

  String value() {
    return new String(value, StandardCharsets.UTF_8);
  }

  @Override
  public String toString() {
    return "SharedToken[redacted]";
  }
}
