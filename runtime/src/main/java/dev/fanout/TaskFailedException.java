package dev.fanout;

import java.util.List;

/**
 * Thrown by {@link TaskGroup#await()} (and {@link TaskGroup#close()} when {@code await} was never
 * reached) when tasks failed with exceptions. {@link #getCause()} is the original exception of
 * the first failure, unwrapped, with the task's stack trace intact.
 *
 * <p>In the default fail-fast mode, the first failure is the first in time: the one that
 * cancelled the group. In {@linkplain TaskGroup.Builder#collectAllErrors() collect-all mode} it is
 * the first in submission order. Either way, every other genuine failure is attached with {@link
 * #addSuppressed}, in submission order; failures that were only fallout of the group's
 * cancellation ({@link InterruptedException}, {@link java.util.concurrent.CancellationException}
 * and the like, thrown after the group was cancelled) are left out. {@link #failures()} lists them
 * all, first failure first.
 *
 * <p>An {@link Error} thrown by a task is never wrapped in this exception: {@code await} rethrows
 * it as it is.
 */
public final class TaskFailedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final transient List<Throwable> failures;

  TaskFailedException(List<Throwable> failures) {
    super(message(failures), failures.get(0));
    this.failures = List.copyOf(failures);
    for (int i = 1; i < failures.size(); i++) {
      addSuppressed(failures.get(i));
    }
  }

  private static String message(List<Throwable> failures) {
    String first = Contexts.describe(failures.get(0));
    return failures.size() == 1
        ? "task failed: " + first
        : failures.size() + " tasks failed; first: " + first;
  }

  /** Returns every genuine task failure, the reported one first. */
  public List<Throwable> failures() {
    return failures;
  }
}
