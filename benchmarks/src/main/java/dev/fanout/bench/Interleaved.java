package dev.fanout.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;

/**
 * A cross-check of the JMH ratios that is robust to a shared machine's drifting load: the
 * contenders take turns, one fan-out each per round (A B C A B C ...), so a burst of background
 * load hits them all alike; the median per contender is reported. JMH measures each contender
 * in its own block of seconds, minutes apart from the others.
 *
 * <pre>java --enable-preview -cp benchmarks.jar dev.fanout.bench.Interleaved [rounds]</pre>
 */
public final class Interleaved {
  private Interleaved() {}

  private static final Contender[] CONTENDERS = {
    Contender.TASKGROUP, Contender.STS, Contender.VTHREAD, Contender.INVOKEALL
  };

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 31;
    // tasks, limit (0: unbounded), sleeping body?
    int[][] shapes = {{1_000, 8, 0}, {1_000, 1_000, 0}, {100_000, 8, 0}, {100_000, 64, 0},
        {100_000, 1_000, 0}, {10_000, 0, 1}};
    System.out.println("| workload | " + String.join(" | ",
        Arrays.stream(CONTENDERS).map(Results::label).toList())
        + " | TaskGroup ÷ best same behaviour |");
    System.out.println("|---|---|---|---|---|---|");
    for (int[] s : shapes) {
      int tasks = s[0];
      int limit = s[1];
      Body body = s[2] == 1 ? Body.SLEEP_1MS : Body.NOOP;
      Map<Contender, ExecutorService> pools = new EnumMap<>(Contender.class);
      Map<Contender, List<Double>> times = new EnumMap<>(Contender.class);
      for (Contender c : CONTENDERS) {
        pools.put(c, c.newPool(limit, null));
        times.put(c, new ArrayList<>());
      }
      int warm = Math.max(3, rounds / 5);
      for (int r = 0; r < warm + rounds; r++) {
        for (Contender c : CONTENDERS) {
          long t0 = System.nanoTime();
          c.fanOut(tasks, limit, body, pools.get(c));
          long t = System.nanoTime() - t0;
          if (r >= warm) {
            times.get(c).add((double) t / tasks);
          }
        }
      }
      for (ExecutorService p : pools.values()) {
        if (p != null) {
          p.close();
        }
      }
      StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "| %,d %s, %s",
          tasks, s[2] == 1 ? "× 1 ms" : "no-op", limit == 0 ? "unbounded" : "limit " + limit));
      double tg = median(times.get(Contender.TASKGROUP));
      double best = Math.min(median(times.get(Contender.STS)), median(times.get(Contender.VTHREAD)));
      for (Contender c : CONTENDERS) {
        row.append(" | ").append(Report.fmt(median(times.get(c))));
      }
      row.append(" | ").append(Report.ratio(tg / best)).append(" |");
      System.out.println(row);
    }
    System.out.println("\nns per task, median of " + rounds + " interleaved rounds.");
  }

  private static double median(List<Double> xs) {
    double[] a = xs.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    return a[a.length / 2];
  }
}
