package io.spikeloop.remote;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.net.ssl.SSLException;

/** TLS contexts from the user's PEM files (Netty's JDK provider; no extra libraries). */
public final class TlsContexts {
  private TlsContexts() {}

  /** Server side: an X.509 certificate chain and its PKCS#8 private key, both PEM. */
  public static SslContext server(Path certChainPem, Path privateKeyPem) {
    requireFile(certChainPem, "TLS certificate");
    requireFile(privateKeyPem, "TLS private key");
    try {
      return SslContextBuilder.forServer(certChainPem.toFile(), privateKeyPem.toFile()).build();
    } catch (SSLException | IllegalArgumentException e) {
      throw new IllegalArgumentException("cannot use TLS certificate " + certChainPem + " with key "
          + privateKeyPem + ": " + e.getMessage(), e);
    }
  }

  /**
   * Client side: trusts the certificates in {@code trustedPem} (the server's self-signed
   * certificate or the CA that signed it); the server's name or address must match the
   * certificate (hostname verification stays on).
   */
  public static SslContext client(Path trustedPem) {
    requireFile(trustedPem, "trusted TLS certificate");
    try {
      File f = trustedPem.toFile();
      return SslContextBuilder.forClient().trustManager(f).endpointIdentificationAlgorithm("HTTPS")
          .build();
    } catch (SSLException | IllegalArgumentException e) {
      throw new IllegalArgumentException("cannot use trusted certificate " + trustedPem + ": "
          + e.getMessage(), e);
    }
  }

  private static void requireFile(Path p, String what) {
    if (!Files.isRegularFile(p)) {
      throw new IllegalArgumentException(what + " file " + p + " does not exist");
    }
  }
}
