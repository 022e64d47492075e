package dev.fanout.errorprone.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.fail;

import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The converter's SARIF is valid against the SARIF 2.1.0 JSON schema (OASIS's final schema,
 * 2.1.0-rtm.5).
 *
 * <p>The schema is not committed: this test takes it from the npm package {@value #PACKAGE}, which
 * ships it as {@value #SCHEMA_IN_PACKAGE}, with {@code npm pack} (npm and the npm registry are on
 * every machine of this project's kind) and keeps it in {@code target/sarif-schema/}. Without npm
 * or the registry the test fails and says so: it never skips.
 */
final class SarifSchemaTest {
  static final String PACKAGE = "@microsoft/jest-sarif@1.0.0-beta.0";
  static final String SCHEMA_IN_PACKAGE = "package/lib/schemas/sarif-2.1.0-rtm.5.json";

  private static Schema schema;

  @TempDir Path dir;

  @BeforeAll
  static void loadSchema() throws Exception {
    Path file = obtainSchema(Path.of("target", "sarif-schema"));
    SchemaRegistry registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_4);
    schema = registry.getSchema(Files.readString(file), InputFormat.JSON);
  }

  /** The schema file in {@code cache}, fetched with {@code npm pack} if it is not there yet. */
  static Path obtainSchema(Path cache) throws IOException, InterruptedException {
    Path schemaFile = cache.resolve("sarif-2.1.0-rtm.5.json");
    if (Files.isRegularFile(schemaFile)) {
      return schemaFile;
    }
    Files.createDirectories(cache);
    run(cache, "npm", "pack", "--silent", PACKAGE);
    Path tgz;
    try (Stream<Path> s = Files.list(cache)) {
      tgz =
          s.filter(p -> p.getFileName().toString().endsWith(".tgz"))
              .findFirst()
              .orElseThrow(
                  () -> new AssertionError("npm pack " + PACKAGE + " wrote no .tgz into " + cache));
    }
    run(cache, "tar", "-xzf", tgz.getFileName().toString(), SCHEMA_IN_PACKAGE);
    Path extracted = cache.resolve(SCHEMA_IN_PACKAGE);
    if (!Files.isRegularFile(extracted)) {
      fail(PACKAGE + " no longer holds " + SCHEMA_IN_PACKAGE);
    }
    Files.move(extracted, schemaFile);
    return schemaFile;
  }

  private static void run(Path dir, String... command) throws IOException, InterruptedException {
    Process p;
    try {
      p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    } catch (IOException e) {
      throw new AssertionError(
          "SarifSchemaTest needs '"
              + command[0]
              + "' to fetch the SARIF 2.1.0 schema from the npm package "
              + PACKAGE
              + " (it is not committed); install Node.js and npm: "
              + e.getMessage(),
          e);
    }
    p.getOutputStream().close();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(3, TimeUnit.MINUTES) || p.exitValue() != 0) {
      p.destroyForcibly();
      throw new AssertionError(
          String.join(" ", command)
              + " failed in "
              + dir
              + " (the SARIF schema comes from the npm registry"
              + " package "
              + PACKAGE
              + "):\n"
              + output);
    }
  }

  private List<Error> validate(String sarif) {
    return schema.validate(sarif, InputFormat.JSON);
  }

  private String convert(String log, String... options) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    String[] args = Stream.concat(Stream.of("sarif"), Stream.of(options)).toArray(String[]::new);
    int code =
        Main.run(
            args,
            new ByteArrayInputStream(log.getBytes(StandardCharsets.UTF_8)),
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8),
            dir);
    assertEquals(0, code, err.toString(StandardCharsets.UTF_8));
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  void findingsOfEveryKindAreValidSarif() {
    String sarif = convert(ConverterTest.mavenLog(dir));
    assertEquals(List.of(), validate(sarif), sarif);
  }

  @Test
  void anEmptyReportIsValidSarif() {
    String sarif = convert("[INFO] BUILD SUCCESS\n");
    assertEquals(List.of(), validate(sarif), sarif);
  }

  @Test
  void theSchemaRejectsWhatIsNotSarif() {
    // The validator really checks: a result without a message, and a wrong version, are errors.
    String sarif = convert(ConverterTest.mavenLog(dir));
    assertFalse(
        validate(sarif.replace("\"version\":\"2.1.0\"", "\"version\":\"2.0.0\"")).isEmpty());
    assertFalse(
        validate(sarif.replaceFirst("\"message\":\\{\"text\":", "\"message\":{\"txt\":"))
            .isEmpty());
  }
}
