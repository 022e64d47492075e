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
 * Bounded fan-out of no-op tasks: {@code tasks} tasks, at most {@code limit} at once, then wait for
 * all. One operation is one whole fan-out; the report divides by {@code tasks} for ns per task, and
 * {@code -prof gc}'s {@code gc.alloc.rate.norm} by {@code tasks} for bytes per task.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--enable-preview", "-Xms2g", "-Xmx2g"})
public class BoundedFanOut {

  @Param({"TASKGROUP", "STS", "VTHREAD", "INVOKEALL", "GUAVA", "CF"})
  public Contender contender;

  @Param({"1000", "100000", "1000000"})
  public int tasks;

  @Param({"8", "64", "1000"})
  public int limit;

  private ExecutorService pool;

  @Setup(Level.Trial)
  public void setUp() {
    pool = contender.newPool(limit, null);
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    if (pool != null) {
      pool.close();
    }
  }

  @Benchmark
  public void fanOut() throws Exception {
    contender.fanOut(tasks, limit, Body.NOOP, pool);
  }
}
