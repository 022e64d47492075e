package dev.fanout.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The 1,000,000-task run at limit 8: do heap and threads stay bounded? One contender per JVM:
 *
 * <pre>
 * java --enable-preview -Xmx1g -cp benchmarks.jar dev.fanout.bench.BoundedMemory TASKGROUP [tasks] [limit]
 * </pre>
 *
 * Every thread a contender runs tasks on comes from a counting factory (virtual threads for
 * TASKGROUP, STS, VTHREAD; platform threads for the pools), so it reports threads created and
 * the most alive at once. A watcher thread forces a full GC when a quarter, half and three
 * quarters of the tasks have started and reads the heap then: the heap the fan-out retains
 * mid-run, above the baseline taken before it. It also reports the most tasks running at once.
 * Prints one JSON object on stdout.
 */
public final class BoundedMemory {
  private BoundedMemory() {}

  public static void main(String[] args) throws Exception {
    Contender contender = Contender.valueOf(args[0]);
    int tasks = args.length > 1 ? Integer.parseInt(args[1]) : 1_000_000;
    int limit = args.length > 2 ? Integer.parseInt(args[2]) : 8;

    AtomicInteger threadsAlive = new AtomicInteger();
    AtomicInteger threadsPeak = new AtomicInteger();
    AtomicLong threadsCreated = new AtomicLong();
    ThreadFactory virtual = counting(Thread.ofVirtual().factory(), threadsAlive, threadsPeak, threadsCreated);
    ThreadFactory platform =
        counting(Thread.ofPlatform().daemon().factory(), threadsAlive, threadsPeak, threadsCreated);

    AtomicLong started = new AtomicLong();
    AtomicInteger running = new AtomicInteger();
    AtomicInteger runningPeak = new AtomicInteger();
    Body body = () -> {
      started.incrementAndGet();
      peak(runningPeak, running.incrementAndGet());
      running.decrementAndGet();
    };

    MemoryMXBean mem = ManagementFactory.getMemoryMXBean();
    ExecutorService pool = contender.newPool(limit, platform);
    System.gc();
    long baseline = mem.getHeapMemoryUsage().getUsed();

    long[] retained = new long[3];
    Thread watcher = Thread.ofPlatform().daemon().start(() -> {
      for (int q = 0; q < 3; q++) {
        long mark = (long) tasks * (q + 1) / 4;
        while (started.get() < mark) {
          Thread.onSpinWait();
          if (Thread.currentThread().isInterrupted()) {
            return;
          }
        }
        System.gc();
        retained[q] = mem.getHeapMemoryUsage().getUsed() - baseline;
      }
    });

    long t0 = System.nanoTime();
    String outcome = "ok";
    try {
      contender.start(tasks, limit, body, pool, pool == null ? virtual : null).await();
    } catch (OutOfMemoryError e) {
      outcome = "OutOfMemoryError";
    }
    long elapsed = System.nanoTime() - t0;
    watcher.interrupt();
    watcher.join();
    if (pool != null) {
      pool.close();
    }
    long maxRetained = Math.max(retained[0], Math.max(retained[1], retained[2]));
    System.out.printf(
        Locale.ROOT,
        "{\"contender\":\"%s\",\"tasks\":%d,\"limit\":%d,\"outcome\":\"%s\",\"seconds\":%.3f,"
            + "\"retainedHeapBytes\":[%d,%d,%d],\"maxRetainedHeapBytes\":%d,"
            + "\"threadsCreated\":%d,\"peakThreadsAlive\":%d,\"peakTasksRunning\":%d,"
            + "\"maxHeapBytes\":%d}%n",
        contender, tasks, limit, outcome, elapsed / 1e9,
        retained[0], retained[1], retained[2], maxRetained,
        threadsCreated.get(), threadsPeak.get(), runningPeak.get(),
        mem.getHeapMemoryUsage().getMax());
  }

  private static ThreadFactory counting(
      ThreadFactory f, AtomicInteger alive, AtomicInteger peak, AtomicLong created) {
    return r -> {
      created.incrementAndGet();
      return f.newThread(() -> {
        peak(peak, alive.incrementAndGet());
        try {
          r.run();
        } finally {
          alive.decrementAndGet();
        }
      });
    };
  }

  private static void peak(AtomicInteger peak, int now) {
    for (int p; now > (p = peak.get()); ) {
      if (peak.compareAndSet(p, now)) {
        return;
      }
    }
  }
}
