package dev.fanout.errorprone;

import com.google.errorprone.CompilationTestHelper;
import org.junit.jupiter.api.Test;

/**
 * Waits applied to each element of a collection of futures ({@code futures.forEach(f -> f.get())},
 * {@code futures.stream().map(Future::join)}) inside a task on the pool the futures were submitted
 * to: negatives first, then positives.
 */
final class BlockingWaitOnSamePoolElementWaitsTest {
  private final CompilationTestHelper helper =
      CompilationTestHelper.newInstance(BlockingWaitOnSamePool.class, getClass());

  private void check(String... lines) {
    helper.addSourceLines("Test.java", lines).doTest();
  }

  @Test
  void negativeElementWaitsOnAnotherPoolOrOutsideATask() {
    check(
        """
        import java.util.*;
        import java.util.concurrent.*;
        class Test {
          private final ExecutorService outer = Executors.newFixedThreadPool(4);
          private final ExecutorService inner = Executors.newFixedThreadPool(4);
          void otherPool() {
            outer.submit(() -> {
              List<Future<String>> futures = new ArrayList<>();
              futures.add(inner.submit(() -> "x"));
              List<String> out = new ArrayList<>();
              futures.forEach(f -> {
                try {
                  out.add(f.get());
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              });
              return out;
            });
          }
          List<String> notInATask() {
            List<CompletableFuture<String>> futures = new ArrayList<>();
            futures.add(CompletableFuture.supplyAsync(() -> "x", outer));
            return futures.stream().map(CompletableFuture::join).toList();
          }
        }
        """);
  }

  @Test
  void negativeShortCircuitOrUnknownStreamOrSupplierReference() {
    // findFirst may stop before the element on this pool; a filtered stream may drop it; a
    // reference on one future (f::join) is a supplier handed on, not a wait here.
    check(
        """
        import java.util.*;
        import java.util.concurrent.*;
        import java.util.function.Supplier;
        class Test {
          private final ExecutorService pool = Executors.newFixedThreadPool(4);
          void run() {
            pool.submit(() -> {
              List<CompletableFuture<String>> futures = new ArrayList<>();
              futures.add(CompletableFuture.supplyAsync(() -> "x", pool));
              futures.stream().map(CompletableFuture::join).findFirst();
              futures.stream().filter(CompletableFuture::isDone).map(CompletableFuture::join)
                  .toList();
              Supplier<String> later = futures.get(0)::join;
              return later;
            });
          }
        }
        """);
  }

  @Test
  void negativeUnboundedPool() {
    check(
        """
        import java.util.*;
        import java.util.concurrent.*;
        class Test {
          private final ExecutorService pool = Executors.newCachedThreadPool();
          void run() {
            pool.submit(() -> {
              List<CompletableFuture<String>> futures = new ArrayList<>();
              futures.add(CompletableFuture.supplyAsync(() -> "x", pool));
              return futures.stream().map(CompletableFuture::join).toList();
            });
          }
        }
        """);
  }

  @Test
  void positiveForEachLambdaWait() {
    check(
        """
        import java.util.*;
        import java.util.concurrent.*;
        class Test {
          private final ExecutorService pool = Executors.newFixedThreadPool(4);
          void run(List<String> items) {
            pool.submit(() -> {
              List<Future<String>> futures = new ArrayList<>();
              for (String item : items) {
                futures.add(pool.submit(() -> item.trim()));
              }
              List<String> out = new ArrayList<>();
              futures.forEach(f -> {
                try {
                  // BUG: Diagnostic contains: waits for work submitted to pool
                  out.add(f.get());
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              });
              return out;
            });
          }
        }
        """);
  }

  @Test
  void positiveStreamMapMethodReferenceAndLambda() {
    check(
        """
        import java.util.*;
        import java.util.concurrent.*;
        import java.util.stream.Collectors;
        class Test {
          private final ExecutorService pool = Executors.newFixedThreadPool(4);
          void run(List<String> items) {
            pool.submit(() -> {
              List<CompletableFuture<String>> futures = new ArrayList<>();
              for (String item : items) {
                futures.add(CompletableFuture.supplyAsync(() -> item.trim(), pool));
              }
              // BUG: Diagnostic contains: join() waits for work submitted to pool
              List<String> a = futures.stream().map(CompletableFuture::join).toList();
              // BUG: Diagnostic contains: join() waits for work submitted to pool
              List<String> b = futures.stream().map(f -> f.join()).collect(Collectors.toList());
              return a.size() + b.size();
            });
          }
          void viaFuture(List<String> items) {
            pool.execute(() -> {
              List<CompletableFuture<String>> futures = new ArrayList<>();
              futures.add(CompletableFuture.supplyAsync(() -> "x", pool));
              // BUG: Diagnostic contains: join() waits for work submitted to pool
              futures.forEach(CompletableFuture::join);
              // BUG: Diagnostic contains: join() waits for work submitted to pool
              futures.stream().forEach(CompletableFuture::join);
            });
          }
        }
        """);
  }
}
