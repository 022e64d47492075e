package dev.fanout.errorprone.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.errorprone.BugPattern;
import dev.fanout.errorprone.report.BugPatterns.Rule;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/** The CI converter: its input, its three formats, and its errors. */
final class ConverterTest {
  @TempDir Path dir;

  private static final ObjectMapper JSON = new ObjectMapper();

  /** A Maven log: two findings (one repeated in Maven's summary), colours, and other lines. */
  static String mavenLog(Path root) {
    String file = root.resolve("src/main/java/com/acme/Supervisor.java").toString();
    return "[INFO] --- compiler:3.14.1:compile (default-compile) @ acme ---\n"
        + "\u001B[1;33m[WARNING]\u001B[m "
        + file
        + ":[37,35] [UnsafeSharedMutationInTask] findings is written by a task\n"
        + "    (see https://github.com/fanout-dev/fanout/blob/main/docs/checks/UnsafeSharedMutationInTask.md)\n"
        + "  Did you mean 'List<Finding> findings = Collections.synchronizedList(new ArrayList<>());'?\n"
        + "[ERROR] "
        + file
        + ":[41,9] [ParentContextInTask] a task uses ctx, \"quoted\" 100%, not its own\n"
        + "    (see https://github.com/fanout-dev/fanout/blob/main/docs/checks/ParentContextInTask.md)\n"
        + "[INFO] BUILD FAILURE\n"
        + "[ERROR] "
        + file
        + ":[41,9] [ParentContextInTask] a task uses ctx, \"quoted\" 100%, not its own\n"
        + "[WARNING] "
        + file
        + ":[50,3] [FutureReturnValueIgnored] Return value of methods returning Future must be checked.\n"
        + "    (see https://errorprone.info/bugpattern/FutureReturnValueIgnored)\n";
  }

  private Result run(String stdin, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        Main.run(
            args,
            new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8),
            dir);
    return new Result(
        code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  record Result(int code, String out, String err) {}

  @Test
  void rulesAreTheChecksOwnBugPatterns() throws Exception {
    List<Rule> rules = Main.rules();
    List<String> registered = new ArrayList<>();
    try (var in = getClass().getClassLoader().getResourceAsStream(BugPatterns.SERVICES)) {
      new String(in.readAllBytes(), StandardCharsets.UTF_8)
          .lines()
          .map(String::strip)
          .filter(l -> l.startsWith("dev.fanout.errorprone."))
          .forEach(registered::add);
    }
    assertEquals(registered.size(), rules.size(), "one rule per registered check");
    assertTrue(rules.size() >= 6, "the six checks: " + rules);
    for (int i = 0; i < rules.size(); i++) {
      BugPattern p = Class.forName(registered.get(i)).getAnnotation(BugPattern.class);
      Rule r = rules.get(i);
      String simple = registered.get(i).substring(registered.get(i).lastIndexOf('.') + 1);
      assertEquals(p.name().isEmpty() ? simple : p.name(), r.name());
      assertEquals(p.summary(), r.summary());
      assertEquals(p.explanation(), r.explanation());
      assertEquals(p.link(), r.link());
      assertEquals(p.severity().name(), r.severity());
      assertTrue(r.link().endsWith("/docs/checks/" + r.name() + ".md"), r.link());
    }
  }

  @Test
  void sarifCarriesEachRulesDescriptionsHelpAndTheDriversVersion() throws Exception {
    Result r = run(mavenLog(dir), "sarif");
    assertEquals(0, r.code(), r.err());
    JsonNode run = JSON.readTree(r.out()).get("runs").get(0);
    JsonNode driver = run.get("tool").get("driver");
    assertEquals("fanout-checker", driver.get("name").asString());
    assertTrue(
        driver.get("version").asString().matches("\\d+\\.\\d+\\.\\d+(-SNAPSHOT)?"),
        driver.toString());
    assertEquals(Main.version(), driver.get("version").asString());
    Map<String, JsonNode> rules = new TreeMap<>();
    for (JsonNode rule : driver.get("rules")) {
      rules.put(rule.get("id").asString(), rule);
    }
    for (Rule expected : Main.rules()) {
      JsonNode rule = rules.get(expected.name());
      assertEquals(expected.summary(), rule.get("shortDescription").get("text").asString());
      assertEquals(
          expected.explanation().isEmpty() ? expected.summary() : expected.explanation(),
          rule.get("fullDescription").get("text").asString());
      assertEquals(expected.link(), rule.get("helpUri").asString());
      assertEquals("warning", rule.get("defaultConfiguration").get("level").asString());
    }
    // Error Prone's own check: a rule with the link the log gave.
    assertEquals(
        "https://errorprone.info/bugpattern/FutureReturnValueIgnored",
        rules.get("FutureReturnValueIgnored").get("helpUri").asString());

    JsonNode results = run.get("results");
    assertEquals(3, results.size(), "the repeated finding is reported once: " + results);
    JsonNode first = results.get(0);
    assertEquals("UnsafeSharedMutationInTask", first.get("ruleId").asString());
    assertEquals(
        "UnsafeSharedMutationInTask",
        driver.get("rules").get(first.get("ruleIndex").asInt()).get("id").asString());
    assertEquals("warning", first.get("level").asString());
    assertTrue(
        first
            .get("message")
            .get("text")
            .asString()
            .endsWith(
                "\nDid you mean 'List<Finding> findings = Collections.synchronizedList(new ArrayList<>());'?"));
    JsonNode location = first.get("locations").get(0).get("physicalLocation");
    assertEquals(
        "src/main/java/com/acme/Supervisor.java",
        location.get("artifactLocation").get("uri").asString());
    assertEquals(37, location.get("region").get("startLine").asInt());
    assertEquals(35, location.get("region").get("startColumn").asInt());
    assertEquals("error", results.get(1).get("level").asString());
    assertEquals(
        "a task uses ctx, \"quoted\" 100%, not its own",
        results.get(1).get("message").get("text").asString());
  }

  @Test
  void rdjsonlIsOneDiagnosticPerLine() throws Exception {
    Result r =
        run(mavenLog(dir), "rdjsonl", "--only", "UnsafeSharedMutationInTask,ParentContextInTask");
    assertEquals(0, r.code(), r.err());
    List<String> lines = r.out().lines().toList();
    assertEquals(2, lines.size(), r.out());
    JsonNode d = JSON.readTree(lines.get(0));
    assertEquals(
        "src/main/java/com/acme/Supervisor.java", d.get("location").get("path").asString());
    assertEquals(37, d.get("location").get("range").get("start").get("line").asInt());
    assertEquals("WARNING", d.get("severity").asString());
    assertEquals("UnsafeSharedMutationInTask", d.get("code").get("value").asString());
    assertTrue(d.get("code").get("url").asString().endsWith("/UnsafeSharedMutationInTask.md"));
    assertEquals("ERROR", JSON.readTree(lines.get(1)).get("severity").asString());
  }

  @Test
  void githubCommandsEscapeTheirData() {
    Result r =
        run(mavenLog(dir), "github", "--only", "ParentContextInTask,UnsafeSharedMutationInTask");
    assertEquals(0, r.code(), r.err());
    List<String> lines = r.out().lines().toList();
    assertEquals(
        "::warning file=src/main/java/com/acme/Supervisor.java,line=37,col=35,title=UnsafeSharedMutationInTask::"
            + "findings is written by a task%0ADid you mean 'List<Finding> findings = Collections.synchronizedList(new ArrayList<>());'?",
        lines.get(0));
    assertEquals(
        "::error file=src/main/java/com/acme/Supervisor.java,line=41,col=9,title=ParentContextInTask::"
            + "a task uses ctx, \"quoted\" 100%25, not its own",
        lines.get(1));
  }

  @Test
  void javacLogTakesTheColumnFromTheCaretAndRelativePathsFromTheWorkingDirectory()
      throws Exception {
    String log =
        "src/A.java:12: warning: [InterruptSwallowedInTask] a task swallows the interrupt\n"
            + "      } catch (InterruptedException e) {\n"
            + "        ^\n"
            + "    (see https://github.com/fanout-dev/fanout/blob/main/docs/checks/InterruptSwallowedInTask.md)\n"
            + "1 warning\n";
    Files.writeString(dir.resolve("build.log"), log);
    Result r = run("", "rdjsonl", "build.log");
    assertEquals(0, r.code(), r.err());
    JsonNode d = JSON.readTree(r.out().strip());
    assertEquals("src/A.java", d.get("location").get("path").asString());
    assertEquals(9, d.get("location").get("range").get("start").get("column").asInt());
  }

  @Test
  void baseMakesPathsRelativeToIt() throws Exception {
    Files.createDirectories(dir.resolve("src/main"));
    Result r = run(mavenLog(dir), "rdjsonl", "--base", "src/main", "--only", "ParentContextInTask");
    assertEquals(0, r.code(), r.err());
    assertEquals(
        "java/com/acme/Supervisor.java",
        JSON.readTree(r.out().strip()).get("location").get("path").asString());
  }

  @Test
  void aFindingOutsideTheBaseIsAnErrorNotAnAbsolutePath() throws Exception {
    Path other = Files.createDirectories(dir.resolve("other"));
    Result r = run(mavenLog(dir), "sarif", "--base", other.toString());
    assertEquals(2, r.code());
    assertEquals("", r.out());
    assertTrue(
        r.err()
            .contains(
                "log line 2: "
                    + dir.resolve("src/main/java/com/acme/Supervisor.java")
                    + " is not under the base directory "
                    + other),
        r.err());
    assertTrue(r.err().contains("--base"), r.err());
  }

  @Test
  void aCleanBuildGivesAnEmptyReport() throws Exception {
    Result r = run("[INFO] BUILD SUCCESS\n", "sarif");
    assertEquals(0, r.code(), r.err());
    JsonNode run = JSON.readTree(r.out()).get("runs").get(0);
    assertEquals(0, run.get("results").size());
    assertEquals(Main.rules().size(), run.get("tool").get("driver").get("rules").size());
    assertEquals(0, run("[INFO] BUILD SUCCESS\n", "rdjsonl").out().length());
  }

  @Test
  void outputWritesAFile() throws IOException {
    Result r = run(mavenLog(dir), "rdjsonl", "--output", "out.jsonl");
    assertEquals(0, r.code(), r.err());
    assertEquals("", r.out());
    assertEquals(3, Files.readAllLines(dir.resolve("out.jsonl")).size());
  }

  @Test
  void badUsageAndInputSayWhatIsWrong() throws IOException {
    Files.createDirectories(dir.resolve("adir"));
    Files.write(dir.resolve("latin1.log"), new byte[] {(byte) 0xE9, 'x', '\n'});
    Map<List<String>, String> cases = new java.util.LinkedHashMap<>();
    cases.put(List.of(), "no format given");
    cases.put(List.of("--format", "sarif"), "unknown format '--format'");
    cases.put(List.of("xml"), "unknown format 'xml'");
    cases.put(List.of("sarif", "--bsae", "x"), "unknown option --bsae");
    cases.put(List.of("sarif", "--base"), "--base needs a value");
    cases.put(List.of("sarif", "--only", "--base", "."), "--only needs a value");
    cases.put(List.of("sarif", "--only", "A B"), "--only wants check names");
    cases.put(List.of("sarif", "--base", "nowhere"), "is not a directory");
    cases.put(List.of("sarif", "missing.log"), "no such log file: missing.log");
    cases.put(List.of("sarif", "adir"), "adir is a directory, not a build log");
    cases.put(List.of("sarif", "latin1.log"), "latin1.log is not UTF-8 text");
    cases.put(List.of("sarif", "a.log", "b.log"), "more than one log given");
    cases.put(List.of("sarif", "-"), "standard input is empty");
    for (var c : cases.entrySet()) {
      Result r = run("", c.getKey().toArray(String[]::new));
      assertEquals(2, r.code(), c.getKey() + ": " + r);
      assertTrue(
          r.err().startsWith("fanout-checker: ") && r.err().contains(c.getValue()),
          c.getKey() + ": " + r.err());
      assertEquals("", r.out(), c.getKey().toString());
    }
  }

  @Test
  void helpPrintsUsage() {
    Result r = run("", "--help");
    assertEquals(0, r.code());
    assertTrue(
        r.out().startsWith("usage: java -jar fanout-checker-VERSION.jar sarif|rdjsonl|github"),
        r.out());
  }

  @Test
  void uriEncodesWhatAUriCannotHold() {
    assertEquals("src/My%20Dir/%C3%A9t%C3%A9.java", Formats.uri("src/My Dir/été.java"));
  }
}
