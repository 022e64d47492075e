package dev.fanout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/**
 * Many rounds of random fan-outs with random failures, errors, parent cancellations, deadlines and
 * interrupts of the awaiting thread. Each round checks: no failure is lost, a normal return means
 * every task ran, no task runs after close returns, no worker thread is left, no deadlock.
 *
 * <p>{@code -Dfanout.soak=true} runs fifty times more rounds; {@code -Dfanout.seed=N} replays one
 * seed.
 */
class TaskGroupStressTest {

  private static final boolean SOAK = Boolean.getBoolean("fanout.soak");
  private static final int ROUNDS = SOAK ? 200_000 : 8_000;
  private static final long ROUND_TIMEOUT_MS = 30_000;

  /** A task's own failure; never cancellation fallout. */
  static final class Boom extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Boom(String m) {
      super(m);
    }
  }

  /** A task's own Error; must never be wrapped away or lost. */
  static final class Crash extends Error {
    private static final long serialVersionUID = 1L;

    Crash(String m) {
      super(m);
    }
  }

  /** Counts the worker threads it makes while they run. */
  static final class CountingFactory implements ThreadFactory {
    final AtomicInteger live = new AtomicInteger();
    final AtomicInteger max = new AtomicInteger();
    final AtomicInteger count = new AtomicInteger();
    final List<Thread> made = Collections.synchronizedList(new ArrayList<>());
    private final ThreadFactory delegate;
    private final boolean retain;

    CountingFactory(ThreadFactory delegate) {
      this(delegate, true);
    }

    /** With {@code retain}, keeps every thread made in {@link #made}, to join them later. */
    CountingFactory(ThreadFactory delegate, boolean retain) {
      this.delegate = delegate;
      this.retain = retain;
    }

    @Override
    public Thread newThread(Runnable r) {
      Thread t =
          delegate.newThread(
              () -> {
                max.accumulateAndGet(live.incrementAndGet(), Math::max);
                try {
                  r.run();
                } finally {
                  live.decrementAndGet();
                }
              });
      count.incrementAndGet();
      if (retain) {
        made.add(t);
      }
      return t;
    }
  }

  @Test
  void randomRoundsLoseNothingAndLeakNothing() throws Exception {
    long seed = Long.getLong("fanout.seed", System.nanoTime());
    Random seeds = new Random(seed);
    long t0 = System.nanoTime();
    Stats stats = new Stats();
    for (int round = 0; round < ROUNDS; round++) {
      long roundSeed = seeds.nextLong();
      try {
        runRound(new Random(roundSeed), stats);
      } catch (AssertionError e) {
        throw new AssertionError(
            "round " + round + " failed; replay with -Dfanout.seed=" + seed + " (round seed " + roundSeed + ")", e);
      }
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    System.out.printf(
        "stress: %d rounds in %.1f s (seed %d): %s%n", ROUNDS, seconds, seed, stats);
    // The random mix must really exercise every path, or the test proves little.
    assertTrue(stats.failed.get() > 0 && stats.errors.get() > 0 && stats.cancelled.get() > 0
        && stats.interrupted.get() > 0 && stats.clean.get() > 0, stats.toString());
  }

  static final class Stats {
    final AtomicInteger clean = new AtomicInteger();
    final AtomicInteger failed = new AtomicInteger();
    final AtomicInteger errors = new AtomicInteger();
    final AtomicInteger cancelled = new AtomicInteger();
    final AtomicInteger interrupted = new AtomicInteger();
    final AtomicInteger tasks = new AtomicInteger();

    @Override
    public String toString() {
      return "clean=" + clean + " failed=" + failed + " error=" + errors + " cancelled=" + cancelled
          + " awaitInterrupted=" + interrupted + " tasksRun=" + tasks;
    }
  }

  private void runRound(Random rnd, Stats stats) throws Exception {
    int[] limits = {0, 1, 2, 3, 8, 32};
    int limit = limits[rnd.nextInt(limits.length)];
    int n = rnd.nextInt(40);
    boolean collectAll = rnd.nextInt(4) == 0;
    double failP = rnd.nextInt(3) == 0 ? 0.0 : rnd.nextDouble() * 0.2;
    double errorP = rnd.nextInt(10) == 0 ? 0.05 : 0.0;
    int parentKind = rnd.nextInt(4); // 0: background, 1: cancelled later, 2: short deadline, 3: live
    boolean interruptAwait = rnd.nextInt(8) == 0;
    boolean countThreads = rnd.nextBoolean();
    long cancelAfterNanos = rnd.nextInt(2_000_000);

    CancellableContext cancellable = Context.background().withCancel();
    Context parent =
        parentKind == 0
            ? Context.background()
            : parentKind == 2 ? cancellable.withTimeout(Duration.ofNanos(rnd.nextInt(3_000_000))) : cancellable;
    CountingFactory factory = countThreads ? new CountingFactory(Threads.DEFAULT) : null;
    TaskGroup.Builder b = TaskGroup.builder();
    if (limit > 0) {
      b.limit(limit);
    }
    if (collectAll) {
      b.collectAllErrors();
    }
    if (factory != null) {
      b.threadFactory(factory);
    }

    Map<Throwable, Boolean> thrown = Collections.synchronizedMap(new IdentityHashMap<>());
    AtomicInteger running = new AtomicInteger();
    AtomicInteger completed = new AtomicInteger();
    AtomicInteger maxRunning = new AtomicInteger();
    AtomicBoolean closed = new AtomicBoolean();
    AtomicInteger startedAfterClose = new AtomicInteger();
    AtomicInteger accepted = new AtomicInteger();
    AtomicReference<Throwable> outcome = new AtomicReference<>();
    AtomicReference<TaskGroup> groupRef = new AtomicReference<>();
    long[] workNanos = new long[n];
    int[] workKind = new int[n];
    int[] failKind = new int[n];
    for (int i = 0; i < n; i++) {
      workKind[i] = rnd.nextInt(5);
      workNanos[i] = rnd.nextInt(300_000);
      double x = rnd.nextDouble();
      failKind[i] = x < errorP ? 2 : x < errorP + failP ? 1 : 0;
    }

    Thread caller =
        new Thread(
            () -> {
              try (TaskGroup g = b.open(parent)) {
                groupRef.set(g);
                for (int i = 0; i < n; i++) {
                  int id = i;
                  Task task =
                      c -> {
                        if (closed.get()) {
                          startedAfterClose.incrementAndGet();
                        }
                        maxRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
                        try {
                          work(c, workKind[id], workNanos[id]);
                          if (failKind[id] == 1) {
                            Boom boom = new Boom("task " + id);
                            thrown.put(boom, true);
                            throw boom;
                          }
                          if (failKind[id] == 2) {
                            Crash crash = new Crash("task " + id);
                            thrown.put(crash, true);
                            throw crash;
                          }
                          completed.incrementAndGet();
                        } finally {
                          running.decrementAndGet();
                        }
                      };
                  if (id % 7 == 6) {
                    if (g.tryGo(task)) {
                      accepted.incrementAndGet();
                    }
                  } else {
                    g.go(task);
                    accepted.incrementAndGet();
                  }
                }
                g.await();
              } catch (Throwable t) {
                outcome.set(t);
              } finally {
                closed.set(true);
              }
            });
    caller.start();
    if (parentKind == 1) {
      LockSupport.parkNanos(cancelAfterNanos);
      cancellable.cancel(new RuntimeException("parent cancelled"));
    }
    if (interruptAwait) {
      LockSupport.parkNanos(cancelAfterNanos / 2);
      caller.interrupt();
    }
    caller.join(ROUND_TIMEOUT_MS);
    if (caller.isAlive()) {
      StringBuilder dump = new StringBuilder();
      Thread.getAllStackTraces().forEach((t, st) -> {
        dump.append(t).append('\n');
        for (StackTraceElement e : st) {
          dump.append("    at ").append(e).append('\n');
        }
      });
      fail("deadlock: the round did not end in " + ROUND_TIMEOUT_MS + " ms\n" + groupRef.get() + "\n" + dump);
    }
    cancellable.close();
    if (parent instanceof CancellableContext) {
      ((CancellableContext) parent).close();
    }

    // No task is running or starts after close returned; no worker thread is left.
    assertEquals(0, running.get(), "a task outlived close");
    Thread.sleep(0);
    assertEquals(0, startedAfterClose.get(), "a task started after close");
    TaskGroup g = groupRef.get();
    assertEquals(0, g.aliveWorkers(), "a worker outlived close");
    assertEquals(0, g.tasksInFlight());
    if (limit > 0) {
      assertTrue(maxRunning.get() <= limit, "limit " + limit + " exceeded: " + maxRunning.get());
    }
    if (factory != null) {
      // At most `limit` workers; a worker on its way out may overlap its replacement for a few
      // instructions, so live threads stay under twice the limit. Tasks never exceed it (above).
      int bound = Math.max(1, 2 * (limit > 0 ? limit : n));
      assertTrue(factory.max.get() <= bound, "threads: " + factory.max.get() + " > " + bound);
      for (Thread t : factory.made) {
        t.join(TimeUnit.SECONDS.toMillis(10));
        assertTrue(!t.isAlive(), "worker thread still alive after close: " + t);
      }
    }

    // Nothing is lost: every failure a task threw is reachable from what the caller caught.
    Throwable out = outcome.get();
    Set<Throwable> reachable = Collections.newSetFromMap(new IdentityHashMap<>());
    collect(out, reachable, 0);
    for (Throwable t : thrown.keySet()) {
      assertTrue(reachable.contains(t), "lost failure " + t + "; caller got " + out);
    }
    if (out == null) {
      assertEquals(accepted.get(), completed.get(), "await returned normally but not every task ran");
      assertTrue(thrown.isEmpty());
      stats.clean.incrementAndGet();
    } else if (out instanceof Crash) {
      stats.errors.incrementAndGet();
    } else if (out instanceof TaskFailedException) {
      assertTrue(!thrown.isEmpty(), "TaskFailedException but no task failed: " + out);
      assertTrue(thrown.containsKey(out.getCause()), "cause is not a task's failure: " + out);
      stats.failed.incrementAndGet();
    } else if (out instanceof ContextCancelledException) {
      assertTrue(parentKind != 0 || interruptAwait, "cancelled without a canceller: " + out);
      stats.cancelled.incrementAndGet();
    } else if (out instanceof InterruptedException) {
      assertTrue(interruptAwait);
      stats.interrupted.incrementAndGet();
    } else {
      throw new AssertionError("unexpected outcome", out);
    }
    stats.tasks.addAndGet(completed.get());
  }

  private static void collect(Throwable t, Set<Throwable> into, int depth) {
    if (t == null || depth > 4 || !into.add(t)) {
      return;
    }
    collect(t.getCause(), into, depth + 1);
    for (Throwable s : t.getSuppressed()) {
      collect(s, into, depth + 1);
    }
  }

  private static void work(Context c, int kind, long nanos) throws Exception {
    switch (kind) {
      case 0:
        return;
      case 1:
        TimeUnit.NANOSECONDS.sleep(nanos);
        return;
      case 2:
        long end = System.nanoTime() + nanos / 4;
        while (System.nanoTime() < end) {
          c.throwIfCancelled();
          Thread.onSpinWait();
        }
        return;
      case 3:
        new ArrayBlockingQueue<Object>(1).poll(nanos, TimeUnit.NANOSECONDS);
        return;
      default:
        Thread.yield();
    }
  }

  /** Concurrent go from several threads into one group: the count of runs is exact. */
  @Test
  void concurrentSubmittersLoseNoTask() throws Exception {
    int submitters = 4;
    int perSubmitter = SOAK ? 200_000 : 20_000;
    AtomicInteger ran = new AtomicInteger();
    Set<Thread> workerThreads = ConcurrentHashMap.newKeySet();
    try (TaskGroup g = TaskGroup.builder().limit(8).open(Context.background())) {
      List<Thread> threads = new ArrayList<>();
      for (int s = 0; s < submitters; s++) {
        Thread t =
            new Thread(
                () -> {
                  for (int i = 0; i < perSubmitter; i++) {
                    g.go(
                        c -> {
                          ran.incrementAndGet();
                          workerThreads.add(Thread.currentThread());
                        });
                  }
                });
        t.start();
        threads.add(t);
      }
      for (Thread t : threads) {
        t.join();
      }
      g.await();
    }
    assertEquals(submitters * perSubmitter, ran.get());
    assertTrue(workerThreads.size() >= 1);
  }
}
