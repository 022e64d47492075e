package dev.fanout.errorprone;

import com.google.common.collect.ImmutableList;
import com.google.errorprone.ErrorProneFlags;
import java.util.Optional;

/**
 * Every {@code -XepOpt:} flag of the checker, parsed in one place (as NullAway's {@code Config}
 * does for its own). A check takes {@link ErrorProneFlags} in its {@code @Inject} constructor,
 * hands them to {@link #from} and reads only the parsed values; no check reads a flag by name.
 *
 * <p>List flags are comma-separated; blanks around entries and empty entries are dropped. An
 * invalid {@code UnboundedFanOut:Limit} stops the compilation with a message that names the flag.
 */
final class FanoutFlags {

  /** {@code -XepOpt:Fanout:TaskSinks=com.acme.Pool#submit,...}: more calls that run tasks. */
  static final String TASK_SINKS = "Fanout:TaskSinks";

  /**
   * {@code -XepOpt:Fanout:SerialExecutors=com.acme.Actor,...}: more executor types that run their
   * tasks one at a time on one thread (matched on the receiver's static type and its subtypes).
   */
  static final String SERIAL_EXECUTORS = "Fanout:SerialExecutors";

  /** {@code -XepOpt:Fanout:ThreadSafeTypes=com.acme.SafeList,...}: more thread-safe types. */
  static final String THREAD_SAFE_TYPES = "Fanout:ThreadSafeTypes";

  /**
   * {@code -XepOpt:UnboundedFanOut:Limit=N}: the limit UnboundedFanOut's fix sets, and the size up
   * to which a fan-out counts as small. Named after its one check, as shipped.
   */
  static final String LIMIT = "UnboundedFanOut:Limit";

  /** A sensible concurrency for calls to one downstream service. */
  static final int DEFAULT_LIMIT = 16;

  /** A user sink from {@link #TASK_SINKS}: a class (or supertype of the receiver), a method. */
  record Sink(String owner, String method) {}

  private final ImmutableList<Sink> taskSinks;
  private final ImmutableList<String> serialExecutors;
  private final ImmutableList<String> threadSafeTypes;
  private final int limit;

  private FanoutFlags(
      ImmutableList<Sink> taskSinks,
      ImmutableList<String> serialExecutors,
      ImmutableList<String> threadSafeTypes,
      int limit) {
    this.taskSinks = taskSinks;
    this.serialExecutors = serialExecutors;
    this.threadSafeTypes = threadSafeTypes;
    this.limit = limit;
  }

  /** The flags a compilation was given; throws on an invalid {@link #LIMIT}. */
  static FanoutFlags from(ErrorProneFlags flags) {
    return new FanoutFlags(
        sinks(flags.getListOrEmpty(TASK_SINKS)),
        names(flags.getListOrEmpty(SERIAL_EXECUTORS)),
        names(flags.getListOrEmpty(THREAD_SAFE_TYPES)),
        parseLimit(flags.get(LIMIT)));
  }

  /** The user's task sinks, well-formed {@code class#method} entries only, in the order given. */
  ImmutableList<Sink> taskSinks() {
    return taskSinks;
  }

  /** The user's serial executor types (class names). */
  ImmutableList<String> serialExecutors() {
    return serialExecutors;
  }

  /** The user's thread-safe types (class names). */
  ImmutableList<String> threadSafeTypes() {
    return threadSafeTypes;
  }

  /** UnboundedFanOut's limit: {@link #DEFAULT_LIMIT} unless {@link #LIMIT} says otherwise. */
  int limit() {
    return limit;
  }

  /** The flag's value: a positive int; anything else stops the compilation with this message. */
  static int parseLimit(Optional<String> value) {
    if (value.isEmpty()) {
      return DEFAULT_LIMIT;
    }
    int n;
    try {
      n = Integer.parseInt(value.get().trim());
    } catch (NumberFormatException e) {
      n = 0; // reported below, with the text the user gave
    }
    if (n < 1) {
      throw new IllegalArgumentException(
          "-XepOpt:" + LIMIT + " must be a positive integer, was \"" + value.get() + "\"");
    }
    return n;
  }

  private static ImmutableList<String> names(Iterable<String> values) {
    ImmutableList.Builder<String> b = ImmutableList.builder();
    for (String v : values) {
      if (!v.trim().isEmpty()) {
        b.add(v.trim());
      }
    }
    return b.build();
  }

  /**
   * {@code class#method} entries. One without a class or a method names no call, so it matches
   * nothing (as it always has); the flag's page says the form.
   */
  private static ImmutableList<Sink> sinks(Iterable<String> specs) {
    ImmutableList.Builder<Sink> b = ImmutableList.builder();
    for (String s : names(specs)) {
      int hash = s.indexOf('#');
      if (hash > 0 && hash < s.length() - 1) {
        b.add(new Sink(s.substring(0, hash), s.substring(hash + 1)));
      }
    }
    return b.build();
  }
}
