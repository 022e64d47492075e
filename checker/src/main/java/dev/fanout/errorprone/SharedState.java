package dev.fanout.errorprone;

import com.google.errorprone.VisitorState;
import com.google.errorprone.util.ASTHelpers;
import com.sun.source.tree.ClassTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.VariableTree;
import com.sun.source.util.TreePath;
import com.sun.source.util.TreeScanner;
import com.sun.tools.javac.code.Symbol;
import com.sun.tools.javac.code.Symbol.ClassSymbol;
import javax.lang.model.element.ElementKind;

/**
 * Whether what a task writes is shared beyond one run of the task (captured from the code around
 * it, a field, a static, or reached through one), and whether the write is guarded ({@code
 * synchronized}, a lock region: {@link GuardedRegions}). Asked by {@link
 * UnsafeSharedMutationInTask} before {@link JoinOrder} decides whether the sharing is concurrent.
 */
final class SharedState {
  private SharedState() {}

  /** Whether the written object outlives one task run: captured, a field, or a static. */
  static boolean isShared(
      Symbol var, ExpressionTree ref, TaskRuns.TaskRun site, VisitorState state) {
    if (Variables.isMethodScoped(var)) {
      if (site.helper != null) {
        return false; // a local of the helper method: one per call
      }
      return !declaredWithin(var, site.body.getLeaf(), state);
    }
    if (var.getKind() != ElementKind.FIELD) {
      return false;
    }
    if (var.owner instanceof ClassSymbol && classDeclaredWithin((ClassSymbol) var.owner, site)) {
      return false; // a field of an object the task itself defines
    }
    if (ref instanceof IdentifierTree) {
      return true; // this.field or a static imported field
    }
    ExpressionTree root = ((MemberSelectTree) ref).getExpression();
    while (true) {
      root = ASTHelpers.stripParentheses(root);
      if (root instanceof IdentifierTree) {
        Symbol rootSym = ASTHelpers.getSymbol(root);
        if (rootSym == null) {
          return false;
        }
        if (rootSym instanceof ClassSymbol) {
          return true; // Owner.staticField
        }
        String name = rootSym.getSimpleName().toString();
        if (name.equals("this") || name.equals("super")) {
          return true;
        }
        if (Variables.isMethodScoped(rootSym)) {
          return site.helper == null && !declaredWithin(rootSym, site.body.getLeaf(), state);
        }
        return rootSym.getKind() == ElementKind.FIELD;
      }
      if (root instanceof MemberSelectTree) {
        Symbol rootSym = ASTHelpers.getSymbol(root);
        if (rootSym instanceof ClassSymbol) {
          return true; // pkg.Owner.staticField, Owner.this.field
        }
        if (rootSym != null && rootSym.getSimpleName().contentEquals("this")) {
          return true;
        }
        root = ((MemberSelectTree) root).getExpression();
        continue;
      }
      return false; // a method result, a new object: can't tell
    }
  }

  private static boolean declaredWithin(Symbol var, Tree scope, VisitorState state) {
    VariableTree decl = Variables.declaration(var, state);
    if (decl == null) {
      return true; // not in this file: treat as not ours to judge
    }
    int pos = ASTHelpers.getStartPosition(decl);
    return pos >= ASTHelpers.getStartPosition(scope) && pos <= state.getEndPosition(scope);
  }

  private static boolean classDeclaredWithin(ClassSymbol owner, TaskRuns.TaskRun site) {
    boolean[] found = {false};
    new TreeScanner<Void, Void>() {
      @Override
      public Void visitClass(ClassTree node, Void unused) {
        if (ASTHelpers.getSymbol(node) == owner) {
          found[0] = true;
        }
        return super.visitClass(node, null);
      }
    }.scan(site.body.getLeaf(), null);
    return found[0];
  }

  static boolean isGuarded(TreePath writePath, TaskRuns.TaskRun site, VisitorState state) {
    Tree stop = site.helper != null ? site.helper.getLeaf() : site.body.getLeaf();
    if (writePath.getLeaf() != stop && GuardedRegions.isGuarded(writePath, stop, state)) {
      return true;
    }
    return site.callSite != null
        && site.callSite.getLeaf() != site.body.getLeaf()
        && GuardedRegions.isGuarded(site.callSite, site.body.getLeaf(), state);
  }
}
