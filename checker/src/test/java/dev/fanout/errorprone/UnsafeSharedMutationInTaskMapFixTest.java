package dev.fanout.errorprone;

import com.google.errorprone.BugCheckerRefactoringTestHelper;
import com.google.errorprone.BugCheckerRefactoringTestHelper.FixChoosers;
import com.google.errorprone.CompilationTestHelper;
import org.junit.jupiter.api.Test;

/** The first fix for a per-item append in a TaskGroup fan-out: {@code TaskGroup.map}. */
final class UnsafeSharedMutationInTaskMapFixTest {
  private final CompilationTestHelper helper =
      CompilationTestHelper.newInstance(UnsafeSharedMutationInTask.class, getClass());

  private final BugCheckerRefactoringTestHelper refactoring =
      BugCheckerRefactoringTestHelper.newInstance(UnsafeSharedMutationInTask.class, getClass());

  private static final String INPUT =
      """
      import dev.fanout.*;
      import java.util.*;
      class Test {
        String fetch(Context c, String item) { return item; }
        List<String> run(Context ctx, List<String> items) throws Exception {
          List<String> results = new ArrayList<>();
          try (TaskGroup g = TaskGroup.withContext(ctx)) {
            for (String item : items) {
              g.go(c -> results.add(fetch(c, item)));
            }
            g.await();
          }
          return results;
        }
      }
      """;

  // ------------------------------------------------------------------- negatives: no map fix

  /** The message lists every fix offered; with no map fix it must not mention map. */
  private void noMapFix(String source) {
    helper
        .addSourceLines("Test.java", source)
        .expectErrorMessage(
            "X", msg -> msg.contains("synchronizedList") && !msg.contains("TaskGroup.map"))
        .doTest();
  }

  @Test
  void listNotEmptyBeforeTheLoop() {
    noMapFix(
        """
        import dev.fanout.*;
        import java.util.*;
        class Test {
          List<String> run(Context ctx, List<String> items) throws Exception {
            List<String> results = new ArrayList<>();
            results.add("header");
            try (TaskGroup g = TaskGroup.withContext(ctx)) {
              for (String item : items) {
                // BUG: Diagnostic matches: X
                g.go(c -> results.add(item));
              }
              g.await();
            }
            return results;
          }
        }
        """);
  }

  @Test
  void somethingElseInTheLoop() {
    noMapFix(
        """
        import dev.fanout.*;
        import java.util.*;
        class Test {
          List<String> run(Context ctx, List<String> items) throws Exception {
            List<String> results = new ArrayList<>();
            try (TaskGroup g = TaskGroup.withContext(ctx)) {
              for (String item : items) {
                System.out.println(item);
                // BUG: Diagnostic matches: X
                g.go(c -> results.add(item));
              }
              g.await();
            }
            return results;
          }
        }
        """);
  }

  @Test
  void taskDoesMoreThanAppend() {
    noMapFix(
        """
        import dev.fanout.*;
        import java.util.*;
        class Test {
          List<String> run(Context ctx, List<String> items) throws Exception {
            List<String> results = new ArrayList<>();
            try (TaskGroup g = TaskGroup.withContext(ctx)) {
              for (String item : items) {
                g.go(c -> {
                  c.throwIfCancelled();
                  // BUG: Diagnostic matches: X
                  results.add(item);
                });
              }
              g.await();
            }
            return results;
          }
        }
        """);
  }

  @Test
  void listReadBeforeAwait() {
    noMapFix(
        """
        import dev.fanout.*;
        import java.util.*;
        class Test {
          List<String> run(Context ctx, List<String> items) throws Exception {
            List<String> results = new ArrayList<>();
            try (TaskGroup g = TaskGroup.withContext(ctx)) {
              for (String item : items) {
                // BUG: Diagnostic matches: X
                g.go(c -> results.add(item));
              }
              System.out.println(results.size());
              g.await();
            }
            return results;
          }
        }
        """);
  }

  @Test
  void iteratesASetNotAList() {
    noMapFix(
        """
        import dev.fanout.*;
        import java.util.*;
        class Test {
          List<String> run(Context ctx, Set<String> items) throws Exception {
            List<String> results = new ArrayList<>();
            try (TaskGroup g = TaskGroup.withContext(ctx)) {
              for (String item : items) {
                // BUG: Diagnostic matches: X
                g.go(c -> results.add(item));
              }
              g.await();
            }
            return results;
          }
        }
        """);
  }

  @Test
  void groupWithALimit() {
    noMapFix(
        """
        import dev.fanout.*;
        import java.util.*;
        class Test {
          List<String> run(Context ctx, List<String> items) throws Exception {
            List<String> results = new ArrayList<>();
            try (TaskGroup g = TaskGroup.withContext(ctx)) {
              g.setLimit(4);
              for (String item : items) {
                // BUG: Diagnostic matches: X
                g.go(c -> results.add(item));
              }
              g.await();
            }
            return results;
          }
        }
        """);
  }

  @Test
  void listReadInACatchOfTheSameTry() {
    noMapFix(
        """
        import dev.fanout.*;
        import java.util.*;
        class Test {
          List<String> run(Context ctx, List<String> items) throws Exception {
            List<String> results = new ArrayList<>();
            try (TaskGroup g = TaskGroup.withContext(ctx)) {
              for (String item : items) {
                // BUG: Diagnostic matches: X
                g.go(c -> results.add(item));
              }
              g.await();
            } catch (TaskFailedException e) {
              return results;
            }
            return results;
          }
        }
        """);
  }

  // ------------------------------------------------------------------- positive and replacement

  @Test
  void messageOffersMapFirst() {
    helper
        .addSourceLines("Test.java", INPUT.replace("g.go(", "// BUG: Diagnostic matches: X\ng.go("))
        .expectErrorMessage(
            "X",
            msg ->
                msg.contains("TaskGroup.map")
                    && msg.indexOf("TaskGroup.map") < msg.indexOf("synchronizedList"))
        .doTest();
  }

  @Test
  void firstFixRewritesTheFanOutToMap() {
    refactoring
        .addInputLines("Test.java", INPUT)
        .addOutputLines(
            "Test.java",
            """
            import dev.fanout.*;
            import java.util.*;
            class Test {
              String fetch(Context c, String item) { return item; }
              List<String> run(Context ctx, List<String> items) throws Exception {
                List<String> results = new ArrayList<>();
                results.addAll(TaskGroup.map(ctx, Integer.MAX_VALUE, items, (c, item) -> fetch(c, item)));
                return results;
              }
            }
            """)
        .doTest();
  }

  @Test
  void firstFixForABlockTaskAndABoxedResult() {
    refactoring
        .addInputLines(
            "Test.java",
            """
            import dev.fanout.*;
            import java.util.*;
            class Test {
              int size(String s) throws java.io.IOException { return s.length(); }
              int run(Context ctx, List<String> items) throws Exception {
                List<Integer> sizes = new ArrayList<>();
                try (TaskGroup g = TaskGroup.withContext(ctx)) {
                  for (String s : items) {
                    g.go(
                        ctx2 -> {
                          sizes.add(size(s));
                        });
                  }
                  g.await();
                }
                return sizes.size();
              }
            }
            """)
        .addOutputLines(
            "Test.java",
            """
            import dev.fanout.*;
            import java.util.*;
            class Test {
              int size(String s) throws java.io.IOException { return s.length(); }
              int run(Context ctx, List<String> items) throws Exception {
                List<Integer> sizes = new ArrayList<>();
                sizes.addAll(TaskGroup.map(ctx, Integer.MAX_VALUE, items, (ctx2, s) -> size(s)));
                return sizes.size();
              }
            }
            """)
        .doTest();
  }

  @Test
  void secondFixIsStillSynchronizedList() {
    refactoring
        .setFixChooser(FixChoosers.SECOND)
        .addInputLines("Test.java", INPUT)
        .addOutputLines(
            "Test.java",
            """
            import dev.fanout.*;
            import java.util.*;
            import java.util.Collections;
            class Test {
              String fetch(Context c, String item) { return item; }
              List<String> run(Context ctx, List<String> items) throws Exception {
                List<String> results = Collections.synchronizedList(new ArrayList<>());
                try (TaskGroup g = TaskGroup.withContext(ctx)) {
                  for (String item : items) {
                    g.go(c -> results.add(fetch(c, item)));
                  }
                  g.await();
                }
                return results;
              }
            }
            """)
        .doTest();
  }
}
