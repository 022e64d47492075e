package dev.fanout.errorprone;

import com.google.errorprone.BugCheckerRefactoringTestHelper;
import com.google.errorprone.CompilationTestHelper;
import org.junit.jupiter.api.Test;

/**
 * {@link TaskGroupNotAwaited} on exits inside a {@code catch}: a {@code return} (or a jump out of
 * the block) in a catch of an inner {@code try}, after a {@code go} that certainly ran before that
 * try, leaves the block without {@code await()} on that path. Negatives first.
 */
final class TaskGroupNotAwaitedCatchTest {

  private final CompilationTestHelper helper =
      CompilationTestHelper.newInstance(TaskGroupNotAwaited.class, getClass());

  private final BugCheckerRefactoringTestHelper refactoring =
      BugCheckerRefactoringTestHelper.newInstance(TaskGroupNotAwaited.class, getClass());

  private static final String WORK =
      """
      package demo;
      import dev.fanout.*;
      public final class Work {
        private Work() {}
        public static void work(Context ctx) {}
        public static void prepare() throws java.io.IOException {}
      }
      """;

  @Test
  void catchExitsThatAreNotLostWorkStaySilent() {
    helper
        .addSourceLines("Work.java", WORK)
        .addSourceLines(
            "A.java",
            """
            package demo;
            import static demo.Work.prepare;
            import static demo.Work.work;
            import dev.fanout.*;
            import java.io.IOException;
            class A {
              // The try awaits: the catch may run after await() failed, a deliberate fallback.
              int fallbackOnTaskFailure(Context ctx) throws InterruptedException {
                try (TaskGroup g = TaskGroup.withContext(ctx)) {
                  g.go(c -> work(c));
                  try {
                    prepare();
                    g.await();
                  } catch (IOException | TaskFailedException e) {
                    return -1;
                  }
                  return 1;
                }
              }
              // The task starts inside the try: the catch may run before any task started.
              int startedOnlyInsideTheTry(Context ctx) throws InterruptedException {
                try (TaskGroup g = TaskGroup.withContext(ctx)) {
                  try {
                    prepare();
                    g.go(c -> work(c));
                  } catch (IOException e) {
                    return -1;
                  }
                  g.await();
                  return 1;
                }
              }
              // A throw: an exceptional exit, close() cancels and attaches failures as suppressed.
              void rethrown(Context ctx) throws InterruptedException {
                try (TaskGroup g = TaskGroup.withContext(ctx)) {
                  g.go(c -> work(c));
                  try {
                    prepare();
                  } catch (IOException e) {
                    throw new IllegalStateException(e);
                  }
                  g.await();
                }
              }
              // The catch completes normally and the block goes on to await().
              void caughtAndCarriedOn(Context ctx) throws InterruptedException {
                try (TaskGroup g = TaskGroup.withContext(ctx)) {
                  g.go(c -> work(c));
                  try {
                    prepare();
                  } catch (IOException e) {
                    work(ctx);
                  }
                  g.await();
                }
              }
            }
            """)
        .doTest();
  }

  @Test
  void returnInACatchAfterACertainStartIsFlagged() {
    helper
        .addSourceLines("Work.java", WORK)
        .addSourceLines(
            "A.java",
            """
            package demo;
            import static demo.Work.prepare;
            import static demo.Work.work;
            import dev.fanout.*;
            import java.io.IOException;
            import java.util.List;
            class A {
              int fallback(Context ctx) throws InterruptedException {
                // BUG: Diagnostic contains: reaches the return on line 15 without g.await()
                try (TaskGroup g = TaskGroup.withContext(ctx)) {
                  g.go(c -> work(c));
                  try {
                    prepare();
                  } catch (IOException e) {
                    return -1;
                  }
                  g.await();
                  return 1;
                }
              }
              void skipRest(Context ctx, List<String> items) throws InterruptedException {
                for (String item : items) {
                  // BUG: Diagnostic contains: the continue on line
                  try (TaskGroup g = TaskGroup.withContext(ctx)) {
                    g.go(c -> work(c));
                    try {
                      prepare();
                    } catch (IOException e) {
                      continue;
                    }
                    g.await();
                  }
                }
              }
            }
            """)
        .doTest();
  }

  @Test
  void replacementAwaitsBeforeTheReturnInTheCatch() {
    refactoring
        .addInputLines("Work.java", WORK)
        .expectUnchanged()
        .addInputLines(
            "A.java",
            """
            package demo;
            import static demo.Work.prepare;
            import static demo.Work.work;
            import dev.fanout.*;
            import java.io.IOException;
            class A {
              int fallback(Context ctx) throws InterruptedException {
                try (TaskGroup g = TaskGroup.withContext(ctx)) {
                  g.go(c -> work(c));
                  try {
                    prepare();
                  } catch (IOException e) {
                    return -1;
                  }
                  g.await();
                  return 1;
                }
              }
            }
            """)
        .addOutputLines(
            "A.java",
            """
            package demo;
            import static demo.Work.prepare;
            import static demo.Work.work;
            import dev.fanout.*;
            import java.io.IOException;
            class A {
              int fallback(Context ctx) throws InterruptedException {
                try (TaskGroup g = TaskGroup.withContext(ctx)) {
                  g.go(c -> work(c));
                  try {
                    prepare();
                  } catch (IOException e) {
                    g.await();
                    return -1;
                  }
                  g.await();
                  return 1;
                }
              }
            }
            """)
        .doTest();
  }
}
