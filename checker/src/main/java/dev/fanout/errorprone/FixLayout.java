package dev.fanout.errorprone;

import com.google.errorprone.VisitorState;
import com.google.errorprone.util.ASTHelpers;
import com.sun.source.tree.BlockTree;
import com.sun.source.tree.Tree;
import com.sun.source.util.TreePath;
import org.jspecify.annotations.Nullable;

/**
 * Lays out the code a fix inserts or wraps the way the file around it is written: each line at the
 * indentation of the statement it goes beside, nested lines one indent unit deeper. The unit is
 * read from the enclosing blocks (how much deeper their statements sit than the line that opens
 * them); where no block shows it, two spaces (a tab in a file indented with tabs).
 *
 * <p>Error Prone's "Did you mean" line is the first line a fix changes, so the fixes built here
 * start their first edit on a line that carries the change: statements are inserted as whole lines
 * (before the next statement, or before the closing brace's line rather than after the previous
 * statement), and code that was on one line stays on one line when it is braced, if it fits.
 */
final class FixLayout {
  /** Google Java Style's column limit: a one-line form longer than this goes on several lines. */
  static final int COLUMN_LIMIT = 100;

  private final CharSequence source;
  private final String indent;
  private final String unit;

  private FixLayout(CharSequence source, String indent, String unit) {
    this.source = source;
    this.indent = indent;
    this.unit = unit;
  }

  /** The layout at {@code path}'s leaf: its line's indentation, and the file's indent unit. */
  static FixLayout at(TreePath path, VisitorState state) {
    CharSequence source = state.getSourceCode();
    String indent = lineIndent(source, ASTHelpers.getStartPosition(path.getLeaf()));
    return new FixLayout(source, indent, unit(source, path, indent));
  }

  /** The leading whitespace of the line holding the leaf's start. */
  String indent() {
    return indent;
  }

  /** One level deeper than {@link #indent()}. */
  String nested() {
    return indent + unit;
  }

  /** The file's indent unit. */
  String unit() {
    return unit;
  }

  /**
   * {@code code}'s lines after the first moved right by {@code by}: for source copied into a block
   * one level deeper. Blank lines stay empty.
   */
  static String shift(String code, String by) {
    StringBuilder out = new StringBuilder();
    String[] lines = code.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      if (i > 0) {
        out.append('\n');
        if (!lines[i].isBlank()) {
          out.append(by);
        }
      }
      out.append(lines[i]);
    }
    return out.toString();
  }

  /**
   * {@code code}, source copied from the leaf's line, with {@link #indent()} taken off its lines
   * after the first: lines relative to the leaf, for {@link #block}'s {@code body}.
   */
  String relative(String code) {
    StringBuilder out = new StringBuilder();
    String[] lines = code.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      if (i > 0) {
        out.append('\n');
      }
      out.append(
          i > 0 && lines[i].startsWith(indent) ? lines[i].substring(indent.length()) : lines[i]);
    }
    return out.toString();
  }

  /**
   * A block for a place where a one-line construct (an expression lambda's body, a braceless {@code
   * if}'s statement, an empty {@code {}}) becomes a block. It stays on one line, {@code { oneLine
   * }}, when the replaced code was on one line and the line still fits; otherwise it opens on the
   * leaf's line and closes at {@link #indent()}, with {@code body}'s lines at {@link #nested()}.
   *
   * @param start where the replaced code starts
   * @param end where it ends
   * @param oneLine the block's content on one line
   * @param body the block's content on lines of their own, indented relative to the block (nested
   *     lines start with {@link #unit()})
   */
  String block(int start, int end, String oneLine, String body) {
    return block(start, end, "", oneLine, body);
  }

  /** {@link #block}, after {@code lead} which replaces the start of the code too. */
  String block(int start, int end, String lead, String oneLine, String body) {
    String braced = lead + "{ " + oneLine + " }";
    int lineStart = lineStart(source, start);
    int lineEnd = indexOf(source, '\n', end);
    if (indexOf(source, '\n', start) >= end
        && (lineEnd - lineStart) - (end - start) + braced.length() <= COLUMN_LIMIT
        && !oneLine.contains("\n")) {
      return braced;
    }
    return lead + "{\n" + nested() + shift(body, nested()) + "\n" + indent + "}";
  }

  /**
   * The offset of the start of the line holding {@code closingBrace} when nothing but whitespace
   * precedes the brace there: the place to insert a block's new last statement as a line of its
   * own. Null when the brace shares its line with code.
   */
  @Nullable Integer lineOfClosingBrace(BlockTree block, VisitorState state) {
    int end = state.getEndPosition(block);
    if (end <= 0 || source.charAt(end - 1) != '}') {
      return null;
    }
    int start = lineStart(source, end - 1);
    for (int i = start; i < end - 1; i++) {
      if (!Character.isWhitespace(source.charAt(i))) {
        return null;
      }
    }
    return start;
  }

  private static int indexOf(CharSequence source, char c, int from) {
    for (int i = Math.max(0, from); i < source.length(); i++) {
      if (source.charAt(i) == c) {
        return i;
      }
    }
    return source.length();
  }

  private static int lineStart(CharSequence source, int pos) {
    int i = Math.min(pos, source.length());
    while (i > 0 && source.charAt(i - 1) != '\n') {
      i--;
    }
    return i;
  }

  private static String lineIndent(CharSequence source, int pos) {
    if (pos < 0) {
      return "";
    }
    int start = lineStart(source, pos);
    int i = start;
    while (i < pos && (source.charAt(i) == ' ' || source.charAt(i) == '\t')) {
      i++;
    }
    return source.subSequence(start, i).toString();
  }

  /**
   * How much deeper a block's statement sits than the line that opens the block, for the nearest
   * enclosing block whose statement is on a line of its own.
   */
  private static String unit(CharSequence source, TreePath path, String fallbackFrom) {
    Tree child = path.getLeaf();
    for (TreePath p = path.getParentPath(); p != null; p = p.getParentPath()) {
      Tree leaf = p.getLeaf();
      if (leaf instanceof BlockTree) {
        int blockStart = ASTHelpers.getStartPosition(leaf);
        int childStart = ASTHelpers.getStartPosition(child);
        if (blockStart >= 0
            && childStart >= 0
            && lineStart(source, blockStart) != lineStart(source, childStart)) {
          String outer = lineIndent(source, blockStart);
          String inner = lineIndent(source, childStart);
          if (inner.length() > outer.length() && inner.startsWith(outer)) {
            return inner.substring(outer.length());
          }
        }
      }
      child = leaf;
    }
    return fallbackFrom.contains("\t") ? "\t" : "  ";
  }
}
