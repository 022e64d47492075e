/*
 * Real-code evaluation harness for the Fanout checks (see docs/evaluation.md).
 *
 * Run through tools/corpus/run, which picks a JDK 21+ (Error Prone needs it) and passes the repo
 * root. Single-file program: `java Corpus.java ...` on JDK 21+, no dependencies beyond the JDK;
 * Maven (the repo's ./mvnw) fetches everything else.
 *
 * Per library (groupId:artifactId:version): fetch the -sources.jar, the binary jar and its
 * dependencies (including the library's own optional and provided ones); drop the source files
 * plain javac cannot compile; then time plain javac, Error Prone's defaults, and Error Prone's
 * defaults plus our checks on the same file set; collect our checks' findings with only ours
 * enabled; detect check crashes; apply our suggested fixes to a copy and recompile it.
 */
import java.io.*;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.*;
import java.time.*;
import java.util.*;
import java.util.regex.*;
import java.util.stream.*;
import java.util.zip.*;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.*;

public class Corpus {

  // ---------------------------------------------------------------- options

  static Path repo;
  static Path work;
  static Path out;
  static Path listFile;
  static Set<String> only = new LinkedHashSet<>();
  static int reps = 1;
  static int jobs = 1;
  static Set<String> timing;
  static boolean
      timingGiven; // null: every library; else the libraries that get timing passes b and c
  static boolean quick;
  static boolean build = true;
  static String heap = "4g";
  static final long START = System.nanoTime();
  static String javaHome = System.getProperty("java.home");

  static final List<String> JVM_FLAGS = new ArrayList<>();

  public static void main(String[] args) throws Exception {
    repo = Paths.get(System.getProperty("corpus.repo", ".")).toAbsolutePath().normalize();
    work = repo.resolve("target/corpus");
    String outArg = null;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      switch (a) {
        case "--quick" -> quick = true;
        case "--list" -> listFile = Paths.get(args[++i]).toAbsolutePath();
        case "--only" -> only.addAll(Arrays.asList(args[++i].split(",")));
        case "--out" -> outArg = args[++i];
        case "--reps" -> reps = Integer.parseInt(args[++i]);
        case "--jobs" -> jobs = Integer.parseInt(args[++i]);
        case "--timing" -> {
          String v = args[++i];
          timingGiven = true;
          timing =
              v.equals("all")
                  ? null
                  : v.equals("none") ? Set.of() : new HashSet<>(Arrays.asList(v.split(",")));
        }
        case "--work" -> work = Paths.get(args[++i]).toAbsolutePath();
        case "--heap" -> heap = args[++i];
        case "--no-build" -> build = false;
        case "-h", "--help" -> {
          usage();
          return;
        }
        default -> {
          System.err.println("unknown option " + a);
          usage();
          System.exit(64);
        }
      }
    }
    if (quick && !timingGiven) timing = Set.of(); // the CI form checks crashes and fixes, not time
    if (listFile == null) {
      listFile = repo.resolve(quick ? "tools/corpus/quick.txt" : "tools/corpus/libraries.txt");
    }
    out =
        outArg != null
            ? Paths.get(outArg).toAbsolutePath()
            : repo.resolve(
                "tools/corpus/results/"
                    + (quick ? "quick-" : "run-")
                    + LocalDateTime.now().withNano(0).toString().replace(':', '-'));
    Files.createDirectories(out);
    Files.createDirectories(work);
    for (String line : Files.readAllLines(repo.resolve(".mvn/jvm.config"))) {
      line = line.strip();
      if (!line.isEmpty() && !line.startsWith("#")) JVM_FLAGS.add("-J" + line);
    }
    JVM_FLAGS.add("-J-Xmx" + heap);
    JVM_FLAGS.add("-J-Xss8m");
    System.exit(new Corpus().run());
  }

  static void usage() {
    System.err.println(
        """
        usage: tools/corpus/run [--quick] [--list FILE] [--only name,...] [--out DIR] [--reps N]
                                [--jobs N] [--timing all|none|name,...] [--work DIR] [--heap 4g] [--no-build]
          --quick     the small list (tools/corpus/quick.txt), as CI runs it; no timing passes
                      unless --timing says otherwise
          --list      a file of groupId:artifactId:version lines (default tools/corpus/libraries.txt)
          --only      only these libraries (artifactId or groupId:artifactId), comma-separated
          --out       results directory (default tools/corpus/results/run-<time>)
          --reps      timing repetitions of the javac / EP / EP+ours passes, interleaved (median)
          --jobs      libraries fetched and compiled at once (default 1; CPU times stay per process)
          --timing    the libraries that get the timing passes (Error Prone with and without our
                      checks; default all); the others get plain javac, our checks and the fixes
          --work      fetched libraries and scratch files (default target/corpus)
          --no-build  use the checker jar already in checker/target
        exit status: 0 ok; 1 a check of ours crashed or a suggested fix broke compilation;
                     2 a library could not be fetched or compiled (see the summary)""");
  }

  // ---------------------------------------------------------------- progress

  static String elapsed() {
    long s = (System.nanoTime() - START) / 1_000_000_000L;
    return String.format("%02d:%02d", s / 60, s % 60);
  }

  static final ThreadLocal<String> TAG = ThreadLocal.withInitial(() -> "");

  static void progress(String msg) {
    System.err.println("[" + elapsed() + "] " + TAG.get() + msg);
    System.err.flush();
  }

  // ---------------------------------------------------------------- processes

  record Result(int exit, String output, double wall, double cpu) {}

  /** Child processes still running; ended (with their descendants) when the harness is stopped. */
  static final Set<Process> LIVE = java.util.concurrent.ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  for (Process p : LIVE) {
                    p.descendants().forEach(ProcessHandle::destroy);
                    p.destroy();
                  }
                }));
  }

  /**
   * Runs a command, output to {@code log}; CPU time (user+sys of the child tree) from bash's
   * `times`.
   */
  static Result exec(List<String> cmd, Path dir, Path log)
      throws IOException, InterruptedException {
    Path times = Files.createTempFile(work, "times", ".txt");
    List<String> full = new ArrayList<>();
    full.add("bash");
    full.add("-c");
    full.add("\"$@\"; rc=$?; times > \"" + times + "\"; exit $rc");
    full.add("corpus");
    full.addAll(cmd);
    ProcessBuilder pb = new ProcessBuilder(full).directory(dir.toFile()).redirectErrorStream(true);
    pb.redirectOutput(log.toFile());
    pb.environment().put("JAVA_HOME", javaHome);
    long t0 = System.nanoTime();
    Process p = pb.start();
    LIVE.add(p);
    int rc;
    try {
      rc = p.waitFor();
    } finally {
      LIVE.remove(p);
    }
    double wall = (System.nanoTime() - t0) / 1e9;
    double cpu = 0;
    List<String> tl = Files.readAllLines(times);
    Files.deleteIfExists(times);
    if (tl.size() >= 2) {
      for (String part : tl.get(1).trim().split("\\s+")) cpu += parseTimes(part);
    }
    return new Result(rc, Files.readString(log, StandardCharsets.UTF_8), wall, cpu);
  }

  static double parseTimes(String s) { // 1m2.345s
    Matcher m = Pattern.compile("(\\d+)m([\\d.]+)s").matcher(s);
    return m.matches() ? Integer.parseInt(m.group(1)) * 60 + Double.parseDouble(m.group(2)) : 0;
  }

  static List<String> mvn() {
    return new ArrayList<>(List.of(repo.resolve("mvnw").toString(), "-B", "-ntp", "-q"));
  }

  // ---------------------------------------------------------------- toolchain

  Path checkerJar;
  List<Path> epPath = new ArrayList<>();
  List<String> ours = new ArrayList<>();
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
      if (r.exit != 0)
        throw new IllegalStateException("checker build failed:\n" + tail(r.output, 40));
    }
    try (Stream<Path> s = Files.list(repo.resolve("checker/target"))) {
      checkerJar =
          s.filter(
                  p ->
                      p.getFileName().toString().matches("fanout-checker-.*\\.jar")
                          && !p.getFileName()
                              .toString()
                              .matches(".*-(sources|javadoc|tests)\\.jar"))
              .findFirst()
              .orElseThrow(() -> new IllegalStateException("no checker jar in checker/target"));
    }
    Path epDir = work.resolve("errorprone-" + epVersion);
    Path epLib = epDir.resolve("lib");
    if (!Files.exists(epDir.resolve("ok"))) {
      progress("resolving error_prone_core " + epVersion + " and its dependencies");
      Files.createDirectories(epDir);
      writePom(
          epDir.resolve("pom.xml"),
          List.of(new Dep("com.google.errorprone", "error_prone_core", epVersion, null)));
      List<String> cmd = mvn();
      cmd.addAll(
          List.of(
              "-f",
              epDir.resolve("pom.xml").toString(),
              DEP_PLUGIN + ":copy-dependencies",
              "-DoutputDirectory=" + epLib));
      Result r = exec(cmd, epDir, epDir.resolve("fetch.log"));
      if (r.exit != 0)
        throw new IllegalStateException("cannot resolve Error Prone:\n" + tail(r.output, 40));
      Files.writeString(epDir.resolve("ok"), "");
    }
    try (Stream<Path> s = Files.list(epLib)) {
      s.filter(p -> p.toString().endsWith(".jar")).sorted().forEach(epPath::add);
    }
    // Our checks: the checker jar's service file, names from each class's @BugPattern.
    List<String> classes = new ArrayList<>();
    try (ZipFile z = new ZipFile(checkerJar.toFile())) {
      ZipEntry e = z.getEntry("META-INF/services/com.google.errorprone.bugpatterns.BugChecker");
      if (e == null) throw new IllegalStateException("checker jar has no BugChecker service file");
      for (String l :
          new String(z.getInputStream(e).readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
        l = l.replaceAll("#.*", "").strip();
        if (!l.isEmpty()) classes.add(l);
      }
    }
    List<URL> urls = new ArrayList<>();
    urls.add(checkerJar.toUri().toURL());
    for (Path p : epPath) urls.add(p.toUri().toURL());
    try (URLClassLoader cl =
        new URLClassLoader(urls.toArray(URL[]::new), ClassLoader.getPlatformClassLoader())) {
      for (String c : classes) {
        String name = c.substring(c.lastIndexOf('.') + 1);
        try {
          Class<?> k = Class.forName(c, false, cl);
          for (var an : k.getAnnotations()) {
            if (an.annotationType().getName().equals("com.google.errorprone.BugPattern")) {
              String n = (String) an.annotationType().getMethod("name").invoke(an);
              if (!n.isEmpty()) name = n;
            }
          }
        } catch (ReflectiveOperationException | LinkageError ex) {
          // keep the simple name, Error Prone's default
        }
        ours.add(name);
      }
    }
    progress("checker " + repo.relativize(checkerJar) + "; our checks: " + String.join(", ", ours));
    // Error Prone times each check; this plugin writes those timings out
    // (FanoutCorpusTimings.java).
    timingsPlugin = work.resolve("timings-plugin");
    deleteTree(timingsPlugin);
    Files.createDirectories(timingsPlugin.resolve("META-INF/services"));
    List<String> tc =
        new ArrayList<>(
            List.of(
                Paths.get(javaHome, "bin", "javac").toString(),
                "--add-exports=jdk.compiler/com.sun.tools.javac.api=ALL-UNNAMED",
                "--add-exports=jdk.compiler/com.sun.tools.javac.util=ALL-UNNAMED",
                "-cp",
                epPath.stream().map(Path::toString).collect(Collectors.joining(File.pathSeparator)),
                "-d",
                timingsPlugin.toString(),
                repo.resolve("tools/corpus/FanoutCorpusTimings.java").toString()));
    Result tr = exec(tc, work, work.resolve("timings-plugin.log"));
    if (tr.exit != 0)
      throw new IllegalStateException("cannot build the timings plugin:\n" + tail(tr.output, 20));
    Files.writeString(
        timingsPlugin.resolve("META-INF/services/com.sun.source.util.Plugin"),
        "FanoutCorpusTimings\n");
  }

  Path timingsPlugin;

  /** Error Prone's per-check timings written by FanoutCorpusTimings: name -> seconds. */
  static Map<String, Double> readTimings(Path file) throws IOException {
    Map<String, Double> t = new TreeMap<>();
    if (!Files.exists(file)) return t;
    for (String l : Files.readAllLines(file)) {
      String[] kv = l.split("\t");
      if (kv.length == 2) t.put(kv[0], Long.parseLong(kv[1]) / 1e9);
    }
    return t;
  }

  /** Seconds of our checks and of all checks in one timings file: {ours, all}. */
  double[] spans(Path file) throws IOException {
    double o = 0, a = 0;
    for (Map.Entry<String, Double> e : readTimings(file).entrySet()) {
      if (e.getKey().equals("<init>")) continue;
      a += e.getValue();
      if (ours.contains(e.getKey())) o += e.getValue();
    }
    return new double[] {o, a};
  }

  static final String DEP_PLUGIN = "org.apache.maven.plugins:maven-dependency-plugin:3.8.1";
  static final String HELP_PLUGIN = "org.apache.maven.plugins:maven-help-plugin:3.5.1";

  // ---------------------------------------------------------------- fetching

  record Dep(String g, String a, String v, String classifier) {
    String key() {
      return g + ":" + a;
    }
  }

  static void writePom(Path pom, List<Dep> deps) throws IOException {
    StringBuilder sb =
        new StringBuilder(
            """
        <project xmlns="http://maven.apache.org/POM/4.0.0">
          <modelVersion>4.0.0</modelVersion>
          <groupId>fanout.corpus</groupId><artifactId>fetch</artifactId><version>1</version>
          <packaging>pom</packaging>
          <dependencies>
        """);
    for (Dep d : deps) {
      sb.append("    <dependency><groupId>")
          .append(xml(d.g))
          .append("</groupId><artifactId>")
          .append(xml(d.a))
          .append("</artifactId><version>")
          .append(xml(d.v))
          .append("</version>");
      if (d.classifier != null)
        sb.append("<classifier>").append(xml(d.classifier)).append("</classifier>");
      sb.append("</dependency>\n");
    }
    sb.append("  </dependencies>\n</project>\n");
    Files.writeString(pom, sb);
  }

  static String xml(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }

  /** The library's own dependencies (compile, provided, runtime, optional; not test or system). */
  static List<Dep> ownDeps(Path effectivePom) throws Exception {
    List<Dep> deps = new ArrayList<>();
    var f = DocumentBuilderFactory.newInstance();
    f.setNamespaceAware(false);
    Document doc = f.newDocumentBuilder().parse(effectivePom.toFile());
    Element project = doc.getDocumentElement();
    for (Node n = project.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (!(n instanceof Element el) || !el.getTagName().equals("dependencies")) continue;
      for (Node d = el.getFirstChild(); d != null; d = d.getNextSibling()) {
        if (!(d instanceof Element de) || !de.getTagName().equals("dependency")) continue;
        String scope = child(de, "scope"), type = child(de, "type");
        if ("test".equals(scope) || "system".equals(scope) || "import".equals(scope)) continue;
        if (type != null && !type.equals("jar") && !type.equals("bundle")) continue;
        String v = child(de, "version");
        if (v == null) continue;
        deps.add(
            new Dep(child(de, "groupId"), child(de, "artifactId"), v, child(de, "classifier")));
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

  static final Pattern UNRESOLVED =
      Pattern.compile(
          "([\\w.\\-]+):([\\w.\\-]+):(?:jar|bundle|pom)(?::([\\w.\\-]+))?:([\\w.\\-\\[\\]\\(\\),]+)");

  /**
   * Fetches sources, jar and classpath of one library into dir; returns a note on what was left
   * out.
   */
  String fetch(Lib lib, Path dir) throws Exception {
    Path ok = dir.resolve("fetched.ok");
    if (Files.exists(ok)) return Files.readString(ok);
    Files.createDirectories(dir);
    Dep main = new Dep(lib.g, lib.a, lib.v, null);
    progress("fetching " + lib.coord() + " (effective pom)");
    List<String> cmd = mvn();
    Path eff = dir.resolve("effective-pom.xml");
    Path scratch = dir.resolve("scratch");
    Files.createDirectories(scratch);
    writePom(scratch.resolve("pom.xml"), List.of());
    cmd.addAll(
        List.of(
            "-f",
            scratch.resolve("pom.xml").toString(),
            HELP_PLUGIN + ":effective-pom",
            "-Dartifact=" + lib.coord(),
            "-Doutput=" + eff));
    Result r = exec(cmd, dir, dir.resolve("effective-pom.log"));
    List<Dep> extra = new ArrayList<>();
    if (r.exit == 0 && Files.exists(eff)) {
      extra.addAll(ownDeps(eff));
    } else {
      progress("  effective pom failed; using the transitive compile/runtime dependencies only");
    }
    extra.removeIf(d -> d.key().equals(main.key()));
    List<String> dropped = new ArrayList<>();
    for (int attempt = 0; ; attempt++) {
      List<Dep> deps = new ArrayList<>();
      deps.add(main);
      deps.addAll(extra);
      writePom(dir.resolve("pom.xml"), deps);
      deleteTree(dir.resolve("lib"));
      progress(
          "fetching "
              + lib.coord()
              + " (sources, jar and "
              + deps.size()
              + " declared dependencies)"
              + (attempt > 0 ? ", attempt " + (attempt + 1) : ""));
      cmd = mvn();
      cmd.addAll(
          List.of(
              "-f",
              dir.resolve("pom.xml").toString(),
              DEP_PLUGIN + ":copy-dependencies",
              "-DoutputDirectory=" + dir.resolve("lib")));
      r = exec(cmd, dir, dir.resolve("fetch.log"));
      if (r.exit == 0) break;
      // Drop the declared extras Maven could not resolve, and retry; finally give up on extras.
      Set<String> bad = new HashSet<>();
      Matcher m = UNRESOLVED.matcher(r.output);
      while (m.find()) bad.add(m.group(1) + ":" + m.group(2));
      boolean removed = false;
      for (Iterator<Dep> it = extra.iterator(); it.hasNext(); ) {
        Dep d = it.next();
        if (bad.contains(d.key()) || (attempt >= 3 && !bad.contains(main.key()))) {
          it.remove();
          dropped.add(d.key());
          removed = true;
        }
      }
      if (!removed) {
        if (!extra.isEmpty() && !bad.contains(main.key())) {
          extra.forEach(d -> dropped.add(d.key()));
          extra.clear();
          continue;
        }
        throw new IllegalStateException(
            "cannot resolve " + lib.coord() + ":\n" + tail(r.output, 30));
      }
    }
    cmd = mvn();
    cmd.addAll(
        List.of(
            "-f",
            scratch.resolve("pom.xml").toString(),
            DEP_PLUGIN + ":copy",
            "-Dartifact=" + lib.g + ":" + lib.a + ":" + lib.v + ":jar:sources",
            "-DoutputDirectory=" + dir.resolve("sources-jar")));
    r = exec(cmd, dir, dir.resolve("fetch-sources.log"));
    if (r.exit != 0)
      throw new IllegalStateException(
          "no sources jar for " + lib.coord() + ":\n" + tail(r.output, 20));
    String note =
        dropped.isEmpty()
            ? ""
            : "unresolvable declared dependencies left out: " + String.join(" ", dropped);
    Files.writeString(ok, note);
    return note;
  }

  // ---------------------------------------------------------------- source files

  static void unzipSources(Path jar, Path dest) throws IOException {
    deleteTree(dest);
    Files.createDirectories(dest);
    try (ZipInputStream z = new ZipInputStream(Files.newInputStream(jar))) {
      for (ZipEntry e; (e = z.getNextEntry()) != null; ) {
        String n = e.getName();
        if (e.isDirectory()
            || !n.endsWith(".java")
            || n.startsWith("META-INF/")
            || n.endsWith("module-info.java")) continue;
        Path p = dest.resolve(n).normalize();
        if (!p.startsWith(dest)) continue;
        Files.createDirectories(p.getParent());
        Files.copy(z, p, StandardCopyOption.REPLACE_EXISTING);
      }
    }
  }

  record Lines(long nonBlank, long code) {}

  /** Non-blank lines, and code lines (non-blank lines that are not only comment). */
  static Lines countLines(Path file) throws IOException {
    long nb = 0, code = 0;
    boolean inBlock = false;
    for (String line : Files.readAllLines(file, StandardCharsets.ISO_8859_1)) {
      String s = line.strip();
      if (s.isEmpty()) continue;
      nb++;
      boolean hasCode = false;
      int i = 0;
      while (i < s.length()) {
        if (inBlock) {
          int end = s.indexOf("*/", i);
          if (end < 0) {
            i = s.length();
            break;
          }
          inBlock = false;
          i = end + 2;
        } else if (s.startsWith("/*", i)) {
          inBlock = true;
          i += 2;
        } else if (s.startsWith("//", i)) {
          break;
        } else if (Character.isWhitespace(s.charAt(i))) {
          i++;
        } else {
          hasCode = true;
          // skip to the next comment opener outside of string literals (approximately)
          int j = i;
          boolean inStr = false;
          char q = 0;
          for (; j < s.length(); j++) {
            char c = s.charAt(j);
            if (inStr) {
              if (c == '\\') j++;
              else if (c == q) inStr = false;
            } else if (c == '"' || c == '\'') {
              inStr = true;
              q = c;
            } else if (c == '/'
                && j + 1 < s.length()
                && (s.charAt(j + 1) == '*' || s.charAt(j + 1) == '/')) {
              break;
            }
          }
          i = j;
        }
      }
      if (hasCode) code++;
    }
    return new Lines(nb, code);
  }

  // ---------------------------------------------------------------- javac

  static final Pattern DIAG = Pattern.compile("^(/[^:]+\\.java):(\\d+): (error|warning): (.*)$");
  static final Pattern CRASH_CHECK = Pattern.compile("BugPattern: (\\w+)");

  List<String> javacBase(Path classpathFile, Path classes) throws IOException {
    List<String> c = new ArrayList<>();
    c.add(Paths.get(javaHome, "bin", "javac").toString());
    c.addAll(JVM_FLAGS);
    return c;
  }

  /** Writes an @argfile and returns the javac command. plugin: null for plain javac. */
  List<String> javac(
      Lib lib, List<Path> files, Path classes, List<Path> procPath, String plugin, String tag)
      throws IOException {
    deleteTree(classes);
    Files.createDirectories(classes);
    List<String> a =
        new ArrayList<>(
            List.of(
                "-proc:none",
                "-implicit:none",
                "-encoding",
                "UTF-8", // not -nowarn: it hides Error Prone's warnings
                "-XDcompilePolicy=simple",
                "--should-stop=ifError=FLOW",
                "-Xmaxerrs",
                "100000",
                "-Xmaxwarns",
                "1000000",
                "-source",
                lib.source,
                "-target",
                lib.source,
                "-d",
                classes.toString(),
                "-cp",
                lib.classpath));
    if (plugin != null) {
      a.add("-processorpath");
      a.add(
          Stream.concat(procPath.stream(), Stream.of(timingsPlugin))
              .map(Path::toString)
              .collect(Collectors.joining(File.pathSeparator)));
      a.add("-Xplugin:ErrorProne " + plugin);
      Path t = lib.dir.resolve("timings-" + tag + ".tsv");
      Files.deleteIfExists(t);
      a.add("-Xplugin:FanoutCorpusTimings " + t);
    }
    for (Path f : files) a.add(f.toString());
    Path argFile = lib.dir.resolve("args-" + tag + ".txt");
    Files.write(argFile, a.stream().map(Corpus::quoteArg).toList());
    List<String> cmd = javacBase(null, classes);
    cmd.add("@" + argFile);
    return cmd;
  }

  static String quoteArg(String s) {
    if (s.isEmpty() || s.matches(".*[\\s\"'#].*")) {
      return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
    return s;
  }

  // ---------------------------------------------------------------- the run

  static final class Lib {
    String g, a, v, source = "21";
    Path dir;
    String classpath;
    String status = "ok";
    String note = "";
    int files, filesExcluded;
    long lines, code, linesExcluded;
    List<double[]> javacT = new ArrayList<>(), epT = new ArrayList<>(), oursT = new ArrayList<>();
    double oursOnlyCpu, oursOnlyWall;
    // Error Prone's own timings of the checks, in seconds: our checks in the ours-only pass; and,
    // per repetition of pass c (EP defaults + ours, one process), {ours, all checks, process wall}.
    double spanOursD;
    List<double[]> spanC = new ArrayList<>();
    Map<String, Integer> findings = new TreeMap<>();
    Map<String, Integer> crashes = new TreeMap<>(); // "check" -> count, for any check
    int fixFindings, patchedFiles, fixBreaks;

    String coord() {
      return g + ":" + a + ":" + v;
    }

    String name() {
      return a;
    }
  }

  record Finding(String lib, String check, String file, int line, boolean fix, String message) {}

  /** One unhandled exception in a check: where EP reported it, its first line and its stack. */
  record Crash(String lib, String pass, String check, String file, String line, String stack) {}

  final List<Lib> libs = new ArrayList<>();
  final List<Finding> findings = Collections.synchronizedList(new ArrayList<>());
  final List<Crash> crashes = Collections.synchronizedList(new ArrayList<>());
  final List<String> excluded = Collections.synchronizedList(new ArrayList<>());
  final List<String> fixErrors = Collections.synchronizedList(new ArrayList<>());

  int run() throws Exception {
    for (String line : Files.readAllLines(listFile)) {
      line = line.replaceAll("#.*", "").strip();
      if (line.isEmpty()) continue;
      String[] parts = line.split("\\s+");
      String[] c = parts[0].split(":");
      if (c.length != 3)
        throw new IllegalArgumentException("not groupId:artifactId:version: " + line);
      Lib l = new Lib();
      l.g = c[0];
      l.a = c[1];
      l.v = c[2];
      for (int i = 1; i < parts.length; i++) {
        if (parts[i].startsWith("source=")) l.source = parts[i].substring(7);
      }
      if (!only.isEmpty() && !only.contains(l.a) && !only.contains(l.g + ":" + l.a)) continue;
      libs.add(l);
    }
    if (libs.isEmpty())
      throw new IllegalArgumentException("no libraries selected from " + listFile);
    progress(
        "JDK "
            + Runtime.version()
            + " at "
            + javaHome
            + "; "
            + libs.size()
            + " libraries from "
            + repo.relativize(listFile)
            + "; results in "
            + out);
    setupToolchain();
    // `jobs` libraries at once, each fetched (Maven) and then compiled.
    var pool = java.util.concurrent.Executors.newFixedThreadPool(jobs);
    List<java.util.concurrent.Future<?>> futures = new ArrayList<>();
    int i = 0;
    for (Lib lib : libs) {
      String tag = "[" + (++i) + "/" + libs.size() + " " + lib.a + "] ";
      lib.dir = work.resolve("libs").resolve(lib.a + "-" + lib.v);
      futures.add(
          pool.submit(
              () -> {
                TAG.set(tag);
                try {
                  lib.note = fetch(lib, lib.dir);
                } catch (Exception e) {
                  lib.status = "failed";
                  lib.note = "fetch: " + firstLine(e.getMessage());
                  progress("FAILED: " + e.getMessage());
                  writeResults(false);
                  return null;
                }
                try {
                  runLibrary(lib);
                } catch (Exception e) {
                  lib.status = "failed";
                  lib.note =
                      (lib.note.isEmpty() ? "" : lib.note + "; ") + firstLine(e.getMessage());
                  progress("FAILED: " + e.getMessage());
                }
                writeResults(false);
                return null;
              }));
    }
    for (var f : futures) f.get();
    pool.shutdown();
    TAG.set("");
    writeResults(true);
    long ourCrashes = crashes.stream().filter(c -> ours.contains(c.check)).count();
    int breaks = libs.stream().mapToInt(l -> l.fixBreaks).sum();
    boolean failedLib = libs.stream().anyMatch(l -> !l.status.equals("ok"));
    progress(
        "done: "
            + findings.size()
            + " findings, "
            + ourCrashes
            + " crashes of our checks, "
            + breaks
            + " fixes broke compilation"
            + (failedLib ? ", some libraries failed" : "")
            + "; "
            + out.resolve("summary.md"));
    if (ourCrashes > 0 || breaks > 0) return 1;
    return failedLib ? 2 : 0;
  }

  void runLibrary(Lib lib) throws Exception {
    Path srcJar;
    try (Stream<Path> s = Files.list(lib.dir.resolve("sources-jar"))) {
      srcJar = s.filter(p -> p.toString().endsWith("-sources.jar")).findFirst().orElseThrow();
    }
    List<String> cp = new ArrayList<>();
    try (Stream<Path> s = Files.list(lib.dir.resolve("lib"))) {
      s.filter(p -> p.toString().endsWith(".jar")).sorted().forEach(p -> cp.add(p.toString()));
    }
    lib.classpath = String.join(File.pathSeparator, cp);
    Path src = lib.dir.resolve("src");
    unzipSources(srcJar, src);
    List<Path> files;
    try (Stream<Path> s = Files.walk(src)) {
      files =
          s.filter(p -> p.toString().endsWith(".java"))
              .sorted()
              .collect(Collectors.toCollection(ArrayList::new));
    }
    int total = files.size();
    Path classes = lib.dir.resolve("classes");

    // Exclusion: drop the files plain javac rejects until the rest compiles.
    Result plain = null;
    for (int round = 1; ; round++) {
      progress("javac round " + round + ": " + files.size() + " files");
      plain =
          exec(
              javac(lib, files, classes, null, null, "javac"),
              lib.dir,
              lib.dir.resolve("javac.log"));
      if (plain.exit == 0) break;
      Set<Path> bad = new LinkedHashSet<>();
      Map<Path, String> why = new HashMap<>();
      for (String l : plain.output.split("\n")) {
        Matcher m = DIAG.matcher(l);
        if (m.matches() && m.group(3).equals("error")) {
          Path p = Paths.get(m.group(1));
          bad.add(p);
          why.putIfAbsent(p, m.group(2) + ": " + m.group(4));
        }
      }
      bad.retainAll(new HashSet<>(files));
      if (bad.isEmpty() || round >= 8) {
        throw new IllegalStateException(
            "plain javac fails and names no file to drop (round "
                + round
                + "):\n"
                + tail(plain.output, 15));
      }
      for (Path p : bad) {
        excluded.add(lib.a + "\t" + src.relativize(p) + "\t" + why.get(p).replace('\t', ' '));
      }
      files.removeAll(bad);
      if (files.isEmpty()) throw new IllegalStateException("no file compiles");
    }
    lib.files = files.size();
    lib.filesExcluded = total - files.size();
    Set<Path> kept = new HashSet<>(files);
    try (Stream<Path> s = Files.walk(src)) {
      for (Path p : s.filter(p -> p.toString().endsWith(".java")).toList()) {
        Lines n = countLines(p);
        if (kept.contains(p)) {
          lib.lines += n.nonBlank;
          lib.code += n.code;
        } else {
          lib.linesExcluded += n.nonBlank;
        }
      }
    }
    progress(
        String.format(
            "%,d files, %,d non-blank lines (%,d code lines) compile; %d files (%,d lines) excluded",
            lib.files, lib.lines, lib.code, lib.filesExcluded, lib.linesExcluded));

    List<Path> epOnly = epPath;
    List<Path> epOurs = new ArrayList<>(epPath);
    epOurs.add(checkerJar);
    String epFlags = "-XepAllErrorsAsWarnings";
    boolean timed = timing == null || timing.contains(lib.a);
    lib.javacT.add(new double[] {plain.cpu, plain.wall});
    for (int rep = 1; timed && rep <= reps; rep++) {
      String r = reps > 1 ? " (rep " + rep + "/" + reps + ")" : "";
      if (rep > 1) {
        progress("pass a: plain javac" + r);
        plain =
            exec(
                javac(lib, files, classes, null, null, "javac"),
                lib.dir,
                lib.dir.resolve("javac.log"));
        lib.javacT.add(new double[] {plain.cpu, plain.wall});
      }
      // alternate the order so neither pass always runs first
      boolean epFirst = rep % 2 == 1;
      for (int k = 0; k < 2; k++) {
        if ((k == 0) == epFirst) {
          progress("pass b: Error Prone defaults" + r);
          Result b =
              exec(
                  javac(lib, files, classes, epOnly, epFlags, "ep"),
                  lib.dir,
                  lib.dir.resolve("ep.log"));
          checkExit(lib, b, "ep");
          lib.epT.add(new double[] {b.cpu, b.wall});
          if (rep == 1) collectCrashes(lib, "ep-defaults", b.output);
        } else {
          progress("pass c: Error Prone defaults + our checks" + r);
          Result c =
              exec(
                  javac(lib, files, classes, epOurs, epFlags, "ep-ours"),
                  lib.dir,
                  lib.dir.resolve("ep-ours.log"));
          checkExit(lib, c, "ep-ours");
          lib.oursT.add(new double[] {c.cpu, c.wall});
          double[] sp = spans(lib.dir.resolve("timings-ep-ours.tsv"));
          lib.spanC.add(new double[] {sp[0], sp[1], c.wall});
          if (rep == 1) collectCrashes(lib, "ep-defaults+ours", c.output);
        }
      }
    }
    if (timed)
      progress(
          String.format(
              "javac %.1fs, EP %.1fs, EP+ours %.1fs CPU: overhead %+.2f%%",
              median(lib.javacT, 0),
              median(lib.epT, 0),
              median(lib.oursT, 0),
              100 * overhead(lib)));

    // Pass d: only our checks, for the findings.
    progress("pass d: only our checks");
    String oursFlags =
        "-XepDisableAllChecks "
            + ours.stream().map(n -> "-Xep:" + n + ":WARN").collect(Collectors.joining(" "));
    Result d =
        exec(
            javac(lib, files, classes, epOurs, oursFlags, "ours"),
            lib.dir,
            lib.dir.resolve("ours.log"));
    lib.oursOnlyCpu = d.cpu;
    lib.oursOnlyWall = d.wall;
    lib.spanOursD = spans(lib.dir.resolve("timings-ours.tsv"))[0];
    collectCrashes(lib, "ours-only", d.output);
    checkExit(lib, d, "ours");
    List<Finding> mine = parseFindings(lib, src, d.output);
    findings.addAll(mine);
    for (String n : ours) lib.findings.put(n, 0);
    for (Finding f : mine) lib.findings.merge(f.check, 1, Integer::sum);
    lib.fixFindings = (int) mine.stream().filter(Finding::fix).count();
    progress(mine.size() + " findings (" + lib.fixFindings + " with a suggested fix)");

    // Pass f: apply our fixes to a copy, recompile it with plain javac.
    if (lib.fixFindings > 0) {
      progress("pass f: applying our suggested fixes to a copy (-XepPatchChecks, IN_PLACE)");
      Path patched = lib.dir.resolve("patched");
      deleteTree(patched);
      List<Path> copies = new ArrayList<>();
      for (Path f : files) {
        Path c = patched.resolve(src.relativize(f));
        Files.createDirectories(c.getParent());
        Files.copy(f, c);
        copies.add(c);
      }
      String patchFlags =
          "-XepPatchChecks:" + String.join(",", ours) + " -XepPatchLocation:IN_PLACE";
      Result pr =
          exec(
              javac(lib, copies, classes, epOurs, patchFlags, "patch"),
              lib.dir,
              lib.dir.resolve("patch.log"));
      collectCrashes(lib, "patch", pr.output);
      for (Path c : copies) {
        if (Files.mismatch(c, src.resolve(patched.relativize(c))) >= 0) lib.patchedFiles++;
      }
      progress(lib.patchedFiles + " files patched; recompiling the patched copy with plain javac");
      Result rc =
          exec(
              javac(lib, copies, classes, null, null, "javac-patched"),
              lib.dir,
              lib.dir.resolve("javac-patched.log"));
      if (rc.exit != 0) {
        for (String l : rc.output.split("\n")) {
          Matcher m = DIAG.matcher(l);
          if (m.matches() && m.group(3).equals("error")) {
            lib.fixBreaks++;
            fixErrors.add(
                lib.a
                    + "\t"
                    + patched.relativize(Paths.get(m.group(1)))
                    + "\t"
                    + m.group(2)
                    + "\t"
                    + m.group(4));
          }
        }
        if (lib.fixBreaks == 0) {
          lib.fixBreaks = 1;
          fixErrors.add(lib.a + "\t-\t-\t" + firstLine(tail(rc.output, 5)));
        }
      }
      progress(
          lib.fixBreaks == 0
              ? "patched copy compiles"
              : "PATCHED COPY HAS " + lib.fixBreaks + " COMPILE ERRORS");
    }
    long mineCrashes =
        lib.crashes.entrySet().stream()
            .filter(e -> ours.contains(e.getKey()))
            .mapToInt(Map.Entry::getValue)
            .sum();
    if (mineCrashes > 0) progress("OUR CHECKS CRASHED " + mineCrashes + " TIMES");
  }

  /** EP's findings are warnings here; an error is a crash or something unexpected: say so. */
  void checkExit(Lib lib, Result r, String pass) {
    if (r.exit != 0 && !r.output.contains("An unhandled exception was thrown by the Error Prone")) {
      lib.note =
          (lib.note.isEmpty() ? "" : lib.note + "; ")
              + "pass "
              + pass
              + " exited "
              + r.exit
              + ": "
              + firstLine(tail(r.output, 3));
    }
  }

  void collectCrashes(Lib lib, String pass, String output) {
    String[] lines = output.split("\n");
    for (int i = 0; i < lines.length; i++) {
      if (!lines[i].contains("An unhandled exception was thrown by the Error Prone")) continue;
      Matcher d = DIAG.matcher(lines[i]);
      String where = d.matches() ? lines[i].substring(0, lines[i].indexOf(": error")) : "-";
      String check = "?", first = "";
      StringBuilder stack = new StringBuilder();
      for (int j = i + 1; j < lines.length; j++) {
        if (DIAG.matcher(lines[j]).matches()) break;
        Matcher m = CRASH_CHECK.matcher(lines[j]);
        if (m.find() && check.equals("?")) check = m.group(1);
        String t = lines[j].strip();
        boolean head = first.isEmpty() && t.matches("^[\\w.$]+(Exception|Error)\\b.*");
        if (head) first = t;
        // The stack: the exception line and every frame and cause after it, as EP printed them.
        if (!first.isEmpty()
            && (head || t.startsWith("at ") || t.startsWith("Caused by:") || t.startsWith("..."))) {
          stack.append("    ").append(t).append('\n');
        }
      }
      lib.crashes.merge(check, 1, Integer::sum);
      crashes.add(new Crash(lib.a, pass, check, where, first, stack.toString()));
      if (ours.contains(check)) {
        // The top of the stack here; all of it in crash-stacks.txt.
        String top = stack.toString().lines().limit(12).collect(Collectors.joining("\n"));
        progress("CRASH in " + check + " at " + where + ":\n" + top);
      }
    }
  }

  List<Finding> parseFindings(Lib lib, Path src, String output) {
    List<Finding> list = new ArrayList<>();
    String[] lines = output.split("\n");
    for (int i = 0; i < lines.length; i++) {
      Matcher m = DIAG.matcher(lines[i]);
      if (!m.matches() || !m.group(3).equals("warning")) continue;
      Matcher c = Pattern.compile("^\\[(\\w+)\\] (.*)$").matcher(m.group(4));
      if (!c.matches() || !ours.contains(c.group(1))) continue;
      boolean fix = false;
      for (int j = i + 1; j < lines.length && !DIAG.matcher(lines[j]).matches(); j++) {
        if (lines[j].strip().startsWith("Did you mean")) fix = true;
      }
      Path p = Paths.get(m.group(1));
      String rel = p.startsWith(src) ? src.relativize(p).toString() : p.toString();
      list.add(new Finding(lib.a, c.group(1), rel, Integer.parseInt(m.group(2)), fix, c.group(2)));
    }
    return list;
  }

  // ---------------------------------------------------------------- statistics and output

  static double median(List<double[]> xs, int k) {
    if (xs.isEmpty()) return Double.NaN;
    double[] v = xs.stream().mapToDouble(x -> x[k]).sorted().toArray();
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }

  /** Per repetition, EP+ours CPU / EP CPU - 1; the median of those. */
  static double overhead(Lib l) {
    return median(ratios(l), 0);
  }

  /**
   * Our checks' share measured inside one EP+ours javac process: the time Error Prone's timers give
   * our checks over the rest of that compile (which is what EP defaults alone would take). Median
   * over repetitions; NaN if not timed.
   */
  static double inProcessShare(Lib l) {
    List<double[]> r = new ArrayList<>();
    for (double[] x : l.spanC) r.add(new double[] {x[0] / (x[2] - x[0])});
    return median(r, 0);
  }

  static List<double[]> ratios(Lib l) {
    List<double[]> r = new ArrayList<>();
    for (int i = 0; i < Math.min(l.epT.size(), l.oursT.size()); i++) {
      r.add(
          new double[] {
            l.oursT.get(i)[0] / l.epT.get(i)[0] - 1, l.oursT.get(i)[1] / l.epT.get(i)[1] - 1
          });
    }
    return r;
  }

  static String pct(double x) {
    return Double.isNaN(x) ? "-" : String.format("%+.1f%%", 100 * x);
  }

  static String ratio(double x) {
    return Double.isNaN(x) || Double.isInfinite(x) ? "-" : String.format("%.2fx", x);
  }

  static String sec(double x) {
    return Double.isNaN(x) ? "-" : String.format("%.1f", x);
  }

  synchronized void writeResults(boolean last) throws IOException {
    List<Lib> done = libs.stream().filter(l -> l.files > 0 || !l.status.equals("ok")).toList();
    List<Finding> findings;
    synchronized (this.findings) {
      findings = new ArrayList<>(this.findings);
    }
    Map<String, Integer> order = new HashMap<>();
    for (Lib l : libs) order.put(l.a, order.size());
    findings.sort(
        Comparator.comparing((Finding x) -> order.get(x.lib))
            .thenComparing(Finding::file)
            .thenComparing(Finding::line));
    // summary.tsv
    StringBuilder t =
        new StringBuilder(
            "library\tversion\tstatus\tfiles\tnon_blank_lines\tcode_lines\tfiles_excluded\t"
                + "lines_excluded\tjavac_cpu_s\tep_cpu_s\tep_ours_cpu_s\tours_only_cpu_s\tjavac_wall_s\tep_wall_s\tep_ours_wall_s\t"
                + "overhead_cpu\toverhead_wall\tours_check_s\tours_share_in_process\tfindings\t"
                + ours.stream().map(n -> "findings_" + n).collect(Collectors.joining("\t"))
                + "\tcrashes_ours\tcrashes_other\tfindings_with_fix\tpatched_files\tfix_compile_errors\tnote\n");
    for (Lib l : done) {
      t.append(
          String.join(
              "\t",
              l.a,
              l.v,
              l.status,
              "" + l.files,
              "" + l.lines,
              "" + l.code,
              "" + l.filesExcluded,
              "" + l.linesExcluded,
              sec(median(l.javacT, 0)),
              sec(median(l.epT, 0)),
              sec(median(l.oursT, 0)),
              sec(l.oursOnlyCpu),
              sec(median(l.javacT, 1)),
              sec(median(l.epT, 1)),
              sec(median(l.oursT, 1)),
              String.format("%.4f", overhead(l)),
              String.format("%.4f", median(ratios(l), 1)),
              String.format("%.2f", l.spanOursD),
              String.format("%.4f", inProcessShare(l)),
              "" + l.findings.values().stream().mapToInt(Integer::intValue).sum()));
      for (String n : ours) t.append('\t').append(l.findings.getOrDefault(n, 0));
      t.append('\t')
          .append(crashCount(l, true))
          .append('\t')
          .append(crashCount(l, false))
          .append('\t')
          .append(l.fixFindings)
          .append('\t')
          .append(l.patchedFiles)
          .append('\t')
          .append(l.fixBreaks)
          .append('\t')
          .append(l.note.replace('\t', ' ').replace('\n', ' '))
          .append('\n');
    }
    Files.writeString(out.resolve("summary.tsv"), t);
    StringBuilder f = new StringBuilder("library\tcheck\tfile\tline\thas_fix\tmessage\n");
    for (Finding x : findings) {
      f.append(
              String.join(
                  "\t",
                  x.lib,
                  x.check,
                  x.file,
                  "" + x.line,
                  x.fix ? "yes" : "no",
                  x.message.replace('\t', ' ')))
          .append('\n');
    }
    Files.writeString(out.resolve("findings.tsv"), f);
    StringBuilder c = new StringBuilder("library\tpass\tcheck\tat\texception\n");
    for (Crash x : copy(crashes))
      c.append(String.join("\t", x.lib, x.pass, x.check, x.file, x.line)).append('\n');
    Files.writeString(out.resolve("crashes.tsv"), c);
    StringBuilder st = new StringBuilder();
    for (Crash x : copy(crashes)) {
      st.append(x.lib)
          .append(" pass ")
          .append(x.pass)
          .append(": ")
          .append(x.check)
          .append(" at ")
          .append(x.file)
          .append('\n')
          .append(x.stack)
          .append('\n');
    }
    Files.writeString(out.resolve("crash-stacks.txt"), st);
    Files.writeString(
        out.resolve("excluded.tsv"),
        "library\tfile\tfirst javac error\n" + String.join("\n", copy(excluded)) + "\n");
    Files.writeString(
        out.resolve("fix-errors.tsv"),
        "library\tfile\tline\terror\n" + String.join("\n", copy(fixErrors)) + "\n");
    Files.writeString(out.resolve("summary.md"), markdown(done, findings));
  }

  /**
   * Over the timed libraries: sum of our checks' time / sum of (compile - ours), first repetition's
   * medians.
   */
  static double totalInProcessShare(List<Lib> done) {
    double o = 0, rest = 0;
    for (Lib l : done) {
      if (l.spanC.isEmpty()) continue;
      double share = inProcessShare(l);
      double wall = median(l.spanC, 2);
      double ours = wall * share / (1 + share);
      o += ours;
      rest += wall - ours;
    }
    return rest > 0 ? o / rest : Double.NaN;
  }

  int crashCount(Lib l, boolean mine) {
    return l.crashes.entrySet().stream()
        .filter(e -> ours.contains(e.getKey()) == mine)
        .mapToInt(Map.Entry::getValue)
        .sum();
  }

  String markdown(List<Lib> done, List<Finding> findings) {
    StringBuilder m = new StringBuilder();
    m.append("# Corpus run\n\n");
    m.append("- list: `")
        .append(repo.relativize(listFile))
        .append("`, ")
        .append(done.size())
        .append(" libraries")
        .append("; timing repetitions: ")
        .append(reps)
        .append("\n");
    m.append("- JDK ")
        .append(Runtime.version())
        .append("; Error Prone ")
        .append(epVersion)
        .append("; checker `")
        .append(checkerJar == null ? "?" : checkerJar.getFileName())
        .append("`; our checks: ")
        .append(String.join(", ", ours))
        .append("\n");
    m.append(
        "- lines: non-blank lines of the compiled files (code lines: non-blank lines that are not only comment)\n");
    m.append(
        "- times: CPU seconds (user+sys of the javac process), median over repetitions; overhead = EP+ours / EP - 1\n\n");
    m.append(
        "- our checks s: Error Prone's own timers of our checks in the ours-only pass (wall); in-process share: our checks' timed share of one EP+ours compile, ours / (compile - ours)\n\n");
    m.append(
        "| library | version | files | lines | code lines | excluded files (lines) | javac s | EP s | EP+ours s | overhead | EP+ours / javac | our checks s | in-process share |");
    for (String n : ours) m.append(' ').append(n).append(" |");
    m.append(" crashes (ours/other) | fixes applied (files) | fixes breaking compile |\n|");
    m.append("---|".repeat(13 + ours.size() + 3)).append('\n');
    long files = 0, lines = 0, code = 0, exF = 0, exL = 0;
    double ja = 0, jt = 0, eb = 0, oc = 0;
    long timedLines = 0;
    double spanD = 0, javacWall = 0;
    int timed = 0;
    Map<String, Integer> tot = new LinkedHashMap<>();
    int cro = 0, crx = 0, fx = 0, pf = 0, br = 0;
    for (Lib l : done) {
      if (!l.status.equals("ok")) {
        m.append("| ")
            .append(l.a)
            .append(" | ")
            .append(l.v)
            .append(" | failed: ")
            .append(l.note.replace('|', '/'))
            .append(" |".repeat(12 + ours.size() + 3))
            .append('\n');
        continue;
      }
      double a = median(l.javacT, 0), b = median(l.epT, 0), cc = median(l.oursT, 0);
      files += l.files;
      lines += l.lines;
      code += l.code;
      exF += l.filesExcluded;
      exL += l.linesExcluded;
      ja += a;
      if (!l.epT.isEmpty()) {
        jt += a;
        eb += b;
        oc += cc;
        timedLines += l.lines;
        timed++;
      }
      spanD += l.spanOursD;
      javacWall += median(l.javacT, 1);
      m.append(
          String.format(
              "| %s | %s | %,d | %,d | %,d | %d (%,d) | %s | %s | %s | %s | %s | %.2f | %s |",
              l.a,
              l.v,
              l.files,
              l.lines,
              l.code,
              l.filesExcluded,
              l.linesExcluded,
              sec(a),
              sec(b),
              sec(cc),
              pct(overhead(l)),
              ratio(cc / a),
              l.spanOursD,
              pct(inProcessShare(l))));
      for (String n : ours) {
        int k = l.findings.getOrDefault(n, 0);
        tot.merge(n, k, Integer::sum);
        m.append(' ').append(k).append(" |");
      }
      int co = crashCount(l, true), cx = crashCount(l, false);
      cro += co;
      crx += cx;
      fx += l.fixFindings;
      pf += l.patchedFiles;
      br += l.fixBreaks;
      m.append(' ')
          .append(co)
          .append('/')
          .append(cx)
          .append(" | ")
          .append(l.fixFindings)
          .append(" (")
          .append(l.patchedFiles)
          .append(") | ")
          .append(l.fixBreaks)
          .append(" |\n");
    }
    m.append(
        String.format(
            "| **total** | | %,d | %,d | %,d | %d (%,d) | %s | %s | %s | %s | %s | %.1f | %s |",
            files,
            lines,
            code,
            exF,
            exL,
            sec(ja),
            timed > 0 ? sec(eb) : "-",
            timed > 0 ? sec(oc) : "-",
            timed > 0 ? pct(oc / eb - 1) : "-",
            timed > 0 ? ratio(oc / jt) : "-",
            spanD,
            pct(totalInProcessShare(done))));
    for (String n : ours) m.append(" **").append(tot.getOrDefault(n, 0)).append("** |");
    m.append(" ")
        .append(cro)
        .append('/')
        .append(crx)
        .append(" | ")
        .append(fx)
        .append(" (")
        .append(pf)
        .append(") | ")
        .append(br)
        .append(" |\n\n");
    // headline overhead with its spread over repetitions
    List<Double> perRep = new ArrayList<>();
    for (int r = 0; r < reps; r++) {
      double sb = 0, sc = 0;
      boolean all = true;
      for (Lib l : done) {
        if (!l.status.equals("ok")) continue;
        if (l.epT.isEmpty()) continue; // not timed
        if (l.epT.size() <= r || l.oursT.size() <= r) {
          all = false;
          break;
        }
        sb += l.epT.get(r)[0];
        sc += l.oursT.get(r)[0];
      }
      if (all && sb > 0) perRep.add(sc / sb - 1);
    }
    Collections.sort(perRep);
    if (!perRep.isEmpty() && timed > 0) {
      m.append(
          String.format(
              "Overhead of our checks over Error Prone's defaults, summed over the %d timed libraries (%,d lines; CPU): "
                  + "median %s over %d repetition(s), range %s to %s; EP+ours / plain javac: %s.%n",
              timed,
              timedLines,
              pct(perRep.get(perRep.size() / 2)),
              perRep.size(),
              pct(perRep.get(0)),
              pct(perRep.get(perRep.size() - 1)),
              ratio(oc / jt)));
    }
    double share = totalInProcessShare(done);
    if (!Double.isNaN(share)) {
      m.append(
          String.format(
              "Our checks' share of an EP+ours compile, by Error Prone's own timers inside each javac process, "
                  + "summed over the timed libraries: %s (ours / the rest of the compile; independent of the load between runs).%n",
              pct(share)));
    }
    m.append(
        String.format(
            "Our checks' time over all %d libraries by Error Prone's timers (ours-only pass): %.1f s, %s of plain javac's wall time.%n",
            done.size(), spanD, pct(spanD / javacWall)));
    m.append(
        String.format(
            "Findings: %d; crashes of our checks: %d; files patched by our fixes: %d; compile errors after the fixes: %d.%n",
            findings.size(), cro, pf, br));
    if (!findings.isEmpty()) {
      m.append("\n## Findings\n\n| library | check | file:line | message |\n|---|---|---|---|\n");
      for (Finding x : findings) {
        m.append("| ")
            .append(x.lib)
            .append(" | ")
            .append(x.check)
            .append(" | `")
            .append(x.file)
            .append(':')
            .append(x.line)
            .append("` | ")
            .append(x.message.replace("|", "\\|"))
            .append(" |\n");
      }
    }
    if (!copy(crashes).isEmpty()) {
      m.append(
          "\n## Crashes\n\n| library | pass | check | at | exception |\n|---|---|---|---|---|\n");
      for (Crash x : copy(crashes))
        m.append("| ")
            .append(String.join(" | ", x.lib, x.pass, x.check, x.file, x.line))
            .append(" |\n");
    }
    return m.toString();
  }

  // ---------------------------------------------------------------- utilities

  static <T> List<T> copy(List<T> synchronizedList) {
    synchronized (synchronizedList) {
      return new ArrayList<>(synchronizedList);
    }
  }

  static String tail(String s, int n) {
    String[] l = s.split("\n");
    return String.join("\n", Arrays.asList(l).subList(Math.max(0, l.length - n), l.length));
  }

  static String firstLine(String s) {
    if (s == null) return "";
    s = s.strip();
    int i = s.indexOf('\n');
    return i < 0 ? s : s.substring(0, i);
  }

  static void deleteTree(Path p) throws IOException {
    if (!Files.exists(p)) return;
    try (Stream<Path> s = Files.walk(p)) {
      for (Path x : s.sorted(Comparator.reverseOrder()).toList()) Files.delete(x);
    }
  }
}
