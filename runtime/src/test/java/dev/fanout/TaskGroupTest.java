package dev.fanout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class TaskGroupTest {

  // --- success and visibility -------------------------------------------------------------------

  @Test
  void everyTaskRunsAndItsWritesAreVisibleAfterAwait() throws Exception {
    int n = 10_000;
    int[] results = new int[n]; // plain array: await's happens-before makes this correct
    try (TaskGroup g = TaskGroup.withContext(Context.background())) {
      g.setLimit(16);
      for (int i = 0; i < n; i++) {
        int slot = i;
        g.go(c -> results[slot] = slot * 2);
      }
      g.await();
    }
    for (int i = 0; i < n; i++) {
      assertEquals(i * 2, results[i]);
    }
  }

  @Test
  void tasksReceiveTheGroupsDerivedContext() throws Exception {
    AtomicReference<Context> seen = new AtomicReference<>();
    try (CancellableContext parent = Context.background().withCancel();
        TaskGroup g = TaskGroup.withContext(parent)) {
      g.go(seen::set);
      g.await();
      assertSame(g.context(), seen.get());
      assertTrue(g.context().isCancelled(), "the derived context ends with the group");
      assertFalse(parent.isCancelled(), "ending the group never cancels the parent");
    }
  }

  @Test
  void emptyGroupAwaitsAtOnce() throws Exception {
    try (TaskGroup g = TaskGroup.withContext(Context.background())) {
      g.await();
    }
  }

  // --- first failure ----------------------------------------------------------------------------

  @Test
  void firstFailureCancelsTheContextWithItselfAsCauseAndAwaitThrowsIt() throws Exception {
    IOException boom = new IOException("specialist down");
    AtomicReference<Throwable> causeSeenBySibling = new AtomicReference<>();
    TaskGroup g = TaskGroup.withContext(Context.background());
    try (g) {
      CountDownLatch siblingStarted = new CountDownLatch(1);
      g.go(
          c -> {
            siblingStarted.countDown();
            try {
              Thread.sleep(60_000);
            } catch (InterruptedException e) {
              causeSeenBySibling.set(c.cause());
              throw e;
            }
          });
      siblingStarted.await();
      g.go(
          c -> {
            throw boom;
          });
      TaskFailedException e = assertThrows(TaskFailedException.class, g::await);
      assertSame(boom, e.getCause(), "the original exception, not a copy");
      assertEquals(List.of(boom), e.failures(), "the sibling's interrupt is fallout, not a failure");
      assertEquals(0, e.getSuppressed().length);
      assertTrue(
          Arrays.stream(boom.getStackTrace()).anyMatch(f -> f.getMethodName().contains("lambda")),
          "the task's own stack trace is kept");
    }
    assertSame(boom, causeSeenBySibling.get());
    assertSame(boom, g.context().cause());
  }

  @Test
  void cancellationInterruptsTasksBlockedInSleepsAndQueues() throws Exception {
    int blocked = 8;
    CountDownLatch started = new CountDownLatch(blocked);
    AtomicInteger interrupted = new AtomicInteger();
    long t0 = System.nanoTime();
    try (TaskGroup g = TaskGroup.withContext(Context.background())) {
      for (int i = 0; i < blocked; i++) {
        boolean useQueue = i % 2 == 0;
        g.go(
            c -> {
              started.countDown();
              try {
                if (useQueue) {
                  new ArrayBlockingQueue<Object>(1).take();
                } else {
                  Thread.sleep(60_000);
                }
              } catch (InterruptedException e) {
                interrupted.incrementAndGet();
                throw e;
              }
            });
      }
      started.await();
      g.go(
          c -> {
            throw new IllegalStateException("fail");
          });
      assertThrows(TaskFailedException.class, g::await);
    }
    assertEquals(blocked, interrupted.get());
    assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(30));
  }

  @Test
  void noTaskStartsAfterCancellation() throws Exception {
    AtomicInteger ran = new AtomicInteger();
    try (TaskGroup g = TaskGroup.withContext(Context.background())) {
      g.setLimit(1);
      g.go(
          c -> {
            throw new IllegalStateException("first");
          });
      // Queued behind the failing task or submitted after it: none may start once it failed.
      for (int i = 0; i < 100; i++) {
        g.go(c -> ran.incrementAndGet());
      }
      assertThrows(TaskFailedException.class, g::await);
    }
    // With limit 1 the failing task may finish before later ones are even accepted; those that
    // ran did so before the failure. What matters: nothing ran after the context was cancelled.
    AtomicInteger afterCancel = new AtomicInteger();
    try (TaskGroup g = TaskGroup.withContext(Context.background())) {
      g.go(
          c -> {
            throw new IllegalStateException("first");
          });
      while (!g.context().isCancelled()) {
        Thread.onSpinWait();
      }
      for (int i = 0; i < 100; i++) {
        g.go(c -> afterCancel.incrementAndGet());
        assertFalse(g.tryGo(c -> afterCancel.incrementAndGet()));
      }
      assertThrows(TaskFailedException.class, g::await);
    }
    assertEquals(0, afterCancel.get());
  }

  @Test
  void errorIsRethrownUnwrappedAndWinsOverExceptions() throws Exception {
    AssertionError error = new AssertionError("invariant broken");
    RuntimeException plain = new RuntimeException("plain");
    try (TaskGroup g = TaskGroup.builder().collectAllErrors().open(Context.background())) {
      g.go(
          c -> {
            throw plain;
          });
      g.go(
          c -> {
            throw error;
          });
      AssertionError thrown = assertThrows(AssertionError.class, g::await);
      assertSame(error, thrown);
      assertEquals(List.of(plain), Arrays.asList(thrown.getSuppressed()));
    }
  }

  @Test
  void laterGenuineFailuresAreSuppressedNotLost() throws Exception {
    CountDownLatch bothStarted = new CountDownLatch(2);
    CountDownLatch release = new CountDownLatch(1);
    IllegalStateException a = new IllegalStateException("a");
    IllegalStateException b = new IllegalStateException("b");
    try (TaskGroup g = TaskGroup.withContext(Context.background())) {
      for (IllegalStateException ex : List.of(a, b)) {
        g.go(
            c -> {
              bothStarted.countDown();
              while (release.getCount() > 0) {
                Thread.onSpinWait(); // not interruptible: both must really fail
              }
              throw ex;
            });
      }
      bothStarted.await();
      release.countDown();
      TaskFailedException e = assertThrows(TaskFailedException.class, g::await);
      assertEquals(2, e.failures().size());
      assertEquals(1, e.getSuppressed().length);
      assertSame(g.context().cause(), e.getCause(), "the cause is the failure that cancelled");
    }
  }

  // --- limit ------------------------------------------------------------------------------------

  @Test
  void limitIsNeverExceeded() throws Exception {
    for (int limit : new int[] {1, 2, 3, 8, 64}) {
      AtomicInteger now = new AtomicInteger();
      AtomicInteger max = new AtomicInteger();
      try (TaskGroup g = TaskGroup.withContext(Context.background())) {
        g.setLimit(limit);
        for (int i = 0; i < 2_000; i++) {
          g.go(
              c -> {
                int n = now.incrementAndGet();
                max.accumulateAndGet(n, Math::max);
                Thread.yield();
                now.decrementAndGet();
              });
        }
        g.await();
      }
      assertTrue(max.get() <= limit, "limit " + limit + " exceeded: " + max.get());
      assertTrue(max.get() >= 1);
    }
  }

  @Test
  void limitIsReachedWhenTasksBlock() throws Exception {
    int limit = 5;
    CountDownLatch all = new CountDownLatch(limit);
    CountDownLatch release = new CountDownLatch(1);
    try (TaskGroup g = TaskGroup.builder().limit(limit).open(Context.background())) {
      for (int i = 0; i < limit; i++) {
        g.go(
            c -> {
              all.countDown();
              release.await();
            });
      }
      assertTrue(all.await(10, TimeUnit.SECONDS), "all " + limit + " should run at once");
      release.countDown();
      g.await();
    }
  }

  @Test
  void goBlocksWhileTheLimitIsReached() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    try (TaskGroup g = TaskGroup.builder().limit(2).open(Context.background())) {
      g.go(c -> release.await());
      g.go(c -> release.await());
      AtomicBoolean thirdAccepted = new AtomicBoolean();
      Thread submitter =
          new Thread(
              () -> {
                g.go(c -> {});
                thirdAccepted.set(true);
              });
      submitter.start();
      submitter.join(200);
      assertFalse(thirdAccepted.get(), "go must block at the limit");
      release.countDown();
      submitter.join(10_000);
      assertTrue(thirdAccepted.get());
      g.await();
    }
  }

  @Test
  void tryGoStartsOnlyWhenASlotIsFreeNow() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger ran = new AtomicInteger();
    try (TaskGroup g = TaskGroup.builder().limit(1).open(Context.background())) {
      assertTrue(g.tryGo(c -> release.await()));
      assertFalse(g.tryGo(c -> ran.incrementAndGet()));
      release.countDown();
      g.await();
    }
    assertEquals(0, ran.get());
  }

  @Test
  void goFromATaskAtTheLimitNeverDeadlocks() throws Exception {
    // A recursive fan-out with limit 2: every task adds two children to its own group. Without
    // the inline path, both slots fill with tasks blocked in go and nothing ever finishes.
    AtomicInteger nodes = new AtomicInteger();
    try (TaskGroup g = TaskGroup.builder().limit(2).open(Context.background())) {
      g.go(c -> recurse(g, nodes, 0));
      g.await();
    }
    assertEquals((1 << 10) - 1, nodes.get(), "a complete binary tree of depth 9");
  }

  private static void recurse(TaskGroup g, AtomicInteger nodes, int level) {
    nodes.incrementAndGet();
    if (level < 9) {
      for (int i = 0; i < 2; i++) {
        g.go(ctx -> recurse(g, nodes, level + 1));
      }
    }
  }

  @Test
  void setLimitRejectsBadValuesAndRunningGroups() throws Exception {
    try (TaskGroup g = TaskGroup.withContext(Context.background())) {
      assertThrows(IllegalArgumentException.class, () -> g.setLimit(0));
      assertThrows(IllegalArgumentException.class, () -> g.setLimit(-1));
      CountDownLatch release = new CountDownLatch(1);
      g.go(c -> release.await());
      assertThrows(IllegalStateException.class, () -> g.setLimit(4));
      release.countDown();
      g.await();
      assertThrows(IllegalStateException.class, () -> g.setLimit(4));
    }
    assertThrows(IllegalArgumentException.class, () -> TaskGroup.builder().limit(0));
  }

  // --- parent, deadline, interrupts -------------------------------------------------------------

  @Test
  void parentCancellationPropagatesItsCause() throws Exception {
    CancellableContext parent = Context.background().withCancel();
    RuntimeException why = new RuntimeException("caller gave up");
    CountDownLatch started = new CountDownLatch(1);
    try (TaskGroup g = TaskGroup.withContext(parent)) {
      g.go(
          c -> {
            started.countDown();
            Thread.sleep(60_000);
          });
      started.await();
      parent.cancel(why);
      ContextCancelledException e = assertThrows(ContextCancelledException.class, g::await);
      assertSame(why, e.getCause());
      assertSame(why, g.context().cause());
    }
  }

  @Test
  void parentDeadlinePropagatesAndIsReported() throws Exception {
    try (CancellableContext parent = Context.background().withTimeout(Duration.ofMillis(100));
        TaskGroup g = TaskGroup.withContext(parent)) {
      assertEquals(parent.deadline(), g.context().deadline());
      g.go(c -> Thread.sleep(60_000));
      ContextCancelledException e = assertThrows(ContextCancelledException.class, g::await);
      assertInstanceOf(DeadlineExceededException.class, e.getCause());
    }
  }

  @Test
  void cancelledParentCompletedWorkIsNotAnError() throws Exception {
    // Tasks that finished their work before the parent was cancelled: nothing is incomplete.
    CancellableContext parent = Context.background().withCancel();
    try (TaskGroup g = TaskGroup.withContext(parent)) {
      g.go(c -> {});
      g.go(c -> {});
      while (g.tasksInFlight() != 0) {
        Thread.onSpinWait();
      }
      parent.cancel();
      g.await();
    }
  }

  @Test
  void interruptingTheAwaitingThreadCancelsTheGroup() throws Exception {
    AtomicReference<Throwable> awaitOutcome = new AtomicReference<>();
    AtomicReference<TaskGroup> group = new AtomicReference<>();
    CountDownLatch started = new CountDownLatch(1);
    AtomicBoolean taskEnded = new AtomicBoolean();
    Thread caller =
        new Thread(
            () -> {
              try (TaskGroup g = TaskGroup.withContext(Context.background())) {
                group.set(g);
                g.go(
                    c -> {
                      started.countDown();
                      try {
                        Thread.sleep(60_000);
                      } finally {
                        taskEnded.set(true);
                      }
                    });
                g.await();
              } catch (Throwable t) {
                awaitOutcome.set(t);
              }
            });
    caller.start();
    started.await();
    caller.interrupt();
    caller.join(10_000);
    assertFalse(caller.isAlive());
    assertInstanceOf(InterruptedException.class, awaitOutcome.get());
    assertInstanceOf(InterruptedException.class, group.get().context().cause());
    assertTrue(taskEnded.get(), "close waited for the task");
  }

  @Test
  void interruptWhileBlockedInGoCancelsTheGroupAndKeepsTheFlag() throws Exception {
    AtomicBoolean flagKept = new AtomicBoolean();
    AtomicInteger ran = new AtomicInteger();
    TaskGroup g = TaskGroup.builder().limit(1).open(Context.background());
    CountDownLatch release = new CountDownLatch(1);
    g.go(c -> release.await());
    Thread submitter =
        new Thread(
            () -> {
              g.go(c -> ran.incrementAndGet());
              flagKept.set(Thread.currentThread().isInterrupted());
            });
    submitter.start();
    while (submitter.getState() != Thread.State.WAITING) {
      Thread.sleep(1);
    }
    submitter.interrupt();
    submitter.join(10_000);
    assertTrue(flagKept.get());
    assertTrue(g.context().isCancelled());
    assertThrows(ContextCancelledException.class, g::await);
    g.close();
    assertEquals(0, ran.get());
  }

  // --- close ------------------------------------------------------------------------------------

  @Test
  void closeWithoutAwaitCancelsAndWaitsForEveryTask() throws Exception {
    AtomicInteger stillRunning = new AtomicInteger();
    CountDownLatch started = new CountDownLatch(4);
    TaskGroup g = TaskGroup.withContext(Context.background());
    for (int i = 0; i < 4; i++) {
      g.go(
          c -> {
            stillRunning.incrementAndGet();
            started.countDown();
            try {
              Thread.sleep(60_000);
            } finally {
              Thread.sleep(20); // cleanup that takes time, after the interrupt
              stillRunning.decrementAndGet();
            }
          });
    }
    started.await();
    g.close();
    assertEquals(0, stillRunning.get(), "a task outlived close");
    assertEquals(0, g.aliveWorkers(), "a worker thread outlived close");
    assertTrue(g.context().isCancelled());
    g.close(); // idempotent
  }

  @Test
  void closeThrowsFailuresThatAwaitNeverReported() {
    IllegalStateException boom = new IllegalStateException("never awaited");
    TaskGroup g = TaskGroup.withContext(Context.background());
    g.go(
        c -> {
          throw boom;
        });
    while (!g.context().isCancelled()) {
      Thread.onSpinWait();
    }
    TaskFailedException e = assertThrows(TaskFailedException.class, g::close);
    assertSame(boom, e.getCause());
    g.close(); // reported once
  }

  @Test
  void bodyExceptionKeepsTaskFailureAsSuppressed() {
    IllegalStateException boom = new IllegalStateException("task");
    RuntimeException body = new RuntimeException("body");
    RuntimeException thrown =
        assertThrows(
            RuntimeException.class,
            () -> {
              try (TaskGroup g = TaskGroup.withContext(Context.background())) {
                g.go(
                    c -> {
                      throw boom;
                    });
                while (!g.context().isCancelled()) {
                  Thread.onSpinWait();
                }
                throw body;
              }
            });
    assertSame(body, thrown);
    assertEquals(1, thrown.getSuppressed().length);
    assertSame(boom, thrown.getSuppressed()[0].getCause());
  }

  @Test
  void closeAfterFailedAwaitDoesNotThrowAgain() throws Exception {
    TaskGroup g = TaskGroup.withContext(Context.background());
    g.go(
        c -> {
          throw new IllegalStateException();
        });
    assertThrows(TaskFailedException.class, g::await);
    g.close();
  }

  // --- misuse -----------------------------------------------------------------------------------

  @Test
  void misuseFailsAtOnceWithAClearException() throws Exception {
    assertThrows(NullPointerException.class, () -> TaskGroup.withContext(null));
    TaskGroup g = TaskGroup.withContext(Context.background());
    assertThrows(NullPointerException.class, () -> g.go(null));
    assertThrows(NullPointerException.class, () -> g.tryGo(null));
    g.await();
    IllegalStateException afterAwait = assertThrows(IllegalStateException.class, () -> g.go(c -> {}));
    assertTrue(afterAwait.getMessage().contains("after await"), afterAwait.getMessage());
    assertThrows(IllegalStateException.class, g::await);
    g.close();
    IllegalStateException afterClose = assertThrows(IllegalStateException.class, () -> g.go(c -> {}));
    assertTrue(afterClose.getMessage().contains("after close"), afterClose.getMessage());
    assertThrows(IllegalStateException.class, () -> g.tryGo(c -> {}));
  }

  @Test
  @SuppressWarnings("try") // calling close inside the block is the point
  void awaitOrCloseFromOwnTaskIsRejected() throws Exception {
    AtomicReference<Throwable> fromAwait = new AtomicReference<>();
    AtomicReference<Throwable> fromClose = new AtomicReference<>();
    try (TaskGroup g = TaskGroup.withContext(Context.background())) {
      g.go(
          c -> {
            try {
              g.await();
            } catch (Throwable t) {
              fromAwait.set(t);
            }
            try {
              g.close();
            } catch (Throwable t) {
              fromClose.set(t);
            }
          });
      g.await();
    }
    assertInstanceOf(IllegalStateException.class, fromAwait.get());
    assertInstanceOf(IllegalStateException.class, fromClose.get());
  }

  // --- collect-all mode -------------------------------------------------------------------------

  @Test
  void collectAllRunsEverythingAndReportsInSubmissionOrder() throws Exception {
    List<RuntimeException> thrown = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      thrown.add(new RuntimeException("failure " + i));
    }
    AtomicInteger succeeded = new AtomicInteger();
    try (TaskGroup g = TaskGroup.builder().collectAllErrors().limit(3).open(Context.background())) {
      for (int i = 0; i < 12; i++) {
        int n = i;
        g.go(
            c -> {
              // Later submissions fail sooner: time order is the reverse of submission order.
              Thread.sleep((12 - n) * 3L);
              if (n % 2 == 1) {
                throw thrown.get(n / 2);
              }
              succeeded.incrementAndGet();
            });
      }
      TaskFailedException e = assertThrows(TaskFailedException.class, g::await);
      assertEquals(thrown, e.failures());
      assertSame(thrown.get(0), e.getCause());
      assertEquals(thrown.subList(1, 6), Arrays.asList(e.getSuppressed()));
    }
    assertEquals(6, succeeded.get(), "a failure must not cancel the others");
  }

  @Test
  void collectAllFiltersCancellationFallout() throws Exception {
    CancellableContext parent = Context.background().withCancel();
    IllegalStateException real = new IllegalStateException("real");
    CountDownLatch blockedStarted = new CountDownLatch(3);
    try (TaskGroup g = TaskGroup.builder().collectAllErrors().open(parent)) {
      g.go(
          c -> {
            throw real;
          });
      for (int i = 0; i < 3; i++) {
        g.go(
            c -> {
              blockedStarted.countDown();
              try {
                Thread.sleep(60_000);
              } catch (InterruptedException e) {
                throw new RuntimeException("wrapped", e); // fallout, even wrapped
              }
            });
      }
      blockedStarted.await();
      parent.cancel();
      TaskFailedException e = assertThrows(TaskFailedException.class, g::await);
      assertEquals(List.of(real), e.failures());
    }
  }

  // --- map --------------------------------------------------------------------------------------

  @Test
  void mapReturnsResultsInInputOrderWithinTheLimit() throws Exception {
    List<Integer> input = IntStream.range(0, 500).boxed().collect(Collectors.toList());
    AtomicInteger now = new AtomicInteger();
    AtomicInteger max = new AtomicInteger();
    List<String> out =
        TaskGroup.map(
            Context.background(),
            4,
            input,
            (c, x) -> {
              max.accumulateAndGet(now.incrementAndGet(), Math::max);
              Thread.sleep(x % 3);
              now.decrementAndGet();
              return "v" + x;
            });
    assertEquals(input.stream().map(x -> "v" + x).collect(Collectors.toList()), out);
    assertTrue(max.get() <= 4);
    assertThrows(UnsupportedOperationException.class, () -> out.add("x"));
  }

  @Test
  void mapKeepsNullResultsAndPropagatesFailures() throws Exception {
    List<String> withNull = TaskGroup.map(Context.background(), 2, List.of(1, 2), (c, x) -> x == 1 ? null : "two");
    assertNull(withNull.get(0));
    assertEquals("two", withNull.get(1));
    IOException boom = new IOException("item 3");
    TaskFailedException e =
        assertThrows(
            TaskFailedException.class,
            () ->
                TaskGroup.map(
                    Context.background(),
                    2,
                    List.of(1, 2, 3, 4),
                    (c, x) -> {
                      if (x == 3) {
                        throw boom;
                      }
                      return x;
                    }));
    assertSame(boom, e.getCause());
    assertThrows(IllegalArgumentException.class, () -> TaskGroup.map(Context.background(), 0, List.of(), (c, x) -> x));
  }

  // --- threads and executors --------------------------------------------------------------------

  @Test
  void defaultThreadsAreVirtualWhereTheJvmHasThem() throws Exception {
    AtomicReference<Thread> thread = new AtomicReference<>();
    try (TaskGroup g = TaskGroup.withContext(Context.background())) {
      g.go(c -> thread.set(Thread.currentThread()));
      g.await();
    }
    boolean virtual;
    try {
      virtual = (Boolean) Thread.class.getMethod("isVirtual").invoke(thread.get());
    } catch (NoSuchMethodException e) {
      virtual = false;
    }
    assertEquals(Runtime.version().feature() >= 21, virtual);
    if (!virtual) {
      assertTrue(thread.get().isDaemon());
    }
  }

  @Test
  void suppliedThreadFactoryIsUsed() throws Exception {
    AtomicInteger made = new AtomicInteger();
    ThreadFactory tf =
        r -> {
          made.incrementAndGet();
          return new Thread(r, "custom-worker");
        };
    AtomicReference<String> name = new AtomicReference<>();
    try (TaskGroup g = TaskGroup.builder().threadFactory(tf).open(Context.background())) {
      g.go(c -> name.set(Thread.currentThread().getName()));
      g.await();
    }
    assertEquals("custom-worker", name.get());
    assertTrue(made.get() >= 1);
  }

  @Test
  void suppliedExecutorIsUsedAndGetsItsThreadsBackWithoutStaleInterrupts() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(3); // a thread per worker: 2 sleepers + 1
    try {
      CountDownLatch started = new CountDownLatch(2);
      try (TaskGroup g = TaskGroup.builder().executor(pool).open(Context.background())) {
        for (int i = 0; i < 2; i++) {
          g.go(
              c -> {
                started.countDown();
                Thread.sleep(60_000);
              });
        }
        started.await();
        g.go(
            c -> {
              throw new IllegalStateException("cancel the sleepers");
            });
        assertThrows(TaskFailedException.class, g::await);
      }
      // The pool's threads ran interrupted tasks; the next job must not see the interrupt.
      for (int i = 0; i < 4; i++) {
        assertFalse(pool.submit(() -> Thread.currentThread().isInterrupted()).get());
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void rejectingExecutorFailsTheGroupInsteadOfLosingTasks() throws Exception {
    java.util.concurrent.Executor rejecting =
        r -> {
          throw new RejectedExecutionException("pool is shut down");
        };
    AtomicInteger ran = new AtomicInteger();
    try (TaskGroup g = TaskGroup.builder().executor(rejecting).open(Context.background())) {
      g.go(c -> ran.incrementAndGet());
      g.go(c -> ran.incrementAndGet());
      TaskFailedException e = assertThrows(TaskFailedException.class, g::await);
      assertInstanceOf(RejectedExecutionException.class, e.getCause());
    }
    assertEquals(0, ran.get());
  }

  @Test
  void directExecutorRunsTasksOnTheCallerWithoutParkingIt() throws Exception {
    List<Integer> order = new ArrayList<>();
    long t0 = System.nanoTime();
    try (TaskGroup g = TaskGroup.builder().executor(Runnable::run).open(Context.background())) {
      for (int i = 0; i < 50; i++) {
        int n = i;
        g.go(c -> order.add(n));
      }
      g.await();
    }
    assertEquals(IntStream.range(0, 50).boxed().collect(Collectors.toList()), order);
    // An idle worker parks for its keep-alive; on the caller's own thread it must not.
    assertTrue(System.nanoTime() - t0 < TimeUnit.MILLISECONDS.toNanos(500));
  }

  @Test
  void callerRunsExecutorKeepsTheCallersInterrupt() throws Exception {
    try (TaskGroup g = TaskGroup.builder().executor(Runnable::run).open(Context.background())) {
      Thread.currentThread().interrupt();
      g.go(c -> {});
      assertTrue(Thread.interrupted(), "the caller's own interrupt flag was cleared");
      g.await();
    }
  }

  @Test
  void interruptRestoredByATaskDoesNotReachTheNextTask() throws Exception {
    AtomicInteger sawInterrupt = new AtomicInteger();
    try (TaskGroup g = TaskGroup.builder().limit(1).open(Context.background())) {
      for (int i = 0; i < 100; i++) {
        g.go(
            c -> {
              if (Thread.currentThread().isInterrupted()) {
                sawInterrupt.incrementAndGet();
              }
              Thread.currentThread().interrupt(); // restores "its" interrupt and returns
            });
      }
      g.await();
    }
    assertEquals(0, sawInterrupt.get());
  }

  @Test
  void fewThreadsForManyTasks() throws Exception {
    AtomicInteger threads = new AtomicInteger();
    ThreadFactory counting =
        r -> {
          threads.incrementAndGet();
          Thread t = new Thread(r);
          t.setDaemon(true);
          return t;
        };
    Semaphore gate = new Semaphore(0);
    try (TaskGroup g = TaskGroup.builder().limit(4).threadFactory(counting).open(Context.background())) {
      for (int i = 0; i < 2_000; i++) {
        g.go(c -> gate.release());
      }
      g.await();
    }
    assertEquals(2_000, gate.availablePermits());
    assertTrue(threads.get() <= 2_000, "threads: " + threads.get());
  }

  @Test
  void failureInOneGroupNeverCancelsASiblingGroup() throws Exception {
    // A failure in one group never cancels another group, even with the same parent.
    CancellableContext parent = Context.background().withCancel();
    BlockingQueue<String> q = new ArrayBlockingQueue<>(1);
    try (TaskGroup a = TaskGroup.withContext(parent);
        TaskGroup b = TaskGroup.withContext(parent)) {
      a.go(
          c -> {
            throw new IllegalStateException("a fails");
          });
      assertThrows(TaskFailedException.class, a::await);
      b.go(c -> q.put("b ran"));
      b.await();
      assertEquals("task group finished", b.context().cause().getMessage());
    }
    assertEquals("b ran", q.poll());
    assertFalse(parent.isCancelled());
  }
}
