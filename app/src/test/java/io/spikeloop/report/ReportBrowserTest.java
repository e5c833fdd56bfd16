package io.spikeloop.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.spikeloop.cli.SpikeloopCli;
import java.awt.image.BufferedImage;
import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Opens a real run's report.html in headless Chromium (Debian package {@code chromium}). Set-up:
 * when no Chromium is on the PATH and we run as root with apt-get, it installs it ({@code apt-get
 * install -y --no-install-recommends chromium}); when it cannot (no root, no network), the tests
 * skip with a message saying so.
 *
 * <p>Checks: a copy of the report with a small script injected (errors recorded from the first
 * moment; after load, the count of chart images and of those the browser decoded written into the
 * DOM) is loaded with {@code --dump-dom}; and a screenshot of the original must not be blank.
 */
class ReportBrowserTest {
  @TempDir
  static Path dir;
  static Path report;
  static String chromium;

  private static final String RECORD_ERRORS = "<script>window.__errors=[];"
      + "window.addEventListener('error',function(e){window.__errors.push(String(e.message||"
      + "(e.target&&e.target.tagName)||e.type));},true);</script>";
  private static final String WRITE_CHECK = "<script>window.addEventListener('load',function(){"
      + "var imgs=Array.prototype.slice.call(document.querySelectorAll('img.chart'));"
      + "var pre=document.createElement('pre');pre.id='browser-check';"
      + "pre.textContent=JSON.stringify({charts:imgs.length,decoded:imgs.filter(function(i){"
      + "return i.complete&&i.naturalWidth>0&&i.naturalHeight>0;}).length,"
      + "errors:window.__errors});document.body.appendChild(pre);});</script>";

  @BeforeAll
  static void setUp() throws Exception {
    chromium = findOrInstallChromium().orElse(null);
    Assumptions.assumeTrue(chromium != null, "SKIPPED: no Chromium and it could not be "
        + "installed (needs root and the Debian archive: apt-get install -y chromium)");
    Path run = dir.resolve("run");
    CommandLine cl = SpikeloopCli.commandLine();
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(new StringWriter()));
    cl.setErr(new PrintWriter(err));
    assertEquals(0, cl.execute("train", "--hidden", "10", "--steps", "12", "--epochs", "2",
        "--batch", "100", "--out", run.toString(), "--json"), err.toString());
    report = run.resolve("report.html");
  }

  @Test
  void reportOpensWithoutErrorsAndTheBrowserDecodesEveryChart() throws Exception {
    JsonNode check = browserCheck(Files.readString(report));
    assertEquals(0, check.get("errors").size(), "page errors: " + check.get("errors"));
    assertEquals(6, check.get("charts").asInt(), check.toString());
    assertEquals(6, check.get("decoded").asInt(), check.toString());
  }

  @Test
  void theCheckNoticesABrokenChart() throws Exception {
    String html = Files.readString(report);
    // Negative control: corrupt the first image's data; the browser must report it.
    String broken = html.replaceFirst("base64,iVBOR", "base64,AAAA");
    JsonNode check = browserCheck(broken);
    assertEquals(5, check.get("decoded").asInt(), check.toString());
    assertTrue(check.get("errors").size() > 0, check.toString());
  }

  @Test
  void screenshotShowsTheCharts() throws Exception {
    Path shot = dir.resolve("report.png");
    run(List.of(chromium, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
        "--window-size=1000,2600", "--screenshot=" + shot, report.toUri().toString()));
    BufferedImage img = ImageIO.read(shot.toFile());
    assertEquals(1000, img.getWidth());
    long inked = 0;
    Set<Integer> colours = new HashSet<>();
    for (int y = 0; y < img.getHeight(); y += 2) {
      for (int x = 0; x < img.getWidth(); x += 2) {
        int rgb = img.getRGB(x, y) & 0xFFFFFF;
        colours.add(rgb);
        if (rgb != 0xFFFFFF) {
          inked++;
        }
      }
    }
    double fraction = inked / (img.getWidth() / 2.0 * img.getHeight() / 2.0);
    assertTrue(fraction > 0.03, "screenshot nearly blank: " + fraction);
    assertTrue(colours.size() > 20, "screenshot has only " + colours.size() + " colours");
  }

  private static JsonNode browserCheck(String html) throws Exception {
    String probed = html.replaceFirst("<head>", "<head>" + RECORD_ERRORS)
        .replace("</body>", WRITE_CHECK + "</body>");
    Path page = dir.resolve("probe-" + System.nanoTime() + ".html");
    Files.writeString(page, probed);
    String dom = run(List.of(chromium, "--headless", "--no-sandbox", "--disable-gpu",
        "--virtual-time-budget=5000", "--dump-dom", page.toUri().toString()));
    Matcher m = Pattern.compile("<pre id=\"browser-check\">([^<]*)</pre>").matcher(dom);
    assertTrue(m.find(), "the page did not finish loading (no check in the DOM)");
    return new ObjectMapper().readTree(m.group(1).replace("&quot;", "\""));
  }

  /**
   * Runs a command and returns stdout (stderr only in the failure message: Chromium logs D-Bus
   * noise there). Both go to files, so that the 60 s limit holds even if a hung browser keeps
   * its stdout open (reading the pipe first would block past it).
   */
  private static String run(List<String> command) throws IOException, InterruptedException {
    Path errLog = Files.createTempFile(dir, "chromium", ".log");
    Path outLog = Files.createTempFile(dir, "chromium", ".out");
    Process p = new ProcessBuilder(command).redirectError(errLog.toFile())
        .redirectOutput(outLog.toFile()).start();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IOException("chromium did not finish in 60 s: " + command);
    }
    assertEquals(0, p.exitValue(), "chromium failed: " + Files.readString(errLog));
    return Files.readString(outLog, StandardCharsets.UTF_8);
  }

  static Optional<String> findOrInstallChromium() {
    Optional<String> found = onPath("chromium", "chromium-browser", "google-chrome");
    if (found.isPresent()) {
      return found;
    }
    if (onPath("apt-get").isEmpty() || !isRoot()) {
      return Optional.empty();
    }
    System.err.println("ReportBrowserTest: installing Chromium (apt-get install -y chromium)...");
    try {
      Process p = new ProcessBuilder("apt-get", "install", "-y", "--no-install-recommends",
          "chromium").redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
          .start();
      if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
        p.destroyForcibly();
        return Optional.empty();
      }
    } catch (IOException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
    return onPath("chromium", "chromium-browser", "google-chrome");
  }

  private static boolean isRoot() {
    try {
      Process p = new ProcessBuilder("id", "-u").start();
      String uid = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      return p.waitFor(10, TimeUnit.SECONDS) && uid.equals("0");
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static Optional<String> onPath(String... names) {
    List<String> dirs = new ArrayList<>(List.of(System.getenv().getOrDefault("PATH", "")
        .split(File.pathSeparator)));
    for (String name : names) {
      for (String d : dirs) {
        File f = new File(d, name);
        if (!d.isEmpty() && f.canExecute()) {
          return Optional.of(f.getPath());
        }
      }
    }
    return Optional.empty();
  }
}
