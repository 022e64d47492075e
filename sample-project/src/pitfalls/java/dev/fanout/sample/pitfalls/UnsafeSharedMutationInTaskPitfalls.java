package dev.fanout.sample.pitfalls;

import dev.fanout.Context;
import dev.fanout.TaskGroup;
import dev.fanout.sample.Finding;
import dev.fanout.sample.Report;
import dev.fanout.sample.Specialist;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

/**
 * The financial supervisor's fan-out with shared state that is not thread-safe, written the ways
 * it is written in real code: one mistake per method. Each is one UnsafeSharedMutationInTask
 * finding listed in src/pitfalls/expected-findings.txt; -Pfix applies the suggested fixes to a
 * copy, which must then compile with no finding left.
 */
public final class UnsafeSharedMutationInTaskPitfalls {
  private final List<Specialist> specialists;
  private final List<String> consulted = new ArrayList<>();
  private int answered;

  public UnsafeSharedMutationInTaskPitfalls(List<Specialist> specialists) {
    this.specialists = List.copyOf(specialists);
  }

  /** Tasks of a TaskGroup append to one ArrayList: adds get lost, or ArrayList.add throws. */
  public Report appendFromTasks(Context ctx, String query) throws InterruptedException {
    List<Finding> findings = new ArrayList<>();
    try (TaskGroup group = TaskGroup.withContext(ctx)) {
      group.setLimit(6);
      for (Specialist specialist : specialists) {
        group.go(c -> findings.add(specialist.analyze(c, query)));
      }
      group.await();
    }
    return new Report(query, findings);
  }

  /** A parallel stream puts into a HashMap: entries vanish during a concurrent resize. */
  public Map<String, Integer> nameLengths() {
    Map<String, Integer> lengths = new HashMap<>();
    specialists.parallelStream().forEach(s -> lengths.put(s.name(), s.name().length()));
    return lengths;
  }

  /** count++ from CompletableFuture tasks: a read, an add and a write; increments get lost. */
  public int countAnswers(Context ctx, String query) {
    List<CompletableFuture<Void>> running = new ArrayList<>();
    for (Specialist specialist : specialists) {
      running.add(
          CompletableFuture.runAsync(
              () -> {
                if (answers(specialist, ctx, query)) {
                  answered++;
                }
              }));
    }
    CompletableFuture.allOf(running.toArray(new CompletableFuture<?>[0])).join();
    return answered;
  }

  /** Executor tasks append to one StringBuilder: characters of two summaries interleave. */
  public String summaries(ExecutorService executor, Context ctx, String query) throws Exception {
    StringBuilder out = new StringBuilder();
    List<Future<?>> running = new ArrayList<>();
    for (Specialist specialist : specialists) {
      running.add(
          executor.submit(
              () -> {
                Finding f = specialist.analyze(ctx, query);
                out.append(f.summary()).append('\n');
                return f;
              }));
    }
    for (Future<?> f : running) {
      f.get();
    }
    return out.toString();
  }

  /** A parallel forEach calls a private method that appends to a field: the common real form. */
  public List<String> consult() {
    specialists.parallelStream().forEach(this::recordConsulted);
    return consulted;
  }

  private void recordConsulted(Specialist specialist) {
    consulted.add(specialist.name());
  }

  private static boolean answers(Specialist specialist, Context ctx, String query) {
    try {
      return specialist.analyze(ctx, query) != null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } catch (Exception e) {
      return false;
    }
  }
}
