package com.acme;

import dev.fanout.Context;
import dev.fanout.TaskGroup;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A user's own fan-out, with two of the mistakes the Fanout checks find. examples/consumer/test
 * builds it with the POM docs/setup.md shows and expects exactly the findings listed in
 * expected-findings.txt beside this project's pom.xml.
 */
public final class Supervisor {
  /** One specialist: answers a query under a context. */
  public interface Specialist {
    String analyze(Context ctx, String query) throws Exception;
  }

  private final List<Specialist> specialists;

  public Supervisor(List<Specialist> specialists) {
    this.specialists = List.copyOf(specialists);
  }

  /** Tasks append to one ArrayList: adds get lost, or ArrayList.add throws. */
  public List<String> ask(Context ctx, String query) throws InterruptedException {
    List<String> answers = new ArrayList<>();
    try (TaskGroup group = TaskGroup.withContext(ctx)) {
      group.setLimit(6);
      for (Specialist specialist : specialists) {
        group.go(c -> answers.add(specialist.analyze(c, query)));
      }
      group.await();
    }
    return answers;
  }

  /** Tasks pass the group's parent on: a sibling's failure never cancels them. */
  public List<String> askEach(Context ctx, String query) throws InterruptedException {
    String[] answers = new String[specialists.size()];
    try (TaskGroup group = TaskGroup.withContext(ctx)) {
      group.setLimit(6);
      for (int i = 0; i < specialists.size(); i++) {
        int slot = i;
        Specialist specialist = specialists.get(i);
        group.go(c -> answers[slot] = specialist.analyze(ctx, query));
      }
      group.await();
    }
    return Arrays.asList(answers);
  }
}
