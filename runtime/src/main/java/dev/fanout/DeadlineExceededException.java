package dev.fanout;

import java.time.Instant;
import java.util.concurrent.TimeoutException;

/**
 * The {@linkplain Context#cause() cause} of a context whose deadline passed: Go's {@code
 * context.DeadlineExceeded}.
 */
public final class DeadlineExceededException extends TimeoutException {
  private static final long serialVersionUID = 1L;

  private final transient Instant deadline;

  DeadlineExceededException(Instant deadline) {
    super("context deadline exceeded (deadline " + deadline + ")");
    this.deadline = deadline;
  }

  /** Returns the deadline that passed. */
  public Instant deadline() {
    return deadline;
  }
}
