package dev.fanout.errorprone;

import static com.google.testing.compile.CompilationSubject.assertThat;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.Compiler;
import com.google.testing.compile.JavaFileObjects;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/**
 * Loads the checker the way a user's build does: javac with {@code -Xplugin:ErrorProne}, Error
 * Prone found through {@link java.util.ServiceLoader} on the processor path, and our check found by
 * Error Prone through its {@code META-INF/services} entry (written by AutoService).
 */
final class ErrorPronePluginTest {

  private static final JavaFileObject SOURCE =
      JavaFileObjects.forSourceLines(
          "demo.Supervisor",
          "package demo;",
          "import java.util.*;",
          "import java.util.concurrent.*;",
          "class Supervisor {",
          "  List<String> ask(ExecutorService ex, List<String> specialists) {",
          "    List<String> answers = new ArrayList<>();",
          "    for (String s : specialists) {",
          "      ex.submit(() -> answers.add(s + \": ok\"));", // line 8
          "    }",
          "    return answers;",
          "  }",
          "}");

  private static Compiler javacWithErrorProne(String... checkOptions) {
    // As in a user's build: Error Prone and the checker on the processor path (Maven's
    // annotationProcessorPaths); here both come from the test class path.
    return Compiler.javac()
        .withOptions(
            "-processorpath",
            System.getProperty("java.class.path"),
            "-XDcompilePolicy=simple",
            "--should-stop=ifError=FLOW",
            "-Xplugin:ErrorProne -XepDisableAllChecks " + String.join(" ", checkOptions));
  }

  @Test
  void warnsThroughThePlugin() {
    Compilation compilation =
        javacWithErrorProne("-Xep:UnsafeSharedMutationInTask:WARN").compile(SOURCE);
    assertThat(compilation).succeeded();
    assertThat(compilation)
        .hadWarningContaining("[UnsafeSharedMutationInTask] answers is written by a task")
        .inFile(SOURCE)
        .onLine(8);
  }

  @Test
  void defaultSeverityIsWarningAndCanBeRaised() {
    Compilation byDefault = javacWithErrorProne("-Xep:UnsafeSharedMutationInTask").compile(SOURCE);
    assertThat(byDefault).succeeded();
    assertThat(byDefault).hadWarningCount(1);

    Compilation asError =
        javacWithErrorProne("-Xep:UnsafeSharedMutationInTask:ERROR").compile(SOURCE);
    assertThat(asError).failed();
    assertThat(asError).hadErrorContaining("[UnsafeSharedMutationInTask]").inFile(SOURCE).onLine(8);
  }

  @Test
  void silentWhenTurnedOff() {
    Compilation compilation =
        javacWithErrorProne("-Xep:UnsafeSharedMutationInTask:OFF").compile(SOURCE);
    assertThat(compilation).succeededWithoutWarnings();
  }
}
