package dev.fanout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A million tasks with limit 8: heap and threads stay bounded by the limit, not by the number of
 * tasks. Each task captures a 1 KiB payload made at submission, so a group that retained
 * submitted tasks would need a gibibyte; Surefire runs this JVM with -Xmx512m.
 */
class TaskGroupMemoryTest {

  @Test
  @Timeout(120)
  void millionTasksWithLimitEightStayBounded() throws Exception {
    int tasks = 1_000_000;
    int limit = 8;
    StressRound.CountingFactory threads =
        new StressRound.CountingFactory(Threads.DEFAULT, false);
    Runtime rt = Runtime.getRuntime();
    long baseline = usedAfterGc(rt);
    long maxUsed = 0;
    int maxQueued = 0;
    AtomicLong checksum = new AtomicLong();
    try (TaskGroup g = TaskGroup.builder().limit(limit).threadFactory(threads).open(Context.background())) {
      for (int i = 0; i < tasks; i++) {
        byte[] payload = new byte[1024];
        payload[0] = (byte) i;
        g.go(c -> checksum.addAndGet(payload[0]));
        maxQueued = Math.max(maxQueued, g.tasksInFlight());
        if (i % 100_000 == 99_999) {
          maxUsed = Math.max(maxUsed, usedAfterGc(rt) - baseline);
        }
      }
      g.await();
    }
    long expected = 0;
    for (int i = 0; i < tasks; i++) {
      expected += (byte) i;
    }
    System.out.printf(
        "memory: %d tasks, limit %d: max in flight %d, max live workers %d, threads made %d, heap growth %d KiB%n",
        tasks, limit, maxQueued, threads.max.get(), threads.count.get(), maxUsed >> 10);
    assertEquals(expected, checksum.get(), "every task ran exactly once");
    assertTrue(maxQueued <= limit, "tasks in flight: " + maxQueued);
    assertTrue(threads.max.get() <= 2 * limit, "live worker threads: " + threads.max.get());
    // 8 in-flight payloads are 8 KiB; allow generous slack for JIT and GC noise, far below the
    // ~1 GiB that retaining every task would take.
    assertTrue(maxUsed < 32L << 20, "heap grew by " + (maxUsed >> 20) + " MiB");
  }

  private static long usedAfterGc(Runtime rt) throws InterruptedException {
    for (int i = 0; i < 2; i++) {
      System.gc();
      Thread.sleep(10);
    }
    return rt.totalMemory() - rt.freeMemory();
  }
}
