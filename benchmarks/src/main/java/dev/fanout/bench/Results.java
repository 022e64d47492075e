package dev.fanout.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The results of one run, read back from JMH's JSON (and the memory run's JSON lines). */
final class Results {

  /** One JMH result. Times are converted to nanoseconds per operation. */
  record Row(
      String benchmark,
      Map<String, String> params,
      double nsPerOp,
      double nsError,
      Map<String, Double> nsPercentiles,
      Map<String, Double> secondary) {

    Contender contender() {
      return Contender.valueOf(params.get("contender"));
    }

    int param(String name) {
      return Integer.parseInt(params.get(name));
    }
  }

  /** A bounded-fan-out cell: the task count and the limit. */
  record Shape(int tasks, int limit) implements Comparable<Shape> {
    @Override
    public int compareTo(Shape o) {
      return tasks != o.tasks ? Integer.compare(tasks, o.tasks) : Integer.compare(limit, o.limit);
    }
  }

  final Map<Shape, Map<Contender, Row>> bounded = new TreeMap<>();
  final Map<Contender, Row> unbounded = new EnumMap<>(Contender.class);
  final Map<Contender, Row> cancel = new EnumMap<>(Contender.class);
  final List<Map<String, Object>> memory = new ArrayList<>();
  String jvm = "?";
  String jmhVersion = "?";

  static Results load(Path jmhJson, Path memoryJsonl) throws IOException {
    Results r = new Results();
    for (Object o : (List<?>) Json.parse(Files.readString(jmhJson))) {
      Map<?, ?> m = (Map<?, ?>) o;
      r.jvm = m.get("vmName") + " " + m.get("jdkVersion") + " (" + m.get("vmVersion") + ")";
      r.jmhVersion = String.valueOf(m.get("jmhVersion"));
      String bench = (String) m.get("benchmark");
      Map<String, String> params = new LinkedHashMap<>();
      if (m.get("params") instanceof Map<?, ?> p) {
        p.forEach((k, v) -> params.put((String) k, (String) v));
      }
      Map<?, ?> pm = (Map<?, ?>) m.get("primaryMetric");
      double unit = nanos((String) pm.get("scoreUnit"));
      Map<String, Double> pct = new TreeMap<>();
      if (pm.get("scorePercentiles") instanceof Map<?, ?> pp) {
        pp.forEach((k, v) -> pct.put((String) k, num(v) * unit));
      }
      Map<String, Double> sec = new LinkedHashMap<>();
      if (m.get("secondaryMetrics") instanceof Map<?, ?> sm) {
        sm.forEach((k, v) -> sec.put((String) k, num(((Map<?, ?>) v).get("score"))));
      }
      Row row = new Row(bench, params, num(pm.get("score")) * unit,
          num(pm.get("scoreError")) * unit, pct, sec);
      String simple = bench.substring(bench.lastIndexOf('.', bench.lastIndexOf('.') - 1) + 1);
      switch (simple) {
        case "BoundedFanOut.fanOut" -> r.bounded
            .computeIfAbsent(new Shape(row.param("tasks"), row.param("limit")),
                k -> new EnumMap<>(Contender.class))
            .put(row.contender(), row);
        case "UnboundedBlocking.fanOut" -> r.unbounded.put(row.contender(), row);
        case "CancelLatency.failAndAwait" -> r.cancel.put(row.contender(), row);
        default -> { }
      }
    }
    if (memoryJsonl != null && Files.exists(memoryJsonl)) {
      for (String line : Files.readAllLines(memoryJsonl)) {
        if (line.startsWith("{")) {
          @SuppressWarnings("unchecked")
          Map<String, Object> m = (Map<String, Object>) Json.parse(line);
          r.memory.add(m);
        }
      }
    }
    return r;
  }

  /** The contenders that cancel and wait as TaskGroup does: the ones it must beat. */
  static boolean structured(Contender c) {
    return c != Contender.TASKGROUP && c.cancellation == Contender.Cancellation.STRUCTURED;
  }

  /** The lowest value among TaskGroup's same-behaviour alternatives, or NaN. */
  static <V> double bestStructured(Map<Contender, V> m, java.util.function.ToDoubleFunction<V> f) {
    return best(m, f, true);
  }

  /** The lowest value among all alternatives to TaskGroup, or NaN. */
  static <V> double bestAny(Map<Contender, V> m, java.util.function.ToDoubleFunction<V> f) {
    return best(m, f, false);
  }

  private static <V> double best(
      Map<Contender, V> m, java.util.function.ToDoubleFunction<V> f, boolean onlyStructured) {
    double best = Double.NaN;
    for (Map.Entry<Contender, V> e : m.entrySet()) {
      if (e.getKey() == Contender.TASKGROUP || (onlyStructured && !structured(e.getKey()))) {
        continue;
      }
      double v = f.applyAsDouble(e.getValue());
      if (Double.isNaN(best) || v < best) {
        best = v;
      }
    }
    return best;
  }

  static Contender argBestStructured(Map<Contender, Row> m) {
    Contender arg = null;
    for (Map.Entry<Contender, Row> e : m.entrySet()) {
      if (structured(e.getKey()) && (arg == null || e.getValue().nsPerOp < m.get(arg).nsPerOp)) {
        arg = e.getKey();
      }
    }
    return arg;
  }

  static double allocPerOp(Row r) {
    Double v = r.secondary().get("gc.alloc.rate.norm");
    return v == null ? Double.NaN : v;
  }

  static double num(Object o) {
    if (o instanceof Double d) {
      return d;
    }
    if (o instanceof String s) {
      return s.equals("NaN") ? Double.NaN : Double.parseDouble(s);
    }
    return Double.NaN;
  }

  private static double nanos(String unit) {
    return switch (unit) {
      case "ns/op" -> 1;
      case "us/op" -> 1e3;
      case "ms/op" -> 1e6;
      case "s/op" -> 1e9;
      default -> throw new IllegalArgumentException("unexpected score unit " + unit);
    };
  }

  /** Short names for tables and the chart. */
  static String label(Contender c) {
    return switch (c) {
      case TASKGROUP -> "TaskGroup";
      case STS -> "StructuredTaskScope+Semaphore";
      case VTHREAD -> "virtual-thread executor+Semaphore";
      case INVOKEALL -> "fixed pool invokeAll";
      case GUAVA -> "Guava allAsList";
      case CF -> "CompletableFuture.allOf";
    };
  }
}
