package dev.fanout.errorprone.report;

import dev.fanout.errorprone.report.BugPatterns.Rule;
import dev.fanout.errorprone.report.BuildLog.Finding;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The three output formats: SARIF 2.1.0, reviewdog's rdjsonl, GitHub workflow commands. */
final class Formats {
  private Formats() {}

  static final String INFORMATION_URI = "https://github.com/fanout-dev/fanout";

  /**
   * A SARIF 2.1.0 log with one run. The driver is this converter ({@code fanout-checker} and its
   * version); its rules are every Fanout check, each with the short description (its {@code
   * summary}), full description ({@code explanation}, or the summary when it has none), help URI
   * ({@code link}) and default level of its BugPattern annotation, followed by any other check the
   * log names (Error Prone's own), with the page link the log gives.
   */
  static String sarif(List<Finding> findings, List<Rule> fanoutRules, String version) {
    Map<String, Integer> index = new LinkedHashMap<>();
    List<String> rules = new ArrayList<>();
    for (Rule r : fanoutRules) {
      index.put(r.name(), rules.size());
      String full = r.explanation().isBlank() ? r.summary() : r.explanation();
      StringBuilder rule = new StringBuilder();
      rule.append("{\"id\":")
          .append(q(r.name()))
          .append(",\"name\":")
          .append(q(r.name()))
          .append(",\"shortDescription\":{\"text\":")
          .append(q(r.summary()))
          .append('}')
          .append(",\"fullDescription\":{\"text\":")
          .append(q(full))
          .append('}');
      if (!r.link().isBlank()) {
        rule.append(",\"helpUri\":").append(q(r.link()));
      }
      rule.append(",\"defaultConfiguration\":{\"level\":").append(q(r.sarifLevel())).append("}}");
      rules.add(rule.toString());
    }
    for (Finding f : findings) {
      if (!index.containsKey(f.check())) {
        index.put(f.check(), rules.size());
        rules.add(
            "{\"id\":"
                + q(f.check())
                + ",\"name\":"
                + q(f.check())
                + (f.url() == null ? "" : ",\"helpUri\":" + q(f.url()))
                + "}");
      }
    }
    List<String> results = new ArrayList<>();
    for (Finding f : findings) {
      String region =
          "{\"startLine\":"
              + f.line()
              + (f.column() > 0 ? ",\"startColumn\":" + f.column() : "")
              + "}";
      results.add(
          "{\"ruleId\":"
              + q(f.check())
              + ",\"ruleIndex\":"
              + index.get(f.check())
              + ",\"level\":"
              + q(f.level())
              + ",\"message\":{\"text\":"
              + q(f.text())
              + "}"
              + ",\"locations\":[{\"physicalLocation\":{\"artifactLocation\":{\"uri\":"
              + q(uri(f.file()))
              + ",\"uriBaseId\":\"%SRCROOT%\"},\"region\":"
              + region
              + "}}]}");
    }
    return "{\"$schema\":\"https://json.schemastore.org/sarif-2.1.0.json\",\"version\":\"2.1.0\",\"runs\":[{\n"
        + "\"tool\":{\"driver\":{\"name\":\"fanout-checker\",\"version\":"
        + q(version)
        + ",\"informationUri\":"
        + q(INFORMATION_URI)
        + ",\"rules\":[\n"
        + String.join(",\n", rules)
        + "\n]}},\n\"results\":[\n"
        + String.join(",\n", results)
        + "\n]}]}";
  }

  /** One reviewdog diagnostic ({@code reviewdog -f=rdjsonl}). */
  static String rdjson(Finding f) {
    return "{\"message\":"
        + q(f.text())
        + ",\"location\":{\"path\":"
        + q(f.file())
        + ",\"range\":{\"start\":{\"line\":"
        + f.line()
        + (f.column() > 0 ? ",\"column\":" + f.column() : "")
        + "}}}"
        + ",\"severity\":"
        + q(f.level().toUpperCase(Locale.ROOT))
        + ",\"code\":{\"value\":"
        + q(f.check())
        + (f.url() == null ? "" : ",\"url\":" + q(f.url()))
        + "}"
        + ",\"source\":{\"name\":\"error-prone\"}}";
  }

  /** One GitHub Actions workflow command: an annotation on the file's line. */
  static String github(Finding f) {
    // Workflow command data escapes %, CR and LF; property values also ',' and ':'.
    String msg = f.text().replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A");
    return "::"
        + f.level()
        + " file="
        + property(f.file())
        + ",line="
        + f.line()
        + (f.column() > 0 ? ",col=" + f.column() : "")
        + ",title="
        + property(f.check())
        + "::"
        + msg;
  }

  private static String property(String s) {
    return s.replace("%", "%25")
        .replace("\r", "%0D")
        .replace("\n", "%0A")
        .replace(",", "%2C")
        .replace(":", "%3A");
  }

  /** A relative path as a URI reference: each segment percent-encoded where RFC 3986 wants it. */
  static String uri(String relativePath) {
    StringBuilder b = new StringBuilder();
    for (byte c : relativePath.getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
      int u = c & 0xff;
      if ((u >= 'a' && u <= 'z')
          || (u >= 'A' && u <= 'Z')
          || (u >= '0' && u <= '9')
          || "-._~/!$&'()*+,;=@".indexOf(u) >= 0) {
        b.append((char) u);
      } else {
        b.append('%').append(String.format(Locale.ROOT, "%02X", u));
      }
    }
    return b.toString();
  }

  /** A JSON string literal. */
  static String q(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
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
