package dev.fanout.sample;

import dev.fanout.Context;
import dev.fanout.TaskGroup;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The coordinator: fans one query out to its specialists, at most {@code limit} at a time, and
 * fans their findings back in. It can do nothing without all of them, so the first specialist
 * error cancels the rest and is the supervisor's own failure.
 */
public final class FinancialSupervisor {
  private final List<Specialist> specialists;
  private final int limit;

  public FinancialSupervisor(List<Specialist> specialists, int limit) {
    this.specialists = List.copyOf(specialists);
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be at least 1, was " + limit);
    }
    this.limit = limit;
  }

  /**
   * Asks every specialist about {@code query}.
   *
   * @throws dev.fanout.TaskFailedException the first specialist failure (its exception is the cause)
   * @throws dev.fanout.ContextCancelledException if {@code ctx} was cancelled or its deadline passed
   */
  public Report handle(Context ctx, String query) throws InterruptedException {
    Objects.requireNonNull(query, "query");
    Finding[] findings = new Finding[specialists.size()];
    try (TaskGroup group = TaskGroup.withContext(ctx)) {
      group.setLimit(limit);
      for (int i = 0; i < specialists.size(); i++) {
        int slot = i;
        Specialist specialist = specialists.get(i);
        // Each task writes its own slot; await() makes the writes visible below.
        group.go(c -> findings[slot] = specialist.analyze(c, query));
      }
      group.await();
    }
    return new Report(query, Arrays.asList(findings));
  }
}
