package dev.fanout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The randomized stress harness: random rounds ({@link StressRound}) for a fixed time, each
 * checked against every promise of the runtime, stopping at the first round that breaks one.
 *
 * <p>Properties: {@code -Dfanout.stress.seconds=N} (how long; the build's default is short, CI
 * runs it longer on each JDK, and {@code runtime/stress} runs it for as long as asked), {@code
 * -Dfanout.seed=N} (replay a run's seeds; races make a replay likely, not certain, to fail the
 * same way), {@code -Dfanout.stress.hang=S} (seconds after which a round counts as hung).
 */
class TaskGroupStressTest {

  private static final long SECONDS = Long.getLong("fanout.stress.seconds", 10);
  private static final Duration HANG = Duration.ofSeconds(Long.getLong("fanout.stress.hang", 30));
  private static final long PROGRESS_NANOS = TimeUnit.SECONDS.toNanos(30);

  @Test
  void randomRoundsKeepEveryPromise() throws Exception {
    // Each round has its own hang watchdog; this one catches a hang outside any round (the
    // harness's own setup, a pool that will not shut down) with the same thread dump.
    Duration whole = Duration.ofSeconds(SECONDS).plus(HANG).plus(HANG);
    Throwable thrown = Watchdog.run(whole, "the stress run", this::randomRounds);
    if (thrown instanceof Error) {
      throw (Error) thrown; // a violation (AssertionFailedError) or a genuine Error
    } else if (thrown != null) {
      throw (Exception) thrown; // randomRounds declares only Exception
    }
  }

  private void randomRounds() throws Exception {
    long seed = Long.getLong("fanout.seed", System.nanoTime());
    Random seeds = new Random(seed);
    CancellableContext root = Context.background().withCancel(); // long-lived: must stay empty
    ExecutorService pool = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "stress pool");
      t.setDaemon(true);
      return t;
    });
    AtomicInteger poolWorkers = new AtomicInteger();
    Map<StressRound.Outcome, AtomicInteger> tally = StressRound.newTally();
    long tasksRun = 0;
    long t0 = System.nanoTime();
    long end = t0 + TimeUnit.SECONDS.toNanos(SECONDS);
    long nextReport = t0 + PROGRESS_NANOS;
    int rounds = 0;
    System.out.printf(
        "stress: %d s on Java %s, seed %d (replay: -Dfanout.seed=%d)%n",
        SECONDS, Runtime.version(), seed, seed);
    try {
      while (System.nanoTime() < end) {
        long roundSeed = seeds.nextLong();
        StressRound round = new StressRound(new Random(roundSeed), root, pool, poolWorkers);
        round.run(HANG);
        rounds++;
        if (!round.violations().isEmpty()) {
          fail("round " + rounds + " (" + round + ", round seed " + roundSeed + ", run seed " + seed
              + ") broke a promise:\n  - " + String.join("\n  - ", round.violations()));
        }
        tally.get(round.outcome).incrementAndGet();
        tasksRun += round.tasksRun;
        if (System.nanoTime() >= nextReport) {
          nextReport += PROGRESS_NANOS;
          System.out.printf("stress: %s%n", summary(rounds, t0, tally, tasksRun));
        }
      }
    } finally {
      pool.shutdownNow();
      root.close();
    }
    System.out.printf("stress: done, no violation: %s%n", summary(rounds, t0, tally, tasksRun));
    // The random mix must reach every outcome, or the run proves little.
    if (SECONDS >= 5) {
      for (Map.Entry<StressRound.Outcome, AtomicInteger> e : tally.entrySet()) {
        assertTrue(e.getValue().get() > 0, "no round ended " + e.getKey() + ": " + tally);
      }
    }
  }

  private static String summary(
      int rounds, long t0, Map<StressRound.Outcome, AtomicInteger> tally, long tasksRun) {
    return String.format(
        "%,d rounds in %.0f s, %s, %,d tasks ran to the end",
        rounds, (System.nanoTime() - t0) / 1e9, tally, tasksRun);
  }

  /** Concurrent go from several threads into one group: the count of runs is exact. */
  @Test
  void concurrentSubmittersLoseNoTask() throws Exception {
    int submitters = 4;
    int perSubmitter = 20_000;
    AtomicInteger ran = new AtomicInteger();
    try (TaskGroup g = TaskGroup.builder().limit(8).open(Context.background())) {
      List<Thread> threads = new ArrayList<>();
      for (int s = 0; s < submitters; s++) {
        Thread t =
            new Thread(
                () -> {
                  for (int i = 0; i < perSubmitter; i++) {
                    g.go(c -> ran.incrementAndGet());
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
  }
}
