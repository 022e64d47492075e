package dev.fanout.sample;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every version of Fanout that the docs name is the one this build makes and installs: a snippet
 * copied from docs/setup.md must find the artifacts that {@code ./mvnw install} put there.
 */
class DocsVersionTest {
  /** A Fanout version as the docs write it, in each of the forms they use. */
  private static final List<Pattern> MENTIONS =
      List.of(
          Pattern.compile("<fanout\\.version>([0-9][^<]*)</fanout\\.version>"),
          Pattern.compile("dev\\.fanout:fanout-(?:runtime|checker|parent):([0-9][^\"'\\s,)]*)"),
          Pattern.compile("fanout-(?:runtime|checker|parent)-([0-9][0-9A-Za-z.]*(?:-SNAPSHOT)?)(?:-sources|-javadoc)?\\.jar"),
          Pattern.compile("dev/fanout/fanout-(?:runtime|checker|parent)/([0-9][^/\\s]*)/"),
          Pattern.compile("central-bundle-([0-9][0-9A-Za-z.]*(?:-SNAPSHOT)?)\\.zip"));

  private static final Path ROOT = Path.of(System.getProperty("user.dir")).getParent();

  static String pomVersion() throws IOException {
    String pom = Files.readString(ROOT.resolve("pom.xml"));
    Matcher m = Pattern.compile("<artifactId>fanout-parent</artifactId>\\s*<version>([^<]+)</version>").matcher(pom);
    assertTrue(m.find(), "no version in " + ROOT.resolve("pom.xml"));
    return m.group(1);
  }

  @Test
  void docsNameTheVersionTheBuildInstalls() throws IOException {
    String version = pomVersion();
    List<Path> files = new ArrayList<>(List.of(ROOT.resolve("README.md")));
    try (Stream<Path> docs = Files.walk(ROOT.resolve("docs"))) {
      docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(files::add);
    }
    try (Stream<Path> examples = Files.walk(ROOT.resolve("examples"))) {
      examples.filter(Files::isRegularFile).sorted().forEach(files::add);
    }
    List<String> wrong = new ArrayList<>();
    int inSetup = 0;
    for (Path file : files) {
      String text = Files.readString(file);
      String[] lines = text.split("\n", -1);
      for (int i = 0; i < lines.length; i++) {
        for (Pattern p : MENTIONS) {
          Matcher m = p.matcher(lines[i]);
          while (m.find()) {
            if (!m.group(1).equals(version)) {
              wrong.add(ROOT.relativize(file) + ":" + (i + 1) + ": " + m.group());
            } else if (file.endsWith(Path.of("docs", "setup.md"))) {
              inSetup++;
            }
          }
        }
      }
    }
    assertEquals(List.of(), wrong, "docs naming a Fanout version other than the build's " + version);
    assertTrue(inSetup >= 5, "docs/setup.md should name version " + version + " in its snippets; found " + inSetup);
  }
}
