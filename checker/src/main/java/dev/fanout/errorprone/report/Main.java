package dev.fanout.errorprone.report;

import dev.fanout.errorprone.report.BugPatterns.Rule;
import dev.fanout.errorprone.report.BuildLog.Finding;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;

/**
 * Turns the Error Prone findings in a build log into what a code review shows. The checker jar's
 * main class:
 *
 * <pre>
 * java -jar fanout-checker-VERSION.jar sarif|rdjsonl|github [--base DIR] [--only Name,Name] [--output FILE] [LOG]
 * </pre>
 *
 * <ul>
 *   <li>{@code sarif}: SARIF 2.1.0, for GitHub code scanning and SARIF viewers; each Fanout check
 *       is a rule with the descriptions and help link of its BugPattern annotation;
 *   <li>{@code rdjsonl}: reviewdog's JSON lines ({@code reviewdog -f=rdjsonl});
 *   <li>{@code github}: GitHub Actions workflow commands, annotations on the pull request's diff.
 * </ul>
 *
 * LOG is a file, or standard input when absent or {@code -}. Paths are made relative to {@code
 * --base} (default: the current directory); a finding in a file outside it is an error. Exit status
 * 0 (also when there are findings), 2 on bad usage or input, with the reason on stderr.
 */
public final class Main {
  private Main() {}

  static final String USAGE =
      "usage: java -jar fanout-checker-VERSION.jar sarif|rdjsonl|github [--base DIR] [--only Name,Name]"
          + " [--output FILE] [LOG]\n"
          + "  sarif     SARIF 2.1.0 (GitHub code scanning, SARIF viewers)\n"
          + "  rdjsonl   reviewdog JSON lines (reviewdog -f=rdjsonl)\n"
          + "  github    GitHub Actions workflow commands (annotations on the diff)\n"
          + "  --base DIR      paths are made relative to DIR (default: the current directory);\n"
          + "                  a finding outside DIR is an error\n"
          + "  --only A,B      keep only the findings of these checks\n"
          + "  --output FILE   write there instead of standard output\n"
          + "  LOG             a Maven, javac or Gradle build log; standard input when absent or -";

  /** Bad usage or input: printed with the usage hint, exit status 2. */
  static final class UsageException extends Exception {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
      super(message);
    }
  }

  public static void main(String[] args) {
    int code = run(args, System.in, System.out, System.err, Path.of("").toAbsolutePath());
    if (code != 0) {
      System.exit(code);
    }
  }

  /** Runs the converter; returns the exit status. */
  static int run(String[] args, InputStream stdin, PrintStream out, PrintStream err, Path cwd) {
    try {
      convert(args, stdin, out, cwd);
      return 0;
    } catch (UsageException e) {
      err.println("fanout-checker: " + e.getMessage());
      err.println("run with --help for usage");
      return 2;
    } catch (BuildLog.OutsideBaseException e) {
      err.println("fanout-checker: " + e.getMessage());
      return 2;
    }
  }

  private static void convert(String[] args, InputStream stdin, PrintStream stdout, Path cwd)
      throws UsageException {
    if (args.length == 0) {
      throw new UsageException("no format given: the first argument is sarif, rdjsonl or github");
    }
    if (args[0].equals("--help") || args[0].equals("-h")) {
      stdout.println(USAGE);
      return;
    }
    String format = args[0];
    if (!List.of("sarif", "rdjsonl", "github").contains(format)) {
      throw new UsageException(
          "unknown format '" + format + "': the first argument is sarif, rdjsonl or github");
    }
    Path base = cwd;
    Set<String> only = new LinkedHashSet<>();
    Path output = null;
    String log = null;
    for (int i = 1; i < args.length; i++) {
      String a = args[i];
      switch (a) {
        case "--base" -> base = cwd.resolve(value(args, ++i, a)).normalize();
        case "--only" -> {
          for (String name : value(args, ++i, a).split(",", -1)) {
            if (!name.matches("\\w+")) {
              throw new UsageException(
                  "--only wants check names separated by commas, got '" + args[i] + "'");
            }
            only.add(name);
          }
        }
        case "--output" -> output = cwd.resolve(value(args, ++i, a));
        case "-h", "--help" -> {
          stdout.println(USAGE);
          return;
        }
        default -> {
          if (a.startsWith("--")) {
            throw new UsageException("unknown option " + a);
          }
          if (log != null) {
            throw new UsageException("more than one log given: " + log + " and " + a);
          }
          log = a;
        }
      }
    }
    if (!Files.isDirectory(base)) {
      throw new UsageException("--base " + base + " is not a directory");
    }
    String text = read(log, stdin, cwd);
    if (text.isBlank()) {
      throw new UsageException(
          (log == null || log.equals("-") ? "standard input" : log)
              + " is empty: did the build's output"
              + " reach it? (mvn ... 2>&1 | tee build.log)");
    }
    List<Finding> findings = new ArrayList<>(BuildLog.parse(text, base, cwd));
    if (!only.isEmpty()) {
      findings.removeIf(f -> !only.contains(f.check()));
    }
    StringBuilder result = new StringBuilder();
    switch (format) {
      case "sarif" -> result.append(Formats.sarif(findings, rules(), version())).append('\n');
      case "rdjsonl" -> findings.forEach(f -> result.append(Formats.rdjson(f)).append('\n'));
      default -> findings.forEach(f -> result.append(Formats.github(f)).append('\n'));
    }
    byte[] bytes = result.toString().getBytes(StandardCharsets.UTF_8);
    if (output == null) {
      stdout.write(bytes, 0, bytes.length);
      stdout.flush();
    } else {
      try (OutputStream o = Files.newOutputStream(output)) {
        o.write(bytes);
      } catch (IOException e) {
        throw new UsageException("cannot write " + output + ": " + e);
      }
    }
  }

  private static String value(String[] args, int i, String option) throws UsageException {
    if (i >= args.length || args[i].startsWith("--")) {
      throw new UsageException(option + " needs a value");
    }
    return args[i];
  }

  private static String read(String log, InputStream stdin, Path cwd) throws UsageException {
    try {
      if (log == null || log.equals("-")) {
        return new String(stdin.readAllBytes(), StandardCharsets.UTF_8);
      }
      Path p = cwd.resolve(log);
      if (Files.isDirectory(p)) {
        throw new UsageException(log + " is a directory, not a build log");
      }
      return Files.readString(p, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new UsageException("no such log file: " + log);
    } catch (java.nio.charset.MalformedInputException e) {
      throw new UsageException(log + " is not UTF-8 text");
    } catch (IOException e) {
      throw new UsageException("cannot read " + (log == null ? "standard input" : log) + ": " + e);
    }
  }

  static List<Rule> rules() {
    return BugPatterns.load(Main.class.getClassLoader());
  }

  /** This jar's version, written into {@code version.properties} by the build. */
  static String version() {
    try (InputStream in = Main.class.getResourceAsStream("version.properties")) {
      if (in == null) {
        throw new IllegalStateException(
            "version.properties is missing from the fanout-checker jar");
      }
      Properties p = new Properties();
      p.load(in);
      String v = p.getProperty("version", "");
      if (v.isBlank() || v.contains("${")) {
        throw new IllegalStateException(
            "version.properties was not filtered by the build: '" + v + "'");
      }
      return v;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
