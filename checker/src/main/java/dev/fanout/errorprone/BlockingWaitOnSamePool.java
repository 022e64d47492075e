package dev.fanout.errorprone;

import static com.google.errorprone.BugPattern.LinkType.CUSTOM;
import static com.google.errorprone.BugPattern.SeverityLevel.WARNING;
import static com.google.errorprone.matchers.method.MethodMatchers.instanceMethod;
import static com.google.errorprone.matchers.method.MethodMatchers.staticMethod;
import static com.google.errorprone.util.ASTHelpers.isStatic;
import static dev.fanout.errorprone.ExecutorOrigins.variable;
import static dev.fanout.errorprone.TaskGroupModel.strip;

import com.google.auto.service.AutoService;
import com.google.errorprone.BugPattern;
import com.google.errorprone.BugPattern.StandardTags;
import com.google.errorprone.ErrorProneFlags;
import com.google.errorprone.VisitorState;
import com.google.errorprone.bugpatterns.BugChecker;
import com.google.errorprone.bugpatterns.BugChecker.MemberReferenceTreeMatcher;
import com.google.errorprone.bugpatterns.BugChecker.MethodInvocationTreeMatcher;
import com.google.errorprone.matchers.Description;
import com.google.errorprone.matchers.Matcher;
import com.google.errorprone.util.ASTHelpers;
import com.sun.source.tree.BinaryTree;
import com.sun.source.tree.ClassTree;
import com.sun.source.tree.ConditionalExpressionTree;
import com.sun.source.tree.EnhancedForLoopTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.IfTree;
import com.sun.source.tree.LambdaExpressionTree;
import com.sun.source.tree.MemberReferenceTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.VariableTree;
import com.sun.source.util.TreePath;
import com.sun.source.util.TreeScanner;
import com.sun.tools.javac.code.Symbol;
import java.util.List;
import javax.inject.Inject;
import javax.lang.model.element.ElementKind;
import org.jspecify.annotations.Nullable;

/**
 * Flags a task running on a bounded thread pool that submits more work to the same pool and then
 * blocks on it: {@code pool.submit(() -> pool.submit(part).get())}. Each waiting task holds one of
 * the pool's threads; once every thread waits, nothing is left to run the work they wait for
 * (thread-starvation deadlock).
 *
 * <p>Reported only when both are provable from this file: the pool is bounded (a local or a private
 * or final field whose every value is {@code Executors.newFixedThreadPool}, {@code
 * newSingleThreadExecutor}, {@code newScheduledThreadPool}, {@code
 * newSingleThreadScheduledExecutor}, or a {@code ThreadPoolExecutor} whose queue holds tasks back
 * rather than growing the pool), and the outer task and the waited-for work go to the same
 * variable. No fix is suggested: every remedy changes how the work is scheduled.
 *
 * <p>About 400 lines: it still holds the one analysis only it uses, "which submissions does this
 * wait wait for" (futures in collections, {@code allOf/anyOf}, dependent stages); whether the pool
 * is bounded is {@link ExecutorOrigins#isBounded}.
 */
@AutoService(BugChecker.class)
@BugPattern(
    summary =
        "A task on a bounded pool blocks on work it submitted to the same pool: when every thread"
            + " waits like this, nothing runs the work they wait for (thread-starvation deadlock)",
    explanation =
        "Each task that blocks on work queued to its own pool holds one of the pool's N threads"
            + " while it waits. Under load N such tasks wait at once, and the work they wait for"
            + " sits in the queue behind them with no thread to run it. Submit the inner work to a"
            + " separate executor, compose asynchronously (thenCompose) instead of blocking, run it"
            + " inline in the task, or fan it out with a TaskGroup, which runs on its own threads"
            + " and whose go from its own task runs inline at the limit.",
    severity = WARNING,
    tags = StandardTags.LIKELY_ERROR,
    linkType = CUSTOM,
    link = FanoutApi.DOCS + "BlockingWaitOnSamePool.md")
public final class BlockingWaitOnSamePool extends BugChecker
    implements MethodInvocationTreeMatcher, MemberReferenceTreeMatcher {

  private static final Matcher<ExpressionTree> IS_DONE =
      instanceMethod().onDescendantOf(Catalogue.FUTURE).named("isDone");

  private static final Matcher<ExpressionTree> COLLECTION_ADD =
      instanceMethod().onDescendantOf("java.util.Collection").named("add");

  private static final Matcher<ExpressionTree> LIST_GET =
      instanceMethod().onDescendantOf("java.util.List").named("get");

  private static final Matcher<ExpressionTree> TO_ARRAY =
      instanceMethod().onDescendantOf("java.util.Collection").named("toArray");

  private static final Matcher<ExpressionTree> ALL_OF =
      staticMethod().onClass(Catalogue.COMPLETABLE_FUTURE).named("allOf");

  private static final Matcher<ExpressionTree> ANY_OF =
      staticMethod().onClass(Catalogue.COMPLETABLE_FUTURE).named("anyOf");

  private static final int MAX_DEPTH = 4;

  private final TaskSinks sinks;
  private final TaskRuns taskRuns;

  /** For {@link java.util.ServiceLoader}, which needs a public no-arg constructor. */
  public BlockingWaitOnSamePool() {
    this(ErrorProneFlags.empty());
  }

  /**
   * Honours {@code -XepOpt:Fanout:TaskSinks}: code handed to a user's sink runs elsewhere, so a
   * wait inside it is not counted against the task around it.
   */
  @Inject
  public BlockingWaitOnSamePool(ErrorProneFlags flags) {
    this.sinks = new TaskSinks(FanoutFlags.from(flags));
    this.taskRuns = new TaskRuns(sinks);
  }

  @Override
  public Description matchMethodInvocation(MethodInvocationTree tree, VisitorState state) {
    return match(tree, state);
  }

  /**
   * A method reference to a waiting call is a wait on each element it is applied to: {@code
   * futures.forEach(Future::get)}, {@code futures.stream().map(CompletableFuture::join).toList()}.
   */
  @Override
  public Description matchMemberReference(MemberReferenceTree tree, VisitorState state) {
    if (!Catalogue.FUTURE_WAIT.matches(tree, state)
        || tree.getMode() != MemberReferenceTree.ReferenceMode.INVOKE
        || tree.getQualifierExpression() == null
        || !(ASTHelpers.getSymbol(tree.getQualifierExpression()) instanceof Symbol.ClassSymbol)) {
      return Description.NO_MATCH; // someFuture::get is a supplier, not a wait per element
    }
    TreePath parent = state.getPath().getParentPath();
    ExpressionTree visited = parent == null ? null : visitedCollection(parent, tree, state);
    if (visited == null) {
      return Description.NO_MATCH;
    }
    for (TaskRuns.TaskRun run : taskRuns.tasksRunning(state.getPath(), state)) {
      Symbol pool = poolOf(run, state);
      if (pool != null
          && elementsWaitOn(visited, pool, scopeOf(run), state, 0)
          && ExecutorOrigins.isBounded(pool, state)) {
        return describe(tree, ASTHelpers.getSymbol(tree), false, pool, run, false);
      }
    }
    return Description.NO_MATCH;
  }

  /** The bounded-pool candidate a task runs on, or null (see {@link #match}). */
  private static @Nullable Symbol poolOf(TaskRuns.TaskRun run, VisitorState state) {
    Tree sinkCall = run.sink.sinkPath.getLeaf();
    ExpressionTree outer =
        sinkCall instanceof MethodInvocationTree methodInvocationTree
            ? TaskSinks.executorOf(methodInvocationTree, state)
            : null;
    Symbol pool = outer == null ? null : variable(outer);
    if (pool == null) {
      return null; // a thread, a group, the default pool, an executor we can't name
    }
    if (pool.getKind() == ElementKind.FIELD && !isStatic(pool) && onAnotherObject(run)) {
      return null; // pool.submit(child::helper): the helper's pool is child's, not this one's
    }
    return pool;
  }

  private Description match(MethodInvocationTree tree, VisitorState state) {
    boolean invoke = Catalogue.INVOKE.matches(tree, state);
    if (!invoke && !Catalogue.FUTURE_WAIT.matches(tree, state)) {
      return Description.NO_MATCH;
    }
    ExpressionTree receiver = ASTHelpers.getReceiver(tree);
    // invokeAll/invokeAny run their tasks on their receiver; a future's pool is found below.
    Symbol invoked = invoke && receiver != null ? variable(receiver) : null;
    if (receiver == null || (invoke && invoked == null)) {
      return Description.NO_MATCH;
    }
    if (!invoke && knownDone(receiver, state.getPath(), state)) {
      return Description.NO_MATCH; // if (f.isDone()) f.get(): reads a result, does not block
    }
    for (TaskRuns.TaskRun run : taskRuns.tasksRunning(state.getPath(), state)) {
      Symbol pool = poolOf(run, state);
      if (pool == null) {
        continue;
      }
      boolean samePool =
          invoke ? invoked == pool : waitsForWorkOn(receiver, pool, scopeOf(run), state, 0);
      if (samePool && ExecutorOrigins.isBounded(pool, state)) {
        return describe(
            tree, ASTHelpers.getSymbol(tree), invoke, pool, run, tree.getArguments().size() > 0);
      }
    }
    return Description.NO_MATCH;
  }

  private Description describe(
      ExpressionTree wait,
      Symbol waiting,
      boolean invoke,
      Symbol pool,
      TaskRuns.TaskRun run,
      boolean withArguments) {
    String name = pool.getSimpleName().toString();
    String method = waiting.getSimpleName().toString();
    String what =
        invoke
            ? "This " + method + " runs its tasks on " + name + " and waits for them"
            : "This " + method + "() waits for work submitted to " + name;
    String where =
        run.helper != null
            ? "in a method called from a task that runs on " + name
            : "in a task that runs on " + name + " (" + run.sink.description + ")";
    boolean timed =
        invoke ? ((MethodInvocationTree) wait).getArguments().size() > 1 : withArguments;
    String message =
        String.format(
            "%s %s. %s is a bounded pool: each waiting task holds one of its threads, and once"
                + " every thread waits, nothing is left to run the work they wait for"
                + " (thread-starvation deadlock)%s. Submit the inner work to a separate"
                + " executor, compose with thenCompose instead of blocking, or run it inline in"
                + " the task; or fan it out with a TaskGroup (its own threads, and a go from its"
                + " own task runs inline at the limit). No fix offered: every remedy changes"
                + " how the work is scheduled, a choice left to you.",
            what,
            where,
            name,
            timed ? "; a timeout only turns the deadlock into failed waits under load" : "");
    return buildDescription(wait).setMessage(message).build();
  }

  /**
   * Whether the task reaches its helper through a method reference on another object ({@code
   * child::helper}, {@code Node::helper}): then the helper's instance fields are that object's.
   * Calls from a task body reach only helpers on {@code this} (see {@link TaskSinks}).
   */
  private static boolean onAnotherObject(TaskRuns.TaskRun run) {
    Tree site = run.callSite == null ? null : run.callSite.getLeaf();
    if (!(site instanceof MemberReferenceTree ref)) {
      return false;
    }

    Symbol target = ASTHelpers.getSymbol(ref);
    if (target == null) {
      return true;
    }
    if (isStatic(target)) {
      return false;
    }
    Symbol qualifier = ASTHelpers.getSymbol(ref.getQualifierExpression());
    return qualifier == null
        || !(qualifier.getSimpleName().contentEquals("this")
            || qualifier.getSimpleName().contentEquals("super"));
  }

  /**
   * Whether the wait at {@code waitPath} on the local future {@code receiver} runs only once it is
   * done: in the {@code then} branch of an {@code if}, or the true arm of a {@code ?:}, whose
   * condition is {@code f.isDone()} or a {@code &&} with it. Looks no further out than the nearest
   * lambda, class or method.
   */
  private static boolean knownDone(ExpressionTree receiver, TreePath waitPath, VisitorState state) {
    ExpressionTree r = strip(receiver);
    Symbol future = r instanceof IdentifierTree ? ASTHelpers.getSymbol(r) : null;
    if (future == null) {
      return false;
    }
    Tree child = waitPath.getLeaf();
    for (TreePath p = waitPath.getParentPath(); p != null; p = p.getParentPath()) {
      Tree leaf = p.getLeaf();
      if (leaf instanceof LambdaExpressionTree
          || leaf instanceof ClassTree
          || leaf instanceof MethodTree) {
        return false;
      }
      if (leaf instanceof IfTree ifTree
          && ifTree.getThenStatement() == child
          && checksDone(ifTree.getCondition(), future, state)) {
        return true;
      }
      if (leaf instanceof ConditionalExpressionTree conditionalExpressionTree
          && conditionalExpressionTree.getTrueExpression() == child
          && checksDone(conditionalExpressionTree.getCondition(), future, state)) {
        return true;
      }
      child = leaf;
    }
    return false;
  }

  /** Whether {@code cond} holds only if {@code future.isDone()}: that call, or an and with it. */
  private static boolean checksDone(ExpressionTree cond, Symbol future, VisitorState state) {
    ExpressionTree c = strip(cond);
    if (c.getKind() == Tree.Kind.CONDITIONAL_AND) {
      BinaryTree and = (BinaryTree) c;
      return checksDone(and.getLeftOperand(), future, state)
          || checksDone(and.getRightOperand(), future, state);
    }
    if (!IS_DONE.matches(c, state)) {
      return false;
    }
    ExpressionTree target = ASTHelpers.getReceiver(c);
    return target != null && ASTHelpers.getSymbol(strip(target)) == future;
  }

  /** The code a future must be created in to count: the task body, or the helper it calls. */
  private static Tree scopeOf(TaskRuns.TaskRun run) {
    return run.helper != null ? run.helper.getLeaf() : run.body.getLeaf();
  }

  // ---------------------------------------------------------------- the waited-for work

  /**
   * Whether completing {@code expr} needs work that was submitted to {@code pool} within {@code
   * scope}: a submission itself ({@code pool.submit(...)}, {@code supplyAsync(..., pool)}), a stage
   * that depends on one, {@code allOf} over one, or a local declared in the scope whose every value
   * is one of these.
   */
  private boolean waitsForWorkOn(
      ExpressionTree expr, Symbol pool, Tree scope, VisitorState state, int depth) {
    if (depth > MAX_DEPTH) {
      return false;
    }
    expr = strip(expr);
    if (expr instanceof MethodInvocationTree) {
      MethodInvocationTree call = (MethodInvocationTree) expr;
      ExpressionTree executor = TaskSinks.executorOf(call, state);
      if (executor != null && variable(executor) == pool) {
        return true;
      }
      if (Catalogue.DEPENDENT_STAGE.matches(call, state)) {
        ExpressionTree source = ASTHelpers.getReceiver(call);
        if (source != null && waitsForWorkOn(source, pool, scope, state, depth + 1)) {
          return true;
        }
        // thenCombine(other, fn) and the like also wait for their other stage.
        return !call.getArguments().isEmpty()
            && isStage(call.getArguments().get(0), state)
            && waitsForWorkOn(call.getArguments().get(0), pool, scope, state, depth + 1);
      }
      if (LIST_GET.matches(call, state)) {
        // futures.get(i).get()
        ExpressionTree list = ASTHelpers.getReceiver(call);
        return list != null && elementsWaitOn(list, pool, scope, state, depth + 1);
      }
      boolean all = ALL_OF.matches(call, state);
      if (all || ANY_OF.matches(call, state)) {
        List<? extends ExpressionTree> args = call.getArguments();
        if (args.isEmpty()) {
          return false;
        }
        for (ExpressionTree arg : args) {
          ExpressionTree array = strip(arg);
          ExpressionTree source =
              TO_ARRAY.matches(array, state) ? ASTHelpers.getReceiver(array) : null;
          boolean waits =
              source != null
                  ? all && elementsWaitOn(source, pool, scope, state, depth + 1)
                  : waitsForWorkOn(arg, pool, scope, state, depth + 1);
          if (all && waits) {
            return true; // allOf waits for every one of them
          }
          if (!all && !waits) {
            return false; // anyOf may complete through another
          }
        }
        return !all;
      }
      return false;
    }
    if (expr instanceof IdentifierTree) {
      Symbol var = ASTHelpers.getSymbol(expr);
      if (var != null && var.getKind() == ElementKind.PARAMETER) {
        // futures.forEach(f -> out.add(f.get())): f is each element in turn
        VariableTree param = UnitIndex.of(state).declaration(var);
        TreePath paramPath =
            param == null ? null : TreePath.getPath(state.getPath().getCompilationUnit(), param);
        TreePath lambda = paramPath == null ? null : paramPath.getParentPath();
        if (lambda == null
            || !(lambda.getLeaf() instanceof LambdaExpressionTree)
            || !within(param, scope, state)) {
          return false;
        }
        TreePath call = lambda.getParentPath();
        ExpressionTree visited =
            call == null ? null : visitedCollection(call, lambda.getLeaf(), state);
        return visited != null && elementsWaitOn(visited, pool, scope, state, depth + 1);
      }
      if (var == null || var.getKind() != ElementKind.LOCAL_VARIABLE) {
        return false;
      }
      VariableTree decl = UnitIndex.of(state).declaration(var);
      List<ExpressionTree> values = UnitIndex.of(state).assignedValues(var);
      if (decl == null || values == null || !within(decl, scope, state)) {
        return false; // a future made before the task started is not the task's to deadlock on
      }
      if (values.isEmpty()) {
        // for (Future<T> f : futures) f.get();
        ExpressionTree iterated = iteratedBy(decl, scope);
        return iterated != null && elementsWaitOn(iterated, pool, scope, state, depth + 1);
      }
      for (ExpressionTree value : values) {
        if (!waitsForWorkOn(value, pool, scope, state, depth + 1)) {
          return false;
        }
      }
      return true;
    }
    return false;
  }

  /**
   * Whether a collection holds a future of work on {@code pool}: a local declared in the scope into
   * which the scope adds one ({@code futures.add(pool.submit(...))}). Waiting for every element
   * waits for that one, whatever else the collection holds.
   */
  private boolean elementsWaitOn(
      ExpressionTree collection, Symbol pool, Tree scope, VisitorState state, int depth) {
    collection = strip(collection);
    Symbol list = collection instanceof IdentifierTree ? ASTHelpers.getSymbol(collection) : null;
    VariableTree decl = list == null ? null : UnitIndex.of(state).declaration(list);
    if (list == null
        || list.getKind() != ElementKind.LOCAL_VARIABLE
        || decl == null
        || !within(decl, scope, state)) {
      return false;
    }
    boolean[] found = {false};
    new TreeScanner<Void, Void>() {
      @Override
      public Void visitMethodInvocation(MethodInvocationTree node, Void unused) {
        ExpressionTree target = ASTHelpers.getReceiver(node);
        if (!found[0]
            && COLLECTION_ADD.matches(node, state)
            && target != null
            && ASTHelpers.getSymbol(strip(target)) == list
            && !node.getArguments().isEmpty()) {
          ExpressionTree element = node.getArguments().get(node.getArguments().size() - 1);
          found[0] = waitsForWorkOn(element, pool, scope, state, depth + 1);
        }
        return super.visitMethodInvocation(node, null);
      }
    }.scan(scope, null);
    return found[0];
  }

  /**
   * The collection whose every element {@code function} is applied to when it is the argument of
   * the call at {@code callPath}: {@code coll.forEach(function)}, {@code
   * coll.stream().forEach(function)}, or {@code coll.stream().map(function)} drained right after by
   * a terminal call that consumes every element ({@link Catalogue#STREAM_DRAIN}); else null.
   */
  private static @Nullable ExpressionTree visitedCollection(
      TreePath callPath, Tree function, VisitorState state) {
    if (!(callPath.getLeaf() instanceof MethodInvocationTree call)
        || call.getArguments().size() != 1
        || call.getArguments().get(0) != function
        || !Catalogue.ELEMENT_VISIT.matches(call, state)) {
      return null;
    }
    ExpressionTree receiver = ASTHelpers.getReceiver(call);
    if (receiver == null) {
      return null;
    }
    receiver = strip(receiver);
    boolean onStream =
        TaskSinks.isSubtype(ASTHelpers.getType(receiver), "java.util.stream.Stream", state);
    if (!onStream) {
      return receiver; // Iterable.forEach
    }
    if (!Catalogue.COLLECTION_STREAM.matches(receiver, state)) {
      return null; // a stream already filtered, limited or of unknown source
    }
    if (ASTHelpers.getSymbol(call).getSimpleName().contentEquals("map")) {
      TreePath select = callPath.getParentPath();
      TreePath drain = select == null ? null : select.getParentPath();
      if (drain == null
          || !(select.getLeaf() instanceof MemberSelectTree)
          || !(drain.getLeaf() instanceof MethodInvocationTree terminal)
          || !Catalogue.STREAM_DRAIN.matches(terminal, state)) {
        return null;
      }
    }
    return ASTHelpers.getReceiver(receiver);
  }

  /** The collection an enhanced {@code for} over {@code loopVar} iterates, within the scope. */
  private static @Nullable ExpressionTree iteratedBy(VariableTree loopVar, Tree scope) {
    ExpressionTree[] found = {null};
    new TreeScanner<Void, Void>() {
      @Override
      public Void visitEnhancedForLoop(EnhancedForLoopTree node, Void unused) {
        if (node.getVariable() == loopVar) {
          found[0] = node.getExpression();
        }
        return super.visitEnhancedForLoop(node, null);
      }
    }.scan(scope, null);
    return found[0];
  }

  private static boolean isStage(ExpressionTree expr, VisitorState state) {
    return TaskSinks.isSubtype(ASTHelpers.getType(expr), Catalogue.COMPLETION_STAGE, state);
  }

  private static boolean within(Tree inner, Tree outer, VisitorState state) {
    int pos = ASTHelpers.getStartPosition(inner);
    return pos >= ASTHelpers.getStartPosition(outer) && pos <= state.getEndPosition(outer);
  }
}
