/**
 * Fanout's Error Prone checks, in four layers; a newcomer reads them in this order.
 *
 * <ol>
 *   <li><b>Catalogues</b>: the API names and flags the checks know, each list in one place with a
 *       reason per entry: {@code Catalogue} (JDK and libraries), {@code FanoutApi} (Fanout's
 *       runtime), {@code FanoutFlags} (every {@code -XepOpt:} flag).
 *   <li><b>Analyses</b>: questions about code, answered once: {@code TaskSinks} (which calls run
 *       code concurrently, and which tasks run a piece of code), {@code ThreadSafety}, {@code
 *       GuardedRegions}, {@code TaskGroupModel} (groups and contexts), {@code ExecutorOrigins},
 *       {@code AwaitPaths}, {@code FanOutSize}, {@code JoinOrder}, {@code SharedState}; {@code
 *       Variables}, {@code UnitIndex}, {@code Mentions} and {@code ThrownTypes} underneath.
 *   <li><b>Checks</b>: one {@code BugChecker} per file; each matches a tree, asks the analyses, and
 *       reports with a message and, where one is safe, a fix.
 *   <li><b>Fixes</b>: built in the check, or in {@code SharedMutationFixes}, and laid out by {@code
 *       FixLayout} like the code around them; {@code FixOffer} carries a fix or why there is none.
 *       Each is tested by applying it and compiling the result.
 * </ol>
 *
 * <p>A check that throws is a bug: nothing here catches it, and Error Prone reports it as a compile
 * error naming the check. More in {@code docs/checker-internals.md}.
 */
package dev.fanout.errorprone;
