package dev.fanout.errorprone;

import static com.google.errorprone.BugPattern.LinkType.CUSTOM;
import static com.google.errorprone.BugPattern.SeverityLevel.WARNING;

import com.google.auto.service.AutoService;
import com.google.errorprone.BugPattern;
import com.google.errorprone.BugPattern.StandardTags;
import com.google.errorprone.ErrorProneFlags;
import com.google.errorprone.VisitorState;
import com.google.errorprone.bugpatterns.BugChecker;
import com.google.errorprone.bugpatterns.BugChecker.MethodInvocationTreeMatcher;
import com.google.errorprone.fixes.SuggestedFix;
import com.google.errorprone.matchers.Description;
import com.google.errorprone.util.ASTHelpers;
import com.sun.source.tree.BlockTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.StatementTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.TryTree;
import com.sun.source.tree.VariableTree;
import com.sun.source.util.TreePath;
import com.sun.tools.javac.code.Symbol;
import java.util.List;
import javax.inject.Inject;
import javax.lang.model.element.ElementKind;

/**
 * Flags tasks forked in a loop (or a per-element stream/{@code forEach} lambda) over data of
 * unknown or large size into something that runs them all at once: a {@code TaskGroup} made in the
 * same method with no limit, or a thread-per-task executor ({@code
 * Executors.newVirtualThreadPerTaskExecutor()}). Ten thousand items become ten thousand concurrent
 * calls to whatever the tasks call.
 *
 * <p>A loop is small, and stays silent, when its iteration count is a compile-time fact no larger
 * than the limit: an array initializer, {@code List.of}/{@code Set.of}/{@code Arrays.asList}/{@code
 * Stream.of} with few elements, an enum's {@code values()}, a counted loop to a constant. The check
 * stays silent when the group's origin is out of sight, when {@code setLimit} (or the builder's
 * {@code limit}) is set before the loop ends, when the group escapes before then, and when the code
 * acquires a {@code Semaphore} permit. It reports once per loop and group (or executor), on the
 * first fork in the loop. The fix sets a limit right where the group is made.
 */
@AutoService(BugChecker.class)
@BugPattern(
    summary =
        "Tasks are forked in a loop over data of unknown size into a TaskGroup with no limit or a"
            + " thread-per-task executor: every item runs at once. Set a limit.",
    explanation =
        "A TaskGroup with no limit, or a thread-per-task executor, starts every task at"
            + " once. Forked in a loop over data whose size the code does not bound, N items"
            + " make N concurrent calls to whatever the tasks call: a downstream service, a"
            + " connection pool, memory. Set a limit where the group is made (setLimit or the"
            + " builder's limit); for an executor, bound submissions with a Semaphore or fork"
            + " into a limited TaskGroup.",
    severity = WARNING,
    tags = StandardTags.FRAGILE_CODE,
    linkType = CUSTOM,
    link = FanoutApi.DOCS + "UnboundedFanOut.md")
public final class UnboundedFanOut extends BugChecker implements MethodInvocationTreeMatcher {

  private final int limit;
  private final FanOutSize size;

  /**
   * For {@link java.util.ServiceLoader}: Error Prone finds plugin checks through it, and it insists
   * on a public no-arg constructor even though Error Prone then builds the check through the
   * {@code @Inject} constructor below, with the user's flags.
   */
  public UnboundedFanOut() {
    this(ErrorProneFlags.empty());
  }

  @Inject
  public UnboundedFanOut(ErrorProneFlags flags) {
    this.limit = FanoutFlags.from(flags).limit();
    this.size = new FanOutSize(limit);
  }

  /** What forks the tasks: a group with no limit, or a thread-per-task executor. */
  private enum Kind {
    GROUP,
    EXECUTOR
  }

  @Override
  public Description matchMethodInvocation(MethodInvocationTree tree, VisitorState state) {
    return check(tree, state);
  }

  private Description check(MethodInvocationTree call, VisitorState state) {
    Kind kind;
    ExpressionTree ownerExpr;
    if (TaskGroupModel.isTaskStart(call, state)) {
      kind = Kind.GROUP;
      ownerExpr = ASTHelpers.getReceiver(call);
    } else {
      ownerExpr = TaskSinks.singleTaskExecutorOf(call, state);
      kind = Kind.EXECUTOR;
    }
    if (!(ownerExpr instanceof IdentifierTree)) {
      return Description.NO_MATCH;
    }
    Symbol owner = ASTHelpers.getSymbol(ownerExpr);
    if (owner == null
        || (owner.getKind() != ElementKind.LOCAL_VARIABLE
            && owner.getKind() != ElementKind.RESOURCE_VARIABLE)) {
      return Description.NO_MATCH; // a parameter or field: its limit is set out of sight
    }
    TreePath callPath = state.getPath();
    Tree method = TaskGroupModel.searchRootFor(owner, callPath);
    UnitIndex index = UnitIndex.of(state);
    VariableTree decl = index.declaration(owner);
    List<ExpressionTree> values = index.assignedValues(owner);
    if (!(method instanceof MethodTree methodTree)
        || decl == null
        || decl.getInitializer() == null
        || values == null
        || values.size() != 1) {
      return Description.NO_MATCH; // assigned more than once: don't know which value is used
    }
    if (isSuppressed(decl, state)) {
      return Description.NO_MATCH; // @SuppressWarnings on the group's or executor's declaration
    }
    ExpressionTree factory = TaskGroupModel.strip(decl.getInitializer());
    if (kind == Kind.GROUP
        ? TaskGroupModel.factoryLimit(factory, state) != TaskGroupModel.FactoryLimit.NONE
        : !Catalogue.THREAD_PER_TASK_EXECUTOR.matches(factory, state)) {
      return Description.NO_MATCH;
    }
    FanOutSize.FanOut fanOut = size.fanOut(callPath, decl, state);
    if (fanOut == null) {
      return Description.NO_MATCH;
    }
    long loopEnd = state.getEndPosition(fanOut.outermost());
    if (kind == Kind.GROUP && FanOutSize.limitedOrEscaped(owner, methodTree, loopEnd, state)) {
      return Description.NO_MATCH;
    }
    if (FanOutSize.acquiresPermits(method, state)
        || FanOutSize.loopAcquiresPermits(fanOut.outermost(), state)) {
      return Description.NO_MATCH;
    }
    if (size.earlierForkInSameLoop(call, owner, fanOut.outermost(), callPath, decl, state)) {
      return Description.NO_MATCH; // one finding per loop and group
    }
    String size =
        fanOut.bound() == FanOutSize.UNKNOWN
            ? "over data of unknown size"
            : "of up to " + fanOut.bound() + " iterations";
    String name = owner.getSimpleName().toString();
    if (kind == Kind.EXECUTOR) {
      return buildDescription(call)
          .setMessage(
              "Tasks are submitted in a loop "
                  + size
                  + " to a thread-per-task executor: each gets its own thread at once, so N items"
                  + " make N concurrent calls downstream. Bound it: acquire a java.util.concurrent"
                  + ".Semaphore permit before submitting and release it in the task's finally, or"
                  + " fork into a TaskGroup with setLimit("
                  + limit
                  + "). No fix offered: either bound restructures the loop and its tasks, a"
                  + " choice left to you.")
          .build();
    }
    String message =
        "Tasks are started in a loop "
            + size
            + " into a TaskGroup with no limit: every item runs at once, so N items make N"
            + " concurrent calls downstream. Set a limit right after the group is made: "
            + name
            + ".setLimit("
            + limit
            + ").";
    return fix(decl, factory, name, state).describe(buildDescription(call), message).build();
  }

  // ---------------------------------------------------------------- the fix

  /**
   * Sets the limit where the group is made: {@code .limit(N)} in a builder chain; else {@code
   * g.setLimit(N);} as the try-with-resources block's first statement, or right after a local
   * declaration statement. Nothing elsewhere (a declaration in a {@code for} header, a declarator
   * followed by another in the same statement).
   */
  private FixOffer fix(VariableTree decl, ExpressionTree factory, String name, VisitorState state) {
    if (TaskGroupModel.isGroupFactory(factory, state)
        && ASTHelpers.getSymbol(factory).getSimpleName().contentEquals(FanoutApi.OPEN)) {
      ExpressionTree builder = ASTHelpers.getReceiver(factory);
      return builder == null
          ? FixOffer.none("the group's builder is not an expression here to add a limit to.")
          : FixOffer.of(
              SuggestedFix.postfixWith(builder, "." + FanoutApi.BUILDER_LIMIT + "(" + limit + ")"));
    }
    String statement = name + "." + FanoutApi.SET_LIMIT + "(" + limit + ");";
    TreePath declPath = TreePath.getPath(state.getPath().getCompilationUnit(), decl);
    Tree parent = declPath == null ? null : declPath.getParentPath().getLeaf();
    if (parent instanceof TryTree tryTree && tryTree.getResources().contains(decl)) {
      BlockTree block = tryTree.getBlock();
      return block.getStatements().isEmpty()
          ? FixOffer.none("the try block is empty.")
          : FixOffer.of(
              insertBefore(
                  block.getStatements().get(0), statement, declPath.getParentPath(), state));
    }
    String source = state.getSourceForNode(decl);
    if (parent instanceof BlockTree blockTree && source != null && source.strip().endsWith(";")) {
      // Not after a declarator followed by another ("TaskGroup a = .., b = ..;").
      List<? extends StatementTree> statements = blockTree.getStatements();
      int at = statements.indexOf(decl);
      if (at >= 0 && at + 1 < statements.size()) {
        // As a line of its own before the next statement: "Did you mean" shows setLimit.
        return FixOffer.of(
            insertBefore(statements.get(at + 1), statement, declPath.getParentPath(), state));
      }
      return FixOffer.of(
          SuggestedFix.postfixWith(
              decl, "\n" + FixLayout.at(declPath, state).indent() + statement));
    }
    return FixOffer.none(
        "the group is declared where no statement can follow it ("
            + (parent instanceof BlockTree
                ? "beside another declarator in the same statement"
                : "not in a block")
            + "); declare it on its own and call "
            + statement
            + " next.");
  }

  /** {@code statement} as a line of its own before {@code next}, at its indentation. */
  private static SuggestedFix insertBefore(
      StatementTree next, String statement, TreePath within, VisitorState state) {
    TreePath path = TreePath.getPath(within, next);
    return SuggestedFix.builder()
        .setShortDescription("set a limit: " + statement)
        .prefixWith(
            next, statement + "\n" + FixLayout.at(path == null ? within : path, state).indent())
        .build();
  }
}
