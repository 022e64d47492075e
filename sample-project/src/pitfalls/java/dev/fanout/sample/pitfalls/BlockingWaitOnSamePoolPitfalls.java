package dev.fanout.sample.pitfalls;

import dev.fanout.Context;
import dev.fanout.sample.Finding;
import dev.fanout.sample.Report;
import dev.fanout.sample.Specialist;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * A report service on a fixed pool of 4 threads: each report task submits the four specialists to
 * the same pool and waits for them. Four concurrent reports take all four threads, and the
 * specialists they wait for sit in the queue with no thread to run them. One BlockingWaitOnSamePool
 * finding, listed in src/pitfalls/expected-findings.txt; it offers no fix.
 */
public final class BlockingWaitOnSamePoolPitfalls {
  private final ExecutorService pool = Executors.newFixedThreadPool(4);
  private final List<Specialist> specialists;

  public BlockingWaitOnSamePoolPitfalls(List<Specialist> specialists) {
    this.specialists = List.copyOf(specialists);
  }

  /** Starts a report; the caller waits on the returned future. */
  public Future<Report> report(Context ctx, String query) {
    return pool.submit(
        () -> {
          List<Future<Finding>> parts = new ArrayList<>();
          for (Specialist specialist : specialists) {
            parts.add(pool.submit(() -> specialist.analyze(ctx, query)));
          }
          List<Finding> findings = new ArrayList<>();
          for (Future<Finding> part : parts) {
            findings.add(part.get());
          }
          return new Report(query, findings);
        });
  }
}
