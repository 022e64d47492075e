package dev.fanout.errorprone;

import static com.google.errorprone.BugPattern.LinkType.CUSTOM;
import static com.google.errorprone.BugPattern.SeverityLevel.WARNING;
import static com.google.errorprone.matchers.method.MethodMatchers.instanceMethod;

import com.google.auto.service.AutoService;
import com.google.errorprone.BugPattern;
import com.google.errorprone.BugPattern.StandardTags;
import com.google.errorprone.ErrorProneFlags;
import com.google.errorprone.VisitorState;
import com.google.errorprone.bugpatterns.BugChecker;
import com.google.errorprone.bugpatterns.BugChecker.TryTreeMatcher;
import com.google.errorprone.fixes.SuggestedFix;
import com.google.errorprone.matchers.Description;
import com.google.errorprone.matchers.Matcher;
import com.google.errorprone.util.ASTHelpers;
import com.google.errorprone.util.Reachability;
import com.sun.source.tree.BlockTree;
import com.sun.source.tree.BreakTree;
import com.sun.source.tree.CatchTree;
import com.sun.source.tree.ClassTree;
import com.sun.source.tree.ContinueTree;
import com.sun.source.tree.DoWhileLoopTree;
import com.sun.source.tree.EnhancedForLoopTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.ForLoopTree;
import com.sun.source.tree.InstanceOfTree;
import com.sun.source.tree.LambdaExpressionTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.NewClassTree;
import com.sun.source.tree.ParenthesizedTree;
import com.sun.source.tree.ReturnTree;
import com.sun.source.tree.StatementTree;
import com.sun.source.tree.ThrowTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.TryTree;
import com.sun.source.tree.TypeCastTree;
import com.sun.source.tree.WhileLoopTree;
import com.sun.source.util.TreePath;
import com.sun.source.util.TreeScanner;
import com.sun.tools.javac.code.Symbol;
import com.sun.tools.javac.code.Symbol.MethodSymbol;
import com.sun.tools.javac.code.Type;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.inject.Inject;
import javax.lang.model.type.TypeKind;

/**
 * Flags a {@code catch} inside a {@code TaskGroup} task that swallows {@link InterruptedException}
 * and lets the task run on. Cancellation of a group reaches a running task as an interrupt; a catch
 * that neither rethrows, nor restores the interrupt flag, nor ends the task loses it.
 *
 * <p>Two shapes: {@code catch (InterruptedException e)}, and a catch of {@code Exception} or {@code
 * Throwable} around code declared to throw InterruptedException. A catch counts as handling the
 * interrupt when it throws anything, calls {@code Thread.interrupt()}, returns, breaks out, calls
 * {@code throwIfCancelled()}, or tests {@code instanceof InterruptedException}. Silent when nothing
 * of the task runs after the catch: a task that ends there has stopped as asked.
 *
 * <p>Why this file is over the package's ~400 lines: it holds which catches can take an {@code
 * InterruptedException} and which handlers keep the cancellation (the check proper), plus two fixes
 * and the "may the task rethrow it" test they need. Extracting the catch analysis is the next step
 * if a second check needs it.
 */
@AutoService(BugChecker.class)
@BugPattern(
    summary =
        "A TaskGroup task swallows InterruptedException and runs on: the group's cancellation is"
            + " lost. Restore the flag with Thread.currentThread().interrupt() and return, or"
            + " rethrow.",
    explanation =
        "A TaskGroup cancels its tasks by interrupting their threads. A task that catches"
            + " InterruptedException (or a broad catch around a call that throws it), neither"
            + " rethrows it nor restores the interrupt flag, and then runs on, has thrown that"
            + " cancellation away: it keeps working for a group that has already failed, and"
            + " the next blocking call no longer sees the interrupt. Restore the flag and leave"
            + " the task, or rethrow.",
    severity = WARNING,
    tags = StandardTags.LIKELY_ERROR,
    linkType = CUSTOM,
    link = FanoutApi.DOCS + "InterruptSwallowedInTask.md")
public final class InterruptSwallowedInTask extends BugChecker implements TryTreeMatcher {

  private final TaskSinks sinks;

  /** For the service loader; Error Prone builds the check through the flags constructor. */
  public InterruptSwallowedInTask() {
    this(ErrorProneFlags.empty());
  }

  @Inject
  public InterruptSwallowedInTask(ErrorProneFlags flags) {
    this.sinks = new TaskSinks(FanoutFlags.from(flags));
  }

  private static final Matcher<ExpressionTree> THREAD_INTERRUPT =
      instanceMethod().onDescendantOf("java.lang.Thread").named("interrupt");

  private static final Matcher<ExpressionTree> THROW_IF_CANCELLED =
      instanceMethod().onDescendantOf(FanoutApi.CONTEXT).named("throwIfCancelled");

  private static final Matcher<ExpressionTree> CANCELLATION_CHECK =
      instanceMethod()
          .onDescendantOf(FanoutApi.CONTEXT)
          .namedAnyOf("isCancelled", "throwIfCancelled");

  private static final String RESTORE = "Thread.currentThread().interrupt();";

  @Override
  public Description matchTry(TryTree tree, VisitorState state) {
    Optional<TaskScope> task = enclosingTask(state.getPath(), state);
    if (task.isEmpty()) {
      return Description.NO_MATCH;
    }
    for (Description d : check(tree, task.get(), state)) {
      state.reportMatch(d);
    }
    return Description.NO_MATCH;
  }

  /**
   * The task whose code the try statement at {@code path} is: the nearest enclosing lambda, method
   * or class decides, and it must be a task body.
   *
   * @param body the task's body
   * @param thrown what the task may throw ({@code Task.run} throws Exception)
   * @param voidResult whether {@code return;} compiles in it
   */
  private record TaskScope(Tree body, List<Type> thrown, boolean voidResult, boolean plain) {}

  private Optional<TaskScope> enclosingTask(TreePath path, VisitorState state) {
    for (TreePath p = path.getParentPath(); p != null; p = p.getParentPath()) {
      Tree leaf = p.getLeaf();
      if (leaf instanceof LambdaExpressionTree lambdaExpressionTree) {
        boolean group = isTaskArgument(p, state);
        if (!group && sinks.sinkOf(p, state) == null) {
          return Optional.empty();
        }
        Type fi = ASTHelpers.getType(leaf);
        Type descriptor = fi == null ? null : state.getTypes().findDescriptorType(fi);
        if (descriptor == null) {
          return Optional.empty();
        }
        return Optional.of(
            new TaskScope(
                lambdaExpressionTree.getBody(),
                descriptor.getThrownTypes(),
                group || descriptor.getReturnType().getKind() == TypeKind.VOID,
                !group));
      }
      if (leaf instanceof MethodTree method) {

        MethodSymbol sym = ASTHelpers.getSymbol(method);
        if (sym == null || method.getBody() == null) {
          return Optional.empty();
        }
        boolean group = isTaskMethod(p, sym, state);
        if (!group && !isPlainTaskMethod(p, sym, state)) {
          return Optional.empty();
        }
        return Optional.of(
            new TaskScope(
                method.getBody(),
                sym.getThrownTypes(),
                sym.getReturnType().getKind() == TypeKind.VOID,
                !group));
      }
      if (leaf instanceof ClassTree) {
        return Optional.empty();
      }
    }
    return Optional.empty();
  }

  /** Whether the lambda at {@code lambdaPath} is the argument of {@code go}/{@code tryGo}. */
  private static boolean isTaskArgument(TreePath lambdaPath, VisitorState state) {
    TreePath p = lambdaPath.getParentPath();
    while (p != null
        && (p.getLeaf() instanceof ParenthesizedTree || p.getLeaf() instanceof TypeCastTree)) {
      p = p.getParentPath();
    }
    return p != null
        && p.getLeaf() instanceof MethodInvocationTree
        && TaskGroupModel.isTaskStart((MethodInvocationTree) p.getLeaf(), state);
  }

  /**
   * Whether the method at {@code methodPath} runs as a task: {@code run} of an anonymous {@code
   * Task} passed to go/tryGo, or a method of this file that a go/tryGo names by reference.
   */
  private static boolean isTaskMethod(TreePath methodPath, MethodSymbol sym, VisitorState state) {
    TreePath classPath = methodPath.getParentPath();
    TreePath newClassPath = classPath == null ? null : classPath.getParentPath();
    if (newClassPath != null && newClassPath.getLeaf() instanceof NewClassTree) {
      TreePath p = newClassPath.getParentPath();
      while (p != null
          && (p.getLeaf() instanceof ParenthesizedTree || p.getLeaf() instanceof TypeCastTree)) {
        p = p.getParentPath();
      }
      if (p != null
          && p.getLeaf() instanceof MethodInvocationTree
          && TaskGroupModel.isTaskStart((MethodInvocationTree) p.getLeaf(), state)) {
        Optional<TaskGroupModel.TaskBody> body =
            TaskGroupModel.taskBody((MethodInvocationTree) p.getLeaf(), state.withPath(p));
        return body.isPresent() && body.get().declarer() == methodPath.getLeaf();
      }
      return false;
    }
    if (sym.getParameters().size() != 1
        || !TaskGroupModel.isContextType(sym.getParameters().get(0).type, state)) {
      return false;
    }
    return !TaskGroupModel.taskStartsReferencing(sym, state).isEmpty();
  }

  /**
   * Whether the method at {@code methodPath} is {@code run} or {@code call} of an anonymous class
   * that a plain JDK sink (executor, thread start, ...: {@link TaskSinks}) runs as a task.
   */
  private boolean isPlainTaskMethod(TreePath methodPath, MethodSymbol sym, VisitorState state) {
    String name = sym.getSimpleName().toString();
    if (!sym.getParameters().isEmpty() || !(name.equals("run") || name.equals("call"))) {
      return false;
    }
    TreePath classPath = methodPath.getParentPath();
    TreePath newClassPath = classPath == null ? null : classPath.getParentPath();
    return newClassPath != null
        && newClassPath.getLeaf() instanceof NewClassTree
        && sinks.sinkOf(newClassPath, state) != null;
  }

  private List<Description> check(TryTree tree, TaskScope task, VisitorState state) {
    Type interrupted = state.getSymtab().interruptedExceptionType;
    List<Description> found = new ArrayList<>();
    boolean caughtBefore = false;
    Boolean tryThrows = null;
    for (CatchTree c : tree.getCatches()) {
      List<Type> caught = alternatives(ASTHelpers.getType(c.getParameter()));
      boolean direct = caught.stream().anyMatch(t -> ASTHelpers.isSubtype(t, interrupted, state));
      boolean broad =
          !direct && caught.stream().anyMatch(t -> ASTHelpers.isSubtype(interrupted, t, state));
      if (!direct && !broad) {
        continue;
      }
      if (broad) {
        if (caughtBefore) {
          continue; // an earlier catch of this try takes the InterruptedException
        }
        if (tryThrows == null) {
          tryThrows = throwsInterrupted(tree, state);
        }
        if (!tryThrows) {
          continue;
        }
      }
      caughtBefore |= direct;
      if (handles(c.getBlock(), broad, state)
          || !(task.plain()
              ? inEndlessLoop(state.getPath(), task.body())
              : runsOn(state.getPath(), task.body(), state))
          || isSuppressed(c.getParameter(), state)) {
        continue;
      }
      String caughtAs =
          broad ? " (as " + state.getSourceForNode(c.getParameter().getType()) + ")" : "";
      String message =
          task.plain()
              ? "This task catches InterruptedException"
                  + caughtAs
                  + " inside a loop that only an interrupt could end, neither rethrows it nor"
                  + " restores the interrupt flag, and goes round again: shutdownNow() and"
                  + " cancel(true) can never stop it. Restore the flag with"
                  + " Thread.currentThread().interrupt() and return, or rethrow."
              : "This task catches InterruptedException"
                  + caughtAs
                  + " and neither rethrows it nor restores the interrupt flag, then runs on:"
                  + " the group's cancellation (a sibling's failure, the caller's deadline)"
                  + " is lost and later blocking calls in the task wait in full. Restore the"
                  + " flag with Thread.currentThread().interrupt() and return, or rethrow.";
      Description.Builder d = buildDescription(c).setMessage(message);
      // A plain task that cannot return; would go round again with the flag set, and spin.
      Optional<SuggestedFix> restore =
          task.plain() && !task.voidResult()
              ? Optional.empty()
              : restoreFix(tree, c, broad, task, state);
      Optional<SuggestedFix> rethrow = rethrowFix(tree, c, broad, task, state);
      restore.ifPresent(d::addFix);
      rethrow.ifPresent(d::addFix);
      if (restore.isEmpty() && rethrow.isEmpty()) {
        d.setMessage(
            message
                + (usable(c.getParameter().getName().toString())
                    ? " No fix offered: the task returns a value and may not throw"
                        + " InterruptedException, so it cannot leave the loop from this catch."
                    : " No fix offered: the catch parameter has no name to use."));
      }
      found.add(d.build());
    }
    return found;
  }

  private static List<Type> alternatives(Type type) {
    if (type == null) {
      return List.of();
    }
    if (type.isUnion()) {
      List<Type> types = new ArrayList<>();
      for (Type t : ((Type.UnionClassType) type).getAlternativeTypes()) {
        types.add(t);
      }
      return types;
    }
    return List.of(type);
  }

  /** Whether the try's resources or block can throw InterruptedException to its catches. */
  private static boolean throwsInterrupted(TryTree tree, VisitorState state) {
    Type interrupted = state.getSymtab().interruptedExceptionType;
    boolean[] found = {false};
    TreeScanner<Void, Void> scanner =
        new OwnCodeScanner() {
          private void declares(Symbol sym) {
            if (sym instanceof MethodSymbol methodSymbol) {
              for (Type t : methodSymbol.getThrownTypes()) {
                if (ASTHelpers.isSubtype(t, interrupted, state)) {
                  found[0] = true;
                }
              }
            }
          }

          @Override
          public Void visitMethodInvocation(MethodInvocationTree node, Void unused) {
            declares(ASTHelpers.getSymbol(node));
            return super.visitMethodInvocation(node, null);
          }

          @Override
          public Void visitNewClass(NewClassTree node, Void unused) {
            declares(ASTHelpers.getSymbol(node));
            // An anonymous class body runs later: not scanned.
            scan(node.getEnclosingExpression(), null);
            scan(node.getArguments(), null);
            return null;
          }

          @Override
          public Void visitThrow(ThrowTree node, Void unused) {
            Type t = ASTHelpers.getType(node.getExpression());
            if (t != null && ASTHelpers.isSubtype(t, interrupted, state)) {
              found[0] = true;
            }
            return super.visitThrow(node, null);
          }

          @Override
          public Void visitTry(TryTree node, Void unused) {
            boolean inner = false;
            for (CatchTree c : node.getCatches()) {
              for (Type t : alternatives(ASTHelpers.getType(c.getParameter()))) {
                inner |= ASTHelpers.isSubtype(interrupted, t, state);
              }
            }
            if (!inner) {
              scan(node.getResources(), null);
              scan(node.getBlock(), null);
            }
            scan(node.getCatches(), null);
            scan(node.getFinallyBlock(), null);
            return null;
          }
        };
    scanner.scan(tree.getResources(), null);
    scanner.scan(tree.getBlock(), null);
    return found[0];
  }

  /** Whether the catch block deals with the interrupt in a way the check accepts. */
  private static boolean handles(BlockTree block, boolean broad, VisitorState state) {
    Type interrupted = state.getSymtab().interruptedExceptionType;
    boolean[] found = {false};
    new OwnCodeScanner() {
      @Override
      public Void visitThrow(ThrowTree node, Void unused) {
        found[0] = true;
        return null;
      }

      @Override
      public Void visitReturn(ReturnTree node, Void unused) {
        found[0] = true;
        return null;
      }

      @Override
      public Void visitBreak(BreakTree node, Void unused) {
        found[0] = true;
        return null;
      }

      @Override
      public Void visitMethodInvocation(MethodInvocationTree node, Void unused) {
        if (THREAD_INTERRUPT.matches(node, state) || THROW_IF_CANCELLED.matches(node, state)) {
          found[0] = true;
        }
        return super.visitMethodInvocation(node, null);
      }

      @Override
      public Void visitInstanceOf(InstanceOfTree node, Void unused) {
        Type t = ASTHelpers.getType(node.getType());
        if (broad && t != null && ASTHelpers.isSubtype(t, interrupted, state)) {
          found[0] = true;
        }
        return super.visitInstanceOf(node, null);
      }
    }.scan(block, null);
    return found[0];
  }

  /**
   * Whether the task has more to do after the try statement at {@code tryPath}: a statement other
   * than a bare {@code return} follows it (or follows a statement enclosing it) inside the task's
   * body, or it sits in a loop of the task that does not itself stop on cancellation.
   */
  private static boolean runsOn(TreePath tryPath, Tree taskBody, VisitorState state) {
    Tree child = tryPath.getLeaf();
    for (TreePath p = tryPath.getParentPath(); p != null; p = p.getParentPath()) {
      Tree leaf = p.getLeaf();
      if (leaf instanceof WhileLoopTree
          || leaf instanceof DoWhileLoopTree
          || leaf instanceof ForLoopTree
          || leaf instanceof EnhancedForLoopTree) {
        // The group cancels the context before it interrupts: a loop that checks the context
        // (while (!c.isCancelled()), c.throwIfCancelled() in its body) ends on the next round.
        return !checksCancellation(leaf, state);
      }
      if (leaf instanceof BlockTree blockTree) {
        List<? extends StatementTree> statements = blockTree.getStatements();
        int i = statements.indexOf(child);
        for (int j = i + 1; i >= 0 && j < statements.size(); j++) {
          StatementTree next = statements.get(j);
          if (!(next instanceof ReturnTree returnTree && returnTree.getExpression() == null)) {
            return true;
          }
        }
      }
      if (leaf == taskBody) {
        return false;
      }
      child = leaf;
    }
    return false;
  }

  /**
   * For a plain JDK task: whether the try at {@code tryPath} sits, inside the task's body, in a
   * loop whose condition is constant true ({@code while (true)}, {@code for (;;)}, {@code do ...
   * while (true)}) and whose body has no {@code break}, {@code return} or {@code throw} of its own
   * outside the catches. Such a loop ends only by an exception; once its catch swallows the
   * interrupt nothing stops it. A loop whose condition reads a field or calls a method ({@code
   * while (running)}, {@code while (!isShutdown())}) may be stopped by the code that shuts the pool
   * down: silent.
   */
  private static boolean inEndlessLoop(TreePath tryPath, Tree taskBody) {
    for (TreePath p = tryPath.getParentPath(); p != null; p = p.getParentPath()) {
      Tree leaf = p.getLeaf();
      if (leaf == taskBody) {
        return false;
      }
      ExpressionTree condition;
      if (leaf instanceof WhileLoopTree w) {
        condition = w.getCondition();
      } else if (leaf instanceof DoWhileLoopTree d) {
        condition = d.getCondition();
      } else if (leaf instanceof ForLoopTree f) {
        condition = f.getCondition();
      } else if (leaf instanceof EnhancedForLoopTree) {
        return false;
      } else {
        continue;
      }
      return (condition == null
              || Boolean.TRUE.equals(ASTHelpers.constValue(condition, Boolean.class)))
          && !leaves(leaf, (TryTree) tryPath.getLeaf());
    }
    return false;
  }

  /** Whether {@code loop} holds a break, return or throw outside the catches of {@code tried}. */
  private static boolean leaves(Tree loop, TryTree tried) {
    boolean[] found = {false};
    new OwnCodeScanner() {
      @Override
      public Void visitCatch(CatchTree node, Void unused) {
        if (tried.getCatches().contains(node)) {
          return null; // judged by handles()
        }
        return super.visitCatch(node, null);
      }

      @Override
      public Void visitBreak(BreakTree node, Void unused) {
        found[0] = true;
        return null;
      }

      @Override
      public Void visitReturn(ReturnTree node, Void unused) {
        found[0] = true;
        return null;
      }

      @Override
      public Void visitThrow(ThrowTree node, Void unused) {
        found[0] = true;
        return null;
      }
    }.scan(loop, null);
    return found[0];
  }

  private static boolean checksCancellation(Tree loop, VisitorState state) {
    boolean[] found = {false};
    new OwnCodeScanner() {
      @Override
      public Void visitMethodInvocation(MethodInvocationTree node, Void unused) {
        if (CANCELLATION_CHECK.matches(node, state)) {
          found[0] = true;
        }
        return super.visitMethodInvocation(node, null);
      }
    }.scan(loop, null);
    return found[0];
  }

  // ---------------------------------------------------------------- fixes

  /**
   * Restores the flag as the catch's first statement and, where the task would otherwise run on,
   * returns. For a catch of Exception or Throwable both happen only for an InterruptedException.
   */
  private static Optional<SuggestedFix> restoreFix(
      TryTree tree, CatchTree c, boolean broad, TaskScope task, VisitorState state) {
    BlockTree block = c.getBlock();
    String name = c.getParameter().getName().toString();
    boolean leave = task.voidResult();
    if (broad) {
      if (!usable(name)) {
        return Optional.empty();
      }
      return Optional.of(
          prefix(
              block,
              "if (" + name + " instanceof InterruptedException)",
              leave ? List.of(RESTORE, "return;") : List.of(RESTORE),
              state));
    }
    List<? extends StatementTree> statements = block.getStatements();
    if (statements.isEmpty()) {
      return Optional.of(
          fill(block, leave ? List.of(RESTORE, "return;") : List.of(RESTORE), state));
    }
    SuggestedFix.Builder fix =
        SuggestedFix.builder().setShortDescription("restore the interrupt flag");
    fix.prefixWith(statements.get(0), RESTORE + "\n" + layout(statements.get(0), state).indent());
    if (leave) {
      ending(tree, block, "return;", fix, state);
    }
    return Optional.of(fix.build());
  }

  /**
   * Rethrows: {@code throw e;} at the end of a catch of InterruptedException, or a guarded {@code
   * throw (InterruptedException) e;} first in a broader catch. Only where the task may throw it.
   */
  private static Optional<SuggestedFix> rethrowFix(
      TryTree tree, CatchTree c, boolean broad, TaskScope task, VisitorState state) {
    String name = c.getParameter().getName().toString();
    Type interrupted = state.getSymtab().interruptedExceptionType;
    if (!usable(name)) {
      return Optional.empty();
    }
    if (broad) {
      if (!ThrownTypes.covers(task.thrown(), interrupted, state)) {
        return Optional.empty();
      }
      return Optional.of(
          prefix(
              c.getBlock(),
              "if (" + name + " instanceof InterruptedException)",
              List.of("throw (InterruptedException) " + name + ";"),
              state));
    }
    for (Type t : alternatives(ASTHelpers.getType(c.getParameter()))) {
      if (!ThrownTypes.covers(task.thrown(), t, state)) {
        return Optional.empty();
      }
    }
    BlockTree block = c.getBlock();
    if (block.getStatements().isEmpty()) {
      return Optional.of(fill(block, List.of("throw " + name + ";"), state));
    }
    SuggestedFix.Builder fix =
        SuggestedFix.builder().setShortDescription("rethrow the InterruptedException");
    if (!ending(tree, block, "throw " + name + ";", fix, state)) {
      return Optional.empty();
    }
    return Optional.of(fix.build());
  }

  /**
   * Ends a non-empty catch block with {@code exit}: replaces a trailing {@code continue}, or
   * appends it when the block falls through and code after the try stays reachable (the try block
   * itself completes normally, or the try is the last statement of a while or for loop's body,
   * whose end matters to nothing after the loop). Returns whether it did.
   */
  private static boolean ending(
      TryTree tree, BlockTree block, String exit, SuggestedFix.Builder fix, VisitorState state) {
    List<? extends StatementTree> statements = block.getStatements();
    StatementTree last = statements.get(statements.size() - 1);
    if (last instanceof ContinueTree) {
      fix.replace(last, exit);
      return true;
    }
    if (Reachability.canCompleteNormally(block)
        && (Reachability.canCompleteNormally(tree.getBlock()) || lastInLoopBody(state.getPath()))) {
      FixLayout layout = layout(last, state);
      Integer closing = layout.lineOfClosingBrace(block, state);
      if (closing != null) {
        // A line of its own before the closing brace: "Did you mean" shows the exit itself.
        fix.replace(closing, closing, layout.indent() + exit + "\n");
      } else {
        fix.postfixWith(last, "\n" + layout.indent() + exit);
      }
      return true;
    }
    return false;
  }

  private static boolean lastInLoopBody(TreePath tryPath) {
    TreePath parent = tryPath.getParentPath();
    if (parent == null || !(parent.getLeaf() instanceof BlockTree)) {
      return false;
    }
    List<? extends StatementTree> statements = ((BlockTree) parent.getLeaf()).getStatements();
    if (statements.isEmpty() || statements.get(statements.size() - 1) != tryPath.getLeaf()) {
      return false;
    }
    Tree loop = parent.getParentPath() == null ? null : parent.getParentPath().getLeaf();
    Tree body = parent.getLeaf();
    return (loop instanceof WhileLoopTree whileLoopTree && whileLoopTree.getStatement() == body)
        || (loop instanceof ForLoopTree forLoopTree && forLoopTree.getStatement() == body)
        || (loop instanceof EnhancedForLoopTree enhancedForLoopTree
            && enhancedForLoopTree.getStatement() == body);
  }

  /** {@code head { statements }} as the block's first statement. */
  private static SuggestedFix prefix(
      BlockTree block, String head, List<String> statements, VisitorState state) {
    List<? extends StatementTree> existing = block.getStatements();
    if (existing.isEmpty()) {
      FixLayout layout = layout(block, state);
      String inner = String.join("\n" + layout.unit(), statements);
      return fill(
          block,
          List.of(head + " {" + "\n" + layout.unit() + inner + "\n}"),
          head + " { " + String.join(" ", statements) + " }",
          state);
    }
    FixLayout layout = layout(existing.get(0), state);
    StringBuilder code = new StringBuilder(head).append(" {");
    for (String statement : statements) {
      code.append('\n').append(layout.nested()).append(statement);
    }
    code.append('\n').append(layout.indent()).append("}\n").append(layout.indent());
    return SuggestedFix.builder()
        .setShortDescription(head + " { " + String.join(" ", statements) + " }")
        .prefixWith(existing.get(0), code.toString())
        .build();
  }

  /** An empty block given {@code statements}. */
  private static SuggestedFix fill(BlockTree block, List<String> statements, VisitorState state) {
    return fill(block, statements, String.join(" ", statements), state);
  }

  private static SuggestedFix fill(
      BlockTree block, List<String> lines, String oneLine, VisitorState state) {
    FixLayout layout = layout(block, state);
    return SuggestedFix.builder()
        .setShortDescription(oneLine)
        .replace(
            block,
            layout.block(
                ASTHelpers.getStartPosition(block),
                state.getEndPosition(block),
                oneLine,
                String.join("\n", lines)))
        .build();
  }

  /** The layout at {@code tree}, a part of the try being matched. */
  private static FixLayout layout(Tree tree, VisitorState state) {
    TreePath path = TreePath.getPath(state.getPath(), tree);
    return FixLayout.at(path == null ? state.getPath() : path, state);
  }

  private static boolean usable(String name) {
    return !name.isEmpty() && !name.equals("_");
  }
}
