package dev.fanout.errorprone.report;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads Error Prone findings out of a build log: Maven's ({@code [WARNING] /a/B.java:[12,5] [Name]
 * message}) or plain javac's and Gradle's ({@code /a/B.java:12: warning: [Name] message}, the
 * column taken from javac's caret line), each with the lines that follow it: the page link {@code
 * (see URL)} and the suggested fix {@code Did you mean '...'?}.
 */
final class BuildLog {
  private BuildLog() {}

  private static final Pattern ANSI = Pattern.compile("\u001B\\[[0-9;]*m");
  private static final Pattern MAVEN =
      Pattern.compile("^\\[(WARNING|ERROR)\\] (.+?\\.java):\\[(\\d+),(\\d+)\\] \\[(\\w+)\\] (.*)$");
  private static final Pattern JAVAC =
      Pattern.compile("^(.+?\\.java):(\\d+): (warning|error): \\[(\\w+)\\] (.*)$");
  private static final Pattern SEE = Pattern.compile("\\(see (\\S+)\\)");
  private static final Pattern CARET = Pattern.compile("^\\s*\\^\\s*$");
  private static final Pattern COUNT = Pattern.compile("^\\d+ (warnings?|errors?)$");

  /**
   * One finding. {@code file} is relative to the base directory, with forward slashes; {@code
   * column} is 0 when the log does not give one; {@code fix} and {@code url} are null when absent.
   */
  record Finding(
      String check,
      String level,
      String file,
      int line,
      int column,
      String message,
      String fix,
      String url) {
    /** The message with the suggested fix, as a review comment shows it. */
    String text() {
      return fix == null ? message : message + "\n" + fix;
    }
  }

  /** A finding whose file is not under the base directory. */
  static final class OutsideBaseException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    OutsideBaseException(String message) {
      super(message);
    }
  }

  /**
   * Parses {@code log}. Paths are made relative to {@code base} (absolute, normalized); a relative
   * path in the log is taken relative to {@code workingDir}, as javac printed it. A finding whose
   * file is not under {@code base} is an error, not an absolute path in the output: review tools
   * match paths against the repository, and an absolute one matches nothing.
   */
  static List<Finding> parse(String log, Path base, Path workingDir) {
    String[] lines = ANSI.matcher(log).replaceAll("").split("\\R", -1);
    Map<String, Finding> out =
        new LinkedHashMap<>(); // a log can repeat a finding (Maven's summary)
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
      String fix = null;
      String url = null;
      for (int k = i + 1; k < lines.length; k++) {
        String next = lines[k];
        if (next.startsWith("[")
            || MAVEN.matcher(next).matches()
            || JAVAC.matcher(next).matches()
            || COUNT.matcher(next).matches()
            || next.isBlank()) {
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
      String rel = relative(file, base, workingDir, i + 1);
      Finding f = new Finding(check, level, rel, line, column, message, fix, url);
      out.putIfAbsent(rel + ":" + line + ":" + column + ":" + check, f);
    }
    return new ArrayList<>(out.values());
  }

  private static String relative(String file, Path base, Path workingDir, int logLine) {
    Path p = workingDir.resolve(file.replace('\\', '/')).normalize();
    if (!p.startsWith(base)) {
      throw new OutsideBaseException(
          "log line "
              + logLine
              + ": "
              + file
              + " is not under the base directory "
              + base
              + "; pass --base with the directory the paths should be relative to (the repository root)");
    }
    return base.relativize(p).toString().replace('\\', '/');
  }
}
