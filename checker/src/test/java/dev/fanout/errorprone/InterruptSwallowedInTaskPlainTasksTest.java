package dev.fanout.errorprone;

import com.google.errorprone.BugCheckerRefactoringTestHelper;
import com.google.errorprone.CompilationTestHelper;
import org.junit.jupiter.api.Test;

/**
 * {@link InterruptSwallowedInTask} on plain JDK tasks (executor submissions, thread starts,
 * CompletableFuture async stages): a catch that swallows the interrupt inside a loop that only an
 * interrupt could end. Negatives first, then positives, then replacements (compiled by the helper).
 */
final class InterruptSwallowedInTaskPlainTasksTest {
  private final CompilationTestHelper helper =
      CompilationTestHelper.newInstance(InterruptSwallowedInTask.class, getClass());

  private final BugCheckerRefactoringTestHelper refactoring =
      BugCheckerRefactoringTestHelper.newInstance(InterruptSwallowedInTask.class, getClass());

  private static final String WORK =
      """
      package demo;
      public final class Work {
        private Work() {}
        public static String take() throws InterruptedException { return ""; }
        public static void log(Object o) {}
      }
      """;

  // ================================================================ negatives

  @Test
  void negativeOutsideALoopTheTaskEndsAnyway() {
    helper
        .addSourceLines("Work.java", WORK)
        .addSourceLines(
            "A.java",
            """
            package demo;
            import static demo.Work.*;
            import java.util.concurrent.*;
            class A {
              void run(ExecutorService pool) {
                pool.execute(() -> {
                  try { take(); } catch (InterruptedException e) { log(e); }
                  log("done");
                });
              }
            }
            """)
        .doTest();
  }

  @Test
  void negativeLoopConditionReadsStateOrLoopHasAnExit() {
    helper
        .addSourceLines("Work.java", WORK)
        .addSourceLines(
            "A.java",
            """
            package demo;
            import static demo.Work.*;
            import java.util.List;
            import java.util.concurrent.*;
            class A {
              volatile boolean running = true;
              void run(ExecutorService pool, List<String> items) {
                // The stop flag that shutdown sets may end this loop: silent by design.
                pool.execute(() -> {
                  while (running) {
                    try { take(); } catch (InterruptedException e) { log(e); }
                  }
                });
                pool.execute(() -> {
                  while (!pool.isShutdown()) {
                    try { take(); } catch (InterruptedException e) { log(e); }
                  }
                });
                // A bounded loop ends by itself.
                pool.execute(() -> {
                  for (String item : items) {
                    try { take(); } catch (InterruptedException e) { log(e); }
                  }
                });
                // The loop has an exit of its own.
                pool.execute(() -> {
                  while (true) {
                    try { take(); } catch (InterruptedException e) { log(e); }
                    if (Thread.currentThread().isInterrupted()) {
                      break;
                    }
                  }
                });
                // Handled: restored, rethrown as unchecked, left.
                pool.execute(() -> {
                  for (;;) {
                    try { take(); } catch (InterruptedException e) {
                      Thread.currentThread().interrupt();
                      return;
                    }
                  }
                });
                pool.execute(() -> {
                  while (true) {
                    try { take(); } catch (InterruptedException e) {
                      throw new IllegalStateException(e);
                    }
                  }
                });
              }
            }
            """)
        .doTest();
  }

  @Test
  void negativeNotATask() {
    helper
        .addSourceLines("Work.java", WORK)
        .addSourceLines(
            "A.java",
            """
            package demo;
            import static demo.Work.*;
            class A {
              void loop() {
                while (true) {
                  try { take(); } catch (InterruptedException e) { log(e); }
                }
              }
              Runnable later() {
                return () -> {
                  while (true) {
                    try { take(); } catch (InterruptedException e) { log(e); }
                  }
                };
              }
            }
            """)
        .doTest();
  }

  // ================================================================ positives

  @Test
  void positiveExecutorThreadAndAsyncStage() {
    helper
        .addSourceLines("Work.java", WORK)
        .addSourceLines(
            "A.java",
            """
            package demo;
            import static demo.Work.*;
            import java.util.concurrent.*;
            class A {
              void run(ScheduledExecutorService pool) {
                pool.submit(() -> {
                  while (true) {
                    // BUG: Diagnostic contains: shutdownNow() and cancel(true) can never stop it
                    try { take(); } catch (InterruptedException e) { log(e); }
                  }
                });
                new Thread(() -> {
                  for (;;) {
                    try {
                      take();
                    // BUG: Diagnostic contains: (as Exception)
                    } catch (Exception e) {
                      log(e);
                    }
                  }
                }).start();
                CompletableFuture.runAsync(() -> {
                  do {
                    // BUG: Diagnostic contains: shutdownNow()
                    try { take(); } catch (InterruptedException e) { log(e); }
                  } while (true);
                }, pool);
              }
            }
            """)
        .doTest();
  }

  @Test
  void positiveClearingTheFlagIsNotARestore() {
    helper
        .addSourceLines("Work.java", WORK)
        .addSourceLines(
            "A.java",
            """
            package demo;
            import static demo.Work.*;
            import java.util.concurrent.*;
            class A {
              void run(ExecutorService pool) {
                pool.execute(new Runnable() {
                  @Override
                  public void run() {
                    while (true) {
                      try {
                        take();
                      // BUG: Diagnostic contains: shutdownNow()
                      } catch (InterruptedException e) {
                        Thread.interrupted();
                      }
                    }
                  }
                });
              }
            }
            """)
        .doTest();
  }

  @Test
  void positiveCallableWithoutAWayOutGetsNoFix() {
    helper
        .addSourceLines("Work.java", WORK)
        .addSourceLines(
            "A.java",
            """
            package demo;
            import static demo.Work.*;
            import java.util.concurrent.*;
            class A {
              void run(ExecutorService pool) {
                pool.submit(new Callable<String>() {
                  @Override
                  public String call() {
                    while (true) {
                      // BUG: Diagnostic contains: No fix offered: the task returns a value
                      try { take(); } catch (InterruptedException e) { log(e); }
                    }
                  }
                });
              }
            }
            """)
        .doTest();
  }

  // ================================================================ replacements

  @Test
  void replacementRestoresAndReturns() {
    refactoring
        .addInputLines("Work.java", WORK)
        .expectUnchanged()
        .addInputLines(
            "A.java",
            """
            package demo;
            import static demo.Work.*;
            import java.util.concurrent.*;
            class A {
              void run(ExecutorService pool) {
                pool.execute(() -> {
                  while (true) {
                    try {
                      take();
                    } catch (InterruptedException e) {
                      log(e);
                    }
                  }
                });
              }
            }
            """)
        .addOutputLines(
            "A.java",
            """
            package demo;
            import static demo.Work.*;
            import java.util.concurrent.*;
            class A {
              void run(ExecutorService pool) {
                pool.execute(() -> {
                  while (true) {
                    try {
                      take();
                    } catch (InterruptedException e) {
                      Thread.currentThread().interrupt();
                      log(e);
                      return;
                    }
                  }
                });
              }
            }
            """)
        .doTest();
  }

  @Test
  void replacementCallableRethrows() {
    refactoring
        .addInputLines("Work.java", WORK)
        .expectUnchanged()
        .addInputLines(
            "A.java",
            """
            package demo;
            import static demo.Work.*;
            import java.util.concurrent.*;
            class A {
              Future<String> run(ExecutorService pool) {
                return pool.submit(() -> {
                  for (;;) {
                    try {
                      take();
                    } catch (InterruptedException e) {
                      log(e);
                    }
                  }
                });
              }
            }
            """)
        .addOutputLines(
            "A.java",
            """
            package demo;
            import static demo.Work.*;
            import java.util.concurrent.*;
            class A {
              Future<String> run(ExecutorService pool) {
                return pool.submit(() -> {
                  for (;;) {
                    try {
                      take();
                    } catch (InterruptedException e) {
                      log(e);
                      throw e;
                    }
                  }
                });
              }
            }
            """)
        .doTest();
  }
}
