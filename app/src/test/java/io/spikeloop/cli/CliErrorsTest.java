package io.spikeloop.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.spikeloop.mapper.sl1.QuantizationOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/** Every command's errors are one line that names the problem (README's promise). */
class CliErrorsTest {

  @Test
  void aBadOptionValueIsOneLineNamingOptionAndValue() {
    CliRun r = CliRun.of("train", "--epochs", "abc");
    assertEquals(2, r.exit());
    assertEquals(1, r.err().strip().lines().count(), r.err());
    assertTrue(r.err().contains("'--epochs'") && r.err().contains("'abc'"), r.err());
    assertTrue(r.err().contains("see ./spikeloop train --help"), r.err());
    r = CliRun.of("eval", "--frobnicate");
    assertEquals(2, r.exit());
    assertEquals(1, r.err().strip().lines().count(), r.err());
    assertTrue(r.err().contains("--frobnicate"), r.err());
  }

  @Test
  void aFileGivenAsOutputFolderIsNamedAndExplained(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("afile"), "x");
    CliRun r = CliRun.of("train", "--epochs", "1", "--steps", "10", "--out", file.toString());
    assertEquals(2, r.exit());
    assertTrue(r.err().contains(file + ": already exists and is not a folder")
        || r.err().contains(file + " is a file, not a folder"), r.err());
  }

  @Test
  void verboseWorksBeforeAndAfterTheSubcommand(@TempDir Path dir) {
    String missing = dir.resolve("none").toString();
    CliRun quiet = CliRun.of("export", "--run", missing, "--nir", dir.resolve("x.nir").toString(),
        "--dt", "1");
    assertEquals(1, quiet.err().strip().lines().count(), quiet.err());
    CliRun after = CliRun.of("export", "--run", missing, "--nir", dir.resolve("x.nir").toString(),
        "--dt", "1", "--verbose");
    CliRun before = CliRun.of("--verbose", "export", "--run", missing, "--nir",
        dir.resolve("x.nir").toString(), "--dt", "1");
    for (CliRun r : new CliRun[] {after, before}) {
      assertEquals(2, r.exit());
      assertTrue(r.err().contains("\tat io.spikeloop."), r.err());
    }
  }

  @Test
  void evalRefusesZeroSamples() {
    CliRun r = CliRun.of("eval", "--run", "anything", "--samples", "0");
    assertEquals(2, r.exit());
    assertTrue(r.err().contains("--samples 0: give at least 1"), r.err());
    assertFalse(r.out().contains("accuracy"), r.out());
  }

  @Test
  void pathExceptionsSayWhatIsWrong() {
    assertEquals("a/b: is a file, not a folder",
        SpikeloopCli.describe(new java.nio.file.NotDirectoryException("a/b")));
    assertEquals("x: no such file or folder",
        SpikeloopCli.describe(new java.io.UncheckedIOException(
            new java.nio.file.NoSuchFileException("x"))));
  }

  /** One default weight width and one time unit (ms) in every command that has the option. */
  @Test
  void everyCommandSharesTheWeightBitsDefaultAndMillisecondTimes() {
    List<String> seen = new ArrayList<>();
    visit(SpikeloopCli.commandLine(), seen);
    assertTrue(seen.containsAll(List.of("train --weight-bits", "eval --weight-bits",
        "export --weight-bits", "diff --weight-bits", "export --dt", "train --dt",
        "eval --nir-dt")), seen.toString());
  }

  /** The option's default, from the option or from its command's default provider (train). */
  private static String defaultOf(CommandLine cl, OptionSpec o) {
    if (o.defaultValue() != null || cl.getCommandSpec().defaultValueProvider() == null) {
      return o.defaultValue();
    }
    try {
      return cl.getCommandSpec().defaultValueProvider().defaultValue(o);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static void visit(CommandLine cl, List<String> seen) {
    for (OptionSpec o : cl.getCommandSpec().options()) {
      String where = cl.getCommandName() + " " + o.longestName();
      if (o.longestName().equals("--weight-bits")) {
        assertEquals("" + QuantizationOptions.DEFAULT_WEIGHT_BITS, defaultOf(cl, o), where);
        seen.add(where);
      }
      if (o.longestName().endsWith("-dt") || o.longestName().equals("--dt")) {
        assertTrue(o.paramLabel().equals("MS") || o.description()[0].contains(" ms"), where);
        seen.add(where);
      }
    }
    cl.getSubcommands().values().forEach(sub -> visit(sub, seen));
  }
}
