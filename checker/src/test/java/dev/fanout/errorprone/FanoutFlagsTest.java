package dev.fanout.errorprone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.errorprone.ErrorProneFlags;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link FanoutFlags}: what each flag's text becomes. */
final class FanoutFlagsTest {

  @Test
  void defaultsWithoutFlags() {
    FanoutFlags flags = FanoutFlags.from(ErrorProneFlags.empty());
    assertEquals(List.of(), flags.taskSinks());
    assertEquals(List.of(), flags.serialExecutors());
    assertEquals(List.of(), flags.threadSafeTypes());
    assertEquals(FanoutFlags.DEFAULT_LIMIT, flags.limit());
  }

  @Test
  void listsAreTrimmedAndEmptyEntriesDropped() {
    FanoutFlags flags =
        FanoutFlags.from(
            ErrorProneFlags.fromMap(
                Map.of(
                    FanoutFlags.SERIAL_EXECUTORS, " com.acme.Actor, ,com.acme.Mailbox ",
                    FanoutFlags.THREAD_SAFE_TYPES, "com.acme.SafeList,")));
    assertEquals(List.of("com.acme.Actor", "com.acme.Mailbox"), flags.serialExecutors());
    assertEquals(List.of("com.acme.SafeList"), flags.threadSafeTypes());
  }

  @Test
  void sinksNeedAClassAndAMethod() {
    FanoutFlags flags =
        FanoutFlags.from(
            ErrorProneFlags.fromMap(
                Map.of(
                    FanoutFlags.TASK_SINKS,
                    "com.acme.Pool#submit, #run, com.acme.Jobs#, com.acme.Jobs, a.B#c")));
    assertEquals(
        List.of(new FanoutFlags.Sink("com.acme.Pool", "submit"), new FanoutFlags.Sink("a.B", "c")),
        flags.taskSinks());
  }

  @Test
  void limitMustBePositive() {
    assertEquals(
        7, FanoutFlags.from(ErrorProneFlags.fromMap(Map.of(FanoutFlags.LIMIT, " 7 "))).limit());
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> FanoutFlags.from(ErrorProneFlags.fromMap(Map.of(FanoutFlags.LIMIT, "x"))));
    assertEquals(
        "-XepOpt:UnboundedFanOut:Limit must be a positive integer, was \"x\"", e.getMessage());
  }
}
