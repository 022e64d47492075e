package dev.fanout.errorprone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.errorprone.BugCheckerRefactoringTestHelper;
import com.google.errorprone.CompilationTestHelper;
import com.google.errorprone.ErrorProneFlags;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Identification tests (negatives first, then positives) and replacement tests for {@link
 * UnboundedFanOut}. Every replacement's expected output is compiled by the helper.
 */
final class UnboundedFanOutTest {
  private final CompilationTestHelper helper =
      CompilationTestHelper.newInstance(UnboundedFanOut.class, getClass());

  private final BugCheckerRefactoringTestHelper refactoring =
      BugCheckerRefactoringTestHelper.newInstance(UnboundedFanOut.class, getClass());

  private static final String WORK =
      """
      package demo;
      import dev.fanout.*;
      public final class Work {
        private Work() {}
        public static void call(Context ctx, Object item) {}
        public static void configure(TaskGroup g) {}
        public static TaskGroup open(Context ctx) { return TaskGroup.withContext(ctx); }
      }
      """;

  // ================================================================ identification: negatives

  @Test
  void identificationNegativeLimitSet() {
    helper
        .addSourceLines("Work.java", WORK)
        .addSourceLines(
            "A.java",
            """
            package demo;
            import static demo.Work.call;
            import dev.fanout.*;
            import java.util.List;
            class A {
              void builderLimit(Context ctx, List<String> items) throws Exception {
                try (TaskGroup g = TaskGroup.builder().limit(8).open(ctx)) {
                  for (String item : items) g.go(c -> call(c, item));
                  g.await();
                }
              }
              void builderLimitThenOptions(Context ctx, List<String> items) throws Exception {
                try (TaskGroup g = TaskGroup.builder().limit(8).collectAllErrors().open(ctx)) {
                  for (String item : items) g.go(c -> call(c, item));
                  g.await();
                }
              }
              void builderExecutor(Context ctx, List<String> items, java.util.concurrent.Executor ex)
                  throws Exception {
                try (TaskGroup g = TaskGroup.builder().executor(ex).open(ctx)) {
                  for (String item : items) g.go(c -> call(c, item));
                  g.await();
                }
              }
              void setLimitBefore(Context ctx, List<String> items) throws Exception {
                try (TaskGroup g = TaskGroup.withContext(ctx)) {
                  g.setLimit(4);
                  for (String item : items) g.go(c -> call(c, item));
                  g.await();
                }
              }
              void setLimitInIf(Context ctx, List<String> items, boolean slow) throws Exception {
                try (TaskGroup g = TaskGroup.withContext(ctx)) {
                  if (slow) {
                    g.setLimit(2);
                  }
                  for (String item : items) g.go(c -> call(c, item));
                  g.await();
                }
              }
              void localWithSetLimit(Context ctx, List<String> items) throws Exception {
                @SuppressWarnings("MustBeClosedChecker")
                TaskGroup g = TaskGroup.withContext(ctx);
                g.setLimit(4);
                items.forEach(item -> g.go(c -> call(c, item)));
                g.await();
                g.close();
              }
              void map(Context ctx, List<String> items) throws Exception {
                TaskGroup.map(ctx, 4, items, (c, item) -> item.length());
              }
            }
            """)
        .doTest();
  }

  @Test
  void identificationNegativeSmallConstantLoops() {
    helper
        .addSourceLines("Work.java", WORK)
        .addSourceLines(
            "A.java",
            """
            package demo;
            import static demo.Work.call;
            import dev.fanout.*;
            import java.util.*;
            import java.util.stream.*;
            class A {
              enum Region { EU, US, APAC }
              private static final List<String> SPECIALISTS =
                  List.of("analyzer", "forecaster", "anomaly_detector", "recommender");
              void kinds(Context ctx) throws Exception {
                try (TaskGroup g = TaskGroup.withContext(ctx)) {
                  for (String s : new String[] {"a", "b"}) g.go(c -> call(c, s));
                  for (String s : List.of("a", "b", "c")) g.go(c -> call(c, s));
                  for (String s : Set.of("a", "b")) g.go(c -> call(c, s));
                  for (String s : Arrays.asList("a", "b")) g.go(c -> call(c, s));
                  Stream.of("a", "b").forEach(s -> g.go(c -> call(c, s)));
                  for (Region r : Region.values()) g.go(c -> call(c, r));
                  for (Region r : EnumSet.allOf(Region.class)) g.go(c -> call(c, r));
                  for (int i = 0; i < 4; i++) {
                    int slot = i;
                    g.go(c -> call(c, slot));
                  }
                  for (int i = 16; i > 0; i--) g.go(c -> call(c, null));
                  IntStream.range(0, 16).forEach(i -> g.go(c -> call(c, i)));
                  for (String s : SPECIALISTS) g.go(c -> call(c, s));
                  List<String> local = List.of("x", "y");
                  local.forEach(s -> g.go(c -> call(c, s)));
                  SPECIALISTS.stream().filter(s -> !s.isEmpty()).forEach(s -> g.go(c -> call(c, s)));
                  g.await();
                }
              }
              void smallProduct(Context ctx) throws Exception {
                try (TaskGroup g = TaskGroup.withContext(ctx)) {
                  for (Region r : Region.values()) {
                    for (int i = 0; i < 5; i++) g.go(c -> call(c, r));
                  }
                  g.await();
                }
              }
              void runsOnce(Context ctx, Queue<String> queue) throws Exception {
                try (TaskGroup g = TaskGroup.withContext(ctx)) {
                  while (!queue.isEmpty()) {
                    String s = queue.poll();
                    g.go(c -> call(c, s));
                    break;
                  }
                  g.await();
                }
              }
              void limitedStream(Context ctx, List<String> items) throws Exception {
                try (TaskGroup g = TaskGroup.withContext(ctx)) {
                  items.stream().limit(10).forEach(s -> g.go(c -> call(c, s)));
                  g.await();
                }
              }
            }
            """)
        .doTest();
  }

  @Test
  void identificationNegativeGroupOutOfSight() {
    helper
        .addSourceLines("Work.java", WORK)
        .addSourceLines(
            "A.java",
            """
            package demo;
            import static demo.Work.call;
            import dev.fanout.*;
            import java.util.List;
            class A {
              private final TaskGroup field;
              A(TaskGroup field) { this.field = field; }
              void parameter(TaskGroup g, List<String> items) {
                for (String item : items) g.go(c -> call(c, item));
              }
              void field(List<String> items) {
                for (String item : items) field.go(c -> call(c, item));
              }
              void fromHelper(Context ctx, List<String> items) throws Exception {
                try (TaskGroup g = Work.open(ctx)) {
                  for (String item : items) g.go(c -> call(c, item));
                  g.await();
                }
              }
              void escapesBeforeLoop(Context ctx, List<String> items) throws Exception {
                try (TaskGroup g = TaskGroup.withContext(ctx)) {
                  Work.configure(g);
                  for (String item : items) g.go(c -> call(c, item));
                  g.await();
                }
              }
              void builderFromVariable(Context ctx, List<String> items) throws Exception {
                TaskGroup.Builder b = TaskGroup.builder();
                try (TaskGroup g = b.open(ctx)) {
                  for (String item : items) g.go(c -> call(c, item));
                  g.await();
                }
              }
              void groupPerIteration(Context ctx, List<String> items) throws Exception {
                for (String item : items) {
                  try (TaskGroup g = TaskGroup.withContext(ctx)) {
                    g.go(c -> call(c, item));
                    g.go(c -> call(c, item + "!"));
                    g.await();
                  }
                }
              }
              void noLoop(Context ctx, String a, String b) throws Exception {
                try (TaskGroup g = TaskGroup.withContext(ctx)) {
                  g.go(c -> call(c, a));
                  g.go(c -> call(c, b));
                  g.await();
                }
              }
              void suppressedOnResource(Context ctx, List<String> items) throws Exception {
                try (@SuppressWarnings("UnboundedFanOut") TaskGroup g = TaskGroup.withContext(ctx)) {
                  for (String item : items) g.go(c -> call(c, item));
                  g.await();
                }
              }
              @SuppressWarnings("UnboundedFanOut")
              void suppressed(Context ctx, List<String> items) throws Exception {
                try (TaskGroup g = TaskGroup.withContext(ctx)) {
                  for (String item : items) g.go(c -> call(c, item));
                  g.await();
                }
              }
            }
            """)
        .doTest();
  }

  @Test
  void identificationNegativeExecutors() {
    helper
        .addSourceLines(
            "A.java",
            """
            package demo;
            import java.util.List;
            import java.util.concurrent.*;
            class A {
              void fixedPool(List<String> items) {
                try (ExecutorService ex = Executors.newFixedThreadPool(8)) {
                  for (String item : items) ex.submit(() -> item.length());
                }
              }
              void semaphoreInLoop(List<String> items) throws InterruptedException {
                Semaphore permits = new Semaphore(8);
                try (ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor()) {
                  for (String item : items) {
                    permits.acquire();
                    ex.submit(() -> {
                      try {
                        return item.length();
                      } finally {
                        permits.release();
                      }
                    });
                  }
                }
              }
              private final Semaphore gate = new Semaphore(8);
              private int fetch(String item) throws InterruptedException {
                gate.acquire();
                try {
                  return item.length();
                } finally {
                  gate.release();
                }
              }
              void semaphoreInHelper(List<String> items) {
                try (ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor()) {
                  for (String item : items) ex.submit(() -> fetch(item));
                }
              }
              void executorParameter(ExecutorService ex, List<String> items) {
                for (String item : items) ex.submit(() -> item.length());
              }
              void serverLoop(java.net.ServerSocket server) throws java.io.IOException {
                try (ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor()) {
                  while (true) {
                    java.net.Socket socket = server.accept();
                    ex.submit(() -> socket.getPort());
                  }
                }
              }
              private volatile boolean running = true;
              void untilStopped(BlockingQueue<String> inbox) throws InterruptedException {
                try (ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor()) {
                  while (running) {
                    String message = inbox.take();
                    ex.execute(() -> message.length());
                  }
                  while (!Thread.currentThread().isInterrupted()) {
                    String message = inbox.take();
                    ex.execute(() -> message.length());
                  }
                }
              }
              void smallLoop() {
                try (ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor()) {
                  for (String item : List.of("a", "b")) ex.submit(() -> item.length());
                }
              }
            }
            """)
        .doTest();
  }

  @Test
  void identificationNegativeForkThenLeaveTheLoop() {
    // A search loop: the first match is forked and the loop ends, so at most one task starts.
    helper
        .addSourceLines("Work.java", WORK)
        .addSourceLines(
            "A.java",
            """
            package demo;
            import static demo.Work.call;
            import dev.fanout.*;
            import java.util.*;
            import java.util.concurrent.*;
            class A {
              void firstMatch(Context ctx, List<String> items) throws Exception {
                try (TaskGroup g = TaskGroup.withContext(ctx)) {
                  for (String item : items) {
                    if (item.startsWith("x")) {
                      g.go(c -> call(c, item));
                      break;
                    }
                  }
                  g.await();
                }
              }
              void returnAfterFork(Context ctx, Iterator<String> it) throws Exception {
                try (TaskGroup g = TaskGroup.withContext(ctx)) {
                  while (it.hasNext()) {
                    String item = it.next();
                    if (!item.isEmpty()) {
                      try {
                        g.go(c -> call(c, item));
                      } finally {
                        item.length();
                      }
                      g.await();
                      return;
                    }
                  }
                }
              }
              void throwAfterFork(Context ctx, List<String> items) throws Exception {
                try (TaskGroup g = TaskGroup.withContext(ctx)) {
                  for (String item : items) {
                    if (item.isEmpty()) {
                      g.go(c -> call(c, item));
                      throw new IllegalStateException(item);
                    }
                  }
                  g.await();
                }
              }
              void executor(List<String> items) {
                try (ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor()) {
                  for (String item : items) {
                    if (item.isBlank()) {
                      ex.submit(() -> item.length());
                      break;
                    }
                  }
                }
              }
            }
            """)
        .doTest();
  }

  @Test
  void identificationNegativeBoundedByMin() {
    // Math.min(n, K) and "i < n && i < K" cap the loop at the constant K.
    helper
        .addSourceLines("Work.java", WORK)
        .addSourceLines(
            "A.java",
            """
            package demo;
            import static demo.Work.call;
            import dev.fanout.*;
            import java.util.*;
            import java.util.stream.*;
            class A {
              private static final int MAX = 8;
              void capped(Context ctx, List<String> items, int n) throws Exception {
                try (TaskGroup g = TaskGroup.withContext(ctx)) {
                  for (int i = 0; i < Math.min(items.size(), MAX); i++) {
                    String item = items.get(i);
                    g.go(c -> call(c, item));
                  }
                  for (int i = 0; i < items.size() && i < 4; i++) {
                    String item = items.get(i);
                    g.go(c -> call(c, item));
                  }
                  for (int i = 0; i <= Math.min(MAX, n); i++) g.go(c -> call(c, null));
                  items.stream().limit(Math.min(n, 4)).forEach(s -> g.go(c -> call(c, s)));
                  IntStream.range(0, Math.min(n, 4)).forEach(i -> g.go(c -> call(c, i)));
                  for (char ch = 'a'; ch <= 'f'; ch++) g.go(c -> call(c, null));
                  g.await();
                }
              }
            }
            """)
        .doTest();
  }

  @Test
  void identificationNegativeBoundedInsideTheTaskOrReassigned() {
    helper
        .addSourceLines("Work.java", WORK)
        .addSourceLines(
            "A.java",
            """
            package demo;
            import static demo.Work.call;
            import dev.fanout.*;
            import java.util.*;
            import java.util.concurrent.*;
            class A {
              private final Semaphore permits = new Semaphore(8);
              void semaphoreFieldInTask(Context ctx, List<String> items) throws Exception {
                try (TaskGroup g = TaskGroup.withContext(ctx)) {
                  for (String item : items) {
                    g.go(c -> {
                      permits.acquire();
                      try {
                        call(c, item);
                      } finally {
                        permits.release();
                      }
                    });
                  }
                  g.await();
                }
              }
              void reassigned(Context ctx, List<String> items, boolean big) throws Exception {
                TaskGroup g = TaskGroup.withContext(ctx);
                if (big) {
                  g = Work.open(ctx);
                }
                for (String item : items) g.go(c -> call(c, item));
                ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor();
                if (big) {
                  ex = Executors.newFixedThreadPool(4);
                }
                for (String item : items) ex.submit(item::length);
              }
            }
            """)
        .doTest();
  }

  /**
   * Unusual but valid shapes around groups, executors and loops: records, enums, switch
   * expressions, anonymous and local classes, initializers, every kind of method reference, labeled
   * loops, raw and wildcard element types, {@code var}, arrays passed to varargs. The check must
   * not crash on any of them and reports only the marked forks.
   */
  @Test
  void identificationNegativeOddShapes() {
    helper
        .addSourceLines("Work.java", WORK)
        .addSourceLines(
            "A.java",
            """
            package demo;
            import static demo.Work.call;
            import dev.fanout.*;
            import java.util.*;
            import java.util.concurrent.*;
            import java.util.function.*;
            import java.util.stream.*;
            class A {
              static final List<String> NAMES;
              static {
                NAMES = new ArrayList<>();
                try (TaskGroup g = TaskGroup.withContext(Context.background())) {
                  for (String n : NAMES) g.go(c -> call(c, n));
                  g.await();
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              }
              {
                ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor();
                for (String n : NAMES) ex.submit(() -> n.length());
              }
              private final Consumer<List<String>> field =
                  items -> {
                    try (var ex = Executors.newVirtualThreadPerTaskExecutor()) {
                      items.forEach(i -> ex.execute(i::length));
                    }
                  };
              record Batch(List<String> items) {
                void run(Context ctx) throws Exception {
                  try (var g = TaskGroup.withContext(ctx)) {
                    // BUG: Diagnostic contains: UnboundedFanOut
                    for (var item : items) g.go(c -> call(c, item));
                    g.await();
                  }
                }
              }
              enum Region {
                EU, US;
                void fan(Context ctx, List<String> items) throws Exception {
                  try (TaskGroup g = TaskGroup.withContext(ctx)) {
                    for (Region r : values()) g.go(c -> call(c, r));
                    for (String i : items) {
                      // BUG: Diagnostic contains: UnboundedFanOut
                      g.go(new Task() {
                        @Override public void run(Context c) {
                          call(c, i);
                        }
                      });
                    }
                    g.await();
                  }
                }
              }
              private void work(Context c) {}
              static class Base {
                Object make() { return "b"; }
              }
              static class Derived extends Base {
                @Override Object make() { return "d"; }
                void refs(List<int[]> arrays) {
                  try (ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor()) {
                    for (int[] arr : arrays) {
                      // BUG: Diagnostic contains: thread-per-task executor
                      ex.submit(arr::clone);
                      ex.submit(super::make);
                      ex.submit(Object::new);
                      ex.submit((Callable<List<String>>) ArrayList::new);
                    }
                  }
                }
              }
              void methodRefs(Context ctx, Collection<? extends Number> nums) throws Exception {
                try (TaskGroup g = TaskGroup.withContext(ctx)) {
                  for (Number n : nums) {
                    // BUG: Diagnostic contains: UnboundedFanOut
                    g.go(this::work);
                  }
                  g.await();
                }
              }
              int switches(Context ctx, List<String> items, int k) throws Exception {
                try (TaskGroup g = TaskGroup.withContext(ctx)) {
                  int r = switch (k) {
                    case 0 -> {
                      for (String i : items) {
                        // BUG: Diagnostic contains: UnboundedFanOut
                        g.go(c -> call(c, i));
                      }
                      yield 0;
                    }
                    default -> items.size();
                  };
                  for (String i : items) {
                    switch (i) {
                      case "a":
                        // BUG: Diagnostic contains: UnboundedFanOut
                        g.go(c -> call(c, i));
                        break;
                      default:
                        break;
                    }
                  }
                  g.await();
                  return r;
                }
              }
              void labeledAndDo(Context ctx, List<List<String>> rows, Iterator<String> it)
                  throws Exception {
                try (TaskGroup g = TaskGroup.withContext(ctx)) {
                  outer:
                  for (List<String> row : rows) {
                    for (String cell : row) {
                      if (cell.isEmpty()) {
                        continue outer;
                      }
                      // BUG: Diagnostic contains: UnboundedFanOut
                      g.go(c -> call(c, cell));
                      break;
                    }
                  }
                  do {
                    String next = it.next();
                    // BUG: Diagnostic contains: UnboundedFanOut
                    g.go(c -> call(c, next));
                  } while (it.hasNext());
                  for (;;) {
                    if (!it.hasNext()) {
                      break;
                    }
                    String next = it.next();
                    g.go(c -> call(c, next));
                  }
                  g.await();
                }
              }
              void localAndAnonymousClasses(Context ctx, List<String> items) throws Exception {
                class Local {
                  void fan() throws Exception {
                    try (TaskGroup g = TaskGroup.withContext(ctx)) {
                      // BUG: Diagnostic contains: UnboundedFanOut
                      for (String i : items) g.go(c -> call(c, i));
                      g.await();
                    }
                  }
                }
                new Local().fan();
                Runnable r = new Runnable() {
                  @Override public void run() {
                    try (var ex = Executors.newVirtualThreadPerTaskExecutor()) {
                      // BUG: Diagnostic contains: thread-per-task executor
                      items.stream().map(i -> CompletableFuture.runAsync(i::length, ex)).toList();
                    }
                  }
                };
                r.run();
              }
              class Inner {
                void fan(Context ctx, Map<String, Integer> m) throws Exception {
                  try (TaskGroup g = TaskGroup.withContext(ctx)) {
                    // BUG: Diagnostic contains: UnboundedFanOut
                    m.forEach((k, v) -> g.go(c -> call(c, k)));
                    g.await();
                  }
                }
              }
              @SuppressWarnings({"rawtypes", "unchecked"})
              <T extends Comparable<T>> void genericRaw(Context ctx, List raw, T[] ts, int[] ints)
                  throws Exception {
                try (TaskGroup g = TaskGroup.withContext(ctx)) {
                  for (Object o : raw) {
                    // BUG: Diagnostic contains: UnboundedFanOut
                    g.go(c -> call(c, o));
                  }
                  Stream.of(ints).forEach(a -> g.go(c -> call(c, a)));
                  Arrays.asList(ints).forEach(a -> g.go(c -> call(c, a)));
                  String[] few = {"a", "b"};
                  for (String f : List.of(few)) g.go(c -> call(c, f));
                  Stream.of(few).forEach(f -> g.go(c -> call(c, f)));
                  Optional.of(ts).ifPresent(a -> g.go(c -> call(c, a)));
                  g.await();
                }
              }
            }
            """)
        .doTest();
  }

  // ================================================================ identification: positives

  @Test
  void identificationPositiveGroups() {
    helper
        .addSourceLines("Work.java", WORK)
        .addSourceLines(
            "A.java",
            """
            package demo;
            import static demo.Work.call;
            import dev.fanout.*;
            import java.util.*;
            class A {
              void forEachOverParameter(Context ctx, List<String> accounts) throws Exception {
                try (TaskGroup g = TaskGroup.withContext(ctx)) {
                  for (String account : accounts) {
                    // BUG: Diagnostic contains: loop over data of unknown size into a TaskGroup with no limit
                    g.go(c -> call(c, account));
                    g.go(c -> call(c, account + "/history"));
                  }
                  g.await();
                }
              }
              void streamForEach(Context ctx, Map<String, Integer> holdings) throws Exception {
                try (TaskGroup g = TaskGroup.builder().collectAllErrors().open(ctx)) {
                  // BUG: Diagnostic contains: g.setLimit(16)
                  holdings.keySet().stream().filter(h -> !h.isEmpty()).forEach(h -> g.go(c -> call(c, h)));
                  g.await();
                }
              }
              void whileOverQueue(Context ctx, Queue<String> queue) throws Exception {
                try (TaskGroup g = TaskGroup.withContext(ctx)) {
                  String next;
                  while ((next = queue.poll()) != null) {
                    String item = next;
                    // BUG: Diagnostic contains: UnboundedFanOut
                    g.go(c -> call(c, item));
                  }
                  g.await();
                }
              }
              void countedToSize(Context ctx, List<String> items) throws Exception {
                try (TaskGroup g = TaskGroup.withContext(ctx)) {
                  for (int i = 0; i < items.size(); i++) {
                    int slot = i;
                    // BUG: Diagnostic contains: UnboundedFanOut
                    g.go(c -> call(c, items.get(slot)));
                  }
                  g.await();
                }
              }
              void tryGo(Context ctx, Iterator<String> it) throws Exception {
                try (TaskGroup g = TaskGroup.withContext(ctx)) {
                  while (it.hasNext()) {
                    String item = it.next();
                    // BUG: Diagnostic contains: UnboundedFanOut
                    if (!g.tryGo(c -> call(c, item))) {
                      break;
                    }
                  }
                  g.await();
                }
              }
              void constantButLarge(Context ctx) throws Exception {
                try (TaskGroup g = TaskGroup.withContext(ctx)) {
                  for (int i = 0; i < 1000; i++) {
                    int shard = i;
                    // BUG: Diagnostic contains: loop of up to 1000 iterations
                    g.go(c -> call(c, shard));
                  }
                  g.await();
                }
              }
              void nestedSmallLoopsMultiply(Context ctx) throws Exception {
                try (TaskGroup g = TaskGroup.withContext(ctx)) {
                  for (int i = 0; i < 10; i++) {
                    for (int j = 0; j < 10; j++) {
                      // BUG: Diagnostic contains: loop of up to 100 iterations
                      g.go(c -> call(c, null));
                    }
                  }
                  g.await();
                }
              }
              void setLimitAfterLoop(Context ctx, List<String> items) throws Exception {
                try (TaskGroup g = TaskGroup.withContext(ctx)) {
                  for (String item : items) {
                    // BUG: Diagnostic contains: UnboundedFanOut
                    g.go(c -> call(c, item));
                  }
                  g.setLimit(2);
                  g.await();
                }
              }
              void twoLoopsTwoFindings(Context ctx, List<String> a, List<String> b) throws Exception {
                try (TaskGroup g = TaskGroup.withContext(ctx)) {
                  // BUG: Diagnostic contains: UnboundedFanOut
                  for (String item : a) g.go(c -> call(c, item));
                  // BUG: Diagnostic contains: UnboundedFanOut
                  b.forEach(item -> g.go(c -> call(c, item)));
                  g.await();
                }
              }
              void leavesOnlySometimes(Context ctx, List<String> items, List<String> more)
                  throws Exception {
                try (TaskGroup g = TaskGroup.withContext(ctx)) {
                  for (String item : items) {
                    for (String m : more) {
                      // BUG: Diagnostic contains: UnboundedFanOut
                      g.go(c -> call(c, item + m));
                      break; // leaves the inner loop only
                    }
                  }
                  for (String item : items) {
                    try {
                      // BUG: Diagnostic contains: UnboundedFanOut
                      g.go(c -> call(c, item));
                      throw new IllegalStateException(); // caught below: the loop goes on
                    } catch (IllegalStateException e) {
                      item.length();
                    }
                  }
                  for (String item : items) {
                    if (item.isEmpty()) {
                      continue;
                    }
                    // BUG: Diagnostic contains: UnboundedFanOut
                    g.go(c -> call(c, item));
                    if (item.length() > 1) {
                      continue;
                    }
                    break;
                  }
                  for (int i = 0; i < items.size() && i < 1000; i++) {
                    // BUG: Diagnostic contains: loop of up to 1000 iterations
                    g.go(c -> call(c, null));
                  }
                  g.await();
                }
              }
              void insideTask(Context ctx, List<String> items) throws Exception {
                try (TaskGroup g = TaskGroup.withContext(ctx)) {
                  g.go(
                      c -> {
                        for (String item : items) {
                          // BUG: Diagnostic contains: UnboundedFanOut
                          g.go(c2 -> call(c2, item));
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
  void identificationPositiveExecutors() {
    helper
        .addSourceLines(
            "A.java",
            """
            package demo;
            import java.util.List;
            import java.util.concurrent.*;
            class A {
              List<Future<Integer>> submit(List<String> items) {
                try (ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor()) {
                  List<Future<Integer>> out = new java.util.ArrayList<>();
                  for (String item : items) {
                    // BUG: Diagnostic contains: Semaphore
                    out.add(ex.submit(() -> item.length()));
                  }
                  return out;
                }
              }
              void execute(List<String> items, ThreadFactory factory) {
                ExecutorService ex = Executors.newThreadPerTaskExecutor(factory);
                // BUG: Diagnostic contains: thread-per-task executor
                items.forEach(item -> ex.execute(() -> item.length()));
                ex.close();
              }
              List<CompletableFuture<Integer>> async(List<String> items) {
                var ex = Executors.newVirtualThreadPerTaskExecutor();
                return items.stream()
                    // BUG: Diagnostic contains: UnboundedFanOut
                    .map(item -> CompletableFuture.supplyAsync(() -> item.length(), ex))
                    .toList();
              }
            }
            """)
        .doTest();
  }

  // ================================================================ replacement

  @Test
  void replacementTryWithResources() {
    refactoring
        .addInputLines("Work.java", WORK)
        .expectUnchanged()
        .addInputLines(
            "A.java",
            """
            package demo;
            import static demo.Work.call;
            import dev.fanout.*;
            import java.util.List;
            class A {
              void run(Context ctx, List<String> items, List<String> more) throws Exception {
                try (TaskGroup group = TaskGroup.withContext(ctx)) {
                  for (String item : items) group.go(c -> call(c, item));
                  for (String item : more) group.go(c -> call(c, item));
                  group.await();
                }
              }
            }
            """)
        .addOutputLines(
            "A.java",
            """
            package demo;
            import static demo.Work.call;
            import dev.fanout.*;
            import java.util.List;
            class A {
              void run(Context ctx, List<String> items, List<String> more) throws Exception {
                try (TaskGroup group = TaskGroup.withContext(ctx)) {
                  group.setLimit(16);
                  for (String item : items) group.go(c -> call(c, item));
                  for (String item : more) group.go(c -> call(c, item));
                  group.await();
                }
              }
            }
            """)
        .doTest();
  }

  @Test
  void replacementLocalVariable() {
    refactoring
        .addInputLines("Work.java", WORK)
        .expectUnchanged()
        .addInputLines(
            "A.java",
            """
            package demo;
            import static demo.Work.call;
            import dev.fanout.*;
            import java.util.List;
            class A {
              void run(Context ctx, List<String> items) throws Exception {
                TaskGroup g = TaskGroup.withContext(ctx);
                items.forEach(item -> g.go(c -> call(c, item)));
                g.await();
                g.close();
              }
            }
            """)
        .addOutputLines(
            "A.java",
            """
            package demo;
            import static demo.Work.call;
            import dev.fanout.*;
            import java.util.List;
            class A {
              void run(Context ctx, List<String> items) throws Exception {
                TaskGroup g = TaskGroup.withContext(ctx);
                g.setLimit(16);
                items.forEach(item -> g.go(c -> call(c, item)));
                g.await();
                g.close();
              }
            }
            """)
        .doTest();
  }

  @Test
  void replacementBuilderAndCustomLimit() {
    refactoring
        .setArgs("-XepOpt:UnboundedFanOut:Limit=32")
        .addInputLines("Work.java", WORK)
        .expectUnchanged()
        .addInputLines(
            "A.java",
            """
            package demo;
            import static demo.Work.call;
            import dev.fanout.*;
            import java.util.List;
            class A {
              void run(Context ctx, List<String> items) throws Exception {
                try (TaskGroup g = TaskGroup.builder().collectAllErrors().open(ctx)) {
                  for (String item : items) g.go(c -> call(c, item));
                  g.await();
                }
              }
              void withContext(Context ctx) throws Exception {
                try (TaskGroup g = TaskGroup.withContext(ctx)) {
                  for (int i = 0; i < 20; i++) g.go(c -> call(c, null));
                  g.await();
                }
              }
            }
            """)
        .addOutputLines(
            "A.java",
            """
            package demo;
            import static demo.Work.call;
            import dev.fanout.*;
            import java.util.List;
            class A {
              void run(Context ctx, List<String> items) throws Exception {
                try (TaskGroup g = TaskGroup.builder().collectAllErrors().limit(32).open(ctx)) {
                  for (String item : items) g.go(c -> call(c, item));
                  g.await();
                }
              }
              void withContext(Context ctx) throws Exception {
                try (TaskGroup g = TaskGroup.withContext(ctx)) {
                  for (int i = 0; i < 20; i++) g.go(c -> call(c, null));
                  g.await();
                }
              }
            }
            """)
        .doTest();
  }

  @Test
  void replacementNoneInAMultiVariableDeclaration() {
    // "TaskGroup a = .., b = ..;": a statement after a's declarator would split the declaration.
    refactoring
        .addInputLines("Work.java", WORK)
        .expectUnchanged()
        .addInputLines(
            "A.java",
            """
            package demo;
            import static demo.Work.call;
            import dev.fanout.*;
            import java.util.List;
            class A {
              void run(Context ctx, List<String> items) throws Exception {
                TaskGroup a = TaskGroup.withContext(ctx), b = TaskGroup.withContext(ctx);
                items.forEach(item -> a.go(c -> call(c, item)));
                a.await();
                b.await();
              }
            }
            """)
        .expectUnchanged()
        .doTest();
  }

  @Test
  void replacementNoneForExecutor() {
    refactoring
        .addInputLines("Work.java", WORK)
        .expectUnchanged()
        .addInputLines(
            "A.java",
            """
            package demo;
            import static demo.Work.call;
            import dev.fanout.*;
            import java.util.List;
            import java.util.concurrent.*;
            class A {
              void executor(List<String> items) {
                try (ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor()) {
                  for (String item : items) ex.submit(() -> item.length());
                }
              }
            }
            """)
        .expectUnchanged()
        .doTest();
  }

  // ================================================================ the flag

  @Test
  void limitFlag() {
    assertEquals(FanoutFlags.DEFAULT_LIMIT, limitOf(ErrorProneFlags.empty()));
    assertEquals(5, limitOf(ErrorProneFlags.fromMap(Map.of(FanoutFlags.LIMIT, "5"))));
    for (String bad : new String[] {"0", "-3", "many", ""}) {
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () -> new UnboundedFanOut(ErrorProneFlags.fromMap(Map.of(FanoutFlags.LIMIT, bad))));
      assertTrue(e.getMessage().contains("positive integer"), e.getMessage());
    }
  }

  @Test
  void limitFlagInvalidStopsTheCompilationWithItsMessage() {
    Throwable thrown =
        assertThrows(
            Throwable.class,
            () ->
                helper
                    .setArgs("-XepOpt:UnboundedFanOut:Limit=0")
                    .addSourceLines("A.java", "package demo;", "class A {}")
                    .doTest());
    StringBuilder messages = new StringBuilder();
    for (Throwable t = thrown; t != null; t = t.getCause()) {
      messages.append(t).append('\n');
    }
    assertTrue(
        messages.toString().contains("UnboundedFanOut:Limit must be a positive integer"),
        messages.toString());
  }

  private static int limitOf(ErrorProneFlags flags) {
    return FanoutFlags.parseLimit(flags.get(FanoutFlags.LIMIT));
  }

  @Test
  void identificationCustomLimitWidensSmall() {
    helper
        .setArgs("-XepOpt:UnboundedFanOut:Limit=4")
        .addSourceLines("Work.java", WORK)
        .addSourceLines(
            "A.java",
            """
            package demo;
            import static demo.Work.call;
            import dev.fanout.*;
            import java.util.List;
            class A {
              void run(Context ctx) throws Exception {
                try (TaskGroup g = TaskGroup.withContext(ctx)) {
                  for (String s : List.of("a", "b", "c", "d")) g.go(c -> call(c, s));
                  // BUG: Diagnostic contains: g.setLimit(4)
                  for (String s : List.of("a", "b", "c", "d", "e")) g.go(c -> call(c, s));
                  g.await();
                }
              }
            }
            """)
        .doTest();
  }
}
