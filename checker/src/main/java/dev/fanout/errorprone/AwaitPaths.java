package dev.fanout.errorprone;

import static com.google.errorprone.matchers.method.MethodMatchers.instanceMethod;

import com.google.errorprone.VisitorState;
import com.google.errorprone.matchers.Matcher;
import com.google.errorprone.util.ASTHelpers;
import com.google.errorprone.util.Reachability;
import com.sun.source.tree.BinaryTree;
import com.sun.source.tree.BlockTree;
import com.sun.source.tree.BreakTree;
import com.sun.source.tree.CaseTree;
import com.sun.source.tree.CatchTree;
import com.sun.source.tree.ClassTree;
import com.sun.source.tree.ConditionalExpressionTree;
import com.sun.source.tree.ContinueTree;
import com.sun.source.tree.DefaultCaseLabelTree;
import com.sun.source.tree.DoWhileLoopTree;
import com.sun.source.tree.EmptyStatementTree;
import com.sun.source.tree.EnhancedForLoopTree;
import com.sun.source.tree.ExpressionStatementTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.ForLoopTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.IfTree;
import com.sun.source.tree.LabeledStatementTree;
import com.sun.source.tree.LambdaExpressionTree;
import com.sun.source.tree.MemberReferenceTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.ReturnTree;
import com.sun.source.tree.StatementTree;
import com.sun.source.tree.SwitchExpressionTree;
import com.sun.source.tree.SwitchTree;
import com.sun.source.tree.SynchronizedTree;
import com.sun.source.tree.ThrowTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.TryTree;
import com.sun.source.tree.VariableTree;
import com.sun.source.tree.WhileLoopTree;
import com.sun.source.util.TreeScanner;
import com.sun.tools.javac.code.Symbol;
import com.sun.tools.javac.code.Symbol.MethodSymbol;
import com.sun.tools.javac.code.Type;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The await-path analysis behind {@link TaskGroupNotAwaited}: a small forward flow over the
 * statements of one try-with-resources block that tracks, for one {@code TaskGroup}, whether a task
 * may have been started (on some path) or must have been (on every path) with no {@code await()}
 * since, up to each exit of the block: a {@code return}, a {@code break} or {@code continue} out of
 * it, and the block's end.
 *
 * <p>It answers only what it can be sure of. It gives up ({@link #decided()} false) when the group
 * escapes its sight (handed to a call it cannot follow, stored, captured) or the block has a shape
 * it does not model, and it notes when the owner waits for the tasks some other way. Exceptional
 * exits are not exits here: {@code close()} reports the exception that caused them.
 */
final class AwaitPaths {

  private static final Matcher<ExpressionTree> GROUP_METHOD =
      instanceMethod().onExactClass(FanoutApi.TASK_GROUP);

  private final Flow flow;

  private AwaitPaths(Flow flow) {
    this.flow = flow;
  }

  /** Runs the analysis for {@code group} over the try block {@code body}. */
  static AwaitPaths analyse(Symbol group, BlockTree body, VisitorState state) {
    Flow flow = new Flow(group, body, state);
    flow.run();
    return new AwaitPaths(flow);
  }

  /** False when the analysis cannot follow the group through the block. */
  boolean decided() {
    return !flow.unsure;
  }

  /** Whether the block starts a task of the group anywhere. */
  boolean startsTasks() {
    return flow.startsTasks;
  }

  /** Whether the owner waits for the group's work some other way than {@code await()}. */
  boolean ownerWaitsOtherwise() {
    return flow.ownerWaitsOtherwise;
  }

  /** How many {@code await()} calls on the group the block makes. */
  int awaitCount() {
    return flow.awaitCount;
  }

  /** Every exit of the block, in the order the analysis met them, and what holds there. */
  Map<Tree, State> exits() {
    return Collections.unmodifiableMap(flow.exits);
  }

  /**
   * The exits to report: none unless the analysis decided, the block starts tasks and the owner
   * does not wait for them otherwise. Then, when the block never awaits, every exit a started task
   * may reach; when it awaits somewhere, only the exits every path reaches with a task started and
   * not awaited since.
   */
  List<Tree> unawaitedExits() {
    if (!decided() || !startsTasks() || ownerWaitsOtherwise()) {
      return List.of();
    }
    boolean anyAwait = awaitCount() > 0;
    List<Tree> offending = new ArrayList<>();
    for (Map.Entry<Tree, State> exit : flow.exits.entrySet()) {
      State s = exit.getValue();
      if (s != null && (anyAwait ? s.must : s.may)) {
        offending.add(exit.getKey());
      }
    }
    return offending;
  }

  /**
   * What is known at a point of the try block. {@code must}: on every path to here a task was
   * started and {@code await} not called since. {@code may}: on some path.
   */
  record State(boolean must, boolean may) {
    static final State NONE = new State(false, false);

    static State join(State a, State b) {
      if (a == null) {
        return b;
      }
      if (b == null) {
        return a;
      }
      return new State(a.must && b.must, a.may || b.may);
    }

    State started() {
      return new State(true, true);
    }

    State maybeStarted() {
      return new State(must, true);
    }
  }

  /** A statement that break or continue may target inside the analysed block. */
  private static final class JumpTarget {
    final Tree tree;
    final String label;
    final boolean loop;
    State breaks;
    State continues;

    JumpTarget(Tree tree, String label, boolean loop) {
      this.tree = tree;
      this.label = label;
      this.loop = loop;
    }
  }

  /** The forward analysis of one group over one try block. */
  private static final class Flow {
    private final Symbol group;
    private final BlockTree body;
    private final VisitorState state;
    private final Deque<JumpTarget> targets = new ArrayDeque<>();

    /** Exits of the block (returns, jumps out of it, and the block itself for its end). */
    final Map<Tree, State> exits = new LinkedHashMap<>();

    boolean unsure;
    boolean startsTasks;
    boolean ownerWaitsOtherwise;
    int awaitCount;

    Flow(Symbol group, BlockTree body, VisitorState state) {
      this.group = group;
      this.body = body;
      this.state = state;
    }

    void run() {
      State end = block(body.getStatements(), State.NONE);
      exit(body, end);
    }

    private void exit(Tree at, State s) {
      if (s != null) {
        exits.merge(at, s, State::join);
      }
    }

    private State block(List<? extends StatementTree> statements, State in) {
      State s = in;
      for (StatementTree st : statements) {
        s = statement(st, s);
      }
      return s;
    }

    private State statement(StatementTree st, State in) {
      if (in == null) {
        // Unreachable code: javac rejects it; nothing to learn.
        return null;
      }
      if (st instanceof BlockTree blockTree) {
        return block(blockTree.getStatements(), in);
      }
      if (st instanceof ExpressionStatementTree expressionStatementTree) {
        return expression(expressionStatementTree.getExpression(), in);
      }
      if (st instanceof VariableTree variableTree) {
        ExpressionTree init = variableTree.getInitializer();
        return init == null ? in : expression(init, in);
      }
      if (st instanceof IfTree ifTree) {

        State afterCond = expression(ifTree.getCondition(), in);
        State then = statement(ifTree.getThenStatement(), afterCond);
        State otherwise =
            ifTree.getElseStatement() == null
                ? afterCond
                : statement(ifTree.getElseStatement(), afterCond);
        return State.join(then, otherwise);
      }
      if (st instanceof ReturnTree returnTree) {
        ExpressionTree value = returnTree.getExpression();
        State s = value == null ? in : expression(value, in);
        exit(st, s);
        return null;
      }
      if (st instanceof ThrowTree throwTree) {
        expression(throwTree.getExpression(), in);
        return null; // exceptional: close() reports what happened
      }
      if (st instanceof BreakTree br) {

        JumpTarget t = find(br.getLabel() == null ? null : br.getLabel().toString(), false);
        if (t == null) {
          exit(st, in);
        } else {
          t.breaks = State.join(t.breaks, in);
        }
        return null;
      }
      if (st instanceof ContinueTree co) {

        JumpTarget t = find(co.getLabel() == null ? null : co.getLabel().toString(), true);
        if (t == null) {
          exit(st, in);
        } else {
          t.continues = State.join(t.continues, in);
        }
        return null;
      }
      if (st instanceof LabeledStatementTree labeled) {

        StatementTree inner = labeled.getStatement();
        String label = labeled.getLabel().toString();
        if (isLoop(inner)) {
          return loop(inner, label, in);
        }
        JumpTarget t = new JumpTarget(inner, label, false);
        targets.push(t);
        State out = statement(inner, in);
        targets.pop();
        return State.join(out, t.breaks);
      }
      if (isLoop(st)) {
        return loop(st, null, in);
      }
      if (st instanceof TryTree tryTree) {
        return tryStatement(tryTree, in);
      }
      if (st instanceof SynchronizedTree sync) {

        return statement(sync.getBlock(), expression(sync.getExpression(), in));
      }
      if (st instanceof SwitchTree switchTree) {
        return switchStatement(switchTree, in);
      }
      if (st instanceof ClassTree) {
        return opaque(st, in);
      }
      if (st instanceof EmptyStatementTree) {
        return in;
      }
      // assert, yield, anything newer: judged as a whole.
      return opaque(st, in);
    }

    private static boolean isLoop(Tree st) {
      return st instanceof WhileLoopTree
          || st instanceof DoWhileLoopTree
          || st instanceof ForLoopTree
          || st instanceof EnhancedForLoopTree;
    }

    private JumpTarget find(String label, boolean loopOnly) {
      for (JumpTarget t : targets) {
        if (label == null
            ? (!loopOnly || t.loop) && (t.loop || t.tree instanceof SwitchTree)
            : label.equals(t.label)) {
          return t;
        }
      }
      return null; // leaves the try block
    }

    /** Loops: the body may run any number of times; iterate to a fixed point (a few rounds). */
    private State loop(StatementTree st, String label, State in) {
      State entry = in;
      ExpressionTree cond = null;
      StatementTree loopBody;
      boolean atLeastOnce = false;
      if (st instanceof WhileLoopTree whileLoopTree) {
        cond = whileLoopTree.getCondition();
        loopBody = whileLoopTree.getStatement();
      } else if (st instanceof DoWhileLoopTree doWhileLoopTree) {
        cond = doWhileLoopTree.getCondition();
        loopBody = doWhileLoopTree.getStatement();
        atLeastOnce = true;
      } else if (st instanceof ForLoopTree f) {

        for (StatementTree init : f.getInitializer()) {
          entry = statement(init, entry);
        }
        cond = f.getCondition();
        loopBody = f.getStatement();
        if (mentionsGroup(f.getUpdate())) {
          unsure = true;
        }
      } else {
        EnhancedForLoopTree f = (EnhancedForLoopTree) st;
        entry = expression(f.getExpression(), entry);
        loopBody = f.getStatement();
      }
      if (cond != null && mentionsGroup(cond)) {
        unsure = true; // tryGo in a loop condition and the like: too clever to follow
      }
      boolean forever =
          (st instanceof ForLoopTree && cond == null)
              || (cond != null && Boolean.TRUE.equals(ASTHelpers.constValue(cond, Boolean.class)));
      State head = entry;
      State exitState = null;
      JumpTarget t = null;
      for (int round = 0; round < 4; round++) {
        t = new JumpTarget(st, label, true);
        targets.push(t);
        State bodyOut = statement(loopBody, head);
        targets.pop();
        State back = State.join(bodyOut, t.continues);
        // Leaving through the condition: after zero rounds (not for do-while) or after a round.
        exitState = forever ? null : (atLeastOnce ? back : State.join(head, back));
        State next = State.join(entry, back);
        if (next.equals(head)) {
          break;
        }
        head = next;
      }
      return State.join(exitState, t.breaks);
    }

    private State tryStatement(TryTree tr, State in) {
      if (tr.getFinallyBlock() != null && mentionsGroup(tr.getFinallyBlock())) {
        unsure = true;
        return in;
      }
      State s = in;
      for (Tree r : tr.getResources()) {
        s =
            r instanceof StatementTree statementTree
                ? statement(statementTree, s)
                : expression((ExpressionTree) r, s);
      }
      State tryOut = statement(tr.getBlock(), s);
      // A catch may be entered from anywhere in the try, so only what held before the try can be
      // certain there: a task that certainly ran before it is still unawaited in the catch unless
      // the try (or a resource) may have awaited first (a catch of await's own failure).
      boolean mayInside = in.may || startsIn(tr.getBlock()) || startsInAny(tr.getResources());
      boolean mustInside = in.must && !awaitsIn(tr.getBlock()) && !mentionsGroup(tr.getResources());
      State catchIn = new State(mustInside, mayInside);
      State out = tryOut;
      for (CatchTree c : tr.getCatches()) {
        out = State.join(out, statement(c.getBlock(), catchIn));
      }
      if (tr.getFinallyBlock() != null) {
        // A finally that does not touch the group passes the state through.
        if (out != null) {
          out = statement(tr.getFinallyBlock(), out);
        } else if (!Reachability.canCompleteNormally(tr.getFinallyBlock())) {
          out = null;
        }
      }
      return out;
    }

    private State switchStatement(SwitchTree sw, State in) {
      if (mentionsGroup(sw.getCases()) && awaitsIn(sw)) {
        unsure = true; // whether every case awaits depends on exhaustiveness: don't guess
        return new State(false, in.may || startsIn(sw));
      }
      State selected = expression(sw.getExpression(), in);
      JumpTarget t = new JumpTarget(sw, null, false);
      targets.push(t);
      State fallthrough = null;
      boolean hasDefault = false;
      for (CaseTree c : sw.getCases()) {
        if (c.getExpressions().isEmpty() && c.getLabels().size() <= 1 && isDefault(c)) {
          hasDefault = true;
        }
        State caseIn = State.join(selected, fallthrough);
        if (c.getCaseKind() == CaseTree.CaseKind.RULE) {
          Tree caseBody = c.getBody();
          State out;
          if (caseBody instanceof StatementTree statementTree) {
            out = statement(statementTree, selected);
          } else if (caseBody instanceof ExpressionTree expressionTree) {
            out = expression(expressionTree, selected);
          } else {
            out = selected;
          }
          t.breaks = State.join(t.breaks, out);
          fallthrough = null;
        } else {
          fallthrough = block(c.getStatements(), caseIn);
        }
      }
      targets.pop();
      State out = State.join(t.breaks, fallthrough);
      return hasDefault ? out : State.join(out, selected);
    }

    private static boolean isDefault(CaseTree c) {
      return c.getLabels().isEmpty() || c.getLabels().get(0) instanceof DefaultCaseLabelTree;
    }

    /** A statement judged as a whole: starts count as "may", an await makes us unsure. */
    private State opaque(Tree st, State in) {
      if (awaitsIn(st) || escapesIn(st)) {
        unsure = true;
      }
      return startsIn(st) ? in.maybeStarted() : in;
    }

    /**
     * Evaluates an expression: its group calls in order. Calls under a condition ({@code ?:},
     * {@code &&}, {@code ||}, switch expressions) and in lambdas or classes only "may" happen.
     */
    private State expression(ExpressionTree expr, State in) {
      State[] s = {in};
      new TreeScanner<Void, Integer>() {
        @Override
        public Void visitMethodInvocation(MethodInvocationTree node, Integer conditional) {
          super.visitMethodInvocation(node, conditional);
          if (isOnGroup(node)) {
            s[0] = groupCall(node, s[0], conditional > 0);
          } else if (blocksOtherwise(node)) {
            ownerWaitsOtherwise = true;
          }
          return null;
        }

        @Override
        public Void visitConditionalExpression(ConditionalExpressionTree node, Integer c) {
          scan(node.getCondition(), c);
          scan(node.getTrueExpression(), c + 1);
          scan(node.getFalseExpression(), c + 1);
          return null;
        }

        @Override
        public Void visitBinary(BinaryTree node, Integer c) {
          boolean shortCircuit =
              node.getKind() == Tree.Kind.CONDITIONAL_AND
                  || node.getKind() == Tree.Kind.CONDITIONAL_OR;
          scan(node.getLeftOperand(), c);
          scan(node.getRightOperand(), shortCircuit ? c + 1 : c);
          return null;
        }

        @Override
        public Void visitSwitchExpression(SwitchExpressionTree node, Integer c) {
          scan(node.getExpression(), c);
          if (awaitsIn(node)) {
            unsure = true;
          }
          if (startsIn(node)) {
            s[0] = s[0].maybeStarted();
          }
          return null;
        }

        @Override
        public Void visitLambdaExpression(LambdaExpressionTree node, Integer c) {
          return deferred(node);
        }

        @Override
        public Void visitClass(ClassTree node, Integer c) {
          return deferred(node);
        }

        @Override
        public Void visitMemberReference(MemberReferenceTree node, Integer c) {
          if (isGroup(node.getQualifierExpression())) {
            String name = node.getName().toString();
            if (name.equals(FanoutApi.GO) || name.equals(FanoutApi.TRY_GO)) {
              startsTasks = true;
              s[0] = s[0].maybeStarted();
            } else if (!name.equals(FanoutApi.CONTEXT_METHOD)) {
              unsure = true; // g::await, g::close: when they run is unknown
            }
            return null;
          }
          return super.visitMemberReference(node, c);
        }

        @Override
        public Void visitIdentifier(IdentifierTree node, Integer c) {
          checkEscape(node);
          return null;
        }

        @Override
        public Void visitMemberSelect(MemberSelectTree node, Integer c) {
          // g.go(...) and friends arrive here as the method select; the receiver is fine.
          if (isGroup(node.getExpression())) {
            return null;
          }
          return super.visitMemberSelect(node, c);
        }

        // Code that runs later, or elsewhere: starts there "may" happen; awaits are unknown.
        private Void deferred(Tree node) {
          if (awaitsIn(node) || escapesIn(node)) {
            unsure = true;
          }
          if (startsIn(node)) {
            s[0] = s[0].maybeStarted();
          }
          return null;
        }
      }.scan(expr, 0);
      return s[0];
    }

    private State groupCall(MethodInvocationTree node, State s, boolean conditional) {
      String name = ASTHelpers.getSymbol(node).getSimpleName().toString();
      return switch (name) {
        case FanoutApi.GO -> {
          startsTasks = true;
          yield conditional ? s.maybeStarted() : s.started();
        }
        case FanoutApi.TRY_GO -> {
          startsTasks = true;
          yield s.maybeStarted();
        }
        // it may start nothing
        case FanoutApi.AWAIT -> {
          awaitCount++;
          yield conditional ? new State(false, s.may) : State.NONE;
        }
        case FanoutApi.SET_LIMIT, FanoutApi.CONTEXT_METHOD -> s;
        default -> {
          unsure = true; // close() by hand, or a method this check does not know
          yield s;
        }
      };
    }

    /** A use of the group other than as the receiver of its own methods: it escapes. */
    private void checkEscape(IdentifierTree node) {
      if (group.equals(ASTHelpers.getSymbol(node))) {
        unsure = true;
      }
    }

    private boolean isGroup(ExpressionTree tree) {
      return tree != null && group.equals(ASTHelpers.getSymbol(TaskGroupModel.strip(tree)));
    }

    private boolean isOnGroup(MethodInvocationTree node) {
      return GROUP_METHOD.matches(node, state) && isGroup(ASTHelpers.getReceiver(node));
    }

    /**
     * The owner blocks on something other than a group's await: a call declared to throw
     * InterruptedException ({@code queue.take()}, {@code latch.await()}, {@code future.get()},
     * {@code Thread.sleep}) or {@code CompletableFuture.join()}. It waits for its tasks in its own
     * way ("first result wins", "run for a while"), and close()'s cancel-then-wait may be exactly
     * what it means.
     */
    private boolean blocksOtherwise(MethodInvocationTree node) {
      if (GROUP_METHOD.matches(node, state)) {
        return false;
      }
      if (Catalogue.COMPLETABLE_FUTURE_JOIN.matches(node, state)) {
        return true;
      }
      MethodSymbol sym = ASTHelpers.getSymbol(node);
      Type interrupted = state.getSymtab().interruptedExceptionType;
      if (sym == null) {
        return false;
      }
      for (Type thrown : sym.getThrownTypes()) {
        if (ASTHelpers.isSubtype(thrown, interrupted, state)) {
          return true;
        }
      }
      return false;
    }

    private boolean startsIn(Tree tree) {
      return count(tree, true) > 0;
    }

    private boolean startsInAny(List<? extends Tree> trees) {
      for (Tree t : trees) {
        if (startsIn(t)) {
          return true;
        }
      }
      return false;
    }

    private boolean awaitsIn(Tree tree) {
      return count(tree, false) > 0;
    }

    /** Calls of go/tryGo (starts) or of await on the group inside {@code tree}, anywhere. */
    private int count(Tree tree, boolean starts) {
      int[] n = {0};
      new TreeScanner<Void, Void>() {
        @Override
        public Void visitMethodInvocation(MethodInvocationTree node, Void unused) {
          if (isOnGroup(node)) {
            String name = ASTHelpers.getSymbol(node).getSimpleName().toString();
            boolean start = name.equals(FanoutApi.GO) || name.equals(FanoutApi.TRY_GO);
            if (starts ? start : name.equals(FanoutApi.AWAIT)) {
              n[0]++;
            }
            if (start) {
              startsTasks = true;
            }
          }
          return super.visitMethodInvocation(node, null);
        }
      }.scan(tree, null);
      return n[0];
    }

    /** Whether the group is used in {@code tree} other than as the receiver of its methods. */
    private boolean escapesIn(Tree tree) {
      boolean[] found = {false};
      new TreeScanner<Void, Void>() {
        @Override
        public Void visitMemberSelect(MemberSelectTree node, Void unused) {
          if (isGroup(node.getExpression())) {
            return null;
          }
          return super.visitMemberSelect(node, null);
        }

        @Override
        public Void visitMemberReference(MemberReferenceTree node, Void unused) {
          if (isGroup(node.getQualifierExpression())) {
            String name = node.getName().toString();
            if (!name.equals(FanoutApi.GO)
                && !name.equals(FanoutApi.TRY_GO)
                && !name.equals(FanoutApi.CONTEXT_METHOD)) {
              found[0] = true;
            }
            return null;
          }
          return super.visitMemberReference(node, null);
        }

        @Override
        public Void visitIdentifier(IdentifierTree node, Void unused) {
          if (group.equals(ASTHelpers.getSymbol(node))) {
            found[0] = true;
          }
          return null;
        }
      }.scan(tree, null);
      return found[0];
    }

    private boolean mentionsGroup(Tree tree) {
      boolean[] found = {false};
      new TreeScanner<Void, Void>() {
        @Override
        public Void visitIdentifier(IdentifierTree node, Void unused) {
          if (group.equals(ASTHelpers.getSymbol(node))) {
            found[0] = true;
          }
          return null;
        }
      }.scan(tree, null);
      return found[0];
    }

    private boolean mentionsGroup(List<? extends Tree> trees) {
      for (Tree t : trees) {
        if (mentionsGroup(t)) {
          return true;
        }
      }
      return false;
    }
  }
}
