package dev.fanout.bench;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * First-failure cancellation latency. Before each operation (not timed): a fan-out of {@code
 * siblings + 1} tasks is started and every task is running: the siblings block in a 60 s sleep,
 * one task waits for a trigger. The timed operation: release the trigger (that task then throws)
 * and wait as the contender waits, until its fan-in returns with the failure. So each sample is
 * the time from the failure to the fan-in returning, plus one thread wake-up (the trigger).
 * SampleTime mode gives the median and p99 per contender.
 *
 * <p>Only contenders that cancel take part: INVOKEALL and CF would wait out the 60 s sleep (CF's
 * cancel does not interrupt a running task). GUAVA returns before its siblings have ended; how
 * many were still running is printed per trial ({@code still running at return}).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--enable-preview", "-Xms1g", "-Xmx1g"})
public class CancelLatency {

  @Param({"TASKGROUP", "STS", "VTHREAD", "GUAVA"})
  public Contender contender;

  @Param({"1000"})
  public int siblings;

  private final AtomicInteger live = new AtomicInteger();
  private ExecutorService pool;
  private Running running;
  private CountDownLatch trigger;
  private long ops;
  private long stillRunningSum;
  private int stillRunningMax;

  @Setup(Level.Trial)
  public void setUp() {
    pool = contender.newPool(0, null);
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    if (pool != null) {
      pool.close();
    }
    System.out.printf(
        "%n[cancel] %s: tasks still running when the fan-in returned: mean %.1f, max %d (%d ops)%n",
        contender, ops == 0 ? 0.0 : (double) stillRunningSum / ops, stillRunningMax, ops);
  }

  @Setup(Level.Invocation)
  public void launch() throws Exception {
    CountDownLatch started = new CountDownLatch(siblings + 1);
    CountDownLatch go = new CountDownLatch(1);
    AtomicInteger ticket = new AtomicInteger();
    Body body = () -> {
      live.incrementAndGet();
      try {
        boolean failer = ticket.getAndIncrement() == 0;
        started.countDown();
        if (failer) {
          go.await();
          throw new IllegalStateException("the first failure");
        }
        Thread.sleep(60_000);
      } finally {
        live.decrementAndGet();
      }
    };
    trigger = go;
    running = contender.start(siblings + 1, 0, body, pool, null);
    if (!started.await(30, TimeUnit.SECONDS)) {
      throw new IllegalStateException("fan-out did not start: " + started.getCount() + " missing");
    }
  }

  @Benchmark
  public void failAndAwait() throws Exception {
    trigger.countDown();
    try {
      running.await();
    } catch (Exception expected) {
      // the failure, as the contender reports it
    }
    int left = live.get();
    ops++;
    stillRunningSum += left;
    stillRunningMax = Math.max(stillRunningMax, left);
  }

  @TearDown(Level.Invocation)
  public void drain() throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (live.get() != 0) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(live.get() + " tasks still running 30 s after the failure");
      }
      Thread.sleep(1);
    }
  }
}
