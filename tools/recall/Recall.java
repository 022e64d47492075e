/*
 * Recall harness for the Fanout checks (see tools/recall/README.md and docs/evaluation.md).
 *
 * Run through tools/recall/run, which picks a JDK 21+ (Error Prone needs it) and passes the repo
 * root. Single-file program: `java Recall.java ...` on JDK 21+, no dependencies beyond the JDK;
 * Maven (the repo's ./mvnw) resolves the rest.
 *
 * Per case of tools/recall/cases.tsv (a real, fixed bug: the buggy and the fixed release of one
 * artifact on Maven Central): for each of the two releases, fetch the -sources.jar and resolve the
 * release's classpath (a generated throwaway POM + dependency:build-classpath, cached under
 * target/recall/), extract the case's file(s) and compile them with javac + Error Prone + only the
 * case's check (-XepDisableAllChecks -Xep:<check>:WARN). Scores: buggy release CAUGHT when a
 * finding of the check is on the named line (whose text must contain the named statement, so a
 * wrong line number fails loudly), else MISSED; fixed release CLEAN when the check reports nothing
 * in the case's files except on the lines the case lists as `left=` (a real race the fix left in
 * place), else FLAGGED.
 */
import java.io.*;
import java.net.URI;
import java.net.http.*;
import java.nio.charset.StandardCharsets;
import java.nio.file.*;
import java.time.*;
import java.util.*;
import java.util.concurrent.*;
import java.util.regex.*;
import java.util.stream.*;
import java.util.zip.*;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.*;

public class Recall {

  // ---------------------------------------------------------------- options

  static Path repo, work, casesFile, outFile, baseline;
  static Set<String> only = new LinkedHashSet<>();
  static String onlyCheck;
  static int jobs = 1;
  static boolean build = true;
  static final long START = System.nanoTime();
  static final String JAVA_HOME = System.getProperty("java.home");
  static final List<String> JVM_FLAGS = new ArrayList<>();
  static final String DEP_PLUGIN = "org.apache.maven.plugins:maven-dependency-plugin:3.8.1";
  static final String HELP_PLUGIN = "org.apache.maven.plugins:maven-help-plugin:3.5.1";
  static final String CENTRAL = "https://repo1.maven.org/maven2/";

  public static void main(String[] args) throws Exception {
    repo = Paths.get(System.getProperty("recall.repo", ".")).toAbsolutePath().normalize();
    work = repo.resolve("target/recall");
    casesFile = repo.resolve("tools/recall/cases.tsv");
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--only" -> only.addAll(Arrays.asList(args[++i].split(",")));
        case "--check" -> onlyCheck = args[++i];
        case "--cases" -> casesFile = Paths.get(args[++i]).toAbsolutePath();
        case "--out" -> outFile = Paths.get(args[++i]).toAbsolutePath();
        case "--baseline" -> baseline = Paths.get(args[++i]).toAbsolutePath();
        case "--jobs" -> jobs = Integer.parseInt(args[++i]);
        case "--work" -> work = Paths.get(args[++i]).toAbsolutePath();
        case "--no-build" -> build = false;
        case "-h", "--help" -> {
          usage();
          return;
        }
        default -> {
          System.err.println("unknown option " + args[i]);
          usage();
          System.exit(64);
        }
      }
    }
    boolean subset = !only.isEmpty() || onlyCheck != null;
    if (outFile == null) {
      outFile = subset ? work.resolve("results.md") : repo.resolve("tools/recall/results.md");
    }
    Files.createDirectories(work);
    for (String line : Files.readAllLines(repo.resolve(".mvn/jvm.config"))) {
      line = line.strip();
      if (!line.isEmpty() && !line.startsWith("#")) JVM_FLAGS.add("-J" + line);
    }
    JVM_FLAGS.add("-J-Xmx1g");
    JVM_FLAGS.add("-J-Xss8m");
    System.exit(new Recall().run());
  }

  static void usage() {
    System.err.println("""
        usage: tools/recall/run [--only id,...] [--check Name] [--cases FILE] [--out FILE] [--jobs N]
                                [--work DIR] [--no-build]
          --only      only these cases (ids of cases.tsv), comma-separated
          --check     only the cases of this check
          --cases     the case file (default tools/recall/cases.tsv)
          --out       the results file (default tools/recall/results.md for a full run,
                      target/recall/results.md for a subset); a .tsv beside it
          --jobs      cases run at once (default 1)
          --baseline  a results.tsv of an earlier run: a case CAUGHT there and MISSED now fails the run
          --work      fetched releases and scratch files (default target/recall)
          --no-build  use the checker jar already in checker/target
        exit status: 0 ok (misses are the measure, not a failure); 1 a fixed release was flagged,
                     a check crashed, or a case caught in --baseline is missed now; 2 a case could
                     not be fetched or compiled""");
  }

  static String elapsed() {
    long s = (System.nanoTime() - START) / 1_000_000_000L;
    return String.format("%02d:%02d", s / 60, s % 60);
  }

  static synchronized void progress(String msg) {
    System.err.println("[" + elapsed() + "] " + msg);
    System.err.flush();
  }

  // ---------------------------------------------------------------- cases

  /** A line of cases.tsv. */
  record Case(String id, String check, String buggy, String fixed, List<String> files, String link,
      String line, String statement, Map<String, String> opts) {

    String file() { return line.substring(0, line.lastIndexOf(':')); }
    int lineNo() { return Integer.parseInt(line.substring(line.lastIndexOf(':') + 1)); }
    /** file:line entries of findings in the fixed release that are a race the fix left in place. */
    Set<String> left() {
      String l = opts.get("left");
      return l == null ? Set.of() : new LinkedHashSet<>(Arrays.asList(l.split(",")));
    }
    List<String> fixedFiles() {
      String f = opts.get("fixedfiles");
      return f == null ? files : Arrays.asList(f.split(","));
    }
    String source() { return opts.getOrDefault("source", "21"); }
  }

  static List<Case> readCases(Path file) throws IOException {
    List<Case> cases = new ArrayList<>();
    int n = 0;
    for (String raw : Files.readAllLines(file)) {
      n++;
      if (raw.isBlank() || raw.startsWith("#")) continue;
      String[] f = raw.split("\t");
      if (f.length < 9) throw new IllegalArgumentException(file + ":" + n + ": expected 9+ tab-separated fields, got " + f.length);
      Map<String, String> opts = new LinkedHashMap<>();
      for (String o : f[8].strip().split("\\s+")) {
        if (o.isEmpty() || o.equals("-")) continue;
        int eq = o.indexOf('=');
        if (eq < 0) throw new IllegalArgumentException(file + ":" + n + ": option without '=': " + o);
        opts.put(o.substring(0, eq), o.substring(eq + 1));
      }
      cases.add(new Case(f[0].strip(), f[1].strip(), f[2].strip(), f[3].strip(),
          Arrays.asList(f[4].strip().split(",")), f[5].strip(), f[6].strip(), f[7].strip(), opts));
    }
    return cases;
  }

  // ---------------------------------------------------------------- processes

  record Result(int exit, String output, double wall) {}

  static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      for (Process p : LIVE) {
        p.descendants().forEach(ProcessHandle::destroy);
        p.destroy();
      }
    }));
  }

  static Result exec(List<String> cmd, Path dir, Path log) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true);
    pb.redirectOutput(log.toFile());
    pb.environment().put("JAVA_HOME", JAVA_HOME);
    long t0 = System.nanoTime();
    Process p = pb.start();
    LIVE.add(p);
    int rc;
    try {
      rc = p.waitFor();
    } finally {
      LIVE.remove(p);
    }
    return new Result(rc, Files.readString(log, StandardCharsets.UTF_8), (System.nanoTime() - t0) / 1e9);
  }

  static List<String> mvn() {
    return new ArrayList<>(List.of(repo.resolve("mvnw").toString(), "-B", "-ntp", "-q"));
  }

  // ---------------------------------------------------------------- toolchain

  Path checkerJar;
  List<Path> epPath = new ArrayList<>();
  String epVersion;

  void setupToolchain() throws Exception {
    String pom = Files.readString(repo.resolve("pom.xml"));
    Matcher m = Pattern.compile("<errorprone.version>([^<]+)</errorprone.version>").matcher(pom);
    if (!m.find()) throw new IllegalStateException("no errorprone.version in pom.xml");
    epVersion = m.group(1);
    if (build) {
      progress("building the checker jar (./mvnw -pl checker -am package -DskipTests)");
      List<String> cmd = mvn();
      cmd.addAll(List.of("-pl", "checker", "-am", "package", "-DskipTests"));
      Result r = exec(cmd, repo, work.resolve("build-checker.log"));
      if (r.exit != 0) throw new IllegalStateException("checker build failed:\n" + tail(r.output, 40));
    }
    try (Stream<Path> s = Files.list(repo.resolve("checker/target"))) {
      checkerJar = s.filter(p -> p.getFileName().toString().matches("fanout-checker-.*\\.jar")
              && !p.getFileName().toString().matches(".*-(sources|javadoc|tests)\\.jar"))
          .findFirst().orElseThrow(() -> new IllegalStateException("no checker jar in checker/target"));
    }
    Path epDir = work.resolve("errorprone-" + epVersion);
    Path epLib = epDir.resolve("lib");
    if (!Files.exists(epDir.resolve("ok"))) {
      progress("resolving error_prone_core " + epVersion + " and its dependencies");
      Files.createDirectories(epDir);
      writePom(epDir.resolve("pom.xml"), List.of("com.google.errorprone:error_prone_core:" + epVersion));
      List<String> cmd = mvn();
      cmd.addAll(List.of("-f", epDir.resolve("pom.xml").toString(), DEP_PLUGIN + ":copy-dependencies",
          "-DoutputDirectory=" + epLib));
      Result r = exec(cmd, epDir, epDir.resolve("fetch.log"));
      if (r.exit != 0) throw new IllegalStateException("cannot resolve Error Prone:\n" + tail(r.output, 40));
      Files.writeString(epDir.resolve("ok"), "");
    }
    try (Stream<Path> s = Files.list(epLib)) {
      s.filter(p -> p.toString().endsWith(".jar")).sorted().forEach(epPath::add);
    }
    progress("checker " + repo.relativize(checkerJar) + ", Error Prone " + epVersion + ", javac " + JAVA_HOME);
  }

  // ---------------------------------------------------------------- fetching a release

  static void writePom(Path pom, List<String> coords) throws IOException {
    writePom(pom, coords, Set.of());
  }

  /** exclusions: groupId:artifactId of transitive dependencies left out of the first coordinate's tree. */
  static void writePom(Path pom, List<String> coords, Set<String> exclusions) throws IOException {
    StringBuilder sb = new StringBuilder("""
        <project xmlns="http://maven.apache.org/POM/4.0.0">
          <modelVersion>4.0.0</modelVersion>
          <groupId>fanout.recall</groupId><artifactId>fetch</artifactId><version>1</version>
          <packaging>pom</packaging>
          <dependencies>
        """);
    for (String c : coords) {
      String[] p = c.split(":");
      sb.append("    <dependency><groupId>").append(xml(p[0])).append("</groupId><artifactId>")
          .append(xml(p[1])).append("</artifactId><version>").append(xml(p[2])).append("</version>");
      if (p.length > 3 && !p[3].isEmpty()) sb.append("<classifier>").append(xml(p[3])).append("</classifier>");
      if (c == coords.get(0) && !exclusions.isEmpty()) {
        sb.append("<exclusions>");
        for (String e : exclusions) {
          String[] q = e.split(":");
          sb.append("<exclusion><groupId>").append(xml(q[0])).append("</groupId><artifactId>")
              .append(xml(q[1])).append("</artifactId></exclusion>");
        }
        sb.append("</exclusions>");
      }
      sb.append("</dependency>\n");
    }
    sb.append("  </dependencies>\n</project>\n");
    Files.writeString(pom, sb);
  }

  static String xml(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }

  /** The release's own dependencies that are not transitive for a user (provided, optional). */
  static List<String> ownExtraDeps(Path effectivePom) throws Exception {
    List<String> deps = new ArrayList<>();
    var f = DocumentBuilderFactory.newInstance();
    Document doc = f.newDocumentBuilder().parse(effectivePom.toFile());
    for (Node n = doc.getDocumentElement().getFirstChild(); n != null; n = n.getNextSibling()) {
      if (!(n instanceof Element el) || !el.getTagName().equals("dependencies")) continue;
      for (Node d = el.getFirstChild(); d != null; d = d.getNextSibling()) {
        if (!(d instanceof Element de) || !de.getTagName().equals("dependency")) continue;
        String scope = child(de, "scope"), type = child(de, "type"), v = child(de, "version");
        if (v == null || "test".equals(scope) || "system".equals(scope) || "import".equals(scope)) continue;
        if (type != null && !type.equals("jar") && !type.equals("bundle")) continue;
        if (!"provided".equals(scope) && !"true".equals(child(de, "optional"))) continue;
        String cl = child(de, "classifier");
        deps.add(child(de, "groupId") + ":" + child(de, "artifactId") + ":" + v + (cl == null ? "" : ":" + cl));
      }
    }
    return deps;
  }

  static String child(Element e, String tag) {
    for (Node n = e.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element c && c.getTagName().equals(tag)) return c.getTextContent().strip();
    }
    return null;
  }

  static final HttpClient HTTP = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL)
      .connectTimeout(Duration.ofSeconds(30)).build();

  /** A release fetched: its sources jar and its classpath (cached under target/recall/releases/). */
  record Release(String coord, Path sourcesJar, String classpath) {}

  static final ConcurrentHashMap<String, Object> LOCKS = new ConcurrentHashMap<>();

  Release fetch(String coord, String tag) throws Exception {
    return fetch(coord, tag, true);
  }

  /** sources false: only the classpath (for a case's extra= dependencies). */
  Release fetch(String coord, String tag, boolean sources) throws Exception {
    synchronized (LOCKS.computeIfAbsent(coord, k -> new Object())) {
      String[] p = coord.split(":");
      Path dir = work.resolve("releases").resolve(coord.replace(':', '_'));
      Path cpFile = dir.resolve("classpath.txt");
      Path src = dir.resolve(p[1] + "-" + p[2] + "-sources.jar");
      if (Files.exists(dir.resolve("ok"))) return new Release(coord, src, Files.readString(cpFile).strip());
      Files.createDirectories(dir);
      if (sources) {
      progress(tag + "fetching " + coord + " (sources jar)");
      String url = CENTRAL + p[0].replace('.', '/') + "/" + p[1] + "/" + p[2] + "/" + p[1] + "-" + p[2] + "-sources.jar";
      HttpResponse<Path> resp = HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofMinutes(5)).build(),
          HttpResponse.BodyHandlers.ofFile(src));
      if (resp.statusCode() != 200) {
        Files.deleteIfExists(src);
        throw new IllegalStateException("no sources jar for " + coord + " (HTTP " + resp.statusCode() + " " + url + ")");
      }
      }
      // The release's provided and optional dependencies: its sources may need them.
      Path scratch = dir.resolve("scratch");
      Files.createDirectories(scratch);
      writePom(scratch.resolve("pom.xml"), List.of());
      Path eff = dir.resolve("effective-pom.xml");
      List<String> cmd = mvn();
      cmd.addAll(List.of("-f", scratch.resolve("pom.xml").toString(), HELP_PLUGIN + ":effective-pom",
          "-Dartifact=" + coord, "-Doutput=" + eff));
      progress(tag + "resolving " + coord + " (effective pom)");
      Result r = exec(cmd, dir, dir.resolve("effective-pom.log"));
      List<String> extra = r.exit == 0 && Files.exists(eff) ? ownExtraDeps(eff) : new ArrayList<>();
      extra.removeIf(d -> d.startsWith(p[0] + ":" + p[1] + ":"));
      Set<String> excluded = new TreeSet<>();
      for (int attempt = 0; ; attempt++) {
        List<String> deps = new ArrayList<>();
        deps.add(coord);
        deps.addAll(extra);
        writePom(dir.resolve("pom.xml"), deps, excluded);
        progress(tag + "resolving " + coord + " (classpath, " + extra.size() + " provided/optional)"
            + (attempt > 0 ? ", attempt " + (attempt + 1) : ""));
        cmd = mvn();
        cmd.addAll(List.of("-f", dir.resolve("pom.xml").toString(), DEP_PLUGIN + ":build-classpath",
            "-Dmdep.outputFile=" + cpFile, "-Dmdep.includeScope=compile"));
        r = exec(cmd, dir, dir.resolve("classpath.log"));
        if (r.exit == 0) break;
        String log = r.output;
        // A transitive dependency that cannot be resolved at all (e.g. a classifier left as an
        // unexpanded ${property} in a published POM) is excluded from the tree; a source file
        // that needs it fails to compile, which the results say.
        Matcher um = Pattern.compile("dependency: ([\\w.\\-]+):([\\w.\\-]+):").matcher(log);
        boolean newExclusion = false;
        while (um.find()) {
          String ga = um.group(1) + ":" + um.group(2);
          if (!coord.startsWith(ga + ":") && extra.stream().noneMatch(d -> d.startsWith(ga + ":"))
              && excluded.add(ga)) newExclusion = true;
        }
        if (newExclusion && attempt < 6) {
          progress(tag + "excluding unresolvable transitive dependencies " + excluded);
          continue;
        }
        // Drop the provided/optional extras Maven cannot resolve; at last, all of them.
        int before = extra.size();
        extra.removeIf(d -> {
          String[] q = d.split(":");
          return log.contains(q[0] + ":" + q[1] + ":");
        });
        if (extra.size() == before) {
          if (extra.isEmpty()) throw new IllegalStateException("cannot resolve " + coord + ":\n" + tail(r.output, 20));
          extra.clear();
        }
      }
      Files.writeString(dir.resolve("ok"), "");
      return new Release(coord, src, Files.readString(cpFile).strip());
    }
  }

  // ---------------------------------------------------------------- compiling

  record Finding(String file, int line, String message) {
    String key() { return file + ":" + line; }
  }

  record Compiled(List<Finding> findings, List<String> errors, boolean crashed, double wall, List<String> lines) {}

  static final Pattern DIAG = Pattern.compile("^(/[^:]+\\.java):(\\d+): (error|warning): (.*)$");

  /** Extracts files from the sources jar into dir/src and compiles them with only {@code check}. */
  Compiled compile(Case c, Release rel, List<String> files, Path dir) throws Exception {
    Path src = dir.resolve("src");
    deleteTree(dir);
    Files.createDirectories(src);
    Set<String> want = new HashSet<>(files);
    try (ZipFile z = new ZipFile(rel.sourcesJar.toFile())) {
      for (String f : files) {
        ZipEntry e = z.getEntry(f);
        if (e == null) throw new IllegalStateException(f + " is not in " + rel.sourcesJar.getFileName());
        Path out = src.resolve(f);
        Files.createDirectories(out.getParent());
        try (InputStream in = z.getInputStream(e)) {
          Files.copy(in, out);
        }
      }
    }
    Path classes = dir.resolve("classes");
    Files.createDirectories(classes);
    List<String> a = new ArrayList<>(List.of(
        "-proc:none", "-implicit:none", "-encoding", "UTF-8",
        "-XDcompilePolicy=simple", "--should-stop=ifError=FLOW", "-Xmaxwarns", "100000",
        "-source", c.source(), "-target", c.source(), "-d", classes.toString(),
        "-cp", rel.classpath,
        "-processorpath", Stream.concat(Stream.of(checkerJar), epPath.stream()).map(Path::toString)
            .collect(Collectors.joining(File.pathSeparator)),
        "-Xplugin:ErrorProne -XepDisableAllChecks -Xep:" + c.check() + ":WARN"));
    for (String f : files) a.add(src.resolve(f).toString());
    Path argFile = dir.resolve("args.txt");
    Files.write(argFile, a.stream().map(Recall::quoteArg).toList());
    List<String> cmd = new ArrayList<>();
    cmd.add(Paths.get(JAVA_HOME, "bin", "javac").toString());
    cmd.addAll(JVM_FLAGS);
    cmd.add("@" + argFile);
    Result r = exec(cmd, dir, dir.resolve("javac.log"));
    List<Finding> findings = new ArrayList<>();
    List<String> errors = new ArrayList<>();
    for (String l : r.output.split("\n")) {
      Matcher m = DIAG.matcher(l);
      if (!m.matches()) continue;
      String rel0 = src.relativize(Paths.get(m.group(1))).toString();
      if (m.group(3).equals("error")) {
        errors.add(rel0 + ":" + m.group(2) + ": " + m.group(4));
      } else if (m.group(4).startsWith("[" + c.check() + "]")) {
        findings.add(new Finding(rel0, Integer.parseInt(m.group(2)), m.group(4)));
      }
    }
    boolean crashed = r.output.contains("An unhandled exception was thrown by the Error Prone");
    if (r.exit != 0 && errors.isEmpty() && !crashed) errors.add("javac exit " + r.exit + ": " + tail(r.output, 5));
    List<String> bugFileLines = Files.readAllLines(src.resolve(files.get(0)), StandardCharsets.ISO_8859_1);
    return new Compiled(findings, errors, crashed, r.wall, bugFileLines);
  }

  static String quoteArg(String s) {
    if (s.isEmpty() || s.matches(".*[\\s\"'#].*")) {
      return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
    return s;
  }

  // ---------------------------------------------------------------- scoring

  static final class Outcome {
    final Case c;
    String buggy = "?", fixed = "?", note = "";
    List<Finding> buggyFindings = List.of(), fixedFindings = List.of();
    boolean crashed, broken;
    double seconds;

    Outcome(Case c) { this.c = c; }
  }

  /** The case's extra= dependencies (compile-only ones a Gradle build does not publish) on the classpath. */
  Release withExtras(Case c, Release r, String tag) throws Exception {
    String extra = c.opts().get("extra");
    if (extra == null) return r;
    StringBuilder cp = new StringBuilder(r.classpath());
    for (String e : extra.split(",")) cp.append(File.pathSeparator).append(fetch(e, tag, false).classpath());
    return new Release(r.coord(), r.sourcesJar(), cp.toString());
  }

  static String norm(String s) { return s.replaceAll("\\s+", ""); }

  Outcome runCase(Case c, int i, int n) {
    Outcome o = new Outcome(c);
    String tag = "(" + i + "/" + n + ") " + c.id() + ": ";
    long t0 = System.nanoTime();
    try {
      Release b = withExtras(c, fetch(c.buggy(), tag), tag);
      Release f = withExtras(c, fetch(c.fixed(), tag), tag);
      progress(tag + "compiling " + c.files().size() + " file(s) of " + c.buggy() + " with " + c.check());
      Compiled cb = compile(c, b, c.files(), work.resolve("cases").resolve(c.id()).resolve("buggy"));
      if (!c.files().get(0).endsWith(c.file())) {
        throw new IllegalStateException("the case's line " + c.line() + " is not in its first file " + c.files().get(0));
      }
      int ln = c.lineNo();
      String text = ln <= cb.lines.size() ? cb.lines.get(ln - 1) : "";
      if (!norm(text).contains(norm(c.statement()))) {
        throw new IllegalStateException("line " + c.line() + " of " + c.buggy() + " reads '" + text.strip()
            + "', not the case's statement '" + c.statement() + "'");
      }
      o.buggyFindings = cb.findings;
      o.crashed |= cb.crashed;
      if (!cb.errors.isEmpty()) {
        o.broken = true;
        o.buggy = "ERROR";
        o.note = "buggy release does not compile: " + cb.errors.get(0);
      } else {
        boolean hit = cb.findings.stream().anyMatch(x -> x.file().equals(c.files().get(0)) && x.line() == ln);
        o.buggy = hit ? "CAUGHT" : "MISSED";
      }
      progress(tag + "buggy " + o.buggy + " (" + cb.findings.size() + " finding(s), " + String.format("%.1f", cb.wall) + " s)");
      progress(tag + "compiling " + c.fixedFiles().size() + " file(s) of " + c.fixed() + " with " + c.check());
      Compiled cf = compile(c, f, c.fixedFiles(), work.resolve("cases").resolve(c.id()).resolve("fixed"));
      o.crashed |= cf.crashed;
      Set<String> left = c.left();
      o.fixedFindings = cf.findings.stream().filter(x -> !left.contains(x.key())
          && !left.contains(Paths.get(x.file()).getFileName() + ":" + x.line())).toList();
      if (!cf.errors.isEmpty()) {
        o.broken = true;
        o.fixed = "ERROR";
        o.note += (o.note.isEmpty() ? "" : "; ") + "fixed release does not compile: " + cf.errors.get(0);
      } else {
        o.fixed = o.fixedFindings.isEmpty() ? "CLEAN" : "FLAGGED";
      }
      if (o.crashed) o.note += (o.note.isEmpty() ? "" : "; ") + "the check crashed (see target/recall/cases/" + c.id() + ")";
      progress(tag + "fixed " + o.fixed + " (" + cf.findings.size() + " finding(s)"
          + (left.isEmpty() ? "" : ", " + (cf.findings.size() - o.fixedFindings.size()) + " on left= lines") + ")");
    } catch (Exception e) {
      o.broken = true;
      o.note = String.valueOf(e.getMessage()).split("\n")[0];
      progress(tag + "ERROR " + e.getMessage());
    }
    o.seconds = (System.nanoTime() - t0) / 1e9;
    return o;
  }

  // ---------------------------------------------------------------- the run

  int run() throws Exception {
    List<Case> cases = readCases(casesFile);
    Set<String> ids = new HashSet<>();
    for (Case c : cases) if (!ids.add(c.id())) throw new IllegalArgumentException("duplicate case id " + c.id());
    cases.removeIf(c -> (!only.isEmpty() && !only.contains(c.id())) || (onlyCheck != null && !onlyCheck.equals(c.check())));
    if (cases.isEmpty()) throw new IllegalArgumentException("no case selected");
    setupToolchain();
    progress(cases.size() + " case(s) from " + repo.relativize(casesFile) + ", " + jobs + " at once");
    ExecutorService pool = Executors.newFixedThreadPool(jobs);
    List<Future<Outcome>> fs = new ArrayList<>();
    for (int i = 0; i < cases.size(); i++) {
      Case c = cases.get(i);
      int k = i + 1;
      fs.add(pool.submit(() -> runCase(c, k, cases.size())));
    }
    List<Outcome> outs = new ArrayList<>();
    for (Future<Outcome> f : fs) outs.add(f.get());
    pool.shutdown();
    write(outs);
    long flagged = outs.stream().filter(o -> o.fixed.equals("FLAGGED")).count();
    boolean crash = outs.stream().anyMatch(o -> o.crashed);
    boolean broken = outs.stream().anyMatch(o -> o.broken);
    progress("done: " + summaryLine(outs) + "; results in " + outFile);
    boolean regressed = false;
    if (baseline != null) {
      Set<String> caughtBefore = new HashSet<>();
      for (String l : Files.readAllLines(baseline)) {
        String[] f = l.split("\t");
        if (f.length > 5 && f[5].equals("CAUGHT")) caughtBefore.add(f[0]);
      }
      for (Outcome o : outs) {
        if (caughtBefore.contains(o.c.id()) && !o.buggy.equals("CAUGHT")) {
          progress("REGRESSION: " + o.c.id() + " was caught in " + baseline.getFileName() + ", now " + o.buggy);
          regressed = true;
        }
      }
    }
    return flagged > 0 || crash || regressed ? 1 : broken ? 2 : 0;
  }

  static String summaryLine(List<Outcome> outs) {
    long caught = outs.stream().filter(o -> o.buggy.equals("CAUGHT")).count();
    long scored = outs.stream().filter(o -> o.buggy.equals("CAUGHT") || o.buggy.equals("MISSED")).count();
    long flagged = outs.stream().filter(o -> o.fixed.equals("FLAGGED")).count();
    long errors = outs.stream().filter(o -> o.broken).count();
    return String.format("caught %d/%d (%.0f%%), fixed releases flagged %d, cases with errors %d",
        caught, scored, scored == 0 ? 0.0 : 100.0 * caught / scored, flagged, errors);
  }

  void write(List<Outcome> outs) throws IOException {
    StringBuilder md = new StringBuilder();
    md.append("# Recall on real bugs: results\n\n")
        .append("Written by `tools/recall/run` (see [README](README.md)) on ")
        .append(LocalDate.now()).append(", Error Prone ").append(epVersion)
        .append(", javac ").append(Runtime.version().feature()).append(", checker ")
        .append(repo.relativize(checkerJar)).append(", total wall time ").append(elapsed()).append(".\n\n")
        .append("Overall: ").append(summaryLine(outs)).append(".\n\n")
        .append("| check | caught | missed | recall | fixed clean | fixed flagged |\n|---|---|---|---|---|---|\n");
    Map<String, List<Outcome>> byCheck = new TreeMap<>();
    for (Outcome o : outs) byCheck.computeIfAbsent(o.c.check(), k -> new ArrayList<>()).add(o);
    for (var e : byCheck.entrySet()) {
      long caught = e.getValue().stream().filter(o -> o.buggy.equals("CAUGHT")).count();
      long missed = e.getValue().stream().filter(o -> o.buggy.equals("MISSED")).count();
      long clean = e.getValue().stream().filter(o -> o.fixed.equals("CLEAN")).count();
      long flagged = e.getValue().stream().filter(o -> o.fixed.equals("FLAGGED")).count();
      md.append("| ").append(e.getKey()).append(" | ").append(caught).append(" | ").append(missed).append(" | ")
          .append(caught + missed == 0 ? "-" : Math.round(100.0 * caught / (caught + missed)) + "%")
          .append(" | ").append(clean).append(" | ").append(flagged).append(" |\n");
    }
    md.append("\n| id | check | buggy | fixed | line | buggy release | fixed release | findings (buggy / fixed) | note |\n")
        .append("|---|---|---|---|---|---|---|---|---|\n");
    StringBuilder tsv = new StringBuilder("id\tcheck\tbuggy\tfixed\tline\tbuggy_result\tfixed_result\tbuggy_findings\tfixed_findings\tseconds\tnote\n");
    for (Outcome o : outs) {
      md.append("| ").append(o.c.id()).append(" | ").append(o.c.check()).append(" | ").append(o.c.buggy())
          .append(" | ").append(o.c.fixed()).append(" | `").append(o.c.line()).append("` | **").append(o.buggy)
          .append("** | **").append(o.fixed).append("** | ").append(o.buggyFindings.size()).append(" / ")
          .append(o.fixedFindings.size()).append(" | ").append(o.note.replace("|", "\\|")).append(" |\n");
      tsv.append(String.join("\t", o.c.id(), o.c.check(), o.c.buggy(), o.c.fixed(), o.c.line(), o.buggy, o.fixed,
          o.buggyFindings.stream().map(Finding::key).collect(Collectors.joining(",")),
          o.fixedFindings.stream().map(Finding::key).collect(Collectors.joining(",")),
          String.format("%.1f", o.seconds), o.note.replace("\t", " "))).append("\n");
    }
    md.append("\nFindings in full:\n\n");
    for (Outcome o : outs) {
      for (Finding x : o.buggyFindings) md.append("- ").append(o.c.id()).append(" buggy `").append(x.key()).append("`: ").append(x.message().replace("|", "\\|")).append("\n");
      for (Finding x : o.fixedFindings) md.append("- ").append(o.c.id()).append(" fixed `").append(x.key()).append("`: ").append(x.message().replace("|", "\\|")).append("\n");
    }
    Files.createDirectories(outFile.getParent());
    Files.writeString(outFile, md);
    Files.writeString(Paths.get(outFile.toString().replaceAll("\\.md$", "") + ".tsv"), tsv);
  }

  // ---------------------------------------------------------------- util

  static String tail(String s, int n) {
    String[] l = s.split("\n");
    return String.join("\n", Arrays.asList(l).subList(Math.max(0, l.length - n), l.length));
  }

  static void deleteTree(Path p) throws IOException {
    if (!Files.exists(p)) return;
    try (Stream<Path> s = Files.walk(p)) {
      for (Path x : s.sorted(Comparator.reverseOrder()).toList()) Files.delete(x);
    }
  }
}
