package dev.fanout.sample;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fanout.CancellableContext;
import dev.fanout.Context;
import dev.fanout.ContextCancelledException;
import dev.fanout.DeadlineExceededException;
import dev.fanout.TaskFailedException;
import dev.fanout.sample.SimulatedSpecialist.Behaviour;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class FinancialSupervisorTest {

  private static List<Specialist> team(Journal journal, String failing, String hanging) {
    List<Specialist> team = new ArrayList<>();
    int ms = 40;
    for (String name : Main.NAMES) {
      Behaviour b = name.equals(failing) ? Behaviour.FAIL : name.equals(hanging) ? Behaviour.HANG : Behaviour.ANSWER;
      // The failing one is fast; the others are slow, so they are still running when it fails.
      Duration latency = Duration.ofMillis(name.equals(failing) ? 20 : ms);
      team.add(new SimulatedSpecialist(name, latency, b, journal));
      ms += 2000;
    }
    return team;
  }

  @Test
  void allSpecialistsAnswerInOrder() throws Exception {
    Journal journal = new Journal();
    List<Specialist> team = new ArrayList<>();
    for (String name : Main.NAMES) {
      team.add(new SimulatedSpecialist(name, Duration.ofMillis(10), Behaviour.ANSWER, journal));
    }
    Report r = new FinancialSupervisor(team, Main.LIMIT).handle(Context.background(), "q");
    assertEquals(Main.NAMES, r.findings().stream().map(Finding::specialist).toList());
  }

  @Test
  void firstFailureCancelsTheOthersPromptly() {
    Journal journal = new Journal();
    FinancialSupervisor s = new FinancialSupervisor(team(journal, "anomaly_detector", null), Main.LIMIT);
    long t0 = System.nanoTime();
    TaskFailedException e = assertThrows(TaskFailedException.class, () -> s.handle(Context.background(), "q"));
    long ms = (System.nanoTime() - t0) / 1_000_000;
    assertInstanceOf(SpecialistException.class, e.getCause());
    assertTrue(ms < 1500, "the slow specialists were not cancelled: " + ms + " ms");
    long cancelled = journal.lines().stream().filter(l -> l.contains("cancelled after")).count();
    assertEquals(3, cancelled, journal.lines().toString()); // all three others were still running
  }

  @Test
  void deadlineEndsAHangingSpecialist() {
    Journal journal = new Journal();
    FinancialSupervisor s = new FinancialSupervisor(team(journal, null, "recommender"), Main.LIMIT);
    try (CancellableContext ctx = Context.background().withTimeout(Duration.ofMillis(200))) {
      ContextCancelledException e = assertThrows(ContextCancelledException.class, () -> s.handle(ctx, "q"));
      assertInstanceOf(DeadlineExceededException.class, e.getCause());
    }
  }

  @Test
  void commandLineReportsOutcomeAndExitCode() throws Exception {
    assertEquals(0, runMain());
    assertEquals(1, runMain("--fail", "forecaster"));
    assertEquals(1, runMain("--hang", "analyzer", "--timeout", "100"));
    assertEquals(2, runMain("--fail", "nobody"));
    assertEquals(2, runMain("--bogus"));
  }

  private static int runMain(String... args) throws InterruptedException {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    PrintStream ps = new PrintStream(buf, true, StandardCharsets.UTF_8);
    int code = Main.run(args, ps, ps);
    String out = buf.toString(StandardCharsets.UTF_8);
    if (code == 0) {
      assertTrue(out.contains("result:\n") || out.contains("result:\r\n"), out);
      assertFalse(out.contains("exit status"), out);
    }
    if (code != 2) {
      assertFalse(out.contains("$"), "a binary class name in the demo's output: " + out);
    }
    if (code == 1) {
      // The demo fails on purpose with --fail and --hang; the output says so, not only Main.java.
      String last = out.strip().lines().reduce((a, b) -> b).orElse("");
      assertTrue(last.startsWith("exit status 1: " + args[0] + " " + args[1] + " made that specialist"), out);
    }
    return code;
  }
}
