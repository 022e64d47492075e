package dev.fanout.errorprone;

import com.google.errorprone.util.ASTHelpers;
import com.sun.source.tree.ClassTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.LambdaExpressionTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.Tree;
import com.sun.source.util.TreeScanner;
import com.sun.tools.javac.code.Symbol;

/** Whether a tree names a variable: by simple name or as a field access. */
final class Mentions {
  private Mentions() {}

  /** Whether {@code var} is named anywhere in the tree, lambdas and nested classes included. */
  static boolean of(Tree tree, Symbol var) {
    return mentions(tree, var, true);
  }

  /**
   * Whether evaluating the expression reads {@code var} itself: {@code count + 1}, but not a lambda
   * or anonymous class in it that only mentions {@code var} ({@code task = schedule(() -> task =
   * null)} is a plain assignment, not a read-modify-write).
   */
  static boolean readsDirectly(Tree tree, Symbol var) {
    return mentions(tree, var, false);
  }

  private static boolean mentions(Tree tree, Symbol var, boolean inNestedCode) {
    boolean[] found = {false};
    new TreeScanner<Void, Void>() {
      @Override
      public Void visitIdentifier(IdentifierTree node, Void unused) {
        if (ASTHelpers.getSymbol(node) == var) {
          found[0] = true;
        }
        return null;
      }

      @Override
      public Void visitMemberSelect(MemberSelectTree node, Void unused) {
        if (ASTHelpers.getSymbol(node) == var) {
          found[0] = true;
        }
        return super.visitMemberSelect(node, null);
      }

      @Override
      public Void visitLambdaExpression(LambdaExpressionTree node, Void unused) {
        return inNestedCode ? super.visitLambdaExpression(node, null) : null;
      }

      @Override
      public Void visitClass(ClassTree node, Void unused) {
        return inNestedCode ? super.visitClass(node, null) : null;
      }
    }.scan(tree, null);
    return found[0];
  }
}
