package dev.fanout.bench;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
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
 * Unbounded fan-out of I/O-like tasks: {@code blockingTasks} tasks that each block 1 ms, no limit. The
 * ideal is 1 ms per operation; everything above is thread creation and bookkeeping. The pooled
 * contenders get a virtual-thread-per-task executor here (a fixed platform pool would bound them).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--enable-preview", "-Xms2g", "-Xmx2g"})
public class UnboundedBlocking {

  @Param({"TASKGROUP", "STS", "VTHREAD", "INVOKEALL", "GUAVA", "CF"})
  public Contender contender;

  @Param({"10000"})
  public int blockingTasks;

  private ExecutorService pool;

  @Setup(Level.Trial)
  public void setUp() {
    pool = contender.newPool(0, null);
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    if (pool != null) {
      pool.close();
    }
  }

  @Benchmark
  public void fanOut() throws Exception {
    contender.fanOut(blockingTasks, 0, Body.SLEEP_1MS, pool);
  }
}
