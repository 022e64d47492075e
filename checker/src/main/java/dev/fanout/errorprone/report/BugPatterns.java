package dev.fanout.errorprone.report;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The BugPattern annotation of each Fanout check, read from the checks' class files in this jar.
 *
 * <p>The converter runs as {@code java -jar fanout-checker.jar}, where Error Prone is not on the
 * class path: loading a check class would fail on its superclass {@code BugChecker}. So the
 * annotation is read from the class file's {@code RuntimeVisibleAnnotations} attribute (JVMS
 * 4.7.16) instead, which needs no other class. The checks are the ones AutoService registered in
 * {@code META-INF/services/com.google.errorprone.bugpatterns.BugChecker}.
 */
final class BugPatterns {
  private BugPatterns() {}

  static final String SERVICES = "META-INF/services/com.google.errorprone.bugpatterns.BugChecker";
  private static final String BUG_PATTERN = "Lcom/google/errorprone/BugPattern;";
  private static final String OUR_PACKAGE = "dev.fanout.errorprone.";

  /** One check's BugPattern annotation: its name, summary, explanation, link and severity. */
  record Rule(String name, String summary, String explanation, String link, String severity) {
    /** SARIF's level for the check's default severity. */
    String sarifLevel() {
      return switch (severity) {
        case "ERROR" -> "error";
        case "SUGGESTION" -> "note";
        default -> "warning";
      };
    }
  }

  /** Every Fanout check's rule, in the order the service file lists them. */
  static List<Rule> load(ClassLoader loader) {
    Set<String> classes = new LinkedHashSet<>();
    try {
      Enumeration<URL> files = loader.getResources(SERVICES);
      while (files.hasMoreElements()) {
        try (BufferedReader r =
            new BufferedReader(
                new InputStreamReader(files.nextElement().openStream(), StandardCharsets.UTF_8))) {
          r.lines()
              .map(l -> l.replaceAll("#.*", "").strip())
              .filter(l -> l.startsWith(OUR_PACKAGE))
              .forEach(classes::add);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + SERVICES, e);
    }
    if (classes.isEmpty()) {
      throw new IllegalStateException(
          "no Fanout check is registered in "
              + SERVICES
              + " on the class path: run the converter"
              + " from the fanout-checker jar (java -jar fanout-checker-<version>.jar ...)");
    }
    List<Rule> rules = new ArrayList<>();
    for (String c : classes) {
      String resource = c.replace('.', '/') + ".class";
      try (InputStream in = loader.getResourceAsStream(resource)) {
        if (in == null) {
          throw new IllegalStateException(
              SERVICES + " lists " + c + " but " + resource + " is missing");
        }
        rules.add(read(c, in.readAllBytes()));
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + resource, e);
      }
    }
    return rules;
  }

  /** Reads the BugPattern annotation of class {@code className} from its class file bytes. */
  static Rule read(String className, byte[] classFile) throws IOException {
    DataInputStream in = new DataInputStream(new ByteArrayInputStream(classFile));
    if (in.readInt() != 0xCAFEBABE) {
      throw new IOException(className + ": not a class file");
    }
    in.readUnsignedShort(); // minor
    in.readUnsignedShort(); // major
    int count = in.readUnsignedShort();
    Object[] pool = new Object[count];
    for (int i = 1; i < count; i++) {
      int tag = in.readUnsignedByte();
      switch (tag) {
        case 1 -> pool[i] = in.readUTF(); // Utf8: u2 length + modified UTF-8, as readUTF reads it
        case 3, 4 -> in.skipNBytes(4); // Integer, Float
        case 5, 6 -> { // Long, Double: take two slots
          in.skipNBytes(8);
          i++;
        }
        case 7, 8, 16, 19, 20 -> in.skipNBytes(2); // Class, String, MethodType, Module, Package
        case 15 -> in.skipNBytes(3); // MethodHandle
        case 9, 10, 11, 12, 17, 18 -> in.skipNBytes(4); // refs, NameAndType, (Invoke)Dynamic
        default -> throw new IOException(className + ": unknown constant pool tag " + tag);
      }
    }
    in.skipNBytes(6); // access flags, this, super
    in.skipNBytes(2L * in.readUnsignedShort()); // interfaces
    for (int members = 0; members < 2; members++) { // fields, then methods
      int n = in.readUnsignedShort();
      for (int i = 0; i < n; i++) {
        in.skipNBytes(6); // access, name, descriptor
        skipAttributes(in);
      }
    }
    int attributes = in.readUnsignedShort();
    for (int a = 0; a < attributes; a++) {
      String name = (String) pool[in.readUnsignedShort()];
      int length = in.readInt();
      if (!"RuntimeVisibleAnnotations".equals(name)) {
        in.skipNBytes(length);
        continue;
      }
      int annotations = in.readUnsignedShort();
      for (int k = 0; k < annotations; k++) {
        String type = (String) pool[in.readUnsignedShort()];
        Map<String, String> values = new HashMap<>();
        int pairs = in.readUnsignedShort();
        for (int p = 0; p < pairs; p++) {
          String element = (String) pool[in.readUnsignedShort()];
          String value = elementValue(in, pool);
          if (value != null) {
            values.put(element, value);
          }
        }
        if (BUG_PATTERN.equals(type)) {
          String simpleName = className.substring(className.lastIndexOf('.') + 1);
          String summary = values.get("summary");
          if (summary == null) {
            throw new IOException(className + ": BugPattern annotation has no summary");
          }
          return new Rule(
              values.getOrDefault("name", "").isEmpty() ? simpleName : values.get("name"),
              summary,
              values.getOrDefault("explanation", ""),
              values.getOrDefault("link", ""),
              values.getOrDefault("severity", "WARNING"));
        }
      }
    }
    throw new IOException(className + " has no BugPattern annotation");
  }

  private static void skipAttributes(DataInputStream in) throws IOException {
    int n = in.readUnsignedShort();
    for (int i = 0; i < n; i++) {
      in.skipNBytes(2);
      in.skipNBytes(in.readInt());
    }
  }

  /**
   * Reads one element_value (JVMS 4.7.16.1): a string constant's text, an enum constant's name, or
   * null for any other kind (skipped).
   */
  private static String elementValue(DataInputStream in, Object[] pool) throws IOException {
    int tag = in.readUnsignedByte();
    return switch (tag) {
      case 's' -> (String) pool[in.readUnsignedShort()];
      case 'e' -> {
        in.skipNBytes(2); // the enum's type
        yield (String) pool[in.readUnsignedShort()];
      }
      case 'B', 'C', 'D', 'F', 'I', 'J', 'S', 'Z', 'c' -> {
        in.skipNBytes(2);
        yield null;
      }
      case '@' -> {
        in.skipNBytes(2);
        int pairs = in.readUnsignedShort();
        for (int p = 0; p < pairs; p++) {
          in.skipNBytes(2);
          elementValue(in, pool);
        }
        yield null;
      }
      case '[' -> {
        int n = in.readUnsignedShort();
        for (int i = 0; i < n; i++) {
          elementValue(in, pool);
        }
        yield null;
      }
      default -> throw new IOException("unknown annotation element tag " + (char) tag);
    };
  }
}
