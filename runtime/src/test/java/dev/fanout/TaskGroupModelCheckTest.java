package dev.fanout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.jetbrains.lincheck.Lincheck;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Model checking of small groups with Lincheck: each test runs a scenario many times under
 * Lincheck's managed scheduler, which chooses the interleaving of every thread started inside the
 * scenario (submitters, cancellers and the group's workers) and reports the interleaving of any
 * run whose asserts fail or that hangs. The stress harness samples interleavings at random on
 * real threads; this explores the switch points of the limit, admission and worker state
 * machines systematically in small scenarios.
 *
 * <p>Lincheck can only schedule threads it saw created inside the scenario, so every group here
 * uses platform threads from a plain factory: the default virtual threads run on a ForkJoinPool
 * carrier it does not control.
 *
 * <p>Assertion messages inside a scenario are constants: on JDK 17, the first string concatenation
 * under Lincheck's instrumentation ({@code invokedynamic} to {@code StringConcatFactory})
 * initializes {@code java.lang.invoke.MethodHandles$1}, which Lincheck 3.7 fails to retransform
 * there ("class redefinition failed: invalid class"), and the scenario then dies with {@code
 * NoClassDefFoundError} or hangs.
 */
@Timeout(120)
class TaskGroupModelCheckTest {

  /**
   * Interleavings explored per scenario; {@code -Dfanout.modelcheck.invocations=N} explores more
   * (each costs tens of milliseconds on a busy two-core machine).
   */
  private static final int INVOCATIONS = Integer.getInteger("fanout.modelcheck.invocations", 25);

  private static TaskGroup group(int limit, Context parent) {
    return TaskGroup.builder().limit(limit).threadFactory(r -> new Thread(r)).open(parent);
  }

  /** Counts tasks that run and the most that ran at once. */
  private static final class Probe {
    final AtomicInteger running = new AtomicInteger();
    final AtomicInteger high = new AtomicInteger();
    final AtomicInteger ran = new AtomicInteger();

    Task task() {
      return c -> {
        high.accumulateAndGet(running.incrementAndGet(), Math::max);
        running.decrementAndGet();
        ran.incrementAndGet();
      };
    }
  }

  private static Thread start(Runnable r) {
    Thread t = new Thread(r);
    t.start();
    return t;
  }

  private static void join(Thread... threads) {
    for (Thread t : threads) {
      try {
        t.join();
      } catch (InterruptedException e) {
        throw new AssertionError(e);
      }
    }
  }

  /** (a) Two submitters race go at the limit: never more than the limit run, each task runs once. */
  private static void twoSubmitters(int limit, int perSubmitter) {
    Lincheck.runConcurrentTest(INVOCATIONS, () -> {
      Probe p = new Probe();
      try (TaskGroup g = group(limit, Context.background())) {
        Runnable submit = () -> {
          for (int i = 0; i < perSubmitter; i++) {
            g.go(p.task());
          }
        };
        Thread a = start(submit);
        Thread b = start(submit);
        join(a, b);
        g.await();
      } catch (InterruptedException e) {
        throw new AssertionError(e);
      }
      assertEquals(2 * perSubmitter, p.ran.get(), "every accepted task ran once");
      assertTrue(p.high.get() <= limit, "more tasks ran at once than the limit");
    });
  }

  @Test
  void limitOneHoldsWithTwoSubmitters() {
    twoSubmitters(1, 2);
  }

  @Test
  void limitTwoHoldsWithTwoSubmitters() {
    twoSubmitters(2, 2);
  }

  /** (b) A failure cancels a blocked sibling: await throws the failure, nothing hangs. */
  @Test
  void failureCancelsBlockedSibling() {
    Lincheck.runConcurrentTest(INVOCATIONS, () -> {
      IllegalStateException boom = new IllegalStateException("boom");
      LinkedBlockingQueue<Object> never = new LinkedBlockingQueue<>();
      TaskGroup g = group(2, Context.background());
      try (g) {
        Thread other = start(() -> g.go(c -> never.take()));
        g.go(c -> {
          throw boom;
        });
        join(other);
        TaskFailedException e = assertThrows(TaskFailedException.class, g::await);
        assertSame(boom, e.getCause());
      }
      assertTrue(g.context().isCancelled());
    });
  }

  /**
   * (c) The parent is cancelled while tasks are submitted and awaited: await either returns with
   * every task run or reports the cancellation with the parent's cause.
   */
  @Test
  void parentCancelRacingGoAndAwait() {
    Lincheck.runConcurrentTest(INVOCATIONS, () -> {
      RuntimeException why = new RuntimeException("parent cancelled");
      Probe p = new Probe();
      try (CancellableContext parent = Context.background().withCancel();
          TaskGroup g = group(1, parent)) {
        Thread canceller = start(() -> parent.cancel(why));
        g.go(p.task());
        g.go(p.task());
        try {
          g.await();
          assertEquals(2, p.ran.get(), "await returned normally, so every task ran");
        } catch (ContextCancelledException e) {
          assertSame(why, e.getCause());
        } catch (InterruptedException e) {
          throw new AssertionError(e);
        }
        join(canceller);
        assertTrue(p.high.get() <= 1, "more tasks ran at once than the limit");
      }
    });
  }

  /** (c') A task that only ends by cancellation: await must report the parent's cancellation. */
  @Test
  void parentCancelEndsBlockedTask() {
    Lincheck.runConcurrentTest(INVOCATIONS, () -> {
      RuntimeException why = new RuntimeException("parent cancelled");
      LinkedBlockingQueue<Object> never = new LinkedBlockingQueue<>();
      try (CancellableContext parent = Context.background().withCancel();
          TaskGroup g = group(2, parent)) {
        Thread canceller = start(() -> parent.cancel(why));
        g.go(c -> never.take());
        ContextCancelledException e = assertThrows(ContextCancelledException.class, g::await);
        assertSame(why, e.getCause());
        join(canceller);
      }
    });
  }

  /**
   * (d) tryGo at the limit races the end of the running task: it may start the task or refuse it,
   * but a started task runs exactly once and the limit holds.
   */
  @Test
  void tryGoRacingAFinishingTask() {
    Lincheck.runConcurrentTest(INVOCATIONS, () -> {
      Probe p = new Probe();
      AtomicInteger started = new AtomicInteger();
      try (TaskGroup g = group(1, Context.background())) {
        g.go(p.task());
        Thread other = start(() -> {
          if (g.tryGo(p.task())) {
            started.incrementAndGet();
          }
        });
        if (g.tryGo(p.task())) {
          started.incrementAndGet();
        }
        join(other);
        g.await();
      } catch (InterruptedException e) {
        fail(e);
      }
      assertEquals(1 + started.get(), p.ran.get(), "accepted tasks ran once each");
      assertTrue(p.high.get() <= 1, "more tasks ran at once than the limit");
    });
  }
}
