package dev.fanout.sample;

import dev.fanout.CancellableContext;
import dev.fanout.Context;
import dev.fanout.ContextCancelledException;
import dev.fanout.TaskFailedException;
import dev.fanout.sample.SimulatedSpecialist.Behaviour;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Runs the financial supervisor once and prints what happened.
 *
 * <pre>
 * usage: Main [--seed N] [--fail NAME] [--hang NAME] [--timeout MS] [--query TEXT]
 *   --seed N      latencies are drawn from this seed (default 7)
 *   --fail NAME   that specialist fails early: the others are cancelled
 *   --hang NAME   that specialist never answers: only --timeout ends the run
 *   --timeout MS  a deadline for the whole query (default: none)
 * names: analyzer, forecaster, anomaly_detector, recommender
 * </pre>
 */
public final class Main {
  static final List<String> NAMES = List.of("analyzer", "forecaster", "anomaly_detector", "recommender");
  static final int LIMIT = 6;

  private Main() {}

  public static void main(String[] args) throws InterruptedException {
    int code = run(args, System.out, System.err);
    if (code != 0) {
      System.exit(code);
    }
  }

  /** Runs once; returns the process exit code (0 answered, 1 failed or cancelled, 2 bad usage). */
  static int run(String[] args, PrintStream out, PrintStream err) throws InterruptedException {
    long seed = 7;
    String fail = null;
    String hang = null;
    Duration timeout = null;
    String query = "Should we rebalance the portfolio toward bonds this quarter?";
    try {
      for (int i = 0; i < args.length; i++) {
        switch (args[i]) {
          case "--seed" -> seed = Long.parseLong(value(args, ++i));
          case "--fail" -> fail = name(value(args, ++i));
          case "--hang" -> hang = name(value(args, ++i));
          case "--timeout" -> timeout = Duration.ofMillis(Long.parseLong(value(args, ++i)));
          case "--query" -> query = value(args, ++i);
          case "--help", "-h" -> {
            out.println(usage());
            return 0;
          }
          default -> throw new IllegalArgumentException("unknown option " + args[i]);
        }
      }
    } catch (IllegalArgumentException e) {
      err.println("error: " + e.getMessage());
      err.println(usage());
      return 2;
    }

    Journal journal = new Journal();
    Random random = new Random(seed);
    List<Specialist> specialists = new ArrayList<>();
    for (String name : NAMES) {
      Duration latency = Duration.ofMillis(50 + random.nextInt(250));
      Behaviour behaviour =
          name.equals(fail) ? Behaviour.FAIL : name.equals(hang) ? Behaviour.HANG : Behaviour.ANSWER;
      if (behaviour == Behaviour.FAIL) {
        // An unreachable data source fails fast, so the others are still at work when it does.
        latency = latency.dividedBy(5);
      }
      specialists.add(new SimulatedSpecialist(name, latency, behaviour, journal));
    }
    FinancialSupervisor supervisor = new FinancialSupervisor(specialists, LIMIT);

    out.printf(Locale.ROOT, "financial_supervisor: query \"%s\" to %d specialists (limit %d, seed %d)%n",
        query, specialists.size(), LIMIT, seed);
    long start = System.nanoTime();
    int code;
    try (CancellableContext ctx =
        timeout == null ? Context.background().withCancel() : Context.background().withTimeout(timeout)) {
      Report report = supervisor.handle(ctx, query);
      printJournal(out, journal);
      out.println("result:");
      for (Finding f : report.findings()) {
        out.println("  " + f.specialist() + ": " + f.summary());
      }
      code = 0;
    } catch (TaskFailedException e) {
      printJournal(out, journal);
      out.println("result: FAILED: " + e.getCause());
      code = 1;
    } catch (ContextCancelledException e) {
      printJournal(out, journal);
      out.println("result: CANCELLED: " + e.getCause());
      code = 1;
    }
    out.printf(Locale.ROOT, "took %d ms%n", (System.nanoTime() - start) / 1_000_000);
    if (code != 0) {
      out.println(whyExit1(fail, hang, timeout));
    }
    return code;
  }

  /**
   * Says why the process exits 1: with --fail or --hang the run fails on purpose, and a script
   * (or a reader of the README's demo) should not take that for a broken build.
   */
  static String whyExit1(String fail, String hang, Duration timeout) {
    String why;
    if (fail != null) {
      why = "--fail " + fail + " made that specialist fail on purpose, so the supervisor has no answer"
          + " and cancelled the others";
    } else if (hang != null && timeout != null) {
      why = "--hang " + hang + " made that specialist never answer, and the --timeout deadline ended the query";
    } else {
      why = "the query did not complete";
    }
    return "exit status 1: " + why + " (that is what the demo shows; without --fail and --hang every"
        + " specialist answers and the exit status is 0)";
  }

  private static void printJournal(PrintStream out, Journal journal) {
    for (String line : journal.lines()) {
      out.println("  " + line);
    }
  }

  private static String value(String[] args, int i) {
    if (i >= args.length) {
      throw new IllegalArgumentException(args[i - 1] + " needs a value");
    }
    return args[i];
  }

  private static String name(String s) {
    if (!NAMES.contains(s)) {
      throw new IllegalArgumentException("no specialist named " + s + "; names: " + String.join(", ", NAMES));
    }
    return s;
  }

  static String usage() {
    return "usage: Main [--seed N] [--fail NAME] [--hang NAME] [--timeout MS] [--query TEXT]\n"
        + "names: " + String.join(", ", NAMES);
  }
}
