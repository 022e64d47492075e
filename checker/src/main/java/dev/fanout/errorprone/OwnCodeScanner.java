package dev.fanout.errorprone;

import com.sun.source.tree.ClassTree;
import com.sun.source.tree.LambdaExpressionTree;
import com.sun.source.util.TreeScanner;

/**
 * A scanner of one body's own code: it does not descend into lambdas or classes declared inside it,
 * whose code runs at another time (or on another thread) than the statements around them.
 * Subclasses override the visits they look for.
 */
abstract class OwnCodeScanner extends TreeScanner<Void, Void> {
  @Override
  public Void visitLambdaExpression(LambdaExpressionTree node, Void unused) {
    return null;
  }

  @Override
  public Void visitClass(ClassTree node, Void unused) {
    return null;
  }
}
