package dev.fanout.sample;

/**
 * A specialist's own failure. A top-level class, not nested, so that the demo's output, which
 * prints causes with {@code toString()}, names it {@code dev.fanout.sample.SpecialistException}
 * rather than a binary name with {@code $}.
 */
public final class SpecialistException extends Exception {
  private static final long serialVersionUID = 1L;

  public SpecialistException(String message) {
    super(message);
  }
}
