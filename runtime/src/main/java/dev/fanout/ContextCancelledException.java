package dev.fanout;

import java.util.concurrent.CancellationException;

/**
 * Thrown when work stops because its {@link Context} was cancelled: by {@link
 * Context#throwIfCancelled()}, and by {@link TaskGroup#await()} when the group was cancelled from
 * outside (its parent, a deadline, an interrupt) before all of its work was done. {@link
 * #getCause()} is the context's {@linkplain Context#cause() cause}.
 */
public final class ContextCancelledException extends CancellationException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception for a context cancelled with {@code cause}.
   *
   * @param message the detail message
   * @param cause the context's cause
   */
  public ContextCancelledException(String message, Throwable cause) {
    super(message);
    initCause(cause);
  }
}
