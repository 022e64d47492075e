package dev.fanout.errorprone;

import com.google.errorprone.BugCheckerRefactoringTestHelper;
import com.google.errorprone.CompilationTestHelper;
import org.junit.jupiter.api.Test;

/**
 * Identification tests for {@link BlockingWaitOnSamePool}: negatives first (each a "stays silent"
 * rule of the page), then positives (each a pool kind, a task kind or a wait kind), then a test
 * that no fix is offered.
 */
final class BlockingWaitOnSamePoolTest {
  private final CompilationTestHelper helper =
      CompilationTestHelper.newInstance(BlockingWaitOnSamePool.class, getClass());

  private void check(String... lines) {
    helper.addSourceLines("Test.java", lines).doTest();
  }

  // ================================================================ identification: negatives

  @Test
  void identificationNegativeInnerWorkOnAnotherExecutor() {
    check(
        "import java.util.concurrent.*;",
        "class Test {",
        "  private final ExecutorService outer = Executors.newFixedThreadPool(4);",
        "  private final ExecutorService inner = Executors.newFixedThreadPool(4);",
        "  Future<String> run() {",
        "    return outer.submit(() -> inner.submit(() -> \"x\").get());",
        "  }",
        "  CompletableFuture<String> stage() {",
        "    return CompletableFuture.supplyAsync(",
        "        () -> CompletableFuture.supplyAsync(() -> \"x\", inner).join(), outer);",
        "  }",
        "}");
  }

  @Test
  void identificationNegativeUnboundedOrCompensatingPools() {
    // ForkJoinPool's joins compensate with a spare thread; cached and virtual-thread executors
    // start a thread per task. None of them starves.
    check(
        "import java.util.concurrent.*;",
        "class Test {",
        "  private final ExecutorService fj = new ForkJoinPool(4);",
        "  private final ExecutorService steal = Executors.newWorkStealingPool();",
        "  private final ExecutorService cached = Executors.newCachedThreadPool();",
        "  private final ExecutorService vt = Executors.newVirtualThreadPerTaskExecutor();",
        "  private final ExecutorService common = ForkJoinPool.commonPool();",
        "  private final ExecutorService direct = new ThreadPoolExecutor(",
        "      2, 8, 1, TimeUnit.SECONDS, new SynchronousQueue<>());",
        "  void run() {",
        "    fj.submit(() -> fj.submit(() -> \"x\").get());",
        "    steal.submit(() -> steal.submit(() -> \"x\").get());",
        "    cached.submit(() -> cached.submit(() -> \"x\").get());",
        "    vt.submit(() -> vt.submit(() -> \"x\").get());",
        "    common.submit(() -> common.submit(() -> \"x\").get());",
        "    direct.submit(() -> direct.submit(() -> \"x\").get());",
        "    CompletableFuture.supplyAsync(() -> CompletableFuture.supplyAsync(() -> 1).join());",
        "  }",
        "}");
  }

  @Test
  void identificationNegativeExecutorOfUnknownOrigin() {
    check(
        "import java.util.concurrent.*;",
        "class Test {",
        "  final ExecutorService injected;",
        "  ExecutorService mutable = Executors.newFixedThreadPool(2);",
        "  private ExecutorService twice = Executors.newFixedThreadPool(2);",
        "  Test(ExecutorService injected) {",
        "    this.injected = injected;",
        "    twice = Executors.newFixedThreadPool(3);",
        "  }",
        "  static ExecutorService make() { return Executors.newFixedThreadPool(2); }",
        "  void run(ExecutorService param, Test other) {",
        "    param.submit(() -> param.submit(() -> \"x\").get());",
        "    injected.submit(() -> injected.submit(() -> \"x\").get());",
        "    mutable.submit(() -> mutable.submit(() -> \"x\").get());",
        "    twice.submit(() -> twice.submit(() -> \"x\").get());",
        "    ExecutorService made = make();",
        "    made.submit(() -> made.submit(() -> \"x\").get());",
        "    ExecutorService pick = param != null ? param : Executors.newFixedThreadPool(2);",
        "    pick.submit(() -> pick.submit(() -> \"x\").get());",
        "    ExecutorService own = Executors.newFixedThreadPool(2);",
        "    own.submit(() -> other.own().submit(() -> \"x\").get());",
        "  }",
        "  ExecutorService own() { return null; }",
        "}");
  }

  @Test
  void identificationNegativeNoWait() {
    // Fire-and-forget and composition hold no thread while the inner work waits for one.
    check(
        "import java.util.concurrent.*;",
        "class Test {",
        "  private final ExecutorService pool = Executors.newFixedThreadPool(4);",
        "  void run() {",
        "    pool.execute(() -> pool.execute(() -> {}));",
        "    pool.submit(() -> pool.submit(() -> \"x\"));",
        "    pool.submit(() -> {",
        "      Future<String> f = pool.submit(() -> \"x\");",
        "      return f.isDone() ? f.resultNow() : null;",
        "    });",
        "    CompletableFuture.supplyAsync(() -> 1, pool)",
        "        .thenCompose(v -> CompletableFuture.supplyAsync(() -> v + 1, pool))",
        "        .thenApplyAsync(v -> CompletableFuture.supplyAsync(() -> v, pool), pool);",
        "  }",
        "}");
  }

  @Test
  void identificationNegativeWaitOutsideTheTask() throws Exception {
    check(
        "import java.util.*;",
        "import java.util.concurrent.*;",
        "class Test {",
        "  private final ExecutorService pool = Executors.newFixedThreadPool(4);",
        "  String run() throws Exception {",
        "    Future<String> f = pool.submit(() -> \"x\");",
        "    List<Future<String>> all = pool.invokeAll(List.of(() -> \"a\", () -> \"b\"));",
        "    CompletableFuture.supplyAsync(() -> 1, pool).join();",
        "    return f.get() + all.size();",
        "  }",
        "  Future<String> waitsForEarlierWork() {",
        "    // Queued before the task that waits for it, so it runs first.",
        "    Future<String> first = pool.submit(() -> \"x\");",
        "    return pool.submit(() -> first.get());",
        "  }",
        "}");
  }

  @Test
  void identificationNegativeNestedTaskOnAnotherExecutor() {
    // The wait runs on a thread of other, which is not the pool that runs its work.
    check(
        "import java.util.concurrent.*;",
        "class Test {",
        "  private final ExecutorService pool = Executors.newFixedThreadPool(4);",
        "  private final ExecutorService other = Executors.newCachedThreadPool();",
        "  void run() {",
        "    pool.submit(() -> other.submit(() -> pool.submit(() -> \"x\").get()));",
        "    pool.submit(() -> new Thread(() -> {",
        "      try { pool.submit(() -> \"x\").get(); } catch (Exception e) { }",
        "    }).start());",
        "  }",
        "}");
  }

  @Test
  void identificationNegativeTaskGroup() {
    // A TaskGroup's go from one of its own tasks runs inline at the limit: no deadlock.
    check(
        "import dev.fanout.*;",
        "class Test {",
        "  void run(Context ctx) throws Exception {",
        "    try (TaskGroup g = TaskGroup.withContext(ctx)) {",
        "      g.setLimit(2);",
        "      g.go(c -> {",
        "        try (TaskGroup inner = TaskGroup.withContext(c)) {",
        "          inner.go(c2 -> {});",
        "          inner.await();",
        "        }",
        "      });",
        "      g.go(c -> g.go(c2 -> {}));",
        "      g.await();",
        "    }",
        "  }",
        "}");
  }

  @Test
  void identificationNegativeSuppressed() {
    check(
        "import java.util.concurrent.*;",
        "class Test {",
        "  private final ExecutorService pool = Executors.newFixedThreadPool(4);",
        "  @SuppressWarnings(\"BlockingWaitOnSamePool\") // at most 3 outer tasks, by design",
        "  Future<String> run() {",
        "    return pool.submit(() -> pool.submit(() -> \"x\").get());",
        "  }",
        "}");
  }

  @Test
  void identificationNegativeFutureNotFromThePool() {
    check(
        "import java.util.concurrent.*;",
        "class Test {",
        "  private final ExecutorService pool = Executors.newFixedThreadPool(4);",
        "  private final ExecutorService other = Executors.newFixedThreadPool(4);",
        "  void run(CompletableFuture<String> given) {",
        "    pool.submit(() -> given.get());",
        "    pool.submit(() -> {",
        "      Future<String> f = other.submit(() -> \"x\");",
        "      return f.get();",
        "    });",
        "    pool.submit(() -> CompletableFuture.anyOf(",
        "        CompletableFuture.supplyAsync(() -> 1, pool),",
        "        CompletableFuture.supplyAsync(() -> 2, other)).join());",
        "    pool.submit(() -> other.invokeAll(java.util.List.of(() -> 1)));",
        "  }",
        "}");
  }

  @Test
  void identificationNegativeCollectedFuturesOfAnotherPool() {
    check(
        "import java.util.*;",
        "import java.util.concurrent.*;",
        "class Test {",
        "  private final ExecutorService pool = Executors.newFixedThreadPool(4);",
        "  private final ExecutorService io = Executors.newFixedThreadPool(16);",
        "  void run(List<String> names, List<Future<String>> given) {",
        "    pool.submit(() -> {",
        "      List<Future<String>> parts = new ArrayList<>();",
        "      for (String n : names) {",
        "        parts.add(io.submit(() -> n));",
        "      }",
        "      for (Future<String> f : parts) {",
        "        f.get();",
        "      }",
        "      for (Future<String> f : given) {",
        "        f.get();",
        "      }",
        "      return CompletableFuture.anyOf(parts.toArray(new CompletableFuture<?>[0])).join();",
        "    });",
        "  }",
        "}");
  }

  // ================================================================ identification: positives

  @Test
  void identificationPositiveLocalFixedPool() {
    check(
        "import java.util.concurrent.*;",
        "class Test {",
        "  Future<String> run() {",
        "    ExecutorService pool = Executors.newFixedThreadPool(4);",
        "    return pool.submit(() -> {",
        "      // BUG: Diagnostic contains: get() waits for work submitted to pool in a task",
        "      String a = pool.submit(() -> \"a\").get();",
        "      return a;",
        "    });",
        "  }",
        "}");
  }

  @Test
  void identificationPositiveFieldPools() {
    check(
        "import java.util.concurrent.*;",
        "class Test {",
        "  private final ExecutorService pool = Executors.newSingleThreadExecutor();",
        "  private static final ScheduledExecutorService TIMER =",
        "      Executors.newScheduledThreadPool(2);",
        "  private ExecutorService late;",
        "  private final ExecutorService tpe = new ThreadPoolExecutor(",
        "      4, 4, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>());",
        "  private final ExecutorService hidden = Executors.unconfigurableExecutorService(",
        "      Executors.newFixedThreadPool(2));",
        "  void init() { late = Executors.newFixedThreadPool(8); }",
        "  void run() {",
        "    // BUG: Diagnostic contains: submitted to pool",
        "    pool.submit(() -> this.pool.submit(() -> \"x\").get());",
        "    // BUG: Diagnostic contains: submitted to TIMER",
        "    TIMER.schedule(() -> Test.TIMER.submit(() -> \"x\").get(), 1, TimeUnit.SECONDS);",
        "    // BUG: Diagnostic contains: submitted to late",
        "    late.execute(() -> { try { late.submit(() -> 1).get(); } catch (Exception e) { } });",
        "    // BUG: Diagnostic contains: submitted to tpe",
        "    tpe.submit(() -> tpe.submit(() -> 1).get());",
        "    // BUG: Diagnostic contains: submitted to hidden",
        "    hidden.submit(() -> hidden.submit(() -> 1).get());",
        "  }",
        "}");
  }

  @Test
  void identificationPositiveCompletableFutureStages() {
    check(
        "import java.util.concurrent.*;",
        "class Test {",
        "  private final ExecutorService pool = Executors.newFixedThreadPool(4);",
        "  CompletableFuture<Integer> run() {",
        "    return CompletableFuture.supplyAsync(",
        "            // BUG: Diagnostic contains: join() waits for work submitted to pool",
        "            () -> CompletableFuture.supplyAsync(() -> 1, pool).thenApply(v -> v).join(),",
        "            pool)",
        "        .thenApplyAsync(",
        "            // BUG: Diagnostic contains: CompletionStage.thenApplyAsync",
        "            v -> v + CompletableFuture.supplyAsync(() -> 2, pool).join(), pool);",
        "  }",
        "  void allOf() {",
        "    CompletableFuture.runAsync(() -> {",
        "      CompletableFuture<Integer> a = CompletableFuture.supplyAsync(() -> 1, pool);",
        "      CompletableFuture<Integer> b = CompletableFuture.supplyAsync(() -> 2);",
        "      // BUG: Diagnostic contains: join() waits for work submitted to pool",
        "      CompletableFuture.allOf(a, b).join();",
        "    }, pool);",
        "  }",
        "}");
  }

  @Test
  void identificationPositiveInvokeAllInsideATask() {
    check(
        "import java.util.*;",
        "import java.util.concurrent.*;",
        "class Test {",
        "  private final ExecutorService pool = Executors.newFixedThreadPool(4);",
        "  void run(List<Callable<String>> parts) throws Exception {",
        "    pool.submit(() -> {",
        "      // BUG: Diagnostic contains: This invokeAll runs its tasks on pool and waits",
        "      List<Future<String>> done = pool.invokeAll(parts);",
        "      // BUG: Diagnostic contains: This invokeAny runs its tasks on pool",
        "      return pool.invokeAny(parts) + done.size();",
        "    });",
        "    // Outer tasks through invokeAll: each of them waits on the same pool.",
        "    pool.invokeAll(List.of(",
        "        // BUG: Diagnostic contains: ExecutorService.invokeAll",
        "        () -> pool.submit(() -> \"a\").get(),",
        "        () -> \"b\"));",
        "  }",
        "}");
  }

  @Test
  void identificationPositiveFutureInALocal() {
    check(
        "import java.util.concurrent.*;",
        "class Test {",
        "  private final ExecutorService pool = Executors.newFixedThreadPool(4);",
        "  void run() {",
        "    pool.submit(new Callable<String>() {",
        "      @Override public String call() throws Exception {",
        "        Future<String> left = pool.submit(() -> \"l\");",
        "        Future<String> right = pool.submit(() -> \"r\");",
        "        // BUG: Diagnostic contains: get() waits for work submitted to pool",
        "        return left.get()",
        "            // BUG: Diagnostic contains: a timeout only turns the deadlock",
        "            + right.get(5, TimeUnit.SECONDS);",
        "      }",
        "    });",
        "  }",
        "}");
  }

  @Test
  void identificationPositiveCollectedFutures() {
    check(
        "import java.util.*;",
        "import java.util.concurrent.*;",
        "class Test {",
        "  private final ExecutorService pool = Executors.newFixedThreadPool(4);",
        "  void run(List<String> names) {",
        "    pool.submit(() -> {",
        "      List<Future<String>> parts = new ArrayList<>();",
        "      for (String n : names) {",
        "        parts.add(pool.submit(() -> n));",
        "      }",
        "      StringBuilder all = new StringBuilder();",
        "      for (Future<String> f : parts) {",
        "        // BUG: Diagnostic contains: get() waits for work submitted to pool",
        "        all.append(f.get());",
        "      }",
        "      // BUG: Diagnostic contains: get() waits for work submitted to pool",
        "      return all.append(parts.get(0).get()).toString();",
        "    });",
        "    pool.execute(() -> {",
        "      List<CompletableFuture<Void>> stages = new ArrayList<>();",
        "      for (String n : names) {",
        "        stages.add(CompletableFuture.runAsync(() -> {}, pool));",
        "      }",
        "      // BUG: Diagnostic contains: join() waits for work submitted to pool",
        "      CompletableFuture.allOf(stages.toArray(new CompletableFuture<?>[0])).join();",
        "    });",
        "  }",
        "}");
  }

  @Test
  void identificationPositiveOneLevelHelper() {
    check(
        "import java.util.concurrent.*;",
        "class Test {",
        "  private final ExecutorService pool = Executors.newFixedThreadPool(4);",
        "  void run() {",
        "    pool.submit(() -> report());",
        "    pool.submit(this::summary);",
        "  }",
        "  private String report() throws Exception {",
        "    Future<String> part = pool.submit(() -> \"part\");",
        "    // BUG: Diagnostic contains: in a method called from a task that runs on pool",
        "    return part.get();",
        "  }",
        "  private String summary() throws Exception {",
        "    // BUG: Diagnostic contains: in a method called from a task that runs on pool",
        "    return pool.submit(() -> \"s\").get();",
        "  }",
        "}");
  }

  // ================================================================ no fix

  @Test
  void noFixIsOffered() {
    BugCheckerRefactoringTestHelper.newInstance(BlockingWaitOnSamePool.class, getClass())
        .addInputLines(
            "Test.java",
            "import java.util.concurrent.*;",
            "class Test {",
            "  private final ExecutorService pool = Executors.newFixedThreadPool(4);",
            "  Future<String> run() {",
            "    return pool.submit(() -> pool.submit(() -> \"x\").get());",
            "  }",
            "}")
        .expectUnchanged()
        .doTest();
  }
}
