package dev.fanout.bench;

import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.ListenableFuture;
import com.google.common.util.concurrent.ListeningExecutorService;
import com.google.common.util.concurrent.MoreExecutors;
import dev.fanout.Context;
import dev.fanout.TaskGroup;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.StructuredTaskScope;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The six ways to fan out that the benchmarks compare, each written the way a careful user would
 * write it with that API: same tasks, same bound, same fan-in.
 *
 * <p>{@code limit <= 0} means unbounded. Contenders that {@linkplain #usesPool() use a pool} get
 * one from the benchmark, created once per trial (a long-lived server pool, their best case): a
 * fixed pool of {@code limit} platform threads when bounded, a virtual-thread-per-task executor
 * when not. The others create their threads per fan-out, as their APIs intend.
 *
 * <p>{@code threads} (may be null) lets the memory run count threads; the benchmarks pass null and
 * each contender uses its default virtual threads.
 */
public enum Contender {
  /** Fanout's TaskGroup: limit by backpressure, first failure cancels and interrupts, waits. */
  TASKGROUP(Cancellation.STRUCTURED) {
    @Override
    Running start(int tasks, int limit, Body body, ExecutorService pool, ThreadFactory threads) {
      TaskGroup.Builder b = TaskGroup.builder();
      if (limit > 0) {
        b.limit(limit);
      }
      if (threads != null) {
        b.threadFactory(threads);
      }
      TaskGroup g = b.open(Context.background());
      try {
        for (int i = 0; i < tasks; i++) {
          g.go(c -> body.run());
        }
      } catch (Throwable t) {
        g.close();
        throw t;
      }
      return () -> {
        try (g) {
          g.await();
        }
      };
    }
  },

  /**
   * JDK 25's StructuredTaskScope (preview) with the default joiner (first failure cancels the
   * scope and interrupts the rest); a Semaphore acquired before each fork gives the bound.
   */
  STS(Cancellation.STRUCTURED) {
    @Override
    Running start(int tasks, int limit, Body body, ExecutorService pool, ThreadFactory threads)
        throws InterruptedException {
      StructuredTaskScope<Object, Void> scope =
          threads == null
              ? StructuredTaskScope.open()
              : StructuredTaskScope.open(
                  StructuredTaskScope.Joiner.awaitAllSuccessfulOrThrow(),
                  cf -> cf.withThreadFactory(threads));
      Semaphore permits = limit > 0 ? new Semaphore(limit) : null;
      try {
        for (int i = 0; i < tasks; i++) {
          if (permits == null) {
            if (scope.isCancelled()) {
              break;
            }
            scope.fork(() -> {
              body.run();
              return null;
            });
            continue;
          }
          permits.acquire();
          if (scope.isCancelled()) { // a cancelled scope does not run forks: stop submitting
            permits.release();
            break;
          }
          scope.fork(() -> {
            try {
              body.run();
            } finally {
              permits.release();
            }
            return null;
          });
        }
      } catch (Throwable t) {
        scope.close();
        throw t;
      }
      return () -> {
        try (scope) {
          scope.join();
        }
      };
    }
  },

  /**
   * A virtual-thread-per-task executor with a Semaphore for the bound; the first failure calls
   * shutdownNow (interrupts the rest, refuses new tasks) and close() waits for every thread.
   */
  VTHREAD(Cancellation.STRUCTURED) {
    @Override
    Running start(int tasks, int limit, Body body, ExecutorService pool, ThreadFactory threads)
        throws InterruptedException {
      ExecutorService ex =
          threads == null
              ? Executors.newVirtualThreadPerTaskExecutor()
              : Executors.newThreadPerTaskExecutor(threads);
      Semaphore permits = limit > 0 ? new Semaphore(limit) : null;
      AtomicReference<Throwable> failure = new AtomicReference<>();
      try {
        for (int i = 0; i < tasks; i++) {
          if (permits != null) {
            permits.acquire();
          }
          if (failure.get() != null) {
            release(permits);
            break;
          }
          try {
            ex.execute(() -> {
              try {
                body.run();
              } catch (Throwable t) {
                if (failure.compareAndSet(null, t)) {
                  ex.shutdownNow();
                }
              } finally {
                release(permits);
              }
            });
          } catch (RejectedExecutionException shutDown) {
            release(permits);
            break;
          }
        }
      } catch (Throwable t) {
        ex.shutdownNow();
        ex.close();
        throw t;
      }
      return () -> {
        ex.close();
        Throwable f = failure.get();
        if (f != null) {
          throw new ExecutionException(f);
        }
      };
    }
  },

  /** ExecutorService.invokeAll on a pool: no cancellation at all; the floor. */
  INVOKEALL(Cancellation.NONE) {
    @Override
    Running start(int tasks, int limit, Body body, ExecutorService pool, ThreadFactory threads) {
      List<Callable<Object>> calls = new ArrayList<>(tasks);
      for (int i = 0; i < tasks; i++) {
        calls.add(() -> {
          body.run();
          return null;
        });
      }
      return () -> {
        for (Future<Object> f : pool.invokeAll(calls)) {
          f.get();
        }
      };
    }
  },

  /**
   * Guava: submit to a listening executor, Futures.allAsList (fails as soon as one input fails);
   * on failure the caller cancels every input with interruption. It does not wait for them.
   */
  GUAVA(Cancellation.NO_WAIT) {
    @Override
    Running start(int tasks, int limit, Body body, ExecutorService pool, ThreadFactory threads) {
      ListeningExecutorService les = MoreExecutors.listeningDecorator(pool);
      List<ListenableFuture<Object>> futures = new ArrayList<>(tasks);
      for (int i = 0; i < tasks; i++) {
        futures.add(les.submit(() -> {
          body.run();
          return null;
        }));
      }
      ListenableFuture<List<Object>> all = Futures.allAsList(futures);
      return () -> {
        try {
          all.get();
        } catch (ExecutionException e) {
          for (ListenableFuture<Object> f : futures) {
            f.cancel(true);
          }
          throw e;
        }
      };
    }
  },

  /** CompletableFuture.runAsync on a pool and allOf(...).join(): waits for all, cannot interrupt. */
  CF(Cancellation.NONE) {
    @Override
    Running start(int tasks, int limit, Body body, ExecutorService pool, ThreadFactory threads) {
      CompletableFuture<?>[] cfs = new CompletableFuture<?>[tasks];
      for (int i = 0; i < tasks; i++) {
        cfs[i] = CompletableFuture.runAsync(() -> {
          try {
            body.run();
          } catch (Exception e) {
            throw new CompletionException(e);
          }
        }, pool);
      }
      return () -> CompletableFuture.allOf(cfs).join();
    }
  };

  /** What a contender does when one task fails. */
  public enum Cancellation {
    /** Cancels and interrupts the rest, starts no more, and waits until every task has ended. */
    STRUCTURED,
    /** Reports the failure at once and cancels the rest, but returns before they have ended. */
    NO_WAIT,
    /** Keeps running every task to the end. */
    NONE
  }

  public final Cancellation cancellation;

  Contender(Cancellation cancellation) {
    this.cancellation = cancellation;
  }

  /** Starts {@code tasks} copies of {@code body}, at most {@code limit} at once when positive. */
  abstract Running start(
      int tasks, int limit, Body body, ExecutorService pool, ThreadFactory threads)
      throws Exception;

  /** Whether the contender runs on a pool the caller provides. */
  public boolean usesPool() {
    return this == INVOKEALL || this == GUAVA || this == CF;
  }

  /** The pool this contender runs on for the given limit, or null; the caller shuts it down. */
  public ExecutorService newPool(int limit, ThreadFactory platformThreads) {
    if (!usesPool()) {
      return null;
    }
    if (limit <= 0) {
      return Executors.newVirtualThreadPerTaskExecutor();
    }
    return platformThreads == null
        ? Executors.newFixedThreadPool(limit)
        : Executors.newFixedThreadPool(limit, platformThreads);
  }

  /** One whole fan-out and fan-in. */
  public void fanOut(int tasks, int limit, Body body, ExecutorService pool) throws Exception {
    start(tasks, limit, body, pool, null).await();
  }

  private static void release(Semaphore permits) {
    if (permits != null) {
      permits.release();
    }
  }
}
