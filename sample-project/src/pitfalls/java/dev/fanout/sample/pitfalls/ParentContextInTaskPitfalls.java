package dev.fanout.sample.pitfalls;

import dev.fanout.Context;
import dev.fanout.TaskGroup;
import dev.fanout.sample.Finding;
import dev.fanout.sample.Report;
import dev.fanout.sample.Specialist;
import java.util.Arrays;
import java.util.List;

/**
 * The financial supervisor's fan-out where tasks work under a context other than their own, so a
 * failing specialist does not stop the others: one mistake per method. Each is one
 * ParentContextInTask finding listed in src/pitfalls/expected-findings.txt; -Pfix hands each task
 * its own context.
 */
public final class ParentContextInTaskPitfalls {
  private final List<Specialist> specialists;
  private final Context requestContext;

  public ParentContextInTaskPitfalls(List<Specialist> specialists, Context requestContext) {
    this.specialists = List.copyOf(specialists);
    this.requestContext = requestContext;
  }

  /** Tasks pass the group's parent on: a sibling's failure never cancels them. */
  public Report parentContext(Context ctx, String query) throws InterruptedException {
    Finding[] findings = new Finding[specialists.size()];
    try (TaskGroup group = TaskGroup.withContext(ctx)) {
      group.setLimit(6);
      for (int i = 0; i < specialists.size(); i++) {
        int slot = i;
        Specialist specialist = specialists.get(i);
        group.go(c -> findings[slot] = specialist.analyze(ctx, query));
      }
      group.await();
    }
    return new Report(query, Arrays.asList(findings));
  }

  /** A task detaches itself with Context.background(): nothing can cancel it. */
  public Report background(Context ctx, String query) throws InterruptedException {
    Finding[] findings = new Finding[specialists.size()];
    try (TaskGroup group = TaskGroup.withContext(ctx)) {
      group.setLimit(6);
      for (int i = 0; i < specialists.size(); i++) {
        int slot = i;
        Specialist specialist = specialists.get(i);
        group.go(c -> findings[slot] = specialist.analyze(Context.background(), query));
      }
      group.await();
    }
    return new Report(query, Arrays.asList(findings));
  }

  /** A task reads the request's context from a field instead of using its own. */
  public Report fieldContext(String query) throws InterruptedException {
    Finding[] findings = new Finding[specialists.size()];
    try (TaskGroup group = TaskGroup.withContext(requestContext)) {
      group.setLimit(6);
      for (int i = 0; i < specialists.size(); i++) {
        int slot = i;
        Specialist specialist = specialists.get(i);
        group.go(c -> findings[slot] = specialist.analyze(requestContext, query));
      }
      group.await();
    }
    return new Report(query, Arrays.asList(findings));
  }
}
