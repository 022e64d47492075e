package dev.fanout.errorprone;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.errorprone.BugCheckerRefactoringTestHelper;
import com.google.errorprone.BugCheckerRefactoringTestHelper.FixChoosers;
import com.google.errorprone.CompilationTestHelper;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Identification tests (negatives first, then positives) and replacement tests for {@link
 * InterruptSwallowedInTask}. Every replacement's expected output is compiled by the helper.
 */
final class InterruptSwallowedInTaskTest {
  private final CompilationTestHelper helper =
      CompilationTestHelper.newInstance(InterruptSwallowedInTask.class, getClass());

  private final BugCheckerRefactoringTestHelper refactoring =
      BugCheckerRefactoringTestHelper.newInstance(InterruptSwallowedInTask.class, getClass());

  private static final String WORK =
      """
      package demo;
      import dev.fanout.*;
      public final class Work {
        private Work() {}
        public static void work(Context ctx) {}
        public static String take() throws InterruptedException { return ""; }
        public static String call() throws Exception { return ""; }
        public static String fetch() throws java.io.IOException, InterruptedException {
          return "";
        }
        public static void log(Object o) {}
      }
      """;

  // ================================================================ identification: negatives

  @Test
  void identificationNegativeHandled() {
    helper
        .addSourceLines("Work.java", WORK)
        .addSourceLines(
            "A.java",
            """
            package demo;
            import static demo.Work.*;
            import dev.fanout.*;
            class A {
              void run(Context ctx) throws Exception {
                try (TaskGroup g = TaskGroup.withContext(ctx)) {
                  g.go(c -> {
                    while (true) {
                      try { take(); } catch (InterruptedException e) { throw e; }
                      try { take(); } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                      }
                      try { take(); } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                      }
                      try { take(); } catch (InterruptedException e) {
                        log(e);
                        return;
                      }
                      try { take(); } catch (InterruptedException e) {
                        break;
                      }
                      try { take(); } catch (InterruptedException e) {
                        c.throwIfCancelled();
                      }
                      try { fetch(); } catch (Exception e) {
                        if (e instanceof InterruptedException) {
                          Thread.currentThread().interrupt();
                        }
                        log(e);
                      }
                    }
                  });
                  g.await();
                }
              }
            }
            """)
        .doTest();
  }

  @Test
  void identificationNegativeLoopStopsOnCancellation() {
    // The group cancels the context before it interrupts: these loops end on the next check.
    helper
        .addSourceLines("Work.java", WORK)
        .addSourceLines(
            "A.java",
            """
            package demo;
            import static demo.Work.*;
            import dev.fanout.*;
            class A {
              void run(Context ctx) throws Exception {
                try (TaskGroup g = TaskGroup.withContext(ctx)) {
                  g.go(c -> {
                    while (!c.isCancelled()) {
                      try { take(); } catch (InterruptedException e) { log(e); }
                    }
                    log("stopped");
                  });
                  g.go(c -> {
                    for (int i = 0; i < 10; i++) {
                      c.throwIfCancelled();
                      try { fetch(); } catch (Exception e) { log(e); }
                    }
                  });
                  g.await();
                }
              }
            }
            """)
        .doTest();
  }

  @Test
  void identificationNegativeTaskEndsAfterTheCatch() {
    // Nothing of the task runs after the catch: the task has stopped, as cancellation asks.
    helper
        .addSourceLines("Work.java", WORK)
        .addSourceLines(
            "A.java",
            """
            package demo;
            import static demo.Work.*;
            import dev.fanout.*;
            class A {
              void run(Context ctx) throws Exception {
                try (TaskGroup g = TaskGroup.withContext(ctx)) {
                  g.go(c -> {
                    try { take(); } catch (InterruptedException e) { log(e); }
                  });
                  g.go(c -> {
                    work(c);
                    try { fetch(); } catch (Exception e) { log(e); }
                    return;
                  });
                  g.await();
                }
              }
            }
            """)
        .doTest();
  }

  @Test
  void identificationNegativeNotInATaskOrNoInterrupt() {
    helper
        .addSourceLines("Work.java", WORK)
        .addSourceLines(
            "A.java",
            """
            package demo;
            import static demo.Work.*;
            import dev.fanout.*;
            import java.util.concurrent.ExecutorService;
            class A {
              void outside() {
                try { take(); } catch (InterruptedException e) { log(e); }
                log("more");
              }
              void run(Context ctx, ExecutorService ex) throws Exception {
                ex.execute(() -> {
                  try { take(); } catch (InterruptedException e) { log(e); }
                  log("more");
                });
                try (TaskGroup g = TaskGroup.withContext(ctx)) {
                  g.go(c -> {
                    try { work(c); } catch (Exception e) { log(e); }
                    try { take(); } catch (RuntimeException e) { log(e); }
                    try {
                      take();
                    } catch (InterruptedException e) {
                      throw e;
                    } catch (Exception e) {
                      log(e);
                    }
                    try {
                      try { take(); } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                      }
                    } catch (Exception e) {
                      log(e);
                    }
                    try { call(); } catch (Exception e) { log(e); }
                    Runnable later = () -> {
                      try { take(); } catch (InterruptedException e) { log(e); }
                      log("more");
                    };
                    later.run();
                  });
                  g.await();
                }
              }
              @SuppressWarnings("InterruptSwallowedInTask")
              void suppressed(Context ctx) throws Exception {
                try (TaskGroup g = TaskGroup.withContext(ctx)) {
                  g.go(c -> {
                    try { take(); } catch (InterruptedException e) { log(e); }
                    work(c);
                  });
                  g.await();
                }
              }
            }
            """)
        .doTest();
  }

  // ================================================================ identification: positives

  @Test
  void identificationPositive() {
    helper
        .addSourceLines("Work.java", WORK)
        .addSourceLines(
            "A.java",
            """
            package demo;
            import static demo.Work.*;
            import dev.fanout.*;
            class A {
              void run(Context ctx) throws Exception {
                try (TaskGroup g = TaskGroup.withContext(ctx)) {
                  g.go(c -> {
                    while (true) {
                      try {
                        log(take());
                      // BUG: Diagnostic contains: catches InterruptedException and neither rethrows
                      } catch (InterruptedException e) {
                        log(e);
                      }
                    }
                  });
                  g.tryGo(c -> {
                    try {
                      Thread.sleep(100);
                    // BUG: Diagnostic contains: InterruptSwallowedInTask
                    } catch (InterruptedException ignored) {
                    }
                    work(c);
                  });
                  g.go(c -> {
                    while (!c.isCancelled()) {
                      for (int i = 0; i < 3; i++) {
                        try {
                          fetch();
                        // BUG: Diagnostic contains: (as Exception)
                        } catch (Exception e) {
                          log(e);
                        }
                      }
                    }
                  });
                  g.go(new Task() {
                    @Override public void run(Context c) {
                      try {
                        take();
                      // BUG: Diagnostic contains: InterruptSwallowedInTask
                      } catch (InterruptedException e) {
                        log(e);
                      }
                      work(c);
                    }
                  });
                  g.go(this::step);
                  g.go(this::step);
                  g.go(c -> {
                    try (TaskGroup inner = TaskGroup.withContext(c)) {
                      inner.go(ic -> {
                        try {
                          take();
                        // BUG: Diagnostic contains: InterruptSwallowedInTask
                        } catch (InterruptedException | RuntimeException e) {
                          log(e);
                        }
                        work(ic);
                      });
                      inner.await();
                    }
                  });
                  g.await();
                }
              }
              private void step(Context c) {
                try {
                  take();
                // BUG: Diagnostic contains: InterruptSwallowedInTask
                } catch (InterruptedException e) {
                  log(e);
                }
                work(c);
              }
            }
            """)
        .doTest();
  }

  // ================================================================ replacement

  @Test
  void replacementRestoreAndReturn() {
    refactoring
        .addInputLines("Work.java", WORK)
        .expectUnchanged()
        .addInputLines(
            "A.java",
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
                      Thread.sleep(1);
                    } catch (InterruptedException ignored) {
                    }
                    work(c);
                  });
                  g.go(c -> {
                    while (true) {
                      try {
                        take();
                      } catch (InterruptedException e) {
                        continue;
                      }
                    }
                  });
                  g.go(c -> {
                    for (;;) {
                      try {
                        for (;;) take();
                      } catch (InterruptedException e) {
                        log(e);
                      }
                    }
                  });
                  g.go(c -> {
                    do {
                      try {
                        for (;;) take();
                      } catch (InterruptedException e) {
                        log(e);
                      }
                    } while (c.deadline().isEmpty());
                    work(c);
                  });
                  g.await();
                }
              }
            }
            """)
        .addOutputLines(
            "A.java",
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
                      Thread.sleep(1);
                    } catch (InterruptedException ignored) {
                      Thread.currentThread().interrupt();
                      return;
                    }
                    work(c);
                  });
                  g.go(c -> {
                    while (true) {
                      try {
                        take();
                      } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                      }
                    }
                  });
                  g.go(c -> {
                    for (;;) {
                      try {
                        for (;;) take();
                      } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        log(e);
                        return;
                      }
                    }
                  });
                  g.go(c -> {
                    do {
                      try {
                        for (;;) take();
                      } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        log(e);
                      }
                    } while (c.deadline().isEmpty());
                    work(c);
                  });
                  g.await();
                }
              }
            }
            """)
        .doTest();
  }

  @Test
  void replacementRestoreInBroadCatchAndNonVoidMethod() {
    refactoring
        .addInputLines("Work.java", WORK)
        .expectUnchanged()
        .addInputLines(
            "A.java",
            """
            package demo;
            import static demo.Work.*;
            import dev.fanout.*;
            class A {
              void run(Context ctx) throws Exception {
                try (TaskGroup g = TaskGroup.withContext(ctx)) {
                  g.go(c -> {
                    try {
                      fetch();
                    } catch (Exception e) {
                      log(e);
                    }
                    work(c);
                  });
                  g.go(this::step);
                  g.await();
                }
              }
              private String step(Context c) {
                try {
                  take();
                } catch (InterruptedException e) {
                  log(e);
                }
                return "done";
              }
            }
            """)
        .addOutputLines(
            "A.java",
            """
            package demo;
            import static demo.Work.*;
            import dev.fanout.*;
            class A {
              void run(Context ctx) throws Exception {
                try (TaskGroup g = TaskGroup.withContext(ctx)) {
                  g.go(c -> {
                    try {
                      fetch();
                    } catch (Exception e) {
                      if (e instanceof InterruptedException) {
                        Thread.currentThread().interrupt();
                        return;
                      }
                      log(e);
                    }
                    work(c);
                  });
                  g.go(this::step);
                  g.await();
                }
              }
              private String step(Context c) {
                try {
                  take();
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                  log(e);
                }
                return "done";
              }
            }
            """)
        .doTest();
  }

  @Test
  void replacementRethrow() {
    refactoring
        .setFixChooser(FixChoosers.SECOND)
        .addInputLines("Work.java", WORK)
        .expectUnchanged()
        .addInputLines(
            "A.java",
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
                      fetch();
                    } catch (Exception e) {
                      log(e);
                    }
                    work(c);
                  });
                  g.go(c -> {
                    while (true) {
                      try {
                        take();
                      } catch (InterruptedException e) {
                      }
                    }
                  });
                  g.await();
                }
              }
            }
            """)
        .addOutputLines(
            "A.java",
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
                      throw e;
                    }
                    work(c);
                  });
                  g.go(c -> {
                    try {
                      fetch();
                    } catch (Exception e) {
                      if (e instanceof InterruptedException) {
                        throw (InterruptedException) e;
                      }
                      log(e);
                    }
                    work(c);
                  });
                  g.go(c -> {
                    while (true) {
                      try {
                        take();
                      } catch (InterruptedException e) {
                        throw e;
                      }
                    }
                  });
                  g.await();
                }
              }
            }
            """)
        .doTest();
  }

  @Test
  void replacementNoRethrowWhereTheTaskCannotThrowIt() {
    // An anonymous Task whose run declares nothing cannot rethrow: exactly one fix is offered,
    // the restore, and that fix is the one applied.
    List<Integer> offered = new ArrayList<>();
    refactoring
        .setFixChooser(
            fixes -> {
              offered.add(fixes.size());
              return fixes.get(0);
            })
        .addInputLines("Work.java", WORK)
        .expectUnchanged()
        .addInputLines(
            "A.java",
            """
            package demo;
            import static demo.Work.*;
            import dev.fanout.*;
            class A {
              void run(Context ctx) throws Exception {
                try (TaskGroup g = TaskGroup.withContext(ctx)) {
                  g.go(new Task() {
                    @Override public void run(Context c) {
                      try {
                        take();
                      } catch (InterruptedException e) {
                        log(e);
                      }
                      work(c);
                    }
                  });
                  g.await();
                }
              }
            }
            """)
        .addOutputLines(
            "A.java",
            """
            package demo;
            import static demo.Work.*;
            import dev.fanout.*;
            class A {
              void run(Context ctx) throws Exception {
                try (TaskGroup g = TaskGroup.withContext(ctx)) {
                  g.go(new Task() {
                    @Override public void run(Context c) {
                      try {
                        take();
                      } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        log(e);
                        return;
                      }
                      work(c);
                    }
                  });
                  g.await();
                }
              }
            }
            """)
        .doTest();
    assertEquals(List.of(1), offered, "one finding, offered only the restore fix");
  }

  @Test
  void replacementUnnamedCatchParameter() {
    // Java 22+: an unnamed parameter can still have its flag restored; a broad catch cannot be
    // tested with instanceof, so it gets no fix, and is still reported.
    refactoring
        .addInputLines("Work.java", WORK)
        .expectUnchanged()
        .addInputLines(
            "A.java",
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
                    } catch (InterruptedException _) {
                      log("interrupted");
                    }
                    try {
                      fetch();
                    } catch (Exception _) {
                      log("failed");
                    }
                    work(c);
                  });
                  g.await();
                }
              }
            }
            """)
        .addOutputLines(
            "A.java",
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
                    } catch (InterruptedException _) {
                      Thread.currentThread().interrupt();
                      log("interrupted");
                      return;
                    }
                    try {
                      fetch();
                    } catch (Exception _) {
                      log("failed");
                    }
                    work(c);
                  });
                  g.await();
                }
              }
            }
            """)
        .doTest();
  }

  @Test
  void identificationPositiveUnnamedBroadCatchWithoutFix() {
    helper
        .addSourceLines("Work.java", WORK)
        .addSourceLines(
            "A.java",
            """
            package demo;
            import static demo.Work.*;
            import dev.fanout.*;
            class A {
              void run(Context ctx) throws Exception {
                try (TaskGroup g = TaskGroup.withContext(ctx)) {
                  g.go(c -> {
                    try {
                      fetch();
                    // BUG: Diagnostic contains: InterruptSwallowedInTask
                    } catch (Exception _) {
                      log("failed");
                    }
                    work(c);
                  });
                  g.await();
                }
              }
            }
            """)
        .doTest();
  }
}
