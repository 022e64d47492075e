package dev.fanout.sample.pitfalls;

import dev.fanout.Context;
import dev.fanout.TaskGroup;
import dev.fanout.sample.Finding;
import dev.fanout.sample.Report;
import dev.fanout.sample.Specialist;
import java.util.Arrays;
import java.util.List;

/**
 * The financial supervisor's fan-out that never waits for its specialists: the block ends, close()
 * cancels them mid-work, and the report is built from empty slots. One TaskGroupNotAwaited
 * finding, listed in src/pitfalls/expected-findings.txt; -Pfix adds the missing await().
 */
public final class TaskGroupNotAwaitedPitfalls {
  private final List<Specialist> specialists;

  public TaskGroupNotAwaitedPitfalls(List<Specialist> specialists) {
    this.specialists = List.copyOf(specialists);
  }

  /** Starts every specialist, then leaves the block without await(). */
  public Report forgotAwait(Context ctx, String query) throws InterruptedException {
    Finding[] findings = new Finding[specialists.size()];
    try (TaskGroup group = TaskGroup.withContext(ctx)) {
      group.setLimit(6);
      for (int i = 0; i < specialists.size(); i++) {
        int slot = i;
        Specialist specialist = specialists.get(i);
        group.go(c -> findings[slot] = specialist.analyze(c, query));
      }
    }
    return new Report(query, Arrays.asList(findings));
  }
}
