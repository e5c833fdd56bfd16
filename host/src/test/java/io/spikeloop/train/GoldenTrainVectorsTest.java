package io.spikeloop.train;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import io.spikeloop.model.SnnParameters;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Runs every {@code *.json} of the folder in system property {@code spikeloop.golden.train}
 * (default: the copy in the test resources), one dynamic test per file and trainer: the float64
 * reference must match every step's loss and outputs, the bptt gradient and the final parameters
 * to 1e-8 (absolute plus relative); the float32 fast path must match the mean loss to 1e-4
 * relative and the final parameters to 1e-4 relative plus 1e-6 absolute. The e-prop vectors of
 * the folder are {@link EpropTrainer}'s ({@link EpropGoldenVectorsTest}); the chunked trainers skip
 * them.
 */
class GoldenTrainVectorsTest {

  /** The vectors of the chunked modes (tbptt1, bptt, tbptt-k). */
  static List<Path> vectorFiles() throws IOException {
    List<Path> files = new ArrayList<>();
    for (Path p : allVectorFiles()) {
      if (!GoldenTrainVector.isEprop(p)) {
        files.add(p);
      }
    }
    assertFalse(files.isEmpty(), "no tbptt/bptt golden train vectors");
    return files;
  }

  /** Every {@code *.json} of the folder. */
  static List<Path> allVectorFiles() throws IOException {
    Path dir = Path.of(System.getProperty("spikeloop.golden.train",
        "src/test/resources/golden/train"));
    List<Path> files = new ArrayList<>();
    try (Stream<Path> list = Files.list(dir)) {
      list.filter(p -> p.toString().endsWith(".json")).sorted().forEach(files::add);
    }
    assertFalse(files.isEmpty(), "no golden train vectors in " + dir.toAbsolutePath());
    return files;
  }

  @TestFactory
  Stream<DynamicTest> referenceTrainerMatchesEveryVector() throws IOException {
    return vectorFiles().stream().map(file -> dynamicTest(file.getFileName().toString(), () -> {
      GoldenTrainVector v = GoldenTrainVector.read(file);
      SnnParameters params = v.init().copy();
      ReferenceTrainer trainer = new ReferenceTrainer(params, v.config().surrogate(), v.mode(),
          v.optimizer(), v.objective());
      ReferenceTrainer.Trace trace = trainer.trainTrace(v.inputs(), v.labels());
      Tolerance tol = new Tolerance(1e-8, 1e-8);
      tol.check("loss", trace.losses(), v.loss());
      tol.check("output", trace.outputs(), v.output());
      if (v.grad() != null && v.mode().chunk(v.loss().length) == v.loss().length) {
        assertNotNull(trace.lastGradient());
        tol.check("grad", trace.lastGradient(), v.grad());
      }
      tol.check("final", params, v.finalParams());
    }));
  }

  @TestFactory
  Stream<DynamicTest> fastTrainerMatchesEveryVector() throws IOException {
    return vectorFiles().stream().map(file -> dynamicTest(file.getFileName().toString(), () -> {
      GoldenTrainVector v = GoldenTrainVector.read(file);
      FastTrainer trainer = new FastTrainer(v.init(), v.mode(), v.optimizer(), v.labels().length,
          v.objective());
      SnnTrainer.BatchResult result = trainer.train(v.samples());
      double meanLoss = java.util.Arrays.stream(v.loss()).average().orElseThrow();
      new Tolerance(0, 1e-4).check("mean loss", new double[] {result.meanLoss()},
          new double[] {meanLoss});
      SnnParameters actual = trainer.parameters();
      for (int i = 0; i < actual.tensors().size(); i++) {
        new Tolerance(1e-6, 1e-4).check("final " + actual.tensors().get(i).name(),
            actual.tensors().get(i).values(), v.finalParams().tensors().get(i).values());
      }
    }));
  }

  /** {@code |a - e| <= abs + rel * |e|}, with the first offending element in the message. */
  record Tolerance(double abs, double rel) {
    void check(String what, double[] actual, double[] expected) {
      if (actual.length != expected.length) {
        throw new AssertionError(what + ": length " + actual.length + " != " + expected.length);
      }
      for (int i = 0; i < actual.length; i++) {
        if (!(Math.abs(actual[i] - expected[i]) <= abs + rel * Math.abs(expected[i]))) {
          throw new AssertionError(what + "[" + i + "]: " + actual[i] + " != expected "
              + expected[i] + " (tolerance " + abs + " + " + rel + " relative)");
        }
      }
    }

    void check(String what, double[][][] actual, double[][][] expected) {
      for (int t = 0; t < expected.length; t++) {
        for (int b = 0; b < expected[t].length; b++) {
          check(what + "[t=" + t + "][b=" + b + "]", actual[t][b], expected[t][b]);
        }
      }
    }

    void check(String what, SnnParameters actual, SnnParameters expected) {
      for (int i = 0; i < expected.tensors().size(); i++) {
        check(what + " " + expected.tensors().get(i).name(), actual.tensors().get(i).values(),
            expected.tensors().get(i).values());
      }
    }
  }
}
