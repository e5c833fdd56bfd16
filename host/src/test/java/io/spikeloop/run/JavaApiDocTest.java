package io.spikeloop.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The examples of docs/java-api.md compile against the library and run: each {@code java} block
 * is written to its class's file, compiled with javax.tools against this test's class path and
 * its {@code main} run (small sizes: seconds).
 */
class JavaApiDocTest {
  private static final Path PAGE = Path.of("..", "docs", "java-api.md");
  private static final Pattern BLOCK = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL);
  private static final Pattern CLASS = Pattern.compile("public class (\\w+)");

  @TempDir
  Path dir;

  @Test
  void everyExampleCompilesAndRuns() throws Exception {
    Matcher blocks = BLOCK.matcher(Files.readString(PAGE));
    List<String> classes = new ArrayList<>();
    List<String> files = new ArrayList<>();
    while (blocks.find()) {
      String source = blocks.group(1);
      Matcher name = CLASS.matcher(source);
      assertTrue(name.find(), "an example without a public class:\n" + source);
      Path file = dir.resolve(name.group(1) + ".java");
      Files.writeString(file, source);
      classes.add(name.group(1));
      files.add(file.toString());
    }
    assertEquals(List.of("TrainExample", "EvaluateOnDeviceExample", "OnChipLearningExample"),
        classes);
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    // surefire runs tests from a manifest-only jar; it names the real class path here
    String classPath = System.getProperty("surefire.test.class.path",
        System.getProperty("java.class.path"));
    List<String> arguments = new ArrayList<>(List.of("-d", dir.toString(), "-classpath",
        classPath));
    arguments.addAll(files);
    ByteArrayOutputStream errors = new ByteArrayOutputStream();
    int rc = javac.run(null, errors, errors, arguments.toArray(String[]::new));
    assertEquals(0, rc, "docs/java-api.md does not compile:\n" + errors);

    try (URLClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()},
        getClass().getClassLoader())) {
      for (String name : classes) {
        String printed = runMain(loader.loadClass(name).getMethod("main", String[].class));
        assertTrue(printed.contains("%"), name + " printed: " + printed);
      }
    }
  }

  /** Runs a main with standard output captured (examples print their result). */
  private static String runMain(Method main) throws Exception {
    PrintStream saved = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      main.invoke(null, (Object) new String[0]);
    } finally {
      System.setOut(saved);
    }
    return captured.toString(StandardCharsets.UTF_8);
  }

}
