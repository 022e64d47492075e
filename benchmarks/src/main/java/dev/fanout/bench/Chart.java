package dev.fanout.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.Rectangle;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.imageio.ImageIO;

/**
 * Draws {@code docs/performance.png} from a run's JSON with plain Java2D (no chart library):
 *
 * <pre>java -Djava.awt.headless=true -cp benchmarks.jar dev.fanout.bench.Chart results/full.json docs/performance.png</pre>
 *
 * Four panels: ns per task of the bounded fan-out and bytes per task (log scales), the unbounded
 * blocking fan-out, and the cancellation latency (median and p99). TaskGroup is the orange bar.
 */
public final class Chart {
  private Chart() {}

  private static final Contender[] ALL = Contender.values();
  private static final Color[] COLORS = {
    new Color(0xD55E00), // TaskGroup
    new Color(0x0072B2), // STS
    new Color(0x56B4E9), // virtual-thread executor
    new Color(0x999999), // invokeAll
    new Color(0x009E73), // Guava
    new Color(0xCC79A7), // CompletableFuture
  };
  private static final int W = 1800;
  private static final int H = 1640;
  private static final Font TITLE = new Font(Font.SANS_SERIF, Font.BOLD, 30);
  private static final Font PANEL = new Font(Font.SANS_SERIF, Font.BOLD, 21);
  private static final Font TEXT = new Font(Font.SANS_SERIF, Font.PLAIN, 17);
  private static final Font SMALL = new Font(Font.SANS_SERIF, Font.PLAIN, 14);

  public static void main(String[] args) throws Exception {
    Results r = Results.load(Path.of(args[0]), null);
    Path out = Path.of(args[1]);
    BufferedImage img = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, W, H);

    g.setColor(Color.BLACK);
    g.setFont(TITLE);
    g.drawString("Fanout TaskGroup vs the JDK's fan-out alternatives (lower is better)", 40, 50);
    g.setFont(SMALL);
    g.setColor(Color.DARK_GRAY);
    g.drawString(r.jvm + " · JMH " + r.jmhVersion + " · 2 shared cores: compare bars within a group, not across runs", 40, 76);
    legend(g, 40, 96);

    List<String> shapes = new ArrayList<>();
    List<double[]> ns = new ArrayList<>();
    List<double[]> alloc = new ArrayList<>();
    for (Map.Entry<Results.Shape, Map<Contender, Results.Row>> e : r.bounded.entrySet()) {
      Results.Shape s = e.getKey();
      shapes.add(count(s.tasks()) + " tasks, limit " + s.limit());
      double[] a = new double[ALL.length];
      double[] b = new double[ALL.length];
      for (Contender c : ALL) {
        Results.Row row = e.getValue().get(c);
        a[c.ordinal()] = row == null ? Double.NaN : row.nsPerOp() / s.tasks();
        b[c.ordinal()] = row == null ? Double.NaN : Results.allocPerOp(row) / s.tasks();
      }
      ns.add(a);
      alloc.add(b);
    }
    bars(g, new Rectangle(40, 160, W - 80, 460),
        "Bounded fan-out of no-op tasks: ns per task (log scale)", shapes, ns, true, false);
    bars(g, new Rectangle(40, 660, W - 80, 430),
        "Allocation: bytes per task (JMH -prof gc; log scale)", shapes, alloc, true, false);

    List<double[]> unb = new ArrayList<>();
    double[] u = new double[ALL.length];
    java.util.Arrays.fill(u, Double.NaN);
    r.unbounded.forEach((c, row) -> u[c.ordinal()] = row.nsPerOp() / 1e6);
    unb.add(u);
    String ut = r.unbounded.isEmpty() ? "" : count(r.unbounded.values().iterator().next().param("blockingTasks"));
    bars(g, new Rectangle(40, 1130, 700, 470),
        "Unbounded: " + ut + " tasks blocking 1 ms: ms per fan-out", List.of("ideal: 1 ms"), unb, false, true);

    List<double[]> lat = new ArrayList<>();
    for (String p : new String[] {"50.0", "99.0"}) {
      double[] v = new double[ALL.length];
      java.util.Arrays.fill(v, Double.NaN);
      r.cancel.forEach((c, row) -> v[c.ordinal()] = row.nsPercentiles().getOrDefault(p, Double.NaN) / 1e3);
      lat.add(v);
    }
    bars(g, new Rectangle(800, 1130, W - 840, 470),
        "First failure → fan-in returns, 1,000 blocked siblings: µs (log)",
        List.of("median", "p99"), lat, true, true, 1000, "target: median < 1,000 µs");
    g.setFont(SMALL);
    g.setColor(Color.DARK_GRAY);
    g.drawString("invokeAll and CompletableFuture cannot interrupt their siblings: not shown. Guava returns before its siblings end.",
        800, H - 12);
    g.dispose();
    Files.createDirectories(out.toAbsolutePath().getParent());
    ImageIO.write(img, "png", out.toFile());
    System.out.println("wrote " + out);
  }

  private static void legend(Graphics2D g, int x, int y) {
    g.setFont(TEXT);
    FontMetrics fm = g.getFontMetrics();
    for (Contender c : ALL) {
      g.setColor(COLORS[c.ordinal()]);
      g.fillRect(x, y, 22, 22);
      g.setColor(Color.BLACK);
      String s = Results.label(c) + (c.cancellation == Contender.Cancellation.STRUCTURED ? " *" : "");
      g.drawString(s, x + 28, y + 17);
      x += 28 + fm.stringWidth(s) + 30;
    }
    g.setFont(SMALL);
    g.drawString("* cancels the rest on the first failure (interrupting them) and waits for them to end, as TaskGroup does;"
        + " the others are floors with weaker guarantees", 40, y + 42);
  }

  /** Grouped bars: one group per label, one bar per contender; NaN values are left out. */
  private static void bars(Graphics2D g, Rectangle box, String title, List<String> groups,
      List<double[]> values, boolean log, boolean labelValues) {
    bars(g, box, title, groups, values, log, labelValues, Double.NaN, null);
  }

  /** As above, with a dashed reference line at {@code ref} (a target) labelled {@code refLabel}. */
  private static void bars(Graphics2D g, Rectangle box, String title, List<String> groups,
      List<double[]> values, boolean log, boolean labelValues, double ref, String refLabel) {
    g.setColor(Color.BLACK);
    g.setFont(PANEL);
    g.drawString(title, box.x, box.y + 22);
    int left = box.x + 80;
    int top = box.y + 45;
    int bottom = box.y + box.height - 50;
    int right = box.x + box.width;
    double lo = Double.MAX_VALUE;
    double hi = 0;
    for (double[] v : values) {
      for (double d : v) {
        if (!Double.isNaN(d) && d > 0) {
          lo = Math.min(lo, d);
          hi = Math.max(hi, d);
        }
      }
    }
    if (hi == 0) {
      g.setFont(TEXT);
      g.drawString("(not measured in this run)", left, (top + bottom) / 2);
      return;
    }
    double min;
    double max;
    if (log) {
      min = Math.pow(10, Math.floor(Math.log10(lo)));
      max = Math.pow(10, Math.ceil(Math.log10(hi * 1.05)));
    } else {
      min = 0;
      max = niceCeil(hi * 1.12);
    }
    final double fmin = min;
    final double fmax = max;
    java.util.function.DoubleToIntFunction y = v -> {
      double f = log ? (Math.log10(v) - Math.log10(fmin)) / (Math.log10(fmax) - Math.log10(fmin))
          : (v - fmin) / (fmax - fmin);
      return (int) Math.round(bottom - f * (bottom - top));
    };
    // grid and axis labels
    g.setFont(SMALL);
    FontMetrics fm = g.getFontMetrics();
    g.setStroke(new BasicStroke(1f));
    if (log) {
      for (double d = min; d <= max * 1.0001; d *= 10) {
        for (int k = 1; k < 10; k++) {
          double v = d * k;
          if (v > max * 1.0001) {
            break;
          }
          g.setColor(k == 1 ? new Color(0xBBBBBB) : new Color(0xEEEEEE));
          g.drawLine(left, y.applyAsInt(v), right, y.applyAsInt(v));
          if (k == 1) {
            g.setColor(Color.DARK_GRAY);
            String s = num(v);
            g.drawString(s, left - 8 - fm.stringWidth(s), y.applyAsInt(v) + 5);
          }
        }
      }
    } else {
      double step = max / 5;
      for (int k = 0; k <= 5; k++) {
        double v = step * k;
        g.setColor(new Color(0xDDDDDD));
        g.drawLine(left, y.applyAsInt(v), right, y.applyAsInt(v));
        g.setColor(Color.DARK_GRAY);
        String s = num(v);
        g.drawString(s, left - 8 - fm.stringWidth(s), y.applyAsInt(v) + 5);
      }
    }
    g.setColor(Color.BLACK);
    g.drawLine(left, bottom, right, bottom);
    g.drawLine(left, top, left, bottom);

    int n = groups.size();
    double gw = (right - left) / (double) n;
    for (int gi = 0; gi < n; gi++) {
      double[] v = values.get(gi);
      int present = 0;
      for (double d : v) {
        present += Double.isNaN(d) ? 0 : 1;
      }
      double bw = Math.min(60, (gw * 0.8) / Math.max(1, present));
      double x = left + gi * gw + (gw - bw * present) / 2;
      for (int c = 0; c < v.length; c++) {
        if (Double.isNaN(v[c])) {
          continue;
        }
        double d = Math.max(v[c], min);
        int yt = y.applyAsInt(d);
        g.setColor(COLORS[c]);
        g.fillRect((int) Math.round(x), yt, (int) Math.max(1, Math.round(bw) - 2), bottom - yt);
        if (labelValues) {
          g.setColor(Color.BLACK);
          g.setFont(SMALL);
          String s = num(v[c]);
          AffineTransform saved = g.getTransform();
          int cx = (int) Math.round(x + bw / 2);
          g.rotate(-Math.PI / 2, cx + 5, yt - 4);
          g.drawString(s, cx + 5, yt - 4);
          g.setTransform(saved);
        }
        x += bw;
      }
      g.setColor(Color.BLACK);
      g.setFont(TEXT);
      FontMetrics tf = g.getFontMetrics();
      String[] lines = groups.get(gi).split(", ");
      for (int li = 0; li < lines.length; li++) {
        g.drawString(lines[li], (int) (left + gi * gw + (gw - tf.stringWidth(lines[li])) / 2),
            bottom + 22 + 19 * li);
      }
    }
    if (!Double.isNaN(ref) && ref >= min && ref <= max) {
      int yr = y.applyAsInt(ref);
      g.setColor(new Color(0xCC0000));
      g.setStroke(new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f,
          new float[] {10f, 6f}, 0f));
      g.drawLine(left, yr, right, yr);
      g.setStroke(new BasicStroke(1f));
      g.setFont(SMALL);
      g.drawString(refLabel, left + 6, yr - 6);
    }
  }

  private static double niceCeil(double v) {
    double p = Math.pow(10, Math.floor(Math.log10(v)));
    for (double m : new double[] {1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10}) {
      if (m * p >= v) {
        return m * p;
      }
    }
    return 10 * p;
  }

  private static String num(double v) {
    if (v >= 1e6) {
      return String.format(Locale.ROOT, "%.0fM", v / 1e6);
    }
    if (v >= 1e4) {
      return String.format(Locale.ROOT, "%.0fk", v / 1e3);
    }
    if (v >= 100) {
      return String.format(Locale.ROOT, "%,.0f", v);
    }
    if (v >= 10) {
      return String.format(Locale.ROOT, "%.0f", v);
    }
    return String.format(Locale.ROOT, "%.1f", v);
  }

  private static String count(int n) {
    return n >= 1_000_000 ? n / 1_000_000 + "M" : n >= 1000 ? n / 1000 + "k" : String.valueOf(n);
  }
}
