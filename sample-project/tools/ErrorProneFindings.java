import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns Error Prone findings in a build log into something a code review shows. A single-file Java
 * program (JDK 17+), no dependencies:
 *
 * <pre>
 * java ErrorProneFindings.java [--format sarif|rdjsonl|github] [--base DIR] [--only Name,Name] [LOG]
 * </pre>
 *
 * It reads the log (a file, or standard input) of a Maven build ({@code [WARNING] /a/B.java:[12,5]
 * [Name] message}) or of plain javac / Gradle ({@code /a/B.java:12: warning: [Name] message}),
 * keeps each finding's following lines (the page link, "Did you mean ..."), and prints:
 *
 * <ul>
 *   <li>{@code sarif} (default): SARIF 2.1.0, for GitHub code scanning
 *       ({@code github/codeql-action/upload-sarif}) and other SARIF viewers;
 *   <li>{@code rdjsonl}: reviewdog's JSON lines ({@code reviewdog -f=rdjsonl});
 *   <li>{@code github}: GitHub Actions workflow commands ({@code ::warning file=...}), which
 *       annotate the pull request's diff directly.
 * </ul>
 *
 * Paths are made relative to {@code --base} (default: the current directory), as review tools
 * want them. {@code --only} keeps the named checks. Exit status: 0, also when there are findings.
 */
public final class ErrorProneFindings {
  private static final Pattern ANSI = Pattern.compile("\u001B\\[[0-9;]*m");
  private static final Pattern MAVEN =
      Pattern.compile("^\\[(WARNING|ERROR)\\] (.+?\\.java):\\[(\\d+),(\\d+)\\] \\[(\\w+)\\] (.*)$");
  private static final Pattern JAVAC =
      Pattern.compile("^(.+?\\.java):(\\d+): (warning|error): \\[(\\w+)\\] (.*)$");
  private static final Pattern SEE = Pattern.compile("\\(see (\\S+)\\)");
  private static final Pattern CARET = Pattern.compile("^\\s*\\^\\s*$");

  record Finding(String check, String level, String file, int line, int column, String message, String fix, String url) {}

  public static void main(String[] args) throws IOException {
    String format = "sarif";
    Path base = Path.of("").toAbsolutePath();
    Set<String> only = new LinkedHashSet<>();
    String log = null;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--format" -> format = args[++i];
        case "--base" -> base = Path.of(args[++i]).toAbsolutePath().normalize();
        case "--only" -> only.addAll(List.of(args[++i].split(",", -1)));
        case "-h", "--help" -> {
          System.out.println("usage: java ErrorProneFindings.java [--format sarif|rdjsonl|github] [--base DIR] [--only Name,Name] [LOG]");
          return;
        }
        default -> log = args[i];
      }
    }
    String text;
    try (InputStream in = log == null ? System.in : Files.newInputStream(Path.of(log))) {
      text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    List<Finding> findings = parse(text, base);
    if (!only.isEmpty()) {
      findings.removeIf(f -> !only.contains(f.check()));
    }
    switch (format) {
      case "sarif" -> System.out.println(sarif(findings));
      case "rdjsonl" -> findings.forEach(f -> System.out.println(rdjson(f)));
      case "github" -> findings.forEach(f -> System.out.println(github(f)));
      default -> {
        System.err.println("unknown format " + format + "; use sarif, rdjsonl or github");
        System.exit(2);
      }
    }
  }

  static List<Finding> parse(String text, Path base) {
    String[] lines = ANSI.matcher(text).replaceAll("").split("\\R", -1);
    Map<String, Finding> out = new LinkedHashMap<>(); // a log can repeat a finding (Maven's summary)
    for (int i = 0; i < lines.length; i++) {
      String level;
      String file;
      int line;
      int column = 0;
      String check;
      String message;
      Matcher m = MAVEN.matcher(lines[i]);
      Matcher j = JAVAC.matcher(lines[i]);
      if (m.matches()) {
        level = m.group(1).equals("ERROR") ? "error" : "warning";
        file = m.group(2);
        line = Integer.parseInt(m.group(3));
        column = Integer.parseInt(m.group(4));
        check = m.group(5);
        message = m.group(6).strip();
      } else if (j.matches()) {
        level = j.group(3);
        file = j.group(1);
        line = Integer.parseInt(j.group(2));
        check = j.group(4);
        message = j.group(5).strip();
      } else {
        continue;
      }
      // Following lines until the next diagnostic or log line: javac's source line and caret
      // (which give the column), "(see URL)", "Did you mean '...'?".
      String fix = null;
      String url = null;
      for (int k = i + 1; k < lines.length; k++) {
        String next = lines[k];
        if (next.startsWith("[") || MAVEN.matcher(next).matches() || JAVAC.matcher(next).matches()
            || next.matches("^\\d+ (warnings?|errors?)$") || next.isBlank()) {
          break;
        }
        Matcher see = SEE.matcher(next);
        if (see.find()) {
          url = see.group(1);
        } else if (next.strip().startsWith("Did you mean")) {
          fix = next.strip();
        } else if (CARET.matcher(next).matches()) {
          column = next.indexOf('^') + 1;
        }
      }
      Path p = Path.of(file);
      String rel = p.isAbsolute() && p.normalize().startsWith(base) ? base.relativize(p.normalize()).toString() : file;
      rel = rel.replace('\\', '/');
      Finding f = new Finding(check, level, rel, line, column, message, fix, url);
      out.putIfAbsent(rel + ":" + line + ":" + column + ":" + check, f);
    }
    return new ArrayList<>(out.values());
  }

  static String text(Finding f) {
    return f.fix() == null ? f.message() : f.message() + "\n" + f.fix();
  }

  static String sarif(List<Finding> findings) {
    Map<String, String> rules = new LinkedHashMap<>();
    for (Finding f : findings) {
      rules.putIfAbsent(f.check(), f.url());
    }
    List<String> ruleJson = new ArrayList<>();
    rules.forEach(
        (id, url) ->
            ruleJson.add(
                "{\"id\":" + q(id) + ",\"name\":" + q(id)
                    + (url == null ? "" : ",\"helpUri\":" + q(url)) + "}"));
    List<String> results = new ArrayList<>();
    for (Finding f : findings) {
      String region = "{\"startLine\":" + f.line() + (f.column() > 0 ? ",\"startColumn\":" + f.column() : "") + "}";
      results.add(
          "{\"ruleId\":" + q(f.check()) + ",\"level\":" + q(f.level())
              + ",\"message\":{\"text\":" + q(text(f)) + "}"
              + ",\"locations\":[{\"physicalLocation\":{\"artifactLocation\":{\"uri\":" + q(f.file())
              + ",\"uriBaseId\":\"%SRCROOT%\"},\"region\":" + region + "}}]}");
    }
    return "{\"$schema\":\"https://json.schemastore.org/sarif-2.1.0.json\",\"version\":\"2.1.0\",\"runs\":[{"
        + "\"tool\":{\"driver\":{\"name\":\"Error Prone\",\"informationUri\":\"https://errorprone.info\",\"rules\":["
        + String.join(",", ruleJson) + "]}},\"results\":[\n" + String.join(",\n", results) + "\n]}]}";
  }

  static String rdjson(Finding f) {
    return "{\"message\":" + q(text(f))
        + ",\"location\":{\"path\":" + q(f.file()) + ",\"range\":{\"start\":{\"line\":" + f.line()
        + (f.column() > 0 ? ",\"column\":" + f.column() : "") + "}}}"
        + ",\"severity\":" + q(f.level().toUpperCase(Locale.ROOT))
        + ",\"code\":{\"value\":" + q(f.check()) + (f.url() == null ? "" : ",\"url\":" + q(f.url())) + "}"
        + ",\"source\":{\"name\":\"error-prone\"}}";
  }

  static String github(Finding f) {
    // Workflow command values escape %, CR, LF; properties also ',' and ':'.
    String msg = text(f).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A");
    String file = f.file().replace("%", "%25").replace(",", "%2C").replace(":", "%3A");
    return "::" + f.level() + " file=" + file + ",line=" + f.line()
        + (f.column() > 0 ? ",col=" + f.column() : "") + ",title=" + f.check() + "::" + msg;
  }

  static String q(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> {
          if (c < 0x20) {
            b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    return b.append('"').toString();
  }
}
