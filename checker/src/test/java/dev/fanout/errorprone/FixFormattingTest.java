package dev.fanout.errorprone;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every fix shape's layout, asserted to the character, and what Error Prone's "Did you mean" line
 * shows for it. The fixes are applied the way a user's build applies them ({@code
 * -XepPatchChecks:... -XepPatchLocation:IN_PLACE}, which takes each finding's first fix) and the
 * patched file must compile; {@code BugCheckerRefactoringTestHelper}'s TEXT_MATCH formats both
 * sides with google-java-format first, so it cannot see indentation.
 *
 * <p>Inserted and wrapped code sits at the indentation of its surroundings, nested lines one indent
 * unit deeper (the file's own unit: some inputs are indented by four), and a construct that was on
 * one line stays on one line when it fits.
 */
final class FixFormattingTest {

  private static final String WORK =
      """
      package demo;
      import dev.fanout.*;
      public final class Work {
        private Work() {}
        public static void work(Context ctx) {}
        public static String take() throws InterruptedException { return ""; }
        public static void log(Object o) {}
      }
      """;

  @TempDir Path dir;

  /** Applies {@code check}'s first fix of each finding in {@code input} and asserts the result. */
  private void assertFix(String check, String input, String output) throws IOException {
    Path source = write(input);
    List<Diagnostic<? extends JavaFileObject>> patching =
        compile("-XepPatchChecks:" + check + " -XepPatchLocation:IN_PLACE");
    assertTrue(errors(patching).isEmpty(), () -> "patching failed: " + errors(patching));
    assertEquals(output, Files.readString(source, UTF_8));
    List<Diagnostic<? extends JavaFileObject>> after =
        compile("-XepDisableAllChecks -Xep:" + check + ":ERROR");
    assertTrue(errors(after).isEmpty(), () -> "the patched file: " + errors(after));
  }

  /** The messages {@code check} reports on {@code input}, in order. */
  private List<String> messages(String check, String input) throws IOException {
    write(input);
    List<String> messages = new ArrayList<>();
    for (Diagnostic<? extends JavaFileObject> d :
        compile("-XepDisableAllChecks -Xep:" + check + ":WARN")) {
      String message = d.getMessage(Locale.ROOT);
      if (message.startsWith("[" + check + "]")) {
        messages.add(message);
      }
    }
    return messages;
  }

  /** The "Did you mean" line of {@code check}'s single finding on {@code input}. */
  private String didYouMean(String check, String input) throws IOException {
    List<String> messages = messages(check, input);
    assertEquals(1, messages.size(), () -> "one finding expected: " + messages);
    String message = messages.get(0);
    int at = message.indexOf("Did you mean ");
    assertTrue(at >= 0, () -> "no fix: " + message);
    int end = message.indexOf('\n', at);
    return message.substring(at, end < 0 ? message.length() : end);
  }

  private Path write(String input) throws IOException {
    Files.writeString(dir.resolve("Work.java"), WORK, UTF_8);
    return Files.writeString(dir.resolve("A.java"), input, UTF_8);
  }

  /** Compiles Work.java and A.java with Error Prone given {@code errorProne}'s flags. */
  private List<Diagnostic<? extends JavaFileObject>> compile(String errorProne) throws IOException {
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    Path classes = Files.createDirectories(dir.resolve("classes"));
    try (StandardJavaFileManager files = javac.getStandardFileManager(diagnostics, null, UTF_8)) {
      List<String> options =
          List.of(
              "-d",
              classes.toString(),
              "-classpath",
              System.getProperty("java.class.path"),
              "-processorpath",
              System.getProperty("java.class.path"),
              "-XDcompilePolicy=simple",
              "--should-stop=ifError=FLOW",
              "-Xplugin:ErrorProne " + errorProne);
      // Error Prone's "Refactoring changes were successfully applied" goes to javac's output:
      // kept off the build's console.
      javac
          .getTask(
              new StringWriter(),
              files,
              diagnostics,
              options,
              null,
              files.getJavaFileObjects(dir.resolve("Work.java"), dir.resolve("A.java")))
          .call();
    }
    return diagnostics.getDiagnostics();
  }

  private static List<String> errors(List<Diagnostic<? extends JavaFileObject>> diagnostics) {
    List<String> errors = new ArrayList<>();
    for (Diagnostic<? extends JavaFileObject> d : diagnostics) {
      if (d.getKind() == Diagnostic.Kind.ERROR) {
        errors.add(d.getLineNumber() + ": " + d.getMessage(Locale.ROOT));
      }
    }
    return errors;
  }

  // ================================================================ UnsafeSharedMutationInTask

  @Test
  void synchronizedAroundAStatementInAFileIndentedByFour() throws IOException {
    assertFix(
        "UnsafeSharedMutationInTask",
        """
        package demo;
        import dev.fanout.*;
        import java.util.List;
        class A {
            private int done;

            void run(Context ctx, List<String> items) throws InterruptedException {
                try (TaskGroup g = TaskGroup.withContext(ctx)) {
                    for (String item : items) {
                        g.go(
                                c -> {
                                    done++;
                                });
                    }
                    g.await();
                }
            }
        }
        """,
        """
        package demo;
        import dev.fanout.*;
        import java.util.List;
        class A {
            private int done;

            void run(Context ctx, List<String> items) throws InterruptedException {
                try (TaskGroup g = TaskGroup.withContext(ctx)) {
                    for (String item : items) {
                        g.go(
                                c -> {
                                    synchronized (this) {
                                        done++;
                                    }
                                });
                    }
                    g.await();
                }
            }
        }
        """);
  }

  @Test
  void synchronizedAroundAStatementOnSeveralLines() throws IOException {
    assertFix(
        "UnsafeSharedMutationInTask",
        """
        package demo;
        import dev.fanout.*;
        import java.util.List;
        class A {
          int run(Context ctx, List<String> items) throws InterruptedException {
            int[] total = {0};
            try (TaskGroup g = TaskGroup.withContext(ctx)) {
              for (String item : items) {
                g.go(c -> {
                  total[0] +=
                      item.length();
                });
              }
              g.await();
            }
            return total[0];
          }
        }
        """,
        """
        package demo;
        import dev.fanout.*;
        import java.util.List;
        class A {
          int run(Context ctx, List<String> items) throws InterruptedException {
            int[] total = {0};
            try (TaskGroup g = TaskGroup.withContext(ctx)) {
              for (String item : items) {
                g.go(c -> {
                  synchronized (total) {
                    total[0] +=
                        item.length();
                  }
                });
              }
              g.await();
            }
            return total[0];
          }
        }
        """);
  }

  @Test
  void synchronizedInAnExpressionLambdaStaysOnItsLine() throws IOException {
    assertFix(
        "UnsafeSharedMutationInTask",
        """
        package demo;
        import dev.fanout.*;
        import java.util.List;
        class A {
          int run(Context ctx, List<String> items) throws InterruptedException {
            int[] total = {0};
            try (TaskGroup g = TaskGroup.withContext(ctx)) {
              for (String item : items) {
                g.go(c -> total[0]++);
              }
              g.await();
            }
            return total[0];
          }
        }
        """,
        """
        package demo;
        import dev.fanout.*;
        import java.util.List;
        class A {
          int run(Context ctx, List<String> items) throws InterruptedException {
            int[] total = {0};
            try (TaskGroup g = TaskGroup.withContext(ctx)) {
              for (String item : items) {
                g.go(c -> { synchronized (total) { total[0]++; } });
              }
              g.await();
            }
            return total[0];
          }
        }
        """);
  }

  @Test
  void synchronizedInAnExpressionLambdaTooLongForOneLine() throws IOException {
    assertFix(
        "UnsafeSharedMutationInTask",
        """
        package demo;
        import dev.fanout.*;
        import java.util.List;
        class A {
          int run(Context ctx, List<String> items) throws InterruptedException {
            int[] total = {0};
            try (TaskGroup g = TaskGroup.withContext(ctx)) {
              for (String item : items) {
                g.go(c -> total[0] += item.length() + item.indexOf("a") + item.indexOf("bcdefgh"));
              }
              g.await();
            }
            return total[0];
          }
        }
        """,
        """
        package demo;
        import dev.fanout.*;
        import java.util.List;
        class A {
          int run(Context ctx, List<String> items) throws InterruptedException {
            int[] total = {0};
            try (TaskGroup g = TaskGroup.withContext(ctx)) {
              for (String item : items) {
                g.go(c -> {
                  synchronized (total) {
                    total[0] += item.length() + item.indexOf("a") + item.indexOf("bcdefgh");
                  }
                });
              }
              g.await();
            }
            return total[0];
          }
        }
        """);
  }

  @Test
  void synchronizedInAnExpressionLambdaOnSeveralLines() throws IOException {
    assertFix(
        "UnsafeSharedMutationInTask",
        """
        package demo;
        import dev.fanout.*;
        import java.util.List;
        class A {
          int run(Context ctx, List<String> items) throws InterruptedException {
            int[] total = {0};
            try (TaskGroup g = TaskGroup.withContext(ctx)) {
              for (String item : items) {
                g.go(c -> total[0] +=
                    item.length());
              }
              g.await();
            }
            return total[0];
          }
        }
        """,
        """
        package demo;
        import dev.fanout.*;
        import java.util.List;
        class A {
          int run(Context ctx, List<String> items) throws InterruptedException {
            int[] total = {0};
            try (TaskGroup g = TaskGroup.withContext(ctx)) {
              for (String item : items) {
                g.go(c -> {
                  synchronized (total) {
                    total[0] +=
                        item.length();
                  }
                });
              }
              g.await();
            }
            return total[0];
          }
        }
        """);
  }

  @Test
  void synchronizedLambdaForAMethodReference() throws IOException {
    assertFix(
        "UnsafeSharedMutationInTask",
        """
        package demo;
        import java.util.HashSet;
        import java.util.List;
        import java.util.Set;
        class A {
          Set<String> run(List<String> names) {
            HashSet<String> seen = new HashSet<>();
            names.parallelStream().forEach(seen::add);
            return seen;
          }
        }
        """,
        """
        package demo;
        import java.util.HashSet;
        import java.util.List;
        import java.util.Set;
        class A {
          Set<String> run(List<String> names) {
            HashSet<String> seen = new HashSet<>();
            names.parallelStream().forEach(item -> { synchronized (seen) { seen.add(item); } });
            return seen;
          }
        }
        """);
  }

  // ================================================================ TaskGroupNotAwaited

  @Test
  void awaitAsTheBlocksLastLine() throws IOException {
    assertFix(
        "TaskGroupNotAwaited",
        """
        package demo;
        import static demo.Work.work;
        import dev.fanout.*;
        import java.util.List;
        class A {
            void run(Context ctx, List<String> items) throws InterruptedException {
                try (TaskGroup g = TaskGroup.withContext(ctx)) {
                    for (String item : items) {
                        g.go(c -> work(c));
                    }
                }
            }
        }
        """,
        """
        package demo;
        import static demo.Work.work;
        import dev.fanout.*;
        import java.util.List;
        class A {
            void run(Context ctx, List<String> items) throws InterruptedException {
                try (TaskGroup g = TaskGroup.withContext(ctx)) {
                    for (String item : items) {
                        g.go(c -> work(c));
                    }
                    g.await();
                }
            }
        }
        """);
  }

  @Test
  void awaitBeforeAnEarlyExitInABlockAndBraceless() throws IOException {
    assertFix(
        "TaskGroupNotAwaited",
        """
        package demo;
        import static demo.Work.*;
        import dev.fanout.*;
        class A {
          void run(Context ctx, boolean fast, boolean quiet) throws InterruptedException {
            try (TaskGroup g = TaskGroup.withContext(ctx)) {
              g.go(c -> work(c));
              if (fast) {
                log("fast");
                return;
              }
              if (quiet) return;
              g.await();
            }
          }
        }
        """,
        """
        package demo;
        import static demo.Work.*;
        import dev.fanout.*;
        class A {
          void run(Context ctx, boolean fast, boolean quiet) throws InterruptedException {
            try (TaskGroup g = TaskGroup.withContext(ctx)) {
              g.go(c -> work(c));
              if (fast) {
                log("fast");
                g.await();
                return;
              }
              if (quiet) { g.await(); return; }
              g.await();
            }
          }
        }
        """);
  }

  @Test
  void awaitAndThrowsOnAPrivateMethod() throws IOException {
    assertFix(
        "TaskGroupNotAwaited",
        """
        package demo;
        import static demo.Work.work;
        import dev.fanout.*;
        class A {
          private void run(Context ctx) {
            try (TaskGroup g = TaskGroup.withContext(ctx)) {
              g.go(c -> work(c));
            }
          }
        }
        """,
        """
        package demo;
        import static demo.Work.work;
        import dev.fanout.*;
        class A {
          private void run(Context ctx) throws InterruptedException {
            try (TaskGroup g = TaskGroup.withContext(ctx)) {
              g.go(c -> work(c));
              g.await();
            }
          }
        }
        """);
  }

  // ================================================================ InterruptSwallowedInTask

  private static final String SWALLOWING =
      """
      package demo;
      import static demo.Work.*;
      import dev.fanout.*;
      class A {
          void run(Context ctx) throws Exception {
              try (TaskGroup g = TaskGroup.withContext(ctx)) {
                  g.go(c -> {
                      try {
                          take();
                      } catch (InterruptedException e) {
                          log(e);
                      }
                      work(c);
                  });
                  g.go(c -> {
                      try {
                          take();
                      } catch (InterruptedException e) {}
                      work(c);
                  });
                  g.go(c -> {
                      try {
                          take();
                      } catch (InterruptedException e) {
                      }
                      work(c);
                  });
                  g.go(c -> {
                      try {
                          take();
                      } catch (Exception e) {
                          log(e);
                      }
                      work(c);
                  });
                  g.await();
              }
          }
      }
      """;

  @Test
  void restoreTheFlagAndReturn() throws IOException {
    assertFix(
        "InterruptSwallowedInTask",
        SWALLOWING,
        """
        package demo;
        import static demo.Work.*;
        import dev.fanout.*;
        class A {
            void run(Context ctx) throws Exception {
                try (TaskGroup g = TaskGroup.withContext(ctx)) {
                    g.go(c -> {
                        try {
                            take();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            log(e);
                            return;
                        }
                        work(c);
                    });
                    g.go(c -> {
                        try {
                            take();
                        } catch (InterruptedException e) { Thread.currentThread().interrupt(); return; }
                        work(c);
                    });
                    g.go(c -> {
                        try {
                            take();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            return;
                        }
                        work(c);
                    });
                    g.go(c -> {
                        try {
                            take();
                        } catch (Exception e) {
                            if (e instanceof InterruptedException) {
                                Thread.currentThread().interrupt();
                                return;
                            }
                            log(e);
                        }
                        work(c);
                    });
                    g.await();
                }
            }
        }
        """);
  }

  // ================================================================ UnboundedFanOut

  @Test
  void setLimitAsALineOfItsOwn() throws IOException {
    assertFix(
        "UnboundedFanOut",
        """
        package demo;
        import static demo.Work.work;
        import dev.fanout.*;
        import java.util.List;
        class A {
            void run(Context ctx, List<String> items, List<String> more) throws Exception {
                try (TaskGroup group = TaskGroup.withContext(ctx)) {
                    for (String item : items) group.go(c -> work(c));
                    group.await();
                }
                TaskGroup g = TaskGroup.withContext(ctx);
                more.forEach(item -> g.go(c -> work(c)));
                g.await();
                g.close();
            }
        }
        """,
        """
        package demo;
        import static demo.Work.work;
        import dev.fanout.*;
        import java.util.List;
        class A {
            void run(Context ctx, List<String> items, List<String> more) throws Exception {
                try (TaskGroup group = TaskGroup.withContext(ctx)) {
                    group.setLimit(16);
                    for (String item : items) group.go(c -> work(c));
                    group.await();
                }
                TaskGroup g = TaskGroup.withContext(ctx);
                g.setLimit(16);
                more.forEach(item -> g.go(c -> work(c)));
                g.await();
                g.close();
            }
        }
        """);
  }

  // ================================================================ what "Did you mean" shows

  @Test
  void didYouMeanShowsTheInsertedAwait() throws IOException {
    assertEquals(
        "Did you mean 'g.await();'?",
        didYouMean(
            "TaskGroupNotAwaited",
            """
            package demo;
            import static demo.Work.work;
            import dev.fanout.*;
            class A {
              void run(Context ctx) throws InterruptedException {
                try (TaskGroup g = TaskGroup.withContext(ctx)) {
                  g.go(c -> {
                    work(c);
                  });
                }
              }
            }
            """));
  }

  @Test
  void didYouMeanShowsTheRestoreAndTheRethrow() throws IOException {
    assertEquals(
        "Did you mean 'Thread.currentThread().interrupt();' or 'throw e;'?",
        didYouMean(
            "InterruptSwallowedInTask",
            """
            package demo;
            import static demo.Work.*;
            import dev.fanout.*;
            class A {
              void run(Context ctx) throws Exception {
                try (TaskGroup g = TaskGroup.withContext(ctx)) {
                  g.go(c -> {
                    try {
                      take();
                    } catch (InterruptedException e) {
                      System.out.println("interrupted");
                    }
                    work(c);
                  });
                  g.await();
                }
              }
            }
            """));
  }

  @Test
  void didYouMeanShowsTheSynchronizedWrite() throws IOException {
    assertEquals(
        "Did you mean 'found.addAll(TaskGroup.map(ctx, Integer.MAX_VALUE, items, (c, item) ->"
            + " item));' or 'List<String> found = Collections.synchronizedList(new"
            + " ArrayList<>());' or 'g.go(c -> { synchronized (found) { found.add(item); } });'?",
        didYouMean(
            "UnsafeSharedMutationInTask",
            """
            package demo;
            import dev.fanout.*;
            import java.util.ArrayList;
            import java.util.List;
            class A {
              List<String> run(Context ctx, List<String> items) throws InterruptedException {
                List<String> found = new ArrayList<>();
                try (TaskGroup g = TaskGroup.withContext(ctx)) {
                  for (String item : items) {
                    g.go(c -> found.add(item));
                  }
                  g.await();
                }
                return found;
              }
            }
            """));
  }

  @Test
  void didYouMeanShowsTheLimit() throws IOException {
    assertEquals(
        "Did you mean 'g.setLimit(16);'?",
        didYouMean(
            "UnboundedFanOut",
            """
            package demo;
            import static demo.Work.work;
            import dev.fanout.*;
            import java.util.List;
            class A {
              void run(Context ctx, List<String> items) throws Exception {
                TaskGroup g = TaskGroup.withContext(ctx);
                items.forEach(item -> g.go(c -> work(c)));
                g.await();
                g.close();
              }
            }
            """));
  }

  @Test
  void theMessageSaysWhatEachSharedMutationFixDoes() throws IOException {
    List<String> messages =
        messages(
            "UnsafeSharedMutationInTask",
            """
            package demo;
            import java.util.HashMap;
            import java.util.List;
            import java.util.Map;
            class A {
              Map<String, Integer> run(List<String> names) {
                Map<String, Integer> lengths = new HashMap<>();
                names.parallelStream().forEach(s -> lengths.put(s + s + s + s + s, size(s + s)));
                return lengths;
              }
              static Integer size(String s) {
                return s.isEmpty() ? null : s.length();
              }
            }
            """);
    assertEquals(1, messages.size(), () -> messages.toString());
    assertTrue(
        messages
            .get(0)
            .contains(
                "so concurrent writes lose updates or corrupt it. Make the declaration thread-safe"
                    + " with Collections.synchronizedMap, or wrap the write in synchronized"
                    + " (lengths).\n"),
        messages::toString);
    assertTrue(
        messages
            .get(0)
            .endsWith(
                "Did you mean 'Map<String, Integer> lengths = Collections.synchronizedMap(new"
                    + " HashMap<>());' or 'names.parallelStream().forEach(s -> {'?"),
        messages::toString);
  }

  // ================================================================ why no fix is offered

  @Test
  void noAwaitFixOnAPublicMethodSaysWhy() throws IOException {
    List<String> messages =
        messages(
            "TaskGroupNotAwaited",
            """
            package demo;
            import static demo.Work.work;
            import dev.fanout.*;
            public class A {
              public void run(Context ctx) {
                try (TaskGroup g = TaskGroup.withContext(ctx)) {
                  g.go(c -> work(c));
                }
              }
            }
            """);
    assertEquals(1, messages.size(), () -> messages.toString());
    assertTrue(
        messages
            .get(0)
            .contains(
                " No fix offered: await() throws InterruptedException, and adding 'throws"
                    + " InterruptedException' to 'run' could break its callers (it is not"
                    + " private); declare it or catch it around the call."),
        messages::toString);
  }

  @Test
  void noLimitFixForAThreadPerTaskExecutorSaysWhy() throws IOException {
    List<String> messages =
        messages(
            "UnboundedFanOut",
            """
            package demo;
            import java.util.List;
            import java.util.concurrent.ExecutorService;
            import java.util.concurrent.Executors;
            class A {
              void run(List<String> items) {
                try (ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor()) {
                  for (String item : items) {
                    ex.submit(() -> item.length());
                  }
                }
              }
            }
            """);
    assertEquals(1, messages.size(), () -> messages.toString());
    assertTrue(messages.get(0).contains(" No fix offered: "), messages::toString);
  }

  @Test
  void noContextFixSaysWhy() throws IOException {
    List<String> messages =
        messages(
            "ParentContextInTask",
            """
            package demo;
            import static demo.Work.work;
            import dev.fanout.*;
            import java.time.Duration;
            class A {
              static final Context ROOT = Context.background();
              void run(Context ctx) throws Exception {
                try (CancellableContext t = ctx.withTimeout(Duration.ofSeconds(1));
                    TaskGroup g = TaskGroup.withContext(t)) {
                  g.go(c -> {
                    CancellableContext keep = t;
                    work(keep);
                  });
                  g.go(c -> {
                    record Step() {
                      void run() { work(ROOT); }
                    }
                    new Step().run();
                  });
                  g.await();
                }
              }
            }
            """);
    assertEquals(2, messages.size(), () -> messages.toString());
    assertTrue(
        messages
            .get(0)
            .contains(
                " No fix offered: the task's context, of type Context, does not fit where this"
                    + " expression stands."),
        messages::toString);
    assertTrue(
        messages
            .get(1)
            .contains(
                " No fix offered: the task's context parameter can't be used here (a static"
                    + " method or a local record, enum or interface lies between); pass it in."),
        messages::toString);
  }
}
