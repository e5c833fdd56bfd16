package io.spikeloop.remote;

import io.spikeloop.device.Device;
import io.spikeloop.device.DeviceProvider;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * Opens {@code remote://HOST:PORT[?tls=CERT.pem&timeout-ms=N&window=N&batch=N]}. The token comes
 * from the environment ({@value SharedToken#ENV} or the file named by
 * {@value SharedToken#ENV_FILE}), never from the name, so it does not end up in logs or run
 * folders. {@code tls} names the PEM certificate to trust (the server's, or its CA).
 */
public final class RemoteDeviceProvider implements DeviceProvider {
  public static final String SCHEME = "remote://";

  @Override
  public boolean accepts(String name) {
    return name.startsWith(SCHEME);
  }

  @Override
  public Device open(String name) {
    return RemoteDevice.connect(parse(name, System.getenv()));
  }

  @Override
  public String describe() {
    return "remote://HOST:PORT[?tls=CERT.pem&timeout-ms=N&window=N&batch=N] (a spikeloop serve"
        + " server; token from " + SharedToken.ENV + " or " + SharedToken.ENV_FILE + ")";
  }

  /** The options a device name stands for. */
  public static RemoteOptions parse(String name, Map<String, String> env) {
    URI uri;
    try {
      uri = new URI(name);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("device name '" + name + "' is not remote://HOST:PORT: "
          + e.getMessage());
    }
    if (uri.getHost() == null || uri.getPort() < 0 || !"remote".equals(uri.getScheme())
        || !(uri.getPath() == null || uri.getPath().isEmpty())) {
      throw new IllegalArgumentException("device name '" + name + "' is not remote://HOST:PORT");
    }
    String host = uri.getHost().startsWith("[")
        ? uri.getHost().substring(1, uri.getHost().length() - 1) : uri.getHost();
    RemoteOptions o = RemoteOptions.of(host, uri.getPort());
    Map<String, String> q = query(uri.getRawQuery(), name);
    int window = o.window();
    int batch = o.batchSteps();
    for (var e : q.entrySet()) {
      switch (e.getKey()) {
        case "tls" -> o = o.withTls(TlsContexts.client(Path.of(e.getValue())));
        case "timeout-ms" -> o = o.withRequestTimeout(Duration.ofMillis(number(e, name)));
        case "window" -> window = number(e, name);
        case "batch" -> batch = number(e, name);
        default -> throw new IllegalArgumentException("device name '" + name + "': unknown option '"
            + e.getKey() + "' (known: tls, timeout-ms, window, batch)");
      }
    }
    o = o.withWindow(window, Math.min(batch, window));
    SharedToken token = SharedToken.fromEnvironment(env);
    return token == null ? o : o.withToken(token);
  }

  private static Map<String, String> query(String raw, String name) {
    Map<String, String> out = new HashMap<>();
    if (raw == null || raw.isEmpty()) {
      return out;
    }
    for (String part : raw.split("&")) {
      int eq = part.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("device name '" + name + "': option '" + part
            + "' is not key=value");
      }
      out.put(part.substring(0, eq),
          java.net.URLDecoder.decode(part.substring(eq + 1), java.nio.charset.StandardCharsets.UTF_8));
    }
    return out;
  }

  private static int number(Map.Entry<String, String> e, String name) {
    try {
      return Integer.parseInt(e.getValue());
    } catch (NumberFormatException x) {
      throw new IllegalArgumentException("device name '" + name + "': option " + e.getKey()
          + " must be a whole number, got '" + e.getValue() + "'");
    }
  }
}
