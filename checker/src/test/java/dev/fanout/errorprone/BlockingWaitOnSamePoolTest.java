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
        """
        import java.util.concurrent.*;
        class Test {
          private final ExecutorService outer = Executors.newFixedThreadPool(4);
          private final ExecutorService inner = Executors.newFixedThreadPool(4);
          Future<String> run() {
            return outer.submit(() -> inner.submit(() -> "x").get());
          }
          CompletableFuture<String> stage() {
            return CompletableFuture.supplyAsync(
                () -> CompletableFuture.supplyAsync(() -> "x", inner).join(), outer);
          }
        }
        """);
  }

  @Test
  void identificationNegativeUnboundedOrCompensatingPools() {
    // ForkJoinPool's joins compensate with a spare thread; cached and virtual-thread executors
    // start a thread per task. None of them starves.
    check(
        """
        import java.util.concurrent.*;
        class Test {
          private final ExecutorService fj = new ForkJoinPool(4);
          private final ExecutorService steal = Executors.newWorkStealingPool();
          private final ExecutorService cached = Executors.newCachedThreadPool();
          private final ExecutorService vt = Executors.newVirtualThreadPerTaskExecutor();
          private final ExecutorService common = ForkJoinPool.commonPool();
          private final ExecutorService direct = new ThreadPoolExecutor(
              2, 8, 1, TimeUnit.SECONDS, new SynchronousQueue<>());
          void run() {
            fj.submit(() -> fj.submit(() -> "x").get());
            steal.submit(() -> steal.submit(() -> "x").get());
            cached.submit(() -> cached.submit(() -> "x").get());
            vt.submit(() -> vt.submit(() -> "x").get());
            common.submit(() -> common.submit(() -> "x").get());
            direct.submit(() -> direct.submit(() -> "x").get());
            CompletableFuture.supplyAsync(() -> CompletableFuture.supplyAsync(() -> 1).join());
          }
        }
        """);
  }

  @Test
  void identificationNegativeExecutorOfUnknownOrigin() {
    check(
        """
        import java.util.concurrent.*;
        class Test {
          final ExecutorService injected;
          ExecutorService mutable = Executors.newFixedThreadPool(2);
          private ExecutorService twice = Executors.newFixedThreadPool(2);
          Test(ExecutorService injected) {
            this.injected = injected;
            twice = Executors.newFixedThreadPool(3);
          }
          static ExecutorService make() { return Executors.newFixedThreadPool(2); }
          void run(ExecutorService param, Test other) {
            param.submit(() -> param.submit(() -> "x").get());
            injected.submit(() -> injected.submit(() -> "x").get());
            mutable.submit(() -> mutable.submit(() -> "x").get());
            twice.submit(() -> twice.submit(() -> "x").get());
            ExecutorService made = make();
            made.submit(() -> made.submit(() -> "x").get());
            ExecutorService pick = param != null ? param : Executors.newFixedThreadPool(2);
            pick.submit(() -> pick.submit(() -> "x").get());
            ExecutorService own = Executors.newFixedThreadPool(2);
            own.submit(() -> other.own().submit(() -> "x").get());
          }
          ExecutorService own() { return null; }
        }
        """);
  }

  @Test
  void identificationNegativeNoWait() {
    // Fire-and-forget and composition hold no thread while the inner work waits for one.
    check(
        """
        import java.util.concurrent.*;
        class Test {
          private final ExecutorService pool = Executors.newFixedThreadPool(4);
          void run() {
            pool.execute(() -> pool.execute(() -> {}));
            pool.submit(() -> pool.submit(() -> "x"));
            pool.submit(() -> {
              Future<String> f = pool.submit(() -> "x");
              return f.isDone() ? f.resultNow() : null;
            });
            CompletableFuture.supplyAsync(() -> 1, pool)
                .thenCompose(v -> CompletableFuture.supplyAsync(() -> v + 1, pool))
                .thenApplyAsync(v -> CompletableFuture.supplyAsync(() -> v, pool), pool);
          }
        }
        """);
  }

  @Test
  void identificationNegativeWaitOutsideTheTask() throws Exception {
    check(
        """
        import java.util.*;
        import java.util.concurrent.*;
        class Test {
          private final ExecutorService pool = Executors.newFixedThreadPool(4);
          String run() throws Exception {
            Future<String> f = pool.submit(() -> "x");
            List<Future<String>> all = pool.invokeAll(List.of(() -> "a", () -> "b"));
            CompletableFuture.supplyAsync(() -> 1, pool).join();
            return f.get() + all.size();
          }
          Future<String> waitsForEarlierWork() {
            // Queued before the task that waits for it, so it runs first.
            Future<String> first = pool.submit(() -> "x");
            return pool.submit(() -> first.get());
          }
        }
        """);
  }

  @Test
  void identificationNegativeNestedTaskOnAnotherExecutor() {
    // The wait runs on a thread of other, which is not the pool that runs its work.
    check(
        """
        import java.util.concurrent.*;
        class Test {
          private final ExecutorService pool = Executors.newFixedThreadPool(4);
          private final ExecutorService other = Executors.newCachedThreadPool();
          void run() {
            pool.submit(() -> other.submit(() -> pool.submit(() -> "x").get()));
            pool.submit(() -> new Thread(() -> {
              try { pool.submit(() -> "x").get(); } catch (Exception e) { }
            }).start());
          }
        }
        """);
  }

  @Test
  void identificationNegativeTaskGroup() {
    // A TaskGroup's go from one of its own tasks runs inline at the limit: no deadlock.
    check(
        """
        import dev.fanout.*;
        class Test {
          void run(Context ctx) throws Exception {
            try (TaskGroup g = TaskGroup.withContext(ctx)) {
              g.setLimit(2);
              g.go(c -> {
                try (TaskGroup inner = TaskGroup.withContext(c)) {
                  inner.go(c2 -> {});
                  inner.await();
                }
              });
              g.go(c -> g.go(c2 -> {}));
              g.await();
            }
          }
        }
        """);
  }

  @Test
  void identificationNegativeSuppressed() {
    check(
        """
        import java.util.concurrent.*;
        class Test {
          private final ExecutorService pool = Executors.newFixedThreadPool(4);
          @SuppressWarnings("BlockingWaitOnSamePool") // at most 3 outer tasks, by design
          Future<String> run() {
            return pool.submit(() -> pool.submit(() -> "x").get());
          }
        }
        """);
  }

  @Test
  void identificationNegativeFutureNotFromThePool() {
    check(
        """
        import java.util.concurrent.*;
        class Test {
          private final ExecutorService pool = Executors.newFixedThreadPool(4);
          private final ExecutorService other = Executors.newFixedThreadPool(4);
          void run(CompletableFuture<String> given) {
            pool.submit(() -> given.get());
            pool.submit(() -> {
              Future<String> f = other.submit(() -> "x");
              return f.get();
            });
            pool.submit(() -> CompletableFuture.anyOf(
                CompletableFuture.supplyAsync(() -> 1, pool),
                CompletableFuture.supplyAsync(() -> 2, other)).join());
            pool.submit(() -> other.invokeAll(java.util.List.of(() -> 1)));
          }
        }
        """);
  }

  @Test
  void identificationNegativeCollectedFuturesOfAnotherPool() {
    check(
        """
        import java.util.*;
        import java.util.concurrent.*;
        class Test {
          private final ExecutorService pool = Executors.newFixedThreadPool(4);
          private final ExecutorService io = Executors.newFixedThreadPool(16);
          void run(List<String> names, List<Future<String>> given) {
            pool.submit(() -> {
              List<Future<String>> parts = new ArrayList<>();
              for (String n : names) {
                parts.add(io.submit(() -> n));
              }
              for (Future<String> f : parts) {
                f.get();
              }
              for (Future<String> f : given) {
                f.get();
              }
              return CompletableFuture.anyOf(parts.toArray(new CompletableFuture<?>[0])).join();
            });
          }
        }
        """);
  }

  @Test
  void identificationNegativeWaitGuardedByIsDone() {
    // A get() that runs only once the future is done reads a result; it does not block.
    check(
        """
        import java.util.concurrent.*;
        class Test {
          private final ExecutorService pool = Executors.newFixedThreadPool(4);
          void run() {
            pool.submit(() -> {
              Future<String> f = pool.submit(() -> "x");
              if (f.isDone() && !f.isCancelled()) {
                return f.get();
              }
              return (f.isDone()) ? f.get(1, TimeUnit.SECONDS) : "pending";
            });
          }
        }
        """);
  }

  @Test
  void identificationNegativeHelperOfAnotherInstance() {
    // child::compute runs on this.pool, but compute() waits on child.pool: another pool.
    check(
        """
        import java.util.concurrent.*;
        class Node {
          private final ExecutorService pool = Executors.newFixedThreadPool(2);
          private Node child;
          Future<String> run() {
            return pool.submit(child::compute);
          }
          private String compute() throws Exception {
            return pool.submit(() -> "x").get();
          }
        }
        """);
  }

  /**
   * Unusual but valid shapes around pools, tasks and waits: records, enums, switch expressions,
   * every kind of method reference, local and anonymous classes, initializers, generic, raw and
   * wildcard futures, {@code var}. The check must not crash on any of them, and reports only the
   * marked waits (all real starvation risks).
   */
  @Test
  void identificationNegativeOddShapes() {
    helper
        .addSourceLines(
            "Odd.java",
            """
            import java.util.*;
            import java.util.concurrent.*;
            import java.util.function.*;
            class Odd {
              private static final ExecutorService POOL = Executors.newFixedThreadPool(2);
              private final ExecutorService pool = Executors.newFixedThreadPool(2);
              private final Future<?> warm = POOL.submit(() -> 1);
              private final Callable<Object> fieldTask = () -> warm.get();
              private final Future<?> early = POOL.submit(() -> warm.get());
              static {
                POOL.submit(() -> POOL.toString());
              }
              {
                pool.execute(() -> {});
              }
              record Box(ExecutorService pool, int n) {
                Box {
                  Objects.requireNonNull(pool);
                }
                Future<Integer> run() {
                  return pool.submit(() -> pool.submit(() -> n).get());
                }
              }
              record Fixed(int n) {
                static final ExecutorService R = Executors.newSingleThreadExecutor();
                Future<Integer> run() {
                  // BUG: Diagnostic contains: submitted to R
                  return R.submit(() -> R.submit(() -> n).get());
                }
              }
              enum Mode {
                A, B;
                private final ExecutorService own = Executors.newFixedThreadPool(1);
                Future<String> go() {
                  return own.submit(() -> switch (this) {
                    case A -> "a";
                    case B -> {
                      Future<String> f = CompletableFuture.completedFuture("b");
                      yield f.get();
                    }
                  });
                }
              }
              interface Job {
                default Future<String> start(ExecutorService ex) {
                  return ex.submit(() -> ex.submit(() -> "x").get());
                }
              }
              static class Base {
                Object make() { return "base"; }
              }
              static class Derived extends Base {
                private final ExecutorService ex = Executors.newFixedThreadPool(2);
                @Override Object make() { return "derived"; }
                void refs(int[] arr) throws Exception {
                  ex.submit(super::make).get();
                  ex.submit((Callable<List<String>>) ArrayList::new).get();
                  ex.submit(arr::clone).get();
                  ex.submit(Object::new);
                  ex.submit(this::make);
                  Supplier<Future<Object>> s = () -> ex.submit(super::make);
                  s.get().get();
                }
              }
              <T> Future<T> generic(Callable<T> c) {
                return pool.submit(() -> {
                  Future<T> inner = POOL.submit(c);
                  return inner.get();
                });
              }
              @SuppressWarnings({"rawtypes", "unchecked"})
              void raw() {
                pool.submit(() -> {
                  Future f = POOL.submit(() -> "x");
                  return f.get();
                });
                pool.submit(() -> {
                  Future f = pool.submit((Callable) () -> "x");
                  // BUG: Diagnostic contains: get() waits for work submitted to pool
                  return f.get();
                });
              }
              void wildcards(List<? extends Future<?>> given) {
                pool.submit(() -> {
                  for (Future<?> f : given) {
                    f.get();
                  }
                  List<Future<?>> mine = new ArrayList<>();
                  mine.add(pool.submit(() -> 1));
                  for (var f : mine) {
                    // BUG: Diagnostic contains: get() waits for work submitted to pool
                    f.get();
                  }
                  return null;
                });
              }
              void varAndSwitch(int k) {
                var local = Executors.newFixedThreadPool(3);
                local.submit(() -> {
                  var f = local.submit(() -> k);
                  int r = switch (k) {
                    // BUG: Diagnostic contains: submitted to local
                    case 0 -> f.get();
                    default -> {
                      Object o = k;
                      if (o instanceof Integer i && i > 2) {
                        yield i;
                      }
                      yield 0;
                    }
                  };
                  return r;
                });
              }
              void localAndAnonymousClasses() {
                class Local implements Callable<String> {
                  private final ExecutorService mine = Executors.newFixedThreadPool(1);
                  @Override public String call() throws Exception {
                    return mine.submit(() -> "x").get();
                  }
                }
                pool.submit(new Local());
                pool.submit(new Callable<String>() {
                  private final ExecutorService pool = Executors.newCachedThreadPool();
                  @Override public String call() throws Exception {
                    return pool.submit(() -> "shadowed").get();
                  }
                });
                Runnable later = () -> {
                  try {
                    pool.submit(() -> "x").get();
                  } catch (Exception e) {
                    Thread.currentThread().interrupt();
                  }
                };
                new Thread(later).start();
              }
              class Inner {
                Future<String> viaOuter() {
                  return pool.submit(() -> {
                    Callable<String> c = () -> "c";
                    // BUG: Diagnostic contains: submitted to pool
                    return Odd.this.pool.submit(c).get();
                  });
                }
              }
              void erroneousLooking(Object o) throws Exception {
                Object maybe = o instanceof Future<?> f ? f.get() : null;
                ((Future<?>) pool.submit(() -> maybe)).get();
                ExecutorService[] pools = {pool, POOL};
                pools[0].submit(() -> pools[0].submit(() -> 1).get());
                BiFunction<ExecutorService, Callable<String>, Future<String>> submit =
                    ExecutorService::submit;
                submit.apply(pool, () -> "x").get();
              }
            }
            """)
        .doTest();
  }

  // ================================================================ identification: positives

  @Test
  void identificationPositiveLocalFixedPool() {
    check(
        """
        import java.util.concurrent.*;
        class Test {
          Future<String> run() {
            ExecutorService pool = Executors.newFixedThreadPool(4);
            return pool.submit(() -> {
              // BUG: Diagnostic contains: get() waits for work submitted to pool in a task
              String a = pool.submit(() -> "a").get();
              return a;
            });
          }
        }
        """);
  }

  @Test
  void identificationPositiveFieldPools() {
    check(
        """
        import java.util.concurrent.*;
        class Test {
          private final ExecutorService pool = Executors.newSingleThreadExecutor();
          private static final ScheduledExecutorService TIMER =
              Executors.newScheduledThreadPool(2);
          private ExecutorService late;
          private final ExecutorService tpe = new ThreadPoolExecutor(
              4, 4, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>());
          private final ExecutorService hidden = Executors.unconfigurableExecutorService(
              Executors.newFixedThreadPool(2));
          void init() { late = Executors.newFixedThreadPool(8); }
          void run() {
            // BUG: Diagnostic contains: submitted to pool
            pool.submit(() -> this.pool.submit(() -> "x").get());
            // BUG: Diagnostic contains: submitted to TIMER
            TIMER.schedule(() -> Test.TIMER.submit(() -> "x").get(), 1, TimeUnit.SECONDS);
            // BUG: Diagnostic contains: submitted to late
            late.execute(() -> { try { late.submit(() -> 1).get(); } catch (Exception e) { } });
            // BUG: Diagnostic contains: submitted to tpe
            tpe.submit(() -> tpe.submit(() -> 1).get());
            // BUG: Diagnostic contains: submitted to hidden
            hidden.submit(() -> hidden.submit(() -> 1).get());
          }
        }
        """);
  }

  @Test
  void identificationPositiveCompletableFutureStages() {
    check(
        """
        import java.util.concurrent.*;
        class Test {
          private final ExecutorService pool = Executors.newFixedThreadPool(4);
          CompletableFuture<Integer> run() {
            return CompletableFuture.supplyAsync(
                    // BUG: Diagnostic contains: join() waits for work submitted to pool
                    () -> CompletableFuture.supplyAsync(() -> 1, pool).thenApply(v -> v).join(),
                    pool)
                .thenApplyAsync(
                    // BUG: Diagnostic contains: CompletionStage.thenApplyAsync
                    v -> v + CompletableFuture.supplyAsync(() -> 2, pool).join(), pool);
          }
          void allOf() {
            CompletableFuture.runAsync(() -> {
              CompletableFuture<Integer> a = CompletableFuture.supplyAsync(() -> 1, pool);
              CompletableFuture<Integer> b = CompletableFuture.supplyAsync(() -> 2);
              // BUG: Diagnostic contains: join() waits for work submitted to pool
              CompletableFuture.allOf(a, b).join();
            }, pool);
          }
        }
        """);
  }

  @Test
  void identificationPositiveInvokeAllInsideATask() {
    check(
        """
        import java.util.*;
        import java.util.concurrent.*;
        class Test {
          private final ExecutorService pool = Executors.newFixedThreadPool(4);
          void run(List<Callable<String>> parts) throws Exception {
            pool.submit(() -> {
              // BUG: Diagnostic contains: This invokeAll runs its tasks on pool and waits
              List<Future<String>> done = pool.invokeAll(parts);
              // BUG: Diagnostic contains: This invokeAny runs its tasks on pool
              return pool.invokeAny(parts) + done.size();
            });
            // Outer tasks through invokeAll: each of them waits on the same pool.
            pool.invokeAll(List.of(
                // BUG: Diagnostic contains: ExecutorService.invokeAll
                () -> pool.submit(() -> "a").get(),
                () -> "b"));
          }
        }
        """);
  }

  @Test
  void identificationPositiveFutureInALocal() {
    check(
        """
        import java.util.concurrent.*;
        class Test {
          private final ExecutorService pool = Executors.newFixedThreadPool(4);
          void run() {
            pool.submit(new Callable<String>() {
              @Override public String call() throws Exception {
                Future<String> left = pool.submit(() -> "l");
                Future<String> right = pool.submit(() -> "r");
                // BUG: Diagnostic contains: get() waits for work submitted to pool
                return left.get()
                    // BUG: Diagnostic contains: a timeout only turns the deadlock
                    + right.get(5, TimeUnit.SECONDS);
              }
            });
          }
        }
        """);
  }

  @Test
  void identificationPositiveCollectedFutures() {
    check(
        """
        import java.util.*;
        import java.util.concurrent.*;
        class Test {
          private final ExecutorService pool = Executors.newFixedThreadPool(4);
          void run(List<String> names) {
            pool.submit(() -> {
              List<Future<String>> parts = new ArrayList<>();
              for (String n : names) {
                parts.add(pool.submit(() -> n));
              }
              StringBuilder all = new StringBuilder();
              for (Future<String> f : parts) {
                // BUG: Diagnostic contains: get() waits for work submitted to pool
                all.append(f.get());
              }
              // BUG: Diagnostic contains: get() waits for work submitted to pool
              return all.append(parts.get(0).get()).toString();
            });
            pool.execute(() -> {
              List<CompletableFuture<Void>> stages = new ArrayList<>();
              for (String n : names) {
                stages.add(CompletableFuture.runAsync(() -> {}, pool));
              }
              // BUG: Diagnostic contains: join() waits for work submitted to pool
              CompletableFuture.allOf(stages.toArray(new CompletableFuture<?>[0])).join();
            });
          }
        }
        """);
  }

  @Test
  void identificationPositiveIsDoneOfAnotherFutureOrElseBranch() {
    check(
        """
        import java.util.concurrent.*;
        class Test {
          private final ExecutorService pool = Executors.newFixedThreadPool(4);
          void run() {
            pool.submit(() -> {
              Future<String> f = pool.submit(() -> "x");
              Future<String> g = pool.submit(() -> "y");
              if (g.isDone()) {
                // BUG: Diagnostic contains: get() waits for work submitted to pool
                return f.get();
              }
              // BUG: Diagnostic contains: get() waits for work submitted to pool
              return f.isDone() || g.isDone() ? f.get() : null;
            });
          }
        }
        """);
  }

  @Test
  void identificationPositiveOneLevelHelper() {
    check(
        """
        import java.util.concurrent.*;
        class Test {
          private final ExecutorService pool = Executors.newFixedThreadPool(4);
          void run() {
            pool.submit(() -> report());
            pool.submit(this::summary);
          }
          private String report() throws Exception {
            Future<String> part = pool.submit(() -> "part");
            // BUG: Diagnostic contains: in a method called from a task that runs on pool
            return part.get();
          }
          private String summary() throws Exception {
            // BUG: Diagnostic contains: in a method called from a task that runs on pool
            return pool.submit(() -> "s").get();
          }
        }
        """);
  }

  // ================================================================ no fix

  @Test
  void noFixIsOffered() {
    BugCheckerRefactoringTestHelper.newInstance(BlockingWaitOnSamePool.class, getClass())
        .addInputLines(
            "Test.java",
            """
            import java.util.concurrent.*;
            class Test {
              private final ExecutorService pool = Executors.newFixedThreadPool(4);
              Future<String> run() {
                return pool.submit(() -> pool.submit(() -> "x").get());
              }
            }
            """)
        .expectUnchanged()
        .doTest();
  }
}
