package dev.fanout.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The contenders do what the benchmarks claim: every task runs, the bound holds, and the ones that
 * cancel do cancel. Fast; run by ./mvnw verify so the harness cannot quietly go wrong.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ContenderTest {

  @ParameterizedTest
  @EnumSource(Contender.class)
  void runsEveryTaskWithinTheLimit(Contender c) throws Exception {
    int limit = 4;
    AtomicInteger ran = new AtomicInteger();
    AtomicInteger running = new AtomicInteger();
    AtomicInteger peak = new AtomicInteger();
    ExecutorService pool = c.newPool(limit, null);
    try {
      c.fanOut(2_000, limit, () -> {
        peak.accumulateAndGet(running.incrementAndGet(), Math::max);
        Thread.onSpinWait();
        running.decrementAndGet();
        ran.incrementAndGet();
      }, pool);
    } finally {
      if (pool != null) {
        pool.close();
      }
    }
    assertEquals(2_000, ran.get());
    assertTrue(peak.get() <= limit, "peak " + peak.get() + " > limit " + limit);
  }

  @ParameterizedTest
  @EnumSource(value = Contender.class, names = {"TASKGROUP", "STS", "VTHREAD", "GUAVA"})
  void firstFailureInterruptsBlockedSiblings(Contender c) throws Exception {
    int siblings = 50;
    CountDownLatch started = new CountDownLatch(siblings + 1);
    AtomicInteger ticket = new AtomicInteger();
    AtomicInteger interrupted = new AtomicInteger();
    CountDownLatch ended = new CountDownLatch(siblings);
    ExecutorService pool = c.newPool(0, null);
    try {
      Running r = c.start(siblings + 1, 0, () -> {
        boolean failer = ticket.getAndIncrement() == 0;
        started.countDown();
        if (failer) {
          started.await();
          throw new IllegalStateException("boom");
        }
        try {
          Thread.sleep(60_000);
        } catch (InterruptedException e) {
          interrupted.incrementAndGet();
          throw e;
        } finally {
          ended.countDown();
        }
      }, pool, null);
      assertThrows(Exception.class, r::await);
      if (c.cancellation == Contender.Cancellation.STRUCTURED) {
        assertEquals(0, ended.getCount(), "siblings still running after the fan-in returned");
      }
      assertTrue(ended.await(10, TimeUnit.SECONDS), "siblings were not interrupted");
      assertEquals(siblings, interrupted.get());
    } finally {
      if (pool != null) {
        pool.close();
      }
    }
  }
}
