package dev.fanout.sample;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Runs the README's build-mode commands, verbatim, as a user would from the repository root, and
 * checks what each one printed against {@code src/pitfalls/expected-findings.txt}:
 *
 * <ul>
 *   <li>check: succeeds and reports exactly the expected findings, each with a link to its page
 *       and a suggested fix;
 *   <li>strict: fails, with exactly the expected findings as errors;
 *   <li>fix: patches a copy of the pitfalls, and the patched copy compiles with no finding left
 *       (checks that never suggest a fix are off there; their files stay unchanged);
 *   <li>demo: runs the supervisor.
 * </ul>
 *
 * Run by Failsafe in {@code ./mvnw verify}, after the reactor has built the checker. Each command
 * is a nested Maven run that shares the outer build's local repository.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BuildModesIT {
  private static final Pattern DIAGNOSTIC =
      Pattern.compile("^\\[(WARNING|ERROR)\\] (.+?\\.java):\\[(\\d+),\\d+\\] \\[(\\w+)\\] .*$");

  private static final Pattern WHITESPACE = Pattern.compile("\\s+");

  private static Path root;
  private static Path sample;
  private static Path pitfalls;
  private static Path logs;
  /** "path:line Check" (path relative to src/pitfalls/java) to whether a fix is expected. */
  private static Map<String, Boolean> expected;
  private static Map<String, String> commands;

  @BeforeAll
  static void readExpectations() throws IOException {
    sample = Path.of(System.getProperty("fanout.sample.dir", ".")).toAbsolutePath().normalize();
    root = sample.getParent();
    pitfalls = sample.resolve("src/pitfalls/java");
    logs = sample.resolve("target/build-modes");
    Files.createDirectories(logs);
    try (Stream<Path> old = Files.list(logs)) {
      for (Path p : old.toList()) {
        Files.delete(p); // no test may read a log an earlier run left
      }
    }

    expected = new LinkedHashMap<>();
    for (String raw : Files.readAllLines(sample.resolve("src/pitfalls/expected-findings.txt"))) {
      String line = raw.strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String[] f = WHITESPACE.splitAsStream(line).toArray(String[]::new);
      assertTrue(
          (f.length == 2 || (f.length == 3 && f[2].equals("no-fix"))) && f[0].matches(".+\\.java:\\d+"),
          "expected-findings.txt: want 'path/File.java:LINE CheckName [no-fix]', got: " + raw);
      expected.put(f[0] + " " + f[1], f.length == 2);
    }

    commands = new LinkedHashMap<>();
    for (String line : Files.readAllLines(root.resolve("README.md"))) {
      String cmd = line.strip();
      if (!line.startsWith("    ./mvnw ") || !cmd.contains("sample-project")) {
        continue;
      }
      String mode =
          cmd.contains("-Pcheck") ? "check"
              : cmd.contains("-Pstrict") ? "strict"
              : cmd.contains("-Pfix") ? "fix"
              : cmd.contains("exec:java") ? "demo"
              : null;
      if (mode != null && commands.putIfAbsent(mode, cmd) != null) {
        fail("README.md has two " + mode + " commands: " + commands.get(mode) + " / " + cmd);
      }
    }
    assertEquals(List.of("check", "demo", "fix", "strict"), commands.keySet().stream().sorted().toList(),
        "README.md must show one command per build mode (indented code lines starting ./mvnw)");
  }

  @Test
  @Order(1)
  void everyCheckTheCheckerShipsHasAPitfallAndAPage() throws IOException {
    Path services =
        root.resolve("checker/target/classes/META-INF/services/com.google.errorprone.bugpatterns.BugChecker");
    List<String> checks =
        Files.readAllLines(services).stream()
            .map(String::strip)
            .filter(s -> !s.isEmpty() && !s.startsWith("#"))
            .map(s -> s.substring(s.lastIndexOf('.') + 1))
            .sorted()
            .toList();
    assertFalse(checks.isEmpty(), "no checks registered in " + services);
    String index = Files.readString(root.resolve("docs/checks/README.md"));
    for (String check : checks) {
      assertTrue(expected.keySet().stream().anyMatch(k -> k.endsWith(" " + check)),
          check + " has no pitfall: add one under src/pitfalls/java and its line to expected-findings.txt");
      assertTrue(Files.exists(root.resolve("docs/checks/" + check + ".md")), "docs/checks/" + check + ".md is missing");
      assertTrue(index.contains("(" + check + ".md)"), "docs/checks/README.md does not link " + check + ".md");
    }
  }

  @Test
  @Order(2)
  void checkReportsEveryExpectedFindingWithItsFix() throws Exception {
    Run run = run("check");
    assertEquals(0, run.exit, "the check run failed; see " + run.log);
    assertSameFindings(run.findings("WARNING", pitfalls), "warnings of the check run (" + run.log + ")");
    assertEquals(Map.of(), run.findingsOutside(pitfalls), "findings in the sample outside the pitfalls (" + run.log + ")");
    for (String finding : run.blocks.keySet()) {
      String block = run.blocks.get(finding);
      String check = finding.substring(finding.indexOf(' ') + 1);
      assertTrue(block.contains("/docs/checks/" + check + ".md)"), "no link to the check's page: " + block);
      if (expected.getOrDefault(finding, true)) {
        assertTrue(block.contains("Did you mean"), "no suggested fix printed: " + block);
      }
    }
  }

  @Test
  @Order(3)
  void reviewCommentConverterReadsTheCheckRun() throws Exception {
    // The checker jar's converter (docs/ci.md), run as docs/ci.md runs it, on the check run's log:
    // one review comment per finding.
    Path log = logs.resolve("check.log");
    assertTrue(Files.exists(log), "run the check mode first");
    String version = System.getProperty("fanout.version", "");
    assertFalse(version.isBlank() || version.startsWith("${"), "fanout.version not set by the POM: " + version);
    Path jar = root.resolve("checker/target/fanout-checker-" + version + ".jar");
    assertTrue(Files.exists(jar), "the reactor has not packaged the checker: " + jar);
    Path out = logs.resolve("check.rdjsonl");
    Process p =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", jar.toString(),
                "rdjsonl", "--base", pitfalls.toString(), log.toString())
            .redirectErrorStream(true)
            .redirectOutput(out.toFile())
            .start();
    assertTrue(p.waitFor(2, TimeUnit.MINUTES), "converter hung");
    String json = Files.readString(out);
    assertEquals(0, p.exitValue(), json);
    Pattern comment =
        Pattern.compile("\"path\":\"([^\"]+)\",\"range\":\\{\"start\":\\{\"line\":(\\d+).*\"code\":\\{\"value\":\"(\\w+)\"");
    Set<String> comments = new TreeSet<>();
    for (String line : json.lines().toList()) {
      Matcher m = comment.matcher(line);
      assertTrue(m.find(), "not a reviewdog diagnostic: " + line);
      assertTrue(line.contains("\"severity\":\"WARNING\""), line);
      comments.add(m.group(1) + ":" + m.group(2) + " " + m.group(3));
    }
    assertSameFindings(comments, "review comments from " + out);
  }

  @Test
  @Order(4)
  void strictFailsOnEveryExpectedFinding() throws Exception {
    Run run = run("strict");
    assertNotEquals(0, run.exit, "strict mode must fail the build; see " + run.log);
    assertTrue(run.output.contains("BUILD FAILURE"), run.log.toString());
    assertSameFindings(run.findings("ERROR", pitfalls),
        "errors of the strict run (a check missing here is not raised by fanout.checks.asErrors in sample-project/pom.xml; "
            + run.log + ")");
  }

  @Test
  @Order(5)
  void fixPatchesACopyThatCompilesWithNoFindingLeft() throws Exception {
    Path fixed = sample.resolve("target/pitfalls-fixed");
    Run run = run("fix");
    assertEquals(0, run.exit,
        "the fixed copy did not compile clean (a check missing from fanout.checks in sample-project/pom.xml is "
            + "not patched; see " + run.log + ")");
    int compileFixed = run.output.indexOf("(pitfalls-compile-fixed)");
    assertTrue(compileFixed >= 0, run.log.toString());
    assertEquals(Map.of(), new Run(run.exit, run.output.substring(compileFixed), run.log).findingsOutside(null),
        "findings when compiling the fixed copy (" + run.log + ")");

    // Every file with a finding was rewritten, the rest were copied as they are; all compiled.
    TreeSet<String> patched = new TreeSet<>();
    for (String finding : expected.keySet()) {
      if (expected.get(finding)) { // a file whose findings are all no-fix must stay as it is
        patched.add(finding.substring(0, finding.indexOf(':')));
      }
    }
    List<String> sources;
    try (Stream<Path> s = Files.walk(pitfalls)) {
      sources = s.filter(p -> p.toString().endsWith(".java")).map(p -> slash(pitfalls.relativize(p))).sorted().toList();
    }
    for (String source : sources) {
      String before = Files.readString(pitfalls.resolve(source));
      String after = Files.readString(fixed.resolve("java").resolve(source));
      if (patched.contains(source)) {
        assertNotEquals(before, after, source + " has findings but the fix run left it unchanged");
      } else {
        assertEquals(before, after, source);
      }
      Path classFile = fixed.resolve("classes").resolve(source.replaceAll("\\.java$", ".class"));
      assertTrue(Files.exists(classFile), "not compiled: " + classFile);
    }
  }

  @Test
  @Order(6)
  void demoRunsTheSupervisor() throws Exception {
    Run run = run("demo");
    assertTrue(run.output.contains("financial_supervisor: query"), run.log.toString());
    if (commands.get("demo").contains("--fail")) {
      // The README's demo makes one specialist fail: the process exits 1 and the others are cancelled.
      assertEquals(1, run.exit, run.log.toString());
      assertTrue(run.output.contains("result: FAILED"), run.log.toString());
      assertTrue(run.output.contains("cancelled after"), run.log.toString());
    } else {
      assertEquals(0, run.exit, run.log.toString());
    }
  }

  /** Fails listing what is missing and what is unexpected, in expected-findings.txt's format. */
  private static void assertSameFindings(Set<String> actual, String what) {
    Set<String> missing = new TreeSet<>(expected.keySet());
    missing.removeAll(actual);
    Set<String> unexpected = new TreeSet<>(actual);
    unexpected.removeAll(expected.keySet());
    if (!missing.isEmpty() || !unexpected.isEmpty()) {
      fail(what + " differ from src/pitfalls/expected-findings.txt\n  missing:\n    "
          + String.join("\n    ", missing) + "\n  unexpected:\n    " + String.join("\n    ", unexpected));
    }
  }

  private static String slash(Path p) {
    return p.toString().replace('\\', '/');
  }

  /** Runs the README's command for {@code mode} from the repository root, as a user would. */
  private static Run run(String mode) throws IOException, InterruptedException {
    String command = commands.get(mode);
    Path log = logs.resolve(mode + ".log");
    ProcessBuilder pb = new ProcessBuilder("bash", "-c", command).directory(root.toFile());
    pb.redirectErrorStream(true).redirectOutput(log.toFile());
    Map<String, String> env = pb.environment();
    // The JDK running this test is one the outer Maven ran on; the nested Maven uses it too.
    env.put("JAVA_HOME", System.getProperty("java.home"));
    // Maven 3.9 reads MAVEN_ARGS before the command's own arguments: share the outer build's
    // local repository (and its tail, if any), plain output.
    StringBuilder args = new StringBuilder("-B -ntp");
    String repo = System.getProperty("fanout.it.localRepository", "");
    if (!repo.isBlank() && !repo.startsWith("${")) {
      args.append(" -Dmaven.repo.local=").append(repo);
    }
    String tail = System.getProperty("fanout.it.localRepositoryTail", "");
    if (!tail.isBlank() && !tail.startsWith("${")) {
      args.append(" -Dmaven.repo.local.tail=").append(tail);
    }
    env.put("MAVEN_ARGS", args.toString());
    Process p = pb.start();
    p.getOutputStream().close();
    if (!p.waitFor(10, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      fail(mode + " did not finish in 10 minutes: " + command);
    }
    String output = Files.readString(log, StandardCharsets.UTF_8);
    Files.writeString(log, "$ " + command + "\n# MAVEN_ARGS=" + args + "\n" + output, StandardCharsets.UTF_8);
    return new Run(p.exitValue(), output, log);
  }

  private static final class Run {
    final int exit;
    final String output;
    final Path log;
    /** Each diagnostic ("path:line Check", path relative to its source root) to its full text. */
    final Map<String, String> blocks = new LinkedHashMap<>();
    private final List<String[]> diagnostics = new ArrayList<>(); // level, absolute path, line, check

    Run(int exit, String output, Path log) {
      this.exit = exit;
      this.output = output;
      this.log = log;
      String[] lines = output.lines().toArray(String[]::new);
      for (int i = 0; i < lines.length; i++) {
        Matcher m = DIAGNOSTIC.matcher(lines[i]);
        if (!m.matches()) {
          continue;
        }
        diagnostics.add(new String[] {m.group(1), m.group(2), m.group(3), m.group(4)});
        StringBuilder block = new StringBuilder(lines[i]);
        for (int j = i + 1; j < lines.length && !lines[j].startsWith("["); j++) {
          block.append('\n').append(lines[j]);
        }
        Path file = Path.of(m.group(2));
        String rel = file.startsWith(pitfalls) ? slash(pitfalls.relativize(file)) : m.group(2);
        blocks.put(rel + ":" + m.group(3) + " " + m.group(4), block.toString());
      }
    }

    /** Findings at {@code level} in files under {@code under}, as "path:line Check". */
    Set<String> findings(String level, Path under) {
      return diagnostics.stream()
          .filter(d -> d[0].equals(level) && Path.of(d[1]).startsWith(under))
          .map(d -> slash(under.relativize(Path.of(d[1]))) + ":" + d[2] + " " + d[3])
          .collect(Collectors.toCollection(TreeSet::new));
    }

    /** Diagnostics in the sample's files not under {@code under} (every one when it is null). */
    Map<String, String> findingsOutside(Path under) {
      Map<String, String> out = new LinkedHashMap<>();
      for (String[] d : diagnostics) {
        Path file = Path.of(d[1]);
        if (under == null || (file.startsWith(sample) && !file.startsWith(under))) {
          out.put(d[1] + ":" + d[2], d[0] + " " + d[3]);
        }
      }
      return out;
    }
  }
}
