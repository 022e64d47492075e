package dev.fanout.errorprone;

import static com.google.errorprone.BugPattern.LinkType.CUSTOM;
import static com.google.errorprone.BugPattern.SeverityLevel.WARNING;

import com.google.auto.service.AutoService;
import com.google.errorprone.BugPattern;
import com.google.errorprone.BugPattern.StandardTags;
import com.google.errorprone.VisitorState;
import com.google.errorprone.bugpatterns.BugChecker;
import com.google.errorprone.bugpatterns.BugChecker.TryTreeMatcher;
import com.google.errorprone.fixes.SuggestedFix;
import com.google.errorprone.matchers.Description;
import com.google.errorprone.util.ASTHelpers;
import com.sun.source.tree.BlockTree;
import com.sun.source.tree.BreakTree;
import com.sun.source.tree.CatchTree;
import com.sun.source.tree.ClassTree;
import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.LambdaExpressionTree;
import com.sun.source.tree.MemberReferenceTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.ReturnTree;
import com.sun.source.tree.StatementTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.TryTree;
import com.sun.source.tree.VariableTree;
import com.sun.source.util.TreePath;
import com.sun.source.util.TreePathScanner;
import com.sun.source.util.TreeScanner;
import com.sun.tools.javac.code.Symbol;
import com.sun.tools.javac.code.Symbol.MethodSymbol;
import com.sun.tools.javac.code.Type;
import java.util.ArrayList;
import java.util.List;
import javax.lang.model.element.Modifier;

/**
 * Flags a {@code TaskGroup} made in a try-with-resources resource that starts tasks but can leave
 * the block without {@code await()}: {@code close()} then cancels the group, so tasks still queued
 * never run and running ones are interrupted, and nothing reports the missing work.
 *
 * <p>The analysis is a small forward flow over the statements of the try block. It reports only
 * what it can be sure of: when the block never calls {@code await()}, any exit reached after a task
 * may have started; when it does, only an exit that every path reaches with a task started and not
 * awaited since (an early {@code return} between the fan-out and {@code await}). It stays silent
 * when the group escapes, when {@code await} is out of its sight, and when the owner waits for the
 * tasks some other way.
 */
@AutoService(BugChecker.class)
@BugPattern(
    summary =
        "A TaskGroup starts tasks but can leave its try-with-resources block without await():"
            + " close() cancels what is still queued or running and the missing work goes"
            + " unreported. Call await() before leaving the block.",
    explanation =
        "close() on a TaskGroup that was not awaited cancels the group and then waits:"
            + " queued tasks never run, running ones are interrupted, and no exception says"
            + " that work is missing. A block that starts tasks and can reach its end, a return,"
            + " a break or a continue without await() loses that work silently on that path."
            + " Call await() before leaving the block; it also surfaces the first failure.",
    severity = WARNING,
    tags = StandardTags.LIKELY_ERROR,
    linkType = CUSTOM,
    link = FanoutApi.DOCS + "TaskGroupNotAwaited.md")
public final class TaskGroupNotAwaited extends BugChecker implements TryTreeMatcher {

  @Override
  public Description matchTry(TryTree tree, VisitorState state) {
    for (Tree resource : tree.getResources()) {
      if (resource instanceof VariableTree variable) {
        Description d = check(tree, variable, state);
        if (d != Description.NO_MATCH) {
          state.reportMatch(d);
        }
      }
    }
    return Description.NO_MATCH;
  }

  private Description check(TryTree tryTree, VariableTree resource, VisitorState state) {
    ExpressionTree init = resource.getInitializer();
    Symbol group = ASTHelpers.getSymbol(resource);
    if (init == null
        || group == null
        || !TaskGroupModel.isGroupFactory(TaskGroupModel.strip(init), state)
        || isSuppressed(resource, state)) {
      return Description.NO_MATCH;
    }
    BlockTree body = tryTree.getBlock();
    for (Tree other : tryTree.getResources()) {
      if (other != resource && mentions(other, group)) {
        return Description.NO_MATCH; // handed to another resource: it escapes
      }
    }
    List<Tree> offending = AwaitPaths.analyse(group, body, state).unawaitedExits();
    if (offending.isEmpty()) {
      return Description.NO_MATCH;
    }
    String name = resource.getName().toString();
    CompilationUnitTree unit = state.getPath().getCompilationUnit();
    List<String> where = new ArrayList<>();
    for (Tree exit : offending) {
      long line = unit.getLineMap().getLineNumber(ASTHelpers.getStartPosition(exit));
      where.add(
          exit == body ? "the end of the block" : "the " + keyword(exit) + " on line " + line);
    }
    String message =
        String.format(
            "TaskGroup '%s' starts tasks but reaches %s without %s.await(): close() then cancels"
                + " the group, so queued tasks never run and running ones are interrupted, and"
                + " their missing results go unreported. Call %s.await() before leaving the block.",
            name, String.join(" and ", where), name, name);
    return fix(name, offending, body, state).describe(buildDescription(resource), message).build();
  }

  private static boolean mentions(Tree tree, Symbol sym) {
    boolean[] found = {false};
    new TreeScanner<Void, Void>() {
      @Override
      public Void visitIdentifier(IdentifierTree node, Void unused) {
        if (sym.equals(ASTHelpers.getSymbol(node))) {
          found[0] = true;
        }
        return null;
      }
    }.scan(tree, null);
    return found[0];
  }

  private static String keyword(Tree exit) {
    if (exit instanceof ReturnTree) {
      return "return";
    }
    if (exit instanceof BreakTree) {
      return "break";
    }
    return "continue";
  }

  // ---------------------------------------------------------------- the fix

  /**
   * Inserts {@code name.await();} before each offending exit: as the last statement of the try
   * block for its end, before a return, break or continue otherwise. Only where {@code await}'s
   * InterruptedException is handled or declared, or where declaring it on a private method breaks
   * no caller; empty otherwise.
   */
  private static FixOffer fix(
      String name, List<Tree> offending, BlockTree body, VisitorState state) {
    SuggestedFix.Builder fix =
        SuggestedFix.builder().setShortDescription("call " + name + ".await() before leaving");
    String call = name + ".await();";
    MethodTree addThrowsTo = null;
    for (Tree exit : offending) {
      TreePath at = TreePath.getPath(state.getPath().getCompilationUnit(), exit);
      if (at == null) {
        return FixOffer.none("the exit was not found in this file's tree.");
      }
      Handling handling = interruptHandling(at, state);
      if (handling == Handling.NO) {
        return FixOffer.none(
            "await() throws InterruptedException, which the enclosing lambda or initialiser can't"
                + " throw; catch it (restore the interrupt) around the call.");
      }
      if (handling == Handling.IF_DECLARED) {
        MethodTree method = enclosingMethod(at);
        if (method == null || !canDeclareInterrupted(method, state)) {
          return FixOffer.none(
              "await() throws InterruptedException, and adding 'throws InterruptedException' to "
                  + (method == null ? "the enclosing method" : "'" + method.getName() + "'")
                  + " could break its callers"
                  + (method != null && !method.getModifiers().getFlags().contains(Modifier.PRIVATE)
                      ? " (it is not private)"
                      : "")
                  + "; declare it or catch it around the call.");
        }
        addThrowsTo = method;
      }
      FixLayout layout = FixLayout.at(at, state);
      if (exit == body) {
        List<? extends StatementTree> statements = body.getStatements();
        if (statements.isEmpty()) {
          return FixOffer.none("the block has no statement to put the call after.");
        }
        StatementTree last = statements.get(statements.size() - 1);
        TreePath lastPath = TreePath.getPath(at, last);
        String indent = lastPath == null ? layout.nested() : FixLayout.at(lastPath, state).indent();
        Integer closing = layout.lineOfClosingBrace(body, state);
        if (closing != null) {
          // A line of its own before the closing brace: "Did you mean" shows the call.
          fix.replace(closing, closing, indent + call + "\n");
        } else {
          fix.postfixWith(last, "\n" + indent + call);
        }
      } else if (at.getParentPath() != null && at.getParentPath().getLeaf() instanceof BlockTree) {
        fix.prefixWith(exit, call + "\n" + layout.indent());
      } else {
        String source = state.getSourceForNode(exit);
        if (source == null) {
          return FixOffer.none("the exit's source is not available.");
        }
        fix.replace(
            exit,
            layout.block(
                ASTHelpers.getStartPosition(exit),
                state.getEndPosition(exit),
                call + " " + source,
                call + "\n" + layout.relative(source)));
      }
    }
    if (addThrowsTo != null) {
      List<? extends ExpressionTree> thrown = addThrowsTo.getThrows();
      if (thrown.isEmpty()) {
        int bodyStart = ASTHelpers.getStartPosition(addThrowsTo.getBody());
        if (bodyStart < 0) {
          return FixOffer.none("the method's body has no position to add 'throws' before.");
        }
        fix.replace(bodyStart, bodyStart, "throws InterruptedException ");
      } else {
        fix.postfixWith(thrown.get(thrown.size() - 1), ", InterruptedException");
      }
    }
    return FixOffer.of(fix.build());
  }

  private enum Handling {
    /** A catch or the enclosing method or lambda already takes InterruptedException. */
    YES,
    /** Not handled; the enclosing method (no lambda or class in between) could declare it. */
    IF_DECLARED,
    NO
  }

  /** Whether an InterruptedException thrown at {@code at} would compile. */
  private static Handling interruptHandling(TreePath at, VisitorState state) {
    Type interrupted = state.getSymtab().interruptedExceptionType;
    Tree child = at.getLeaf();
    for (TreePath p = at.getParentPath(); p != null; p = p.getParentPath()) {
      Tree leaf = p.getLeaf();
      if (leaf instanceof TryTree tryTree && tryTree.getBlock() == child) {
        for (CatchTree c : tryTree.getCatches()) {
          if (catches(ASTHelpers.getType(c.getParameter()), interrupted, state)) {
            return Handling.YES;
          }
        }
      }
      if (leaf instanceof LambdaExpressionTree) {
        Type fi = ASTHelpers.getType(leaf);
        if (fi == null) {
          return Handling.NO;
        }
        Type descriptorType = state.getTypes().findDescriptorType(fi);
        if (descriptorType == null) {
          return Handling.NO;
        }
        List<Type> thrown = descriptorType.getThrownTypes();
        return ThrownTypes.covers(thrown, interrupted, state) ? Handling.YES : Handling.NO;
      }
      if (leaf instanceof MethodTree methodTree) {
        MethodSymbol sym = ASTHelpers.getSymbol(methodTree);
        if (sym == null) {
          return Handling.NO;
        }
        return ThrownTypes.covers(sym.getThrownTypes(), interrupted, state)
            ? Handling.YES
            : Handling.IF_DECLARED;
      }
      if (leaf instanceof ClassTree) {
        return Handling.NO; // an initialiser
      }
      child = leaf;
    }
    return Handling.NO;
  }

  private static boolean catches(Type caught, Type interrupted, VisitorState state) {
    if (caught == null) {
      return false;
    }
    if (caught.isUnion()) {
      for (Type alt : ((Type.UnionClassType) caught).getAlternativeTypes()) {
        if (ASTHelpers.isSubtype(interrupted, alt, state)) {
          return true;
        }
      }
      return false;
    }
    return ASTHelpers.isSubtype(interrupted, caught, state);
  }

  private static MethodTree enclosingMethod(TreePath at) {
    for (TreePath p = at; p != null; p = p.getParentPath()) {
      if (p.getLeaf() instanceof MethodTree) {
        return (MethodTree) p.getLeaf();
      }
      if (p.getLeaf() instanceof LambdaExpressionTree || p.getLeaf() instanceof ClassTree) {
        return null;
      }
    }
    return null;
  }

  /**
   * Whether {@code throws InterruptedException} can be added to {@code method} without breaking a
   * caller: it is a private method (no override, every caller in this file), not a constructor,
   * never used as a method reference, and every call of it outside itself already handles or
   * declares InterruptedException.
   */
  private static boolean canDeclareInterrupted(MethodTree method, VisitorState state) {
    MethodSymbol sym = ASTHelpers.getSymbol(method);
    if (sym == null
        || sym.isConstructor()
        || !method.getModifiers().getFlags().contains(Modifier.PRIVATE)) {
      return false;
    }
    CompilationUnitTree unit = state.getPath().getCompilationUnit();
    boolean[] ok = {true};
    new TreePathScanner<Void, Void>() {
      @Override
      public Void visitMethodInvocation(MethodInvocationTree node, Void unused) {
        if (sym.equals(ASTHelpers.getSymbol(node)) && !insideMethod(getCurrentPath(), method)) {
          if (interruptHandling(getCurrentPath(), state) != Handling.YES) {
            ok[0] = false;
          }
        }
        return super.visitMethodInvocation(node, null);
      }

      @Override
      public Void visitMemberReference(MemberReferenceTree node, Void unused) {
        if (sym.equals(ASTHelpers.getSymbol(node))) {
          ok[0] = false;
        }
        return super.visitMemberReference(node, null);
      }
    }.scan(unit, null);
    return ok[0];
  }

  private static boolean insideMethod(TreePath path, MethodTree method) {
    for (TreePath p = path; p != null; p = p.getParentPath()) {
      if (p.getLeaf() == method) {
        return true;
      }
      if (p.getLeaf() instanceof LambdaExpressionTree || p.getLeaf() instanceof ClassTree) {
        return false;
      }
    }
    return false;
  }
}
