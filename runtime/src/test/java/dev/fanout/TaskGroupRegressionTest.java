package dev.fanout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** One test per bug found in review; each failed (hung, or asserted) before its fix. */
@Timeout(60)
class TaskGroupRegressionTest {

  /**
   * Tasks accepted while a worker was spinning must each get a worker: three tasks that meet at a
   * barrier only finish if all three run at once.
   */
  @Test
  void everyAcceptedTaskGetsAWorkerEvenWhenSubmittedToASpinningWorker() throws Exception {
    for (int round = 0; round < 300; round++) {
      CyclicBarrier barrier = new CyclicBarrier(3);
      AtomicBoolean first = new AtomicBoolean();
      AtomicInteger timeouts = new AtomicInteger();
      try (TaskGroup g = TaskGroup.withContext(Context.background())) {
        g.go(c -> first.set(true));
        while (!first.get()) {
          Thread.onSpinWait(); // its worker now spins, looking for more work
        }
        for (int k = 0; k < 3; k++) {
          g.go(
              c -> {
                try {
                  barrier.await(5, TimeUnit.SECONDS);
                } catch (TimeoutException | BrokenBarrierException e) {
                  timeouts.incrementAndGet();
                }
              });
        }
        g.await();
      }
      assertEquals(0, timeouts.get(), "round " + round + ": an accepted task never got a worker");
    }
  }

  /** An idle worker must not hold a caller's pool thread that another group needs. */
  @Test
  void idleWorkersGiveAnExecutorsThreadsBack() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(1);
    try (TaskGroup outer = TaskGroup.builder().executor(pool).open(Context.background())) {
      outer.go(c -> {});
      Thread.sleep(50); // the outer worker is idle now
      try (TaskGroup inner = TaskGroup.builder().executor(pool).open(outer.context())) {
        inner.go(c -> {});
        inner.await();
      }
      outer.await();
    } finally {
      pool.shutdownNow();
    }
  }

  /** Lowering the limit lets idle workers beyond it leave. */
  @Test
  void idleWorkersBeyondALoweredLimitLeave() throws Exception {
    try (TaskGroup g = TaskGroup.withContext(Context.background())) {
      CountDownLatch all = new CountDownLatch(8);
      CountDownLatch release = new CountDownLatch(1);
      for (int i = 0; i < 8; i++) {
        g.go(
            c -> {
              all.countDown();
              release.await();
            });
      }
      all.await();
      release.countDown();
      while (g.tasksInFlight() != 0) {
        Thread.onSpinWait();
      }
      g.setLimit(2);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (g.aliveWorkers() > 2 && System.nanoTime() < deadline) {
        Thread.sleep(1);
      }
      assertTrue(g.aliveWorkers() <= 2, "workers after setLimit(2): " + g.aliveWorkers());
      g.await();
    }
  }

  /** Recording a failure may throw (a cancel callback and a throwing handler); await must return. */
  @Test
  void awaitReturnsEvenIfRecordingAFailureThrows() throws Exception {
    AtomicReference<Throwable> outcome = new AtomicReference<>();
    Thread caller =
        new Thread(
            () -> {
              try (TaskGroup g = TaskGroup.withContext(Context.background())) {
                g.context()
                    .onCancel(
                        () -> {
                          throw new RuntimeException("callback bug");
                        });
                g.go(
                    c -> {
                      // The worker's handler itself throws: the worst case for the cancel path.
                      Thread.currentThread()
                          .setUncaughtExceptionHandler(
                              (t, e) -> {
                                throw new IllegalStateException("logger down", e);
                              });
                      throw new IOException("task failed");
                    });
                g.await();
              } catch (Throwable t) {
                outcome.set(t);
              }
            });
    caller.start();
    caller.join(10_000);
    assertFalse(caller.isAlive(), "await never returned");
    TaskFailedException e = assertInstanceOf(TaskFailedException.class, outcome.get());
    assertInstanceOf(IOException.class, e.getCause());
  }

  /** On a direct executor, a nested worker must not swallow the enclosing task's interrupt. */
  @Test
  void nestedInlineWorkerKeepsTheEnclosingTasksInterrupt() throws Exception {
    CancellableContext parent = Context.background().withCancel();
    AtomicBoolean outerInterrupted = new AtomicBoolean();
    CountDownLatch innerStarted = new CountDownLatch(1);
    Thread canceller =
        new Thread(
            () -> {
              try {
                innerStarted.await();
                Thread.sleep(50);
              } catch (InterruptedException e) {
                return;
              }
              parent.cancel();
            });
    canceller.start();
    try (TaskGroup g = TaskGroup.builder().executor(Runnable::run).open(parent)) {
      g.go(
          outer -> {
            g.go(
                inner -> {
                  innerStarted.countDown();
                  try {
                    Thread.sleep(10_000);
                  } catch (InterruptedException e) {
                    // the inner task ends; the outer one must still see its own interrupt
                  }
                });
            try {
              Thread.sleep(10_000);
            } catch (InterruptedException e) {
              outerInterrupted.set(true);
            }
          });
      g.await(); // both tasks ended normally (each caught its interrupt): the work is complete
    }
    canceller.join();
    assertTrue(outerInterrupted.get(), "the outer task slept through its group's cancellation");
  }

  /** Two threads in await: one waits, the other is told it is misuse; one report in all. */
  @Test
  void concurrentAwaitIsRejectedAndFailuresAreReportedOnce() throws Exception {
    IllegalStateException boom = new IllegalStateException("boom");
    CountDownLatch release = new CountDownLatch(1);
    TaskGroup g = TaskGroup.withContext(Context.background());
    g.go(
        c -> {
          release.await();
          throw boom;
        });
    AtomicReference<Throwable> first = new AtomicReference<>();
    Thread waiter =
        new Thread(
            () -> {
              try {
                g.await();
              } catch (Throwable t) {
                first.set(t);
              }
            });
    waiter.start();
    while (waiter.getState() != Thread.State.WAITING) {
      Thread.sleep(1);
    }
    assertThrows(IllegalStateException.class, g::await);
    release.countDown();
    waiter.join();
    assertSame(boom, first.get().getCause());
    g.close(); // already reported: must not throw again
  }

  /** await on an interrupted thread cancels the group and throws, like any blocking method. */
  @Test
  void awaitOnAnInterruptedThreadThrowsInterruptedException() throws Exception {
    TaskGroup g = TaskGroup.withContext(Context.background());
    g.go(c -> {});
    Thread.currentThread().interrupt();
    assertThrows(InterruptedException.class, g::await);
    assertTrue(g.context().isCancelled());
    g.close();
  }

  /** map on an interrupted thread throws InterruptedException, not a cancellation. */
  @Test
  void mapOnAnInterruptedThreadThrowsInterruptedException() {
    Thread.currentThread().interrupt();
    try {
      assertThrows(
          InterruptedException.class,
          () -> TaskGroup.map(Context.background(), 1, List.of(1, 2, 3), (c, x) -> x));
    } finally {
      Thread.interrupted();
    }
  }

  /** A child whose parent's deadline is already due is cancelled at once. */
  @Test
  void childOfAnOverdueParentStartsCancelled() {
    // A deadline so close that the parent's timer cannot have fired when the child is made.
    for (int i = 0; i < 1_000; i++) {
      CancellableContext parent = Context.background().withDeadline(Instant.now().plusNanos(50_000));
      while (Instant.now().isBefore(parent.deadline().get())) {
        Thread.onSpinWait();
      }
      CancellableContext child = parent.withCancel();
      assertTrue(child.isCancelled(), "overdue parent, live child");
      assertInstanceOf(DeadlineExceededException.class, child.cause());
      parent.close();
    }
  }
}
