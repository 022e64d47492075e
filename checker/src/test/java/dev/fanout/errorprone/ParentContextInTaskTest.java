package dev.fanout.errorprone;

import com.google.errorprone.BugCheckerRefactoringTestHelper;
import com.google.errorprone.BugCheckerRefactoringTestHelper.TestMode;
import com.google.errorprone.CompilationTestHelper;
import org.junit.jupiter.api.Test;

/**
 * Identification tests (negatives first, then positives) and replacement tests for {@link
 * ParentContextInTask}. Every replacement's expected output is compiled by the helper.
 */
final class ParentContextInTaskTest {
  private final CompilationTestHelper helper =
      CompilationTestHelper.newInstance(ParentContextInTask.class, getClass());

  private final BugCheckerRefactoringTestHelper refactoring =
      BugCheckerRefactoringTestHelper.newInstance(ParentContextInTask.class, getClass());

  /** Shared helpers every test source can call. */
  private static final String WORK =
      """
      package demo;
      import dev.fanout.Context;
      public final class Work {
        private Work() {}
        public static void work(Context ctx) {}
        public static void work(Context ctx, Object item) {}
        public static String fetch(Context ctx, String q) { return q; }
      }
      """;

  // ================================================================ identification: negatives

  @Test
  void identificationNegativeOwnParameterAndDerivations() {
    helper
        .addSourceLines("Work.java", WORK)
        .addSourceLines(
            "A.java",
            """
            package demo;
            import static demo.Work.work;
            import dev.fanout.*;
            import java.time.Duration;
            class A {
              void run(Context ctx) throws Exception {
                try (TaskGroup g = TaskGroup.withContext(ctx)) {
                  g.go(c -> work(c));
                  g.go((Context c) -> work(c.withCancel()));
                  g.go(c -> {
                    try (CancellableContext t = c.withTimeout(Duration.ofSeconds(1))) {
                      work(t);
                      Context alias = t;
                      work(alias.withCancel());
                    }
                    if (c.isCancelled()) return;
                    c.throwIfCancelled();
                  });
                  g.tryGo(c -> work(c, c.deadline()));
                  g.await();
                }
              }
            }
            """)
        .doTest();
  }

  @Test
  void identificationNegativeGroupContext() {
    helper
        .addSourceLines("Work.java", WORK)
        .addSourceLines(
            "A.java",
            """
            package demo;
            import static demo.Work.work;
            import dev.fanout.*;
            import java.time.Duration;
            class A {
              private final TaskGroup group;
              private final Context groupCtx;
              A(Context parent) {
                group = TaskGroup.withContext(parent);
                groupCtx = group.context();
              }
              void submit() {
                group.go(c -> work(groupCtx));
              }
              void run(Context ctx) throws Exception {
                try (TaskGroup g = TaskGroup.withContext(ctx)) {
                  Context gc = g.context();
                  CancellableContext bounded = g.context().withTimeout(Duration.ofSeconds(2));
                  g.go(c -> work(g.context()));
                  g.go(c -> work(gc));
                  g.go(c -> work(bounded.withCancel()));
                  g.await();
                }
              }
            }
            """)
        .doTest();
  }

  @Test
  void identificationNegativeOutsideTaskBodies() {
    helper
        .addSourceLines("Work.java", WORK)
        .addSourceLines(
            "A.java",
            """
            package demo;
            import static demo.Work.work;
            import dev.fanout.*;
            import java.util.List;
            import java.util.concurrent.ExecutorService;
            class A {
              private Context field;
              void run(Context ctx, ExecutorService executor, List<String> items) throws Exception {
                work(ctx);
                work(Context.background());
                try (TaskGroup g = TaskGroup.builder().limit(2).open(ctx)) {
                  work(ctx);
                  work(field);
                  executor.submit(() -> work(ctx));
                  items.forEach(item -> work(ctx, item));
                  Runnable r = () -> work(field);
                  r.run();
                  g.go(c -> work(c));
                  g.await();
                }
                if (ctx.isCancelled()) return;
              }
            }
            """)
        .doTest();
  }

  @Test
  void identificationNegativeDeclaredInsideTheTask() {
    helper
        .addSourceLines("Work.java", WORK)
        .addSourceLines(
            "A.java",
            """
            package demo;
            import static demo.Work.work;
            import dev.fanout.*;
            import java.util.List;
            class A {
              private Context last;
              void run(Context ctx, List<String> items) throws Exception {
                try (TaskGroup g = TaskGroup.withContext(ctx)) {
                  g.go(c -> {
                    last = c;
                    this.last = c;
                    Context local = c;
                    work(local);
                    List<String> out = TaskGroup.map(c, 2, items, (inner, item) -> Work.fetch(inner, item));
                    new Object() {
                      Context mine = c;
                      void use() { work(mine); }
                    }.use();
                  });
                  g.go(new Task() {
                    private Context saved;
                    @Override public void run(Context mine) {
                      saved = mine;
                      work(saved);
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
  void identificationNegativeNestedGroupUsesItsOwnContexts() {
    helper
        .addSourceLines("Work.java", WORK)
        .addSourceLines(
            "A.java",
            """
            package demo;
            import static demo.Work.work;
            import dev.fanout.*;
            class A {
              void run(Context ctx) throws Exception {
                try (TaskGroup outer = TaskGroup.withContext(ctx)) {
                  outer.go(c -> {
                    try (TaskGroup inner = TaskGroup.builder().limit(2).open(c)) {
                      inner.go(ic -> work(ic));
                      inner.go(ic -> work(inner.context()));
                      inner.await();
                    }
                    work(c);
                  });
                  outer.await();
                }
              }
            }
            """)
        .doTest();
  }

  @Test
  void identificationNegativeTaskStartsSiblingInSameGroup() {
    helper
        .addSourceLines("Work.java", WORK)
        .addSourceLines(
            "A.java",
            """
            package demo;
            import static demo.Work.work;
            import dev.fanout.*;
            class A {
              void run(Context ctx) throws Exception {
                try (TaskGroup g = TaskGroup.withContext(ctx)) {
                  // Every task of g receives g's derived context: c is c2.
                  g.go(c -> g.go(c2 -> work(c)));
                  g.go(c -> {
                    boolean started = g.tryGo(c2 -> work(c.withCancel()));
                  });
                  g.await();
                }
              }
            }
            """)
        .doTest();
  }

  @Test
  void identificationNegativeCancellingOrComparingIsNotAUse() {
    helper
        .addSourceLines("Work.java", WORK)
        .addSourceLines(
            "A.java",
            """
            package demo;
            import static demo.Work.work;
            import dev.fanout.*;
            import java.util.List;
            class A {
              void firstWins(Context ctx, List<String> mirrors) throws Exception {
                try (CancellableContext stop = ctx.withCancel();
                    TaskGroup g = TaskGroup.withContext(stop)) {
                  for (String m : mirrors) {
                    g.go(c -> {
                      work(c, m);
                      stop.cancel();
                      stop.cancel(new IllegalStateException("done"));
                      stop.close();
                      if (c == ctx || c != stop) return;
                    });
                  }
                  g.await();
                }
              }
            }
            """)
        .doTest();
  }

  @Test
  void identificationNegativeTaskShapesNotModelled() {
    helper
        .addSourceLines("Work.java", WORK)
        .addSourceLines(
            "A.java",
            """
            package demo;
            import static demo.Work.work;
            import dev.fanout.*;
            class A {
              void run(Context ctx, boolean fast) throws Exception {
                try (TaskGroup g = TaskGroup.withContext(ctx)) {
                  // Known limitation, documented: a task held in a variable, or chosen by a
                  // conditional, is not followed.
                  Task t = c -> work(ctx);
                  g.go(t);
                  g.go(fast ? c -> work(ctx) : c -> work(c));
                  g.await();
                }
              }
            }
            """)
        .doTest();
  }

  @Test
  void identificationNegativeSuppressed() {
    helper
        .addSourceLines("Work.java", WORK)
        .addSourceLines(
            "A.java",
            """
            package demo;
            import static demo.Work.work;
            import dev.fanout.*;
            class A {
              private final Context ctx = Context.background();
              void run(Context parent) throws Exception {
                try (TaskGroup g = TaskGroup.withContext(parent)) {
                  g.go(c -> {
                    work(c);
                    // Audit records must be written even when the group is cancelled.
                    @SuppressWarnings("ParentContextInTask")
                    Context detached = Context.background();
                    work(detached);
                  });
                  g.go(this::step);
                  g.await();
                }
              }
              @SuppressWarnings("ParentContextInTask")
              void whole(Context parent) throws Exception {
                try (TaskGroup g = TaskGroup.withContext(parent)) {
                  g.go(c -> work(parent));
                  g.await();
                }
              }
              @SuppressWarnings("ParentContextInTask")
              private void step(Context c) { work(ctx); }
            }
            """)
        .doTest();
  }

  @Test
  void identificationNegativeOtherContextTypes() {
    helper
        .addSourceLines(
            "Context.java",
            """
            package other;
            public final class Context {
              public static Context background() { return new Context(); }
              public boolean isCancelled() { return false; }
            }
            """)
        .addSourceLines(
            "A.java",
            """
            package demo;
            import dev.fanout.TaskGroup;
            class A {
              private other.Context mine = other.Context.background();
              void run(dev.fanout.Context ctx, other.Context theirs) throws Exception {
                try (TaskGroup g = TaskGroup.withContext(ctx)) {
                  g.go(c -> {
                    if (theirs.isCancelled() || mine.isCancelled()) return;
                    other.Context.background();
                  });
                  g.await();
                }
              }
            }
            """)
        .doTest();
  }

  @Test
  void identificationNegativeMethodReferences() {
    helper
        .addSourceLines("Work.java", WORK)
        .addSourceLines(
            "Worker.java",
            """
            package demo;
            import dev.fanout.Context;
            public final class Worker {
              private final Context ctx;
              public Worker(Context ctx) { this.ctx = ctx; }
              public void run(Context c) { Work.work(ctx); }
            }
            """)
        .addSourceLines(
            "A.java",
            """
            package demo;
            import static demo.Work.work;
            import dev.fanout.*;
            class A {
              void run(Context ctx, Worker worker) throws Exception {
                try (TaskGroup g = TaskGroup.withContext(ctx)) {
                  g.go(worker::run);   // not visible in this file: silent
                  g.go(this::step);
                  g.go(A::staticStep);
                  g.await();
                }
              }
              private void step(Context c) { work(c); }
              private static void staticStep(Context c) { work(c.withCancel()); }
            }
            """)
        .doTest();
  }

  @Test
  void identificationNegativeUnusualPlacesAndShapes() {
    helper
        .addSourceLines("Work.java", WORK)
        .addSourceLines(
            "A.java",
            """
            package demo;
            import static demo.Work.work;
            import dev.fanout.*;
            import java.util.function.Consumer;
            class A {
              static {
                try (TaskGroup g = TaskGroup.withContext(Context.background())) {
                  g.go(c -> work(c));
                }
              }
              private final Consumer<TaskGroup> starter = g -> g.go(c -> work(c));
              interface Spawner {
                default void spawn(TaskGroup g, int n) {
                  g.go(c -> {
                    String kind = switch (n) {
                      case 0 -> { work(c); yield "zero"; }
                      default -> "more";
                    };
                  });
                }
              }
              static final class Step {
                Step(Context mine) { work(mine); }
              }
              void run(Context ctx) throws Exception {
                try (TaskGroup g = TaskGroup.withContext(ctx)) {
                  g.go(Step::new);
                  g.go(((c -> work(c))));
                  g.go((Task) c -> work(c));
                  starter.accept(g);
                  g.await();
                }
              }
            }
            """)
        .doTest();
  }

  // ================================================================ identification: positives

  @Test
  void identificationPositiveParentInLambda() {
    helper
        .addSourceLines("Work.java", WORK)
        .addSourceLines(
            "A.java",
            """
            package demo;
            import dev.fanout.*;
            import java.util.List;
            class A {
              interface Agent { void run(Context ctx, String query); }
              void supervise(Context ctx, List<Agent> agents, String query) throws Exception {
                try (TaskGroup g = TaskGroup.withContext(ctx)) {
                  for (Agent a : agents) {
                    // BUG: Diagnostic contains: uses the group's parent context 'ctx' instead of its own context 'c'
                    g.go(c -> a.run(ctx, query));
                  }
                  g.await();
                }
              }
            }
            """)
        .doTest();
  }

  @Test
  void identificationPositiveParentAsReceiverAndArgument() {
    helper
        .addSourceLines("Work.java", WORK)
        .addSourceLines(
            "A.java",
            """
            package demo;
            import static demo.Work.work;
            import dev.fanout.*;
            import java.util.List;
            import java.util.function.BooleanSupplier;
            class A {
              void run(Context ctx, List<String> items) throws Exception {
                try (TaskGroup g = TaskGroup.withContext(ctx)) {
                  g.go(c -> {
                    // BUG: Diagnostic contains: the group's parent context 'ctx'
                    if (ctx.isCancelled()) return;
                    // BUG: Diagnostic contains: the group's parent context 'ctx'
                    ctx.throwIfCancelled();
                    // BUG: Diagnostic contains: the group's parent context 'ctx'
                    Work.fetch(ctx, "q");
                    // BUG: Diagnostic contains: the group's parent context 'ctx'
                    BooleanSupplier s = ctx::isCancelled;
                    // BUG: Diagnostic contains: the group's parent context 'ctx'
                    items.forEach(item -> work(ctx, item));
                  });
                  g.await();
                }
              }
            }
            """)
        .doTest();
  }

  @Test
  void identificationPositiveAssignedToLocalIsReportedOnce() {
    helper
        .addSourceLines("Work.java", WORK)
        .addSourceLines(
            "A.java",
            """
            package demo;
            import static demo.Work.work;
            import dev.fanout.*;
            class A {
              void run(Context ctx) throws Exception {
                try (TaskGroup g = TaskGroup.withContext(ctx)) {
                  g.go(c -> {
                    // BUG: Diagnostic contains: the group's parent context 'ctx'
                    Context p = ctx;
                    work(p);
                    work(p.withCancel());
                  });
                  g.await();
                }
              }
            }
            """)
        .doTest();
  }

  @Test
  void identificationPositiveDerivedFromParent() {
    helper
        .addSourceLines("Work.java", WORK)
        .addSourceLines(
            "A.java",
            """
            package demo;
            import static demo.Work.work;
            import dev.fanout.*;
            import java.time.Duration;
            class A {
              void run(Context ctx) throws Exception {
                CancellableContext bounded = ctx.withTimeout(Duration.ofSeconds(5));
                try (TaskGroup g = TaskGroup.withContext(ctx)) {
                  g.go(c -> {
                    // BUG: Diagnostic contains: the group's parent context 'ctx'
                    try (CancellableContext t = ctx.withTimeout(Duration.ofSeconds(1))) {
                      work(t);
                    }
                  });
                  // BUG: Diagnostic contains: the context 'bounded' captured from the enclosing scope
                  g.go(c -> work(bounded));
                  g.go(c -> {
                    // BUG: Diagnostic contains: the context 'bounded' captured from the enclosing scope
                    CancellableContext keep = bounded;
                    work(keep);
                  });
                  g.await();
                }
              }
            }
            """)
        .doTest();
  }

  @Test
  void identificationPositiveFieldContexts() {
    helper
        .addSourceLines("Work.java", WORK)
        .addSourceLines(
            "A.java",
            """
            package demo;
            import static demo.Work.work;
            import dev.fanout.*;
            class A {
              static final Context ROOT = Context.background();
              private final Context ctx;
              A(Context ctx) { this.ctx = ctx; }
              void run() throws Exception {
                try (TaskGroup g = TaskGroup.withContext(ctx)) {
                  // BUG: Diagnostic contains: the group's parent context 'ctx'
                  g.go(c -> work(ctx));
                  // BUG: Diagnostic contains: the group's parent context 'ctx'
                  g.go(c -> work(this.ctx));
                  // BUG: Diagnostic contains: the context in field 'ROOT'
                  g.go(c -> work(ROOT));
                  // BUG: Diagnostic contains: the context in field 'ROOT'
                  g.go(c -> work(A.ROOT));
                  g.await();
                }
              }
            }
            """)
        .doTest();
  }

  @Test
  void identificationPositiveBackground() {
    helper
        .addSourceLines("Work.java", WORK)
        .addSourceLines(
            "A.java",
            """
            package demo;
            import static demo.Work.work;
            import static dev.fanout.Context.background;
            import dev.fanout.*;
            import java.time.Duration;
            class A {
              void run(Context ctx) throws Exception {
                try (TaskGroup g = TaskGroup.withContext(ctx)) {
                  // BUG: Diagnostic contains: uses Context.background() instead of its own context 'c'
                  g.go(c -> work(Context.background()));
                  // BUG: Diagnostic contains: Context.background()
                  g.go(c -> work(background().withTimeout(Duration.ofSeconds(1))));
                  g.await();
                }
              }
            }
            """)
        .doTest();
  }

  @Test
  void identificationPositiveAnonymousTaskAndTryGo() {
    helper
        .addSourceLines("Work.java", WORK)
        .addSourceLines(
            "A.java",
            """
            package demo;
            import static demo.Work.work;
            import dev.fanout.*;
            class A {
              void run(Context ctx) throws Exception {
                try (TaskGroup g = TaskGroup.withContext(ctx)) {
                  g.go(new Task() {
                    @Override public void run(Context mine) {
                      // BUG: Diagnostic contains: instead of its own context 'mine'
                      work(ctx);
                    }
                  });
                  // BUG: Diagnostic contains: the group's parent context 'ctx'
                  boolean started = g.tryGo(c -> work(ctx));
                  g.await();
                }
              }
            }
            """)
        .doTest();
  }

  @Test
  void identificationPositiveBuilderGroup() {
    helper
        .addSourceLines("Work.java", WORK)
        .addSourceLines(
            "A.java",
            """
            package demo;
            import static demo.Work.work;
            import dev.fanout.*;
            import java.util.List;
            class A {
              void run(Context parent, List<String> shards) throws Exception {
                try (TaskGroup g = TaskGroup.builder().limit(6).collectAllErrors().open(parent)) {
                  for (String shard : shards) {
                    // BUG: Diagnostic contains: the group's parent context 'parent'
                    g.go(c -> work(parent, shard));
                  }
                  g.await();
                }
              }
            }
            """)
        .doTest();
  }

  @Test
  void identificationPositiveGroupHeldInField() {
    helper
        .addSourceLines("Work.java", WORK)
        .addSourceLines(
            "A.java",
            """
            package demo;
            import static demo.Work.work;
            import dev.fanout.*;
            class A implements AutoCloseable {
              private final Context parent;
              private final TaskGroup group;
              A(Context parent) {
                this.parent = parent;
                this.group = TaskGroup.builder().limit(4).open(parent);
              }
              void submit(String item) {
                // BUG: Diagnostic contains: the context in field 'parent'
                group.go(c -> work(parent, item));
              }
              @Override public void close() { group.close(); }
            }
            """)
        .addSourceLines(
            "B.java",
            """
            package demo;
            import static demo.Work.work;
            import dev.fanout.*;
            class B {
              private final Context root = Context.background().withCancel();
              private final TaskGroup group = TaskGroup.withContext(root);
              void submit(String item) {
                // BUG: Diagnostic contains: the group's parent context 'root'
                group.go(c -> work(root, item));
              }
            }
            """)
        .doTest();
  }

  @Test
  void identificationPositiveNestedGroups() {
    helper
        .addSourceLines("Work.java", WORK)
        .addSourceLines(
            "A.java",
            """
            package demo;
            import static demo.Work.work;
            import dev.fanout.*;
            class A {
              void run(Context ctx) throws Exception {
                try (TaskGroup outer = TaskGroup.withContext(ctx)) {
                  outer.go(c -> {
                    try (TaskGroup inner = TaskGroup.withContext(c)) {
                      // BUG: Diagnostic contains: the group's parent context 'c' instead of its own context 'ic'
                      inner.go(ic -> work(c));
                      // BUG: Diagnostic contains: the context 'ctx' captured from the enclosing scope
                      inner.go(ic -> work(ctx));
                      // BUG: Diagnostic contains: the context of the enclosing group 'outer' instead of its own context 'ic'
                      inner.go(ic -> work(outer.context()));
                      inner.await();
                    }
                  });
                  outer.await();
                }
              }
            }
            """)
        .doTest();
  }

  @Test
  void identificationPositiveCapturedContexts() {
    helper
        .addSourceLines("Work.java", WORK)
        .addSourceLines(
            "A.java",
            """
            package demo;
            import static demo.Work.work;
            import dev.fanout.*;
            import java.util.List;
            class A {
              void run(Context ctx, Context request, List<Context> contexts) throws Exception {
                try (TaskGroup g = TaskGroup.withContext(ctx)) {
                  // BUG: Diagnostic contains: the context 'request' captured from the enclosing scope
                  g.go(c -> work(request));
                  for (Context each : contexts) {
                    // BUG: Diagnostic contains: the context 'each' captured from the enclosing scope
                    g.go(c -> work(each));
                  }
                  g.await();
                }
              }
            }
            """)
        .doTest();
  }

  @Test
  void identificationPositiveInsideLocalClassesOfTheTask() {
    helper
        .addSourceLines("Work.java", WORK)
        .addSourceLines(
            "A.java",
            """
            package demo;
            import static demo.Work.work;
            import dev.fanout.*;
            class A {
              static final Context ROOT = Context.background();
              void run(Context ctx) throws Exception {
                try (TaskGroup g = TaskGroup.withContext(ctx)) {
                  g.go(c -> {
                    record Step() {
                      // BUG: Diagnostic contains: the context in field 'ROOT'
                      void run() { work(ROOT); }
                    }
                    new Step().run();
                    new Runnable() {
                      @Override public void run() {
                        // BUG: Diagnostic contains: the group's parent context 'ctx'
                        work(ctx);
                      }
                    }.run();
                  });
                  g.await();
                }
              }
            }
            """)
        .doTest();
  }

  @Test
  void identificationPositiveMethodReferenceReportedOnce() {
    helper
        .addSourceLines("Work.java", WORK)
        .addSourceLines(
            "A.java",
            """
            package demo;
            import static demo.Work.work;
            import dev.fanout.*;
            class A {
              private final Context ctx;
              A(Context ctx) { this.ctx = ctx; }
              void run() throws Exception {
                try (TaskGroup g = TaskGroup.withContext(ctx)) {
                  g.go(this::step);
                  g.go(this::step);
                  g.await();
                }
              }
              private void step(Context c) {
                // BUG: Diagnostic contains: the group's parent context 'ctx' instead of its own context 'c'
                work(ctx);
              }
            }
            """)
        .doTest();
  }

  // ================================================================ replacement

  @Test
  void replacementParentBecomesTaskContext() {
    refactoring
        .addInputLines("Work.java", WORK)
        .expectUnchanged()
        .addInputLines(
            "A.java",
            """
            package demo;
            import static demo.Work.work;
            import dev.fanout.*;
            import java.time.Duration;
            import java.util.function.BooleanSupplier;
            class A {
              void run(Context ctx) throws Exception {
                try (TaskGroup g = TaskGroup.withContext(ctx)) {
                  g.go(c -> work(ctx));
                  g.go(c -> {
                    if (ctx.isCancelled()) return;
                    try (CancellableContext t = ctx.withTimeout(Duration.ofSeconds(1))) {
                      work(t);
                    }
                    BooleanSupplier s = ctx::isCancelled;
                  });
                  g.tryGo(c -> work(Context.background()));
                  g.await();
                }
              }
            }
            """)
        .addOutputLines(
            "A.java",
            """
            package demo;
            import static demo.Work.work;
            import dev.fanout.*;
            import java.time.Duration;
            import java.util.function.BooleanSupplier;
            class A {
              void run(Context ctx) throws Exception {
                try (TaskGroup g = TaskGroup.withContext(ctx)) {
                  g.go(c -> work(c));
                  g.go(c -> {
                    if (c.isCancelled()) return;
                    try (CancellableContext t = c.withTimeout(Duration.ofSeconds(1))) {
                      work(t);
                    }
                    BooleanSupplier s = c::isCancelled;
                  });
                  g.tryGo(c -> work(c));
                  g.await();
                }
              }
            }
            """)
        .doTest(TestMode.TEXT_MATCH);
  }

  @Test
  void replacementFieldAndAnonymousTask() {
    refactoring
        .addInputLines("Work.java", WORK)
        .expectUnchanged()
        .addInputLines(
            "A.java",
            """
            package demo;
            import static demo.Work.work;
            import dev.fanout.*;
            class A {
              private final Context ctx;
              A(Context ctx) { this.ctx = ctx; }
              void run() throws Exception {
                try (TaskGroup g = TaskGroup.withContext(ctx)) {
                  g.go(c -> work(this.ctx));
                  g.go(new Task() {
                    @Override public void run(Context mine) {
                      work(ctx);
                    }
                  });
                  g.go(this::step);
                  g.await();
                }
              }
              private void step(Context stepCtx) {
                work(ctx);
              }
            }
            """)
        .addOutputLines(
            "A.java",
            """
            package demo;
            import static demo.Work.work;
            import dev.fanout.*;
            class A {
              private final Context ctx;
              A(Context ctx) { this.ctx = ctx; }
              void run() throws Exception {
                try (TaskGroup g = TaskGroup.withContext(ctx)) {
                  g.go(c -> work(c));
                  g.go(new Task() {
                    @Override public void run(Context mine) {
                      work(mine);
                    }
                  });
                  g.go(this::step);
                  g.await();
                }
              }
              private void step(Context stepCtx) {
                work(stepCtx);
              }
            }
            """)
        .doTest(TestMode.TEXT_MATCH);
  }

  @Test
  void replacementNestedGroup() {
    refactoring
        .addInputLines("Work.java", WORK)
        .expectUnchanged()
        .addInputLines(
            "A.java",
            """
            package demo;
            import static demo.Work.work;
            import dev.fanout.*;
            class A {
              void run(Context ctx) throws Exception {
                try (TaskGroup outer = TaskGroup.withContext(ctx)) {
                  outer.go(c -> {
                    try (TaskGroup inner = TaskGroup.withContext(c)) {
                      inner.go(ic -> work(c));
                      inner.await();
                    }
                  });
                  outer.await();
                }
              }
            }
            """)
        .addOutputLines(
            "A.java",
            """
            package demo;
            import static demo.Work.work;
            import dev.fanout.*;
            class A {
              void run(Context ctx) throws Exception {
                try (TaskGroup outer = TaskGroup.withContext(ctx)) {
                  outer.go(c -> {
                    try (TaskGroup inner = TaskGroup.withContext(c)) {
                      inner.go(ic -> work(ic));
                      inner.await();
                    }
                  });
                  outer.await();
                }
              }
            }
            """)
        .doTest(TestMode.TEXT_MATCH);
  }

  @Test
  void replacementNamesUnnamedParameter() {
    refactoring
        .addInputLines("Work.java", WORK)
        .expectUnchanged()
        .addInputLines(
            "A.java",
            """
            package demo;
            import static demo.Work.work;
            import dev.fanout.*;
            class A {
              void run(Context parent) throws Exception {
                try (TaskGroup g = TaskGroup.withContext(parent)) {
                  g.go(_ -> work(parent));
                  g.go((Context _) -> work(parent));
                  g.await();
                }
              }
            }
            """)
        .addOutputLines(
            "A.java",
            """
            package demo;
            import static demo.Work.work;
            import dev.fanout.*;
            class A {
              void run(Context parent) throws Exception {
                try (TaskGroup g = TaskGroup.withContext(parent)) {
                  g.go(ctx -> work(ctx));
                  g.go((Context ctx) -> work(ctx));
                  g.await();
                }
              }
            }
            """)
        .doTest(TestMode.TEXT_MATCH);
  }

  @Test
  void replacementNamesUnnamedParameterOnceForSeveralUses() {
    refactoring
        .addInputLines("Work.java", WORK)
        .expectUnchanged()
        .addInputLines(
            "A.java",
            """
            package demo;
            import static demo.Work.work;
            import dev.fanout.*;
            class A {
              void run(Context parent, Context ctx) throws Exception {
                try (TaskGroup g = TaskGroup.withContext(parent)) {
                  g.go(_ -> {
                    parent.throwIfCancelled();
                    work(parent);
                    work(ctx);
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
            import static demo.Work.work;
            import dev.fanout.*;
            class A {
              void run(Context parent, Context ctx) throws Exception {
                try (TaskGroup g = TaskGroup.withContext(parent)) {
                  g.go(taskCtx -> {
                    taskCtx.throwIfCancelled();
                    work(taskCtx);
                    work(taskCtx);
                  });
                  g.await();
                }
              }
            }
            """)
        .doTest(TestMode.TEXT_MATCH);
  }

  @Test
  void replacementRenamesShadowedParameter() {
    refactoring
        .addInputLines("Work.java", WORK)
        .expectUnchanged()
        .addInputLines(
            "A.java",
            """
            package demo;
            import static demo.Work.work;
            import dev.fanout.*;
            import java.util.function.UnaryOperator;
            class A {
              void run(Context ctx) throws Exception {
                try (TaskGroup g = TaskGroup.withContext(ctx)) {
                  g.go(c -> {
                    c.throwIfCancelled();
                    UnaryOperator<String> f = new UnaryOperator<>() {
                      @Override public String apply(String c) {
                        work(ctx);
                        return c;
                      }
                    };
                    f.apply("x");
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
            import static demo.Work.work;
            import dev.fanout.*;
            import java.util.function.UnaryOperator;
            class A {
              void run(Context ctx) throws Exception {
                try (TaskGroup g = TaskGroup.withContext(ctx)) {
                  g.go(taskCtx -> {
                    taskCtx.throwIfCancelled();
                    UnaryOperator<String> f = new UnaryOperator<>() {
                      @Override public String apply(String c) {
                        work(taskCtx);
                        return c;
                      }
                    };
                    f.apply("x");
                  });
                  g.await();
                }
              }
            }
            """)
        .doTest(TestMode.TEXT_MATCH);
  }

  @Test
  void replacementCancellableParentWhereAContextFits() {
    refactoring
        .addInputLines("Work.java", WORK)
        .expectUnchanged()
        .addInputLines(
            "A.java",
            """
            package demo;
            import static demo.Work.work;
            import dev.fanout.*;
            import java.time.Duration;
            class A {
              void run(Context ctx) throws Exception {
                try (CancellableContext t = ctx.withTimeout(Duration.ofSeconds(1));
                    TaskGroup g = TaskGroup.withContext(t)) {
                  g.go(c -> work((t), "item"));
                  g.go(c -> t.throwIfCancelled());
                  g.go(c -> {
                    Context local = t;
                    work(local);
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
            import static demo.Work.work;
            import dev.fanout.*;
            import java.time.Duration;
            class A {
              void run(Context ctx) throws Exception {
                try (CancellableContext t = ctx.withTimeout(Duration.ofSeconds(1));
                    TaskGroup g = TaskGroup.withContext(t)) {
                  g.go(c -> work((c), "item"));
                  g.go(c -> c.throwIfCancelled());
                  g.go(c -> {
                    Context local = c;
                    work(local);
                  });
                  g.await();
                }
              }
            }
            """)
        .doTest(TestMode.TEXT_MATCH);
  }

  @Test
  void replacementNotOfferedWhenTaskContextDoesNotFit() {
    refactoring
        .addInputLines("Work.java", WORK)
        .expectUnchanged()
        .addInputLines(
            "A.java",
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
            """)
        .expectUnchanged()
        .doTest(TestMode.TEXT_MATCH);
  }
}
